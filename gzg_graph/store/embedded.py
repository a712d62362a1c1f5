"""The embedded store: pyoxigraph in memory, made durable by atomic snapshots on disk.

Why in memory and not pyoxigraph's on-disk RocksDB store: measured on this project's machine
(``benchmarks/store_modes.py``), joins and aggregates run several times faster in memory while
loading is about as fast either way, and the whole GZG graph fits in memory many times over.
Durability comes from the snapshot directory instead (:mod:`.snapshots`): a write builds the new state
in a staging store, writes it as a new generation and only then makes it live, so a crash never loses
committed data or shows half a write. Writers from several processes are serialised by a file lock; a
reading process picks up a newer generation with :meth:`EmbeddedStore.refresh`.

The store's default graph holds the set merge of the named graphs (:mod:`.dataset`), so that a query
without a dataset sees each triple once, as SPARQL's RDF merge says.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError, SourceError, StoreError
from ..formats import RdfFormat, ResultFormat
from ..terms import to_oxigraph, to_oxigraph_resource, to_rdflib
from . import snapshots
from .base import Bindings, Change, ChangeCheck, GraphInfo, QueryResult, Store, Triple, detect_query_kind
from .dataset import DEFAULT, merged_store, named_quads, remerge, resolve
from .results import CappedBuffer, serialise_into
from .updates import UsingDataset, operations

log = logging.getLogger(__name__)


class EmbeddedStore(Store):
    """pyoxigraph in memory; durable when given a directory, ephemeral (for tests) without one."""

    def __init__(
        self,
        directory: Path | str | None = None,
        *,
        prefixes: Mapping[str, str] | None = None,
        create: bool = True,
        max_result_bytes: int | None = None,
    ):
        """``create=False`` (for commands that only read) refuses a directory that holds no store rather
        than creating an empty one; ``max_result_bytes`` bounds what one query may serialise."""
        self.directory = Path(directory) if directory is not None else None
        self.prefixes = dict(prefixes or {})
        self.max_result_bytes = max_result_bytes
        self._write_lock = threading.RLock()
        self._lock_depth = 0
        self._generation: str | None = None
        self._store = ox.Store()
        if self.directory is not None:
            snapshots.open_directory(self.directory, create)
            self.refresh()

    @classmethod
    def holding(
        cls, quads: list[ox.Quad], graphs: Collection[str], *, prefixes: Mapping[str, str] | None = None
    ) -> EmbeddedStore:
        """An ephemeral store holding ``quads`` in ``graphs`` (named even when empty): a remote store's copy."""
        store = cls(prefixes=prefixes)
        for name in graphs:
            store._store.add_graph(ox.NamedNode(name))
        store._store.extend(quads)
        remerge(store._store)
        return store

    def lines(self, graph: str) -> set[bytes]:
        """One named graph as a set of N-Triples lines (blank node labels are the store's own)."""
        return set(_bytes(self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))).splitlines())

    # ---------------------------------------------------------------- reading

    def query(
        self,
        sparql: str,
        result_format: ResultFormat | RdfFormat | None = None,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        output = CappedBuffer(self.max_result_bytes)
        kind, media_type = self.query_into(
            output,
            sparql,
            result_format,
            union_default_graph=union_default_graph,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            bindings=bindings,
            base_iri=base_iri,
        )
        return QueryResult(kind, media_type, output.getvalue())

    def query_into(
        self,
        output: Any,
        sparql: str,
        result_format: ResultFormat | RdfFormat | None = None,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
    ) -> tuple[str, str]:
        """Run a query, writing its result to ``output`` (``write(bytes)``) while the engine produces it;
        returns the kind of query and the media type. This is how a large result streams (see ``pool``)."""
        kind = detect_query_kind(sparql)
        if kind == "update":
            raise QueryError("not a query (SELECT, ASK, CONSTRUCT or DESCRIBE); updates go to update()")
        options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        if bindings:
            options["substitutions"] = {ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()}
        target = self._store
        dataset = resolve(sparql, default_graphs, named_graphs)
        if dataset.whole_store:  # the default graph is the materialised merge; every named graph is visible
            options["default_graph"] = [DEFAULT] if union_default_graph else []
        else:
            defaults = dataset.default or []
            if len(defaults) > 1:  # several default graphs: their set merge, in a store of their own
                target = merged_store(self._store, dataset)
                options["default_graph"] = [DEFAULT]
            else:
                options["default_graph"] = [ox.NamedNode(g) for g in defaults]
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named or []]
        try:
            result = target.query(sparql, **options)
            return kind, serialise_into(result, result_format, output)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except (OSError, ValueError, TypeError, RuntimeError) as e:  # e.g. an unknown function: RuntimeError
            raise QueryError(f"SPARQL evaluation error: {e}") from e

    def triples_from(self, subjects: Collection[Node], *, skip: Collection[URIRef] = ()) -> set[Triple]:
        skipped = {ox.NamedNode(p) for p in skip}
        found: set[Triple] = set()
        for subject in subjects:
            if isinstance(subject, Literal):
                continue
            for quad in self._store.quads_for_pattern(to_oxigraph_resource(subject), None, None, DEFAULT):
                if quad.predicate not in skipped:
                    found.add((subject, URIRef(quad.predicate.value), to_rdflib(quad.object)))
        return found

    def triples_to(self, objects: Collection[Node], predicates: Collection[URIRef] | None = None) -> set[Triple]:
        found: set[Triple] = set()
        links = [ox.NamedNode(p) for p in predicates] if predicates is not None else [None]
        for node in objects:
            if isinstance(node, Literal):
                continue
            target = to_oxigraph(node)
            for link in links:
                for quad in self._store.quads_for_pattern(None, link, target, DEFAULT):
                    if isinstance(quad.subject, ox.NamedNode):
                        found.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), node))
        return found

    def has_graph(self, name: str) -> bool:
        return bool(self._store.contains_named_graph(ox.NamedNode(name)))

    def graphs(self) -> list[GraphInfo]:
        infos = []
        for name in self._store.named_graphs():
            count = sum(1 for _ in self._store.quads_for_pattern(None, None, None, name))
            infos.append(GraphInfo(name.value, count))
        return sorted(infos, key=lambda g: g.name)

    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        target = fmt.oxigraph
        if graph is not None:
            name = ox.NamedNode(graph)
            if name not in set(self._store.named_graphs()):
                raise StoreError(f"no graph named <{graph}>")
            if fmt in (RdfFormat.NQUADS, RdfFormat.TRIG):  # where graphs can be named, the graph keeps its name
                quads = self._store.quads_for_pattern(None, None, None, name)
                return _bytes(ox.serialize(quads, format=target, prefixes=self.prefixes))
            return _bytes(self._store.dump(format=target, from_graph=name, prefixes=self.prefixes))
        if fmt.is_dataset_format:
            return _bytes(ox.serialize(named_quads(self._store), format=target, prefixes=self.prefixes))
        return _bytes(self._store.dump(format=target, from_graph=DEFAULT, prefixes=self.prefixes))  # the merge

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        return sum(info.triples for info in self.graphs())

    @property
    def generation(self) -> str | None:
        """The id of the snapshot generation this store holds (None if ephemeral or empty)."""
        return self._generation

    def refresh(self) -> bool:
        """Load the generation ``CURRENT`` names if it is newer than ours; True if it changed."""
        if self.directory is None:
            return False
        current = snapshots.read_current(self.directory)
        if current is None or current == self._generation:
            return False
        fresh = snapshots.load(self.directory, current)
        remerge(fresh)  # the default graph: the merge of the named graphs
        self._store, self._generation = fresh, current
        return True

    # ---------------------------------------------------------------- writing

    def update(
        self,
        sparql: str,
        *,
        using: UsingDataset | None = None,
        base_iri: str | None = None,
        check: ChangeCheck | None = None,
    ) -> Change:
        steps = operations(sparql, using)  # refuses LOAD and a doubly given dataset before anything runs
        options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        change = Change(Graph(), Graph())

        def apply(staging: ox.Store) -> None:
            nonlocal change
            remerge(staging)  # each operation sees the merge as the operations before it left it
            before = _default_lines(staging)
            current = before
            for number, step in enumerate(steps, 1):
                _run_update(staging, step, options, number)
                current = _checked_merge(staging, current, number)
            change = Change(_graph(current - before), _graph(before - current))
            if check is not None:
                check(change)

        self._write(apply, remerged=True)
        return change

    def replace_graphs(self, graphs: Mapping[str, bytes], *, drop_others: bool = False) -> None:
        parsed = {name: _parse_ntriples(data, name) for name, data in graphs.items()}

        def apply(staging: ox.Store) -> None:
            if drop_others:
                staging.clear()
            for name, quads in parsed.items():
                staging.remove_graph(ox.NamedNode(name))
                staging.add_graph(ox.NamedNode(name))
                staging.extend(quads)

        self._write(apply, fresh=drop_others)

    def add(self, graph: str, ntriples: bytes) -> None:
        quads = _parse_ntriples(ntriples, graph)
        self._write(lambda staging: staging.extend(quads))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock (threads of this process and other processes alike), on the newest
        generation. Validation and commit inside one ``locked()`` block see and change the same state."""
        with self._write_lock:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            with snapshots.process_lock(self.directory) if self.directory else contextlib.nullcontext():
                self._lock_depth = 1
                try:
                    self.refresh()  # another process may have written since we loaded
                    yield
                finally:
                    self._lock_depth = 0

    def _write(self, apply: Callable[[ox.Store], None], *, fresh: bool = False, remerged: bool = False) -> None:
        """Apply a change to a staging copy, persist it as a new generation, then make it live.
        ``remerged``: ``apply`` leaves the default graph the merge of the named graphs itself."""
        with self.locked():
            staging = ox.Store()
            if not fresh:
                # a copy of the named graphs (the live store is untouched until the switch); the merge is
                # rebuilt once, after the change
                staging.extend(list(named_quads(self._store)))
            apply(staging)
            if not remerged:
                remerge(staging)
            generation = self._persist(staging)
            self._store, self._generation = staging, generation

    def _persist(self, staging: ox.Store) -> str | None:
        if self.directory is None:
            return None
        sizes = {
            g.value: sum(1 for _ in staging.quads_for_pattern(None, None, None, g)) for g in staging.named_graphs()
        }
        generation = snapshots.write(self.directory, named_quads(staging), sizes)
        log.info("store %s: wrote generation %s (%d quads)", self.directory, generation, sum(sizes.values()))
        return generation

    def manifest(self) -> dict[str, Any]:
        """What the live generation's manifest says (empty for an ephemeral or empty store)."""
        if self.directory is None or self._generation is None:
            return {}
        return snapshots.manifest(self.directory, self._generation)


