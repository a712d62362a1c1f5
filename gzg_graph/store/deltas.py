"""Writes to the embedded store as deltas: the quads a write adds and removes, applied in place.

Why: copying a store of a million quads to stage a write of a thousand took half a minute. A write now works
out its exact delta on a small staging store (only the quads the write can affect, :func:`scoped_staging`),
and the delta is applied to the live store in place (:func:`apply`), keeping the default graph the set merge
of the named graphs without rebuilding it: a removed triple leaves the merge only when no named graph holds
it any more.

Readers in the same process never see half a delta: they read under :class:`Gate`'s shared side, the
delta is applied under its exclusive side (pyoxigraph makes each ``extend`` atomic, but a delta is several
calls: removals, additions, graphs created and dropped).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from ..errors import QueryError, SourceError, StoreError
from ..terms import to_oxigraph, to_oxigraph_resource, to_rdflib
from . import snapshots
from .base import Triple
from .dataset import DEFAULT, remerge
from .remote_scope import Scope


class Gate:
    """A readers-writer lock that lets a waiting writer in before new readers (so it cannot starve)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting = 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        with self._condition:
            while self._writing or self._waiting:
                self._condition.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._condition:
            self._waiting += 1
            while self._writing or self._readers:
                self._condition.wait()
            self._waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._condition:
                self._writing = False
                self._condition.notify_all()


def apply(store: ox.Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad], graphs: Collection[str]) -> None:
    """Apply a delta of named quads to ``store`` and its merge; ``graphs`` are the named graphs after it."""
    gone = list(removed)
    for quad in gone:
        store.remove(quad)
    new = list(added)
    store.extend(new + [ox.Quad(q.subject, q.predicate, q.object, DEFAULT) for q in new])
    for quad in gone:  # a triple leaves the merge only when no named graph holds it any more
        if not any(_named(store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None))):
            store.remove(ox.Quad(quad.subject, quad.predicate, quad.object, DEFAULT))
    wanted = {ox.NamedNode(g) for g in graphs}
    for graph in set(store.named_graphs()) - wanted:
        store.remove_graph(graph)
    for graph in wanted:
        store.add_graph(graph)


def delta(before: set[ox.Quad], after: set[ox.Quad]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The quads added and removed between two sets of named quads."""
    return list(after - before), list(before - after)


def graph_lines(store: ox.Store) -> dict[str, set[bytes]]:
    """Each named graph as a set of N-Triples lines (serialised by the engine; blank nodes keep their labels)."""
    return {g.value: lines_of(store, g) for g in store.named_graphs() if isinstance(g, ox.NamedNode)}


def line_delta(before: dict[str, set[bytes]], after: dict[str, set[bytes]]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The quads added and removed between two states given by :func:`graph_lines`."""
    added: list[ox.Quad] = []
    removed: list[ox.Quad] = []
    for graph in before.keys() | after.keys():
        old, new = before.get(graph, set()), after.get(graph, set())
        added += parse_ntriples(b"\n".join(new - old), graph)
        removed += parse_ntriples(b"\n".join(old - new), graph)
    return added, removed


def sizes_after(
    sizes: Mapping[str, int], added: Iterable[ox.Quad], removed: Iterable[ox.Quad], graphs: Collection[str]
) -> dict[str, int]:
    """Graph sizes after a delta (exact: its added quads are new, its removed ones were there)."""
    result = dict(sizes)
    for quad in added:
        result[graph_of(quad)] = result.get(graph_of(quad), 0) + 1
    for quad in removed:
        result[graph_of(quad)] -= 1
    return {g: result.get(g, 0) for g in graphs}


def graph_of(quad: ox.Quad) -> str:
    """The name of a quad's named graph."""
    if isinstance(quad.graph_name, ox.DefaultGraph):
        raise StoreError("a delta names a quad of the default graph, which is the merge of the named graphs")
    return quad.graph_name.value


def named_set(store: ox.Store) -> set[ox.Quad]:
    return set(_named(store))


def scoped_staging(live: ox.Store, scope: Scope) -> ox.Store:
    """A staging store holding what an update of ``scope`` can read and change: every named graph (empty but
    for the graphs it names whole), the quads of those graphs, and every quad with a triple of theirs or of
    the update's data; its default graph the merge of what it holds (which is the live merge's part for
    those triples)."""
    staging = ox.Store()
    for graph in live.named_graphs():
        staging.add_graph(graph)
    quads: list[ox.Quad] = []
    for name in scope.graphs:
        quads.extend(live.quads_for_pattern(None, None, None, ox.NamedNode(name)))
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    triples |= {_oxigraph_triple(t) for t in scope.triples}
    for s, p, o in triples:
        quads.extend(_named(live.quads_for_pattern(s, p, o, None)))
    staging.extend(quads + [ox.Quad(q.subject, q.predicate, q.object, DEFAULT) for q in quads])
    return staging


def _oxigraph_triple(
    triple: Triple,
) -> tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]:
    s, p, o = triple
    return to_oxigraph_resource(s), ox.NamedNode(str(p)), to_oxigraph(o)


