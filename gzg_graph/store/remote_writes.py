"""Moving triples to and from a remote store in bounded pieces, and an update's effect as exact quads.

* :class:`Loader` writes a load to a staging graph in batches (Graph Store Protocol POST when the store has one,
  else ``INSERT`` requests), never one giant request, and reads graphs back page by page past a row cap.
* :func:`commit_update` turns what an update did to a copy of the dataset into the operations that do the same
  to the store: ``DELETE DATA`` of the quads it removed and one ``INSERT`` of those it added, per graph and for
  the merge graph, to be run in one request.

Blank nodes: each request to a store gets fresh blank nodes, so every triple with a blank node goes in one
batch (labels shared between batches would otherwise name different nodes), and an update may create blank
nodes but cannot delete or reuse one the store holds by naming it (SPARQL has no syntax for that; Virtuoso's
``nodeID://`` IRIs are its own). So a graph that loses triples with blank nodes is emptied and written again
whole (possible when the update read it whole: a Graph Store PUT or DELETE, DROP, CLEAR), and when the merge's
triples with blank nodes change, the merge is copied again from the graphs, after the rest of the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyoxigraph as ox

from ..errors import StoreError
from ..terms import sparql_term
from . import remote_answers as answers
from . import remote_layout as layout
from .base import Change, Triple
from .embedded import EmbeddedStore
from .sparql_http import SparqlClient


class Loader:
    """Batched writes to, and paged reads from, one remote store."""

    def __init__(self, client: SparqlClient, batch_triples: int):
        self.client = client
        self.batch_triples = batch_triples

    def write(self, staging: str, triples: list[ox.Triple]) -> Iterator[int]:
        """Write ``triples`` to the staging graph; yields the number written by each batch."""
        plain = [t for t in triples if not _has_blank_node(t)]
        with_blank_nodes = [t for t in triples if _has_blank_node(t)]
        batches = [plain[i : i + self.batch_triples] for i in range(0, len(plain), self.batch_triples)]
        if with_blank_nodes:
            batches.append(with_blank_nodes)
        for batch in batches:
            body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
            if self.client.endpoints.graph_store:
                self.client.post_graph(staging, body)
            else:
                self.client.update(f"INSERT {{ GRAPH {layout.iri(staging)} {{\n{body.decode()}\n}} }} WHERE {{}}")
            yield len(batch)

    def read_graphs(self, names: list[str], unchanged: Callable[[], bool]) -> list[ox.Quad]:
        """Every quad of the named graphs, read as N-Triples (many times faster to read than result tables),
        page by page when a graph is larger than the store's row cap; refused if a write came in between or the
        pages do not add up to the graph's size."""
        quads: list[ox.Quad] = []
        cap = self.client.endpoints.row_cap
        for name in names:
            graph = ox.NamedNode(name)
            found: set[ox.Triple] = set()
            offset = 0
            while True:  # pages of exactly the cap: unasked, Virtuoso cuts a CONSTRUCT at the cap + 1, silently
                page = f"{_READ_GRAPH} OFFSET {offset} LIMIT {cap}"
                answer = self.client.query(page, answers.TRIPLES_MEDIA_TYPE, [layout.EMPTY], [name])
                triples = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
                found.update(triples)
                if len(triples) < cap:
                    break
                offset += cap
            if offset and not unchanged():
                raise StoreError(f"graph <{name}> changed while it was read page by page; try again")
            if len(found) != self._size(name):
                raise StoreError(
                    f"graph <{name}> has {self._size(name)} triples but {len(found)} were read: the store cuts "
                    f"answers below GZG_SPARQL_ROW_CAP ({cap}); set it to the store's cap (Virtuoso: ResultSetMaxRows)"
                )
            quads += (ox.Quad(t.subject, t.predicate, t.object, graph) for t in found)
        return quads

    def read_matching(self, triples: set[Triple], graphs: list[str]) -> list[ox.Quad]:
        """The quads of ``graphs`` whose triple is one of ``triples`` (as the store spells them)."""
        quads: list[ox.Quad] = []
        ordered = sorted(triples)
        for start in range(0, len(ordered), 200):
            rows = " ".join(f"({' '.join(sparql_term(n) for n in t)})" for t in ordered[start : start + 200])
            query = f"SELECT ?g ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            answer = self.client.query(query, answers.SOLUTIONS_MEDIA_TYPE, [layout.EMPTY], graphs or [layout.EMPTY])
            for row in answers.solutions(answer):  # type: ignore[union-attr]
                quads.append(ox.Quad(row["s"], row["p"], row["o"], row["g"]))
        return quads

    def _size(self, name: str) -> int:
        answer = self.client.query(_COUNT_GRAPH, answers.SOLUTIONS_MEDIA_TYPE, [layout.EMPTY], [name])
        rows = list(answers.solutions(answer))  # type: ignore[arg-type]
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0


