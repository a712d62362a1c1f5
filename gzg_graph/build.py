"""From ``data/`` to the store: read and map every source, validate the whole, write it in one step.

The order matters for the promise "bad input loses nothing": every source is read, mapped and validated
*before* the store is touched, and the store write itself is atomic (see ``store/embedded.py``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType

from rdflib import Graph

from .config import Settings
from .formats import RdfFormat
from .mapping import catalog, lblod, own_data
from .mapping.organisations import OrganisationIndex
from .sources.rdf import parse_turtle
from .store.base import Store
from .uris import (
    GRAPH_GZG,
    GRAPH_LBLOD,
    GRAPH_LOKET,
    GRAPH_METADATA,
    GRAPH_ONTOLOGY,
    GRAPH_REFNIS,
    GRAPH_STEWARDS,
    UriPolicy,
)
from .validation import ValidationFailed, ValidationReport, load_shapes, validate

log = logging.getLogger(__name__)

ONTOLOGY_FILE = "gzg.ttl"

#: Called with the name of each step as it starts, so a CLI can show progress.
StepCallback = Callable[[str], None]

BUILD_STEPS = (
    "ontology",
    "local governments",
    "REFNIS codes",
    "Loket measure",
    "own data",
    "catalogue",
    "validation",
    "store",
)


@dataclass
class BuildResult:
    graphs: dict[str, int]  # graph URI -> number of triples written
    seconds: dict[str, float] = field(default_factory=dict)  # step -> duration
    report: ValidationReport | None = None

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def load_ontology(ontology_dir: Path | Traversable, uris: UriPolicy) -> Graph:
    """``ontology/gzg.ttl``, its relative IRIs resolved against the configured base."""
    return parse_turtle(ontology_dir / ONTOLOGY_FILE, uris)


def assemble(
    settings: Settings,
    on_step: StepCallback | None = None,
    seconds: dict[str, float] | None = None,
    kept: dict[str, Graph] | None = None,
) -> dict[str, Graph]:
    """Read and map every source: graph local name -> rdflib Graph (metadata graph included). ``kept`` are
    graphs the build does not make but keeps (the stewards' projects), described in the catalogue too."""
    uris = UriPolicy(settings.base_uri)
    data = settings.require_data_dir()
    timer = _StepTimer(on_step, seconds if seconds is not None else {})
    graphs: dict[str, Graph] = {}
    with timer("ontology"):
        graphs[GRAPH_ONTOLOGY] = load_ontology(settings.ontology, uris)
    with timer("local governments"):
        graphs[GRAPH_LBLOD] = lblod.local_governments_graph(data, uris)
    with timer("REFNIS codes"):
        graphs[GRAPH_REFNIS] = lblod.refnis_graph(data)
    with timer("Loket measure"):
        graphs[GRAPH_LOKET] = lblod.loket_graph(data)
    with timer("own data"):
        organisations = OrganisationIndex.from_data_dir(data)
        graphs[GRAPH_GZG] = own_data.own_data_graph(data, uris, organisations)
    graphs.update(kept or {})
    with timer("catalogue"):
        counts = {name: len(g) for name, g in graphs.items()}
        graphs[GRAPH_METADATA] = catalog.metadata_graph(data, uris, {**counts, GRAPH_METADATA: 0})
    return graphs


def build(settings: Settings, store: Store, *, on_step: StepCallback | None = None, check: bool = True) -> BuildResult:
    """Build the graph from ``settings.data_dir`` and replace the store's content with it, atomically.

    Raises SourceError (a source file is wrong) or ValidationFailed (the data violates the shapes); in
    both cases the store is left exactly as it was. The stewards' graph (projects written through the API)
    is kept as it is and validated with the rest: the store's lock is held from reading it to the write,
    so no steward's write is lost in between.
    """
    with store.locked():
        return _build(settings, store, on_step, check)


def kept_graphs(store: Store, uris: UriPolicy) -> dict[str, Graph]:
    """The graphs a build keeps from the store: the stewards' (empty when there is none yet)."""
    name, graph = str(uris.graph(GRAPH_STEWARDS)), Graph()
    if store.has_graph(name):
        graph.parse(data=store.export(RdfFormat.NTRIPLES, name).decode("utf-8"), format="nt")
    return {GRAPH_STEWARDS: graph}


def _build(settings: Settings, store: Store, on_step: StepCallback | None, check: bool) -> BuildResult:
    uris = UriPolicy(settings.base_uri)
    seconds: dict[str, float] = {}
    timer = _StepTimer(on_step, seconds)
    graphs = assemble(settings, on_step, seconds, kept=kept_graphs(store, uris))
    report = None
    if check:
        with timer("validation"):
            shapes = load_shapes(settings.shapes, uris)
            data = Graph()
            for name, graph in graphs.items():
                if name != GRAPH_ONTOLOGY:
                    data += graph
            checked = validate(data, shapes, ontology=graphs[GRAPH_ONTOLOGY])
        log.info("validation: %s", checked.summary("en"))
        if not checked.conforms:
            raise ValidationFailed(checked, f"the built graph violates the shapes: {checked.summary('en')}")
        report = checked
    with timer("store"):
        payload = {
            str(uris.graph(name)): graph.serialize(format="nt", encoding="utf-8") for name, graph in graphs.items()
        }
        store.replace_graphs(payload, drop_others=True)
    result = BuildResult({str(uris.graph(n)): len(g) for n, g in graphs.items()}, seconds, report)
    log.info("built %d triples in %d graphs from %s", result.triples, len(graphs), settings.data_dir)
    return result


class _StepTimer:
    """Times each build step, tells ``on_step`` when one starts and logs how long it took."""

    def __init__(self, on_step: StepCallback | None, seconds: dict[str, float]):
        self.on_step, self.seconds = on_step, seconds
        self.step = ""
        self._start = 0.0

    def __call__(self, step: str) -> _StepTimer:
        self.step = step
        return self

    def __enter__(self) -> _StepTimer:
        if self.on_step:
            self.on_step(self.step)
        self._start = time.perf_counter()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.seconds[self.step] = round(time.perf_counter() - self._start, 3)
        log.info("build step %s: %.3f s%s", self.step, self.seconds[self.step], " (failed)" if error else "")