def _default_lines(store: ox.Store) -> set[bytes]:
    """The default graph as a set of N-Triples lines: serialised by the engine, compared as bytes (many times
    faster than comparing pyoxigraph terms in Python; blank node labels are the store's own)."""
    return set(_bytes(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DEFAULT)).splitlines())


def _run_update(staging: ox.Store, step: str, options: dict[str, Any], number: int) -> None:
    try:
        staging.update(step, **options)
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax error in operation {number}: {e}") from e
    except (OSError, ValueError, RuntimeError) as e:
        raise QueryError(f"SPARQL update error in operation {number}: {e}") from e


def _checked_merge(staging: ox.Store, before: set[bytes], number: int) -> set[bytes]:
    """Rebuild the merge after an operation; refuse the operation if it changed the default graph other than
    its changes to named graphs imply (``INSERT DATA { <s> <p> <o> }`` names no graph to hold the triple)."""
    written = _default_lines(staging)
    remerge(staging)
    merge = _default_lines(staging)
    if written != before and ((written - before) - merge or (before - written) & merge):
        raise QueryError(
            f"operation {number} writes to the default graph, which is the merge of the named graphs and "
            "cannot be written to itself: name the graph (INSERT DATA { GRAPH <...> { ... } }, WITH <...>, "
            "or DELETE WHERE { GRAPH ?g { ... } })"
        )
    return merge


def _graph(lines: set[bytes]) -> Graph:
    """N-Triples lines as an rdflib graph, blank node labels kept (they name the store's own nodes)."""
    graph = Graph()
    for quad in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def check_store_directory(directory: Path) -> None:
    """Raise StoreError unless ``directory`` holds a store (for reading it without loading it here)."""
    snapshots.open_directory(directory, create=False)


def _bytes(serialised: bytes | None) -> bytes:
    """pyoxigraph's serialisers return bytes when given no output file, as everywhere here."""
    if serialised is None:  # pragma: no cover - only when an output file is given
        raise StoreError("the serialiser wrote to a file instead of returning bytes")
    return serialised


def _parse_ntriples(data: bytes, graph: str) -> list[ox.Quad]:
    """Parse before any write, so a syntax error never leaves a half-written graph."""
    target = ox.NamedNode(graph)
    try:
        return [
            ox.Quad(t.subject, t.predicate, t.object, target) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        ]
    except SyntaxError as e:
        raise SourceError(
            f"<data for graph {graph}>", str(e), line=getattr(e, "lineno", None), column=getattr(e, "offset", None)
        ) from e