_READ_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_COUNT_GRAPH = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


#: More triples than this go to the store through a staging graph, not as data in the update's text: Virtuoso 7.2
#: refuses an operation with more than about 1,000 triples of data (SP031) and a request with several large ones.
INLINE_TRIPLES = 200

#: Writes lines to a new staging graph and names it.
Stage = Callable[[set[bytes]], str]


def commit_update(
    before: dict[str, set[bytes]], after: EmbeddedStore, change: Change, complete: set[str], stage: Stage
) -> tuple[list[str], list[str]]:
    """The operations that take the store from ``before`` (N-Triples lines per graph: of the graphs in
    ``complete`` all of them, of the others the part the update needed) to ``after``'s graphs and the merge
    by ``change``; and the dataset's graphs afterwards. Large sets of triples are written by ``stage`` first and
    applied from their staging graph."""
    # a graph read in part is still there; one read whole is there if it holds triples (as on the embedded store)
    graphs = sorted({info.name for info in after.graphs() if info.triples} | (set(before) - complete))
    removals: list[str] = []
    additions: list[str] = []
    drops: list[str] = []
    inserts: list[str] = []
    staged: list[str] = []
    known = _blank_nodes(line for lines in before.values() for line in lines)

    def apply(graph: str, added: set[bytes], removed: set[bytes]) -> None:
        for lines, operation in ((removed, "DELETE"), (added, "INSERT")):
            if len(lines) > INLINE_TRIPLES and not _blank_nodes(lines):
                staged.append(stage(lines))
                target = f"{{ GRAPH {layout.iri(graph)} {{ ?s ?p ?o }} }}"
                source = f"{{ GRAPH {layout.iri(staged[-1])} {{ ?s ?p ?o }} }}"
                (removals if operation == "DELETE" else inserts).append(f"{operation} {target} WHERE {source}")
            elif operation == "DELETE":
                removals.extend(_delete_data(graph, lines, known))
            else:
                additions.extend(_template(graph, lines, known))

    for name in sorted(set(before) | set(graphs)):
        old = before.get(name, set())
        new = after.lines(name) if after.has_graph(name) else set()
        if old and name in complete and (not new or _blank_nodes(old - new)):
            drops.append(layout.empty(name))  # emptied, or written again whole: no stored blank node is named
            apply(name, new, set())
            continue
        apply(name, new - old, old - new)
    merge_removed = {
        line for line in change.removed.serialize(format="nt", encoding="utf-8").splitlines() if line.strip()
    }
    merge_added = {line for line in change.added.serialize(format="nt", encoding="utf-8").splitlines() if line.strip()}
    # No SPARQL names a stored blank node, and Virtuoso refuses a template with a blank node subject in two graphs
    # (SR002): with blank nodes among the merge's changes, it is rebuilt from the graphs instead.
    remerge = bool(_blank_nodes(merge_removed) or _blank_nodes(merge_added))
    if not remerge:
        apply(layout.MERGE, merge_added, merge_removed)
    operations = drops + removals + inserts
    if additions:  # one template: a new blank node is the same node in its graph and in the merge
        operations.append("INSERT { " + " ".join(additions) + " } WHERE {}")
    operations += [layout.empty(name) for name in staged]
    if remerge:  # copied from the graphs, after the rest: the merge holds their very blank nodes
        operations += layout.remerge(graphs)
    return operations, graphs


def _delete_data(graph: str, lines: set[bytes], known: set[str]) -> list[str]:
    if not lines:
        return []
    if _blank_nodes(lines):
        raise StoreError(
            "this update removes triples with blank nodes, which a remote SPARQL store cannot be told to delete by "
            "value; delete them with a pattern (DELETE WHERE) on the embedded store, or use IRIs"
        )
    return [f"DELETE DATA {{ GRAPH {layout.iri(graph)} {{\n{_text(lines)}}} }}"]


def _template(graph: str, lines: set[bytes], known: set[str]) -> list[str]:
    if not lines:
        return []
    if _blank_nodes(lines) & known:
        raise StoreError(
            "this update links new triples to blank nodes the store already holds, which a remote SPARQL store "
            "cannot name; use IRIs for those resources"
        )
    return [f"GRAPH {layout.iri(graph)} {{\n{_text(lines)}}}"]


def _text(lines: set[bytes]) -> str:
    """N-Triples lines as the triples of a SPARQL block (N-Triples is a subset of its syntax)."""
    return "".join(line.decode("utf-8") + "\n" for line in sorted(lines))


def _blank_nodes(lines: Iterator[bytes] | set[bytes]) -> set[str]:
    found: set[str] = set()
    text = b"\n".join(lines)
    if b"_:" not in text:
        return found
    for triple in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.BlankNode):
                found.add(term.value)
    return found


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)