def _named(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    return (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))


def default_lines(store: ox.Store) -> set[bytes]:
    """The default graph as a set of N-Triples lines: serialised by the engine, compared as bytes (many times
    faster than comparing pyoxigraph terms in Python; blank node labels are the store's own)."""
    return lines_of(store, DEFAULT)


def lines_of(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> set[bytes]:
    """One graph of ``store`` as a set of N-Triples lines (blank nodes keep the store's labels)."""
    return set(as_bytes(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)).splitlines())


def run_update(staging: ox.Store, step: str, options: dict[str, Any], number: int) -> None:
    try:
        staging.update(step, **options)
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax error in operation {number}: {e}") from e
    except (OSError, ValueError, RuntimeError) as e:
        raise QueryError(f"SPARQL update error in operation {number}: {e}") from e


def check_syntax(steps: list[str], options: dict[str, Any]) -> None:
    """Refuse an update with a syntax error before a whole store is staged for it: each operation is run on
    an empty store, where only what the parser says counts (errors of evaluation depend on the data)."""
    for number, step in enumerate(steps, 1):
        try:
            ox.Store().update(step, **options)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error in operation {number}: {e}") from e
        except (OSError, ValueError, RuntimeError):
            continue


def checked_merge(staging: ox.Store, before: set[bytes], number: int) -> set[bytes]:
    """Rebuild the merge after an operation; refuse the operation if it changed the default graph other than
    its changes to named graphs imply (``INSERT DATA { <s> <p> <o> }`` names no graph to hold the triple)."""
    written = default_lines(staging)
    remerge(staging)
    merge = default_lines(staging)
    if written != before and ((written - before) - merge or (before - written) & merge):
        raise QueryError(
            f"operation {number} writes to the default graph, which is the merge of the named graphs and "
            "cannot be written to itself: name the graph (INSERT DATA { GRAPH <...> { ... } }, WITH <...>, "
            "or DELETE WHERE { GRAPH ?g { ... } })"
        )
    return merge


def as_graph(lines: set[bytes]) -> Graph:
    """N-Triples lines as an rdflib graph, blank node labels kept (they name the store's own nodes)."""
    graph = Graph()
    for quad in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Each named graph's number of triples, counted by the engine (empty graphs too)."""
    sizes = {g.value: 0 for g in store.named_graphs()}
    counted = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(counted, ox.QuerySolutions)
    for row in counted:
        sizes[row[0].value] = int(row[1].value)
    return sizes


def bulk_load(store: ox.Store, data: bytes, graph: str) -> None:
    """Load one graph's N-Triples with the engine's bulk loader; a syntax error names the graph and line."""
    try:
        try:
            snapshots.load_keeping_labels(store, data, ox.NamedNode(graph))
        except SyntaxError:  # the line in the whole payload, not in the part the loader saw
            list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            raise
    except SyntaxError as e:
        raise SourceError(
            f"<data for graph {graph}>", str(e), line=getattr(e, "lineno", None), column=getattr(e, "offset", None)
        ) from e
    store.add_graph(ox.NamedNode(graph))


def as_bytes(serialised: bytes | None) -> bytes:
    """pyoxigraph's serialisers return bytes when given no output file, as everywhere here."""
    if serialised is None:  # pragma: no cover - only when an output file is given
        raise StoreError("the serialiser wrote to a file instead of returning bytes")
    return serialised


def parse_ntriples(data: bytes, graph: str) -> list[ox.Quad]:
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
