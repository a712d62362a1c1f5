"""``gzg lblod import``: a newer LBLOD export into the store's LBLOD graph, whole, validated, or not at all.

The export is derived by the rules ``scripts/derive_lblod_data.py`` uses (:mod:`.derivation`) into the files
of ``data/lblod/``, and those files are mapped by the build's own mapping (``mapping/lblod.py``): the graph
written is exactly the one ``gzg build`` makes once the files are in ``data/lblod/`` (``write_data``). Under
the store's write lock the new graph is compared with the stored one; when they say the same, nothing is
written (no new generation). Otherwise the store with the new graph is validated against the shapes
(incrementally for a change of up to ``FULL_VALIDATION_ABOVE`` triples, else the whole dataset) and the LBLOD
graph and the catalogue's description of it are replaced in one atomic step. Works through the ``Store``
interface only, so on every backend.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, VOID, XSD

from ..config import Settings
from ..errors import GzgError
from ..formats import RdfFormat
from ..mapping.lblod import local_governments_graph
from ..store.base import Store
from ..terms import to_oxigraph, to_oxigraph_resource, to_rdflib
from ..uris import GRAPH_LBLOD, GRAPH_METADATA, GRAPH_ONTOLOGY, UriPolicy
from ..validation import ValidationFailed, ValidationReport, load_shapes, validate, validate_change
from .changes import LblodChanges, Triple, compare, keyed, triple_key
from .derivation import LBLOD_GRAPH_FILES, Derived, derive
from .export import ExportFiles, Inputs

log = logging.getLogger(__name__)

#: Changes larger than this (triples added + removed) are validated as a whole dataset, not incrementally.
FULL_VALIDATION_ABOVE = 5000


@dataclass
class ImportResult:
    """What an import found and did: ``written`` is False when nothing changed, on a dry run or a refusal."""

    changes: LblodChanges
    written: bool = False
    dry_run: bool = False
    validation: str = "none"  # none (no change), incremental or full
    report: ValidationReport | None = None
    triples: int = 0  # the new LBLOD graph's size
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    data_files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "written": self.written,
            "dry_run": self.dry_run,
            "validation": self.validation,
            "conforms": None if self.report is None else self.report.conforms,
            "triples": self.triples,
            "changes": self.changes.as_json(),
            "notes": self.notes,
            "ignored_files": self.ignored,
            "data_files_written": self.data_files,
            "seconds": self.seconds,
        }


class ImportRefused(ValidationFailed):
    """The store with the new LBLOD graph would violate the shapes: nothing was written."""

    def __init__(self, report: ValidationReport, changes: LblodChanges):
        self.changes = changes
        super().__init__(report, f"LBLOD import refused, store unchanged: {report.summary('en')}")


def import_lblod(
    settings: Settings,
    store: Store,
    paths: Iterable[Path],
    *,
    write_data: Path | None = None,
    dry_run: bool = False,
    full_validation: bool = False,
) -> ImportResult:
    """Derive the export in ``paths``, compare, validate and (unless ``dry_run``) replace the LBLOD graph.

    Raises SourceError/DerivationError for unusable input and ImportRefused for a violating one; in both
    cases the store is unchanged. ``write_data`` also writes the derived files there (``data/lblod``), after
    the store took them, so that a later ``gzg build`` keeps the import."""
    uris = UriPolicy(settings.base_uri)
    clock = _Clock()
    files = ExportFiles.of(paths)
    derived = derive(Inputs.read(files))
    graph = lblod_graph(derived, uris)
    clock.lap("derive")
    with store.locked():
        result = _apply(settings, store, uris, graph, dry_run, full_validation, clock)
    result.notes, result.ignored = derived.notes, [str(p) for p in files.ignored]
    if write_data is not None and not dry_run:
        result.data_files = write_files(derived, write_data)
    result.seconds = clock.seconds
    return result


def lblod_graph(derived: Derived, uris: UriPolicy) -> Graph:
    """The LBLOD graph of the derived files, mapped as ``gzg build`` maps ``data/lblod/``."""
    with tempfile.TemporaryDirectory(prefix="gzg-lblod-") as folder:
        write_files(derived, Path(folder))
        return local_governments_graph(Path(folder), uris)


def write_files(derived: Derived, folder: Path) -> list[str]:
    """The files of the LBLOD graph (not REFNIS nor the Loket's measure, which are graphs of their own)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in LBLOD_GRAPH_FILES:
        (folder / name).write_bytes(derived.files[name])
        written.append(str(folder / name))
    return written


def _apply(
    settings: Settings, store: Store, uris: UriPolicy, new: Graph, dry_run: bool, full: bool, clock: _Clock
) -> ImportResult:
    name, meta_name = str(uris.graph(GRAPH_LBLOD)), str(uris.graph(GRAPH_METADATA))
    if not store.has_graph(name):
        raise GzgError(f"the store has no LBLOD graph {name}: run `gzg build` first")
    stored = _read_ox(store, name)
    lblod_change = _difference({_ox(t) for t in new}, stored)
    if not any(lblod_change):
        clock.lap("compare")
        log.info("LBLOD import: the store's LBLOD graph already says the same; nothing written")
        return ImportResult(LblodChanges(), dry_run=dry_run, triples=len(new))
    changes = compare((_rdflib(t) for t in stored), new, uris)
    changes.triples_added, changes.triples_removed = len(lblod_change[0]), len(lblod_change[1])
    result = ImportResult(changes, dry_run=dry_run, triples=len(new))
    clock.lap("compare")
    old_meta = read_triples(store, meta_name) if store.has_graph(meta_name) else []
    new_meta = refreshed_metadata(old_meta, uris, len(new)) if old_meta else Graph()
    full = full or changes.triples_added + changes.triples_removed > FULL_VALIDATION_ABOVE
    if full:
        result.report = _validate_whole(settings, store, uris, new + new_meta)
    else:
        meta_change = _difference({_ox(t) for t in new_meta}, _read_ox(store, meta_name))
        result.report = _validate_change(settings, store, uris, [lblod_change, meta_change])
    result.validation = "full" if full else "incremental"
    clock.lap("validation")
    if not result.report.conforms:
        log.warning("LBLOD import refused: %s", result.report.summary("en"))
        raise ImportRefused(result.report, changes)
    if not dry_run:
        payload = {name: _ntriples(new), **({meta_name: _ntriples(new_meta)} if old_meta else {})}
        store.replace_graphs(payload)
        result.written = True
        clock.lap("store")
    return result


def _validate_change(
    settings: Settings, store: Store, uris: UriPolicy, graph_changes: list[tuple[list[Triple], list[Triple]]]
) -> ValidationReport:
    """The replaced graphs' change to the merge of all graphs, validated incrementally against the store: a
    triple another graph also holds neither appears nor goes."""
    replaced = {str(uris.graph(GRAPH_LBLOD)), str(uris.graph(GRAPH_METADATA))}
    held: set[tuple] = set()
    for info in store.graphs():
        if info.name not in replaced:
            held.update(keyed(read_triples(store, info.name)))
    added, removed = Graph(), Graph()
    for plus, minus in graph_changes:
        added += (t for t in plus if triple_key(t) not in held)
        removed += (t for t in minus if triple_key(t) not in held)
    return validate_change(added, removed, store, load_shapes(settings.shapes, uris))


def _validate_whole(settings: Settings, store: Store, uris: UriPolicy, replacement: Graph) -> ValidationReport:
    """The whole dataset with the replaced graphs, as ``gzg build`` validates it (the ontology apart)."""
    replaced = {str(uris.graph(GRAPH_LBLOD)), str(uris.graph(GRAPH_METADATA))}
    ontology_name = str(uris.graph(GRAPH_ONTOLOGY))
    data, ontology = Graph(), Graph()
    data += replacement
    for info in store.graphs():
        if info.name not in replaced:
            (ontology if info.name == ontology_name else data).addN(
                (*t, ontology if info.name == ontology_name else data) for t in read_triples(store, info.name)
            )
    return validate(data, load_shapes(settings.shapes, uris), ontology=ontology if len(ontology) else None)


def refreshed_metadata(old: list[Triple], uris: UriPolicy, triples: int) -> Graph:
    """The catalogue with the LBLOD dataset's size and modification time (and the catalogue's) brought up to date."""
    now = Literal(datetime.now(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    meta = Graph()
    meta += old
    dataset = uris.graph(GRAPH_LBLOD)
    meta.set((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    meta.set((dataset, DCTERMS.modified, now))
    meta.set((dataset, PROV.generatedAtTime, now))
    meta.set((uris.id("catalog", "gzg"), DCTERMS.modified, now))
    return meta


def read_triples(store: Store, name: str) -> list[Triple]:
    """One named graph of the store, through the Store interface (N-Triples), as rdflib terms spelt as stored."""
    return [_rdflib(t) for t in _read_ox(store, name)]


def _read_ox(store: Store, name: str) -> set[ox.Triple]:
    body = store.export(RdfFormat.NTRIPLES, name)
    return {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}


def _ox(triple: Triple) -> ox.Triple:
    s, p, o = triple
    return ox.Triple(to_oxigraph_resource(s), ox.NamedNode(str(p)), to_oxigraph(o))


def _rdflib(triple: ox.Triple) -> Triple:
    return to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)


def _difference(new: set[ox.Triple], old: set[ox.Triple]) -> tuple[list[Triple], list[Triple]]:
    """(added, removed): the triples of ``new`` that ``old`` lacks and the reverse. Compared as written first (fast:
    tens of thousands of triples), then the few left by value, since a store may respell a literal it keeps
    (``"1.0"^^xsd:decimal`` as ``"1"``)."""
    before, after = keyed(_rdflib(t) for t in old - new), keyed(_rdflib(t) for t in new - old)
    return [t for k, t in after.items() if k not in before], [t for k, t in before.items() if k not in after]


def _ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


class _Clock:
    """Seconds per step, for the report and the measurement of an import."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(now - self._last, 3)
        self._last = now
