"""How the dataset is laid out in a remote store, and the update texts that change it in one request.

A SPARQL store holds more than our dataset (Virtuoso keeps its own system graphs) and its default graph is a
*bag* union of everything, so the remote store keeps three graphs of its own, under ``urn:x-gzg-graph:``:

* the **state** graph: which named graphs form the dataset, the generation (a new id on every write, which
  the API's entity tags name) and when it was written, and the staging graphs of a write under way;
* the **merge** graph: the set merge of the dataset's named graphs, which queries get as their default graph
  (SPARQL's RDF merge: a triple in two graphs counts once, on every backend);
* **staging** graphs: a load is written there in batches first; one update request then moves them into
  place, rebuilds the merge and writes the new state. SPARQL 1.1 Update (section 3.1) has a store run one
  request atomically, so readers see the old dataset or the new one, never a part; a load killed before the
  switch leaves the live graphs as they were, and its staging graphs are dropped by the next write.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import URIRef

from ..terms import sparql_term

PREFIX = "urn:x-gzg-graph:"
STATE = PREFIX + "state"
MERGE = PREFIX + "merge"
EMPTY = PREFIX + "empty"  # never written: names "no graph" where the protocol needs a graph IRI
STAGING = PREFIX + "staging:"
GENERATION = PREFIX + "generation"
GRAPH = PREFIX + "graph"
STAGED = PREFIX + "staging"
MODIFIED = "http://purl.org/dc/terms/modified"

READ_STATE = f"SELECT ?p ?o WHERE {{ GRAPH <{STATE}> {{ <{STATE}> ?p ?o }} }}"


@dataclass(frozen=True)
class State:
    """What the state graph says: the generation, when it was written, the dataset's graphs, staging graphs."""

    generation: str | None = None
    written: str | None = None
    graphs: tuple[str, ...] = ()
    staged: tuple[str, ...] = ()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]]) -> State:
        generation = written = None
        graphs, staged = [], []
        for predicate, value in rows:
            if predicate == GENERATION:
                generation = value
            elif predicate == MODIFIED:
                written = value
            elif predicate == GRAPH:
                graphs.append(value)
            elif predicate == STAGED:
                staged.append(value)
        return cls(generation, written, tuple(sorted(graphs)), tuple(sorted(staged)))


def empty(graph: str) -> str:
    """Remove a graph's triples. Plain DML rather than ``DROP``/``CLEAR``/``MOVE``/``ADD``: quad operations that
    every store runs the same way, which the contract suite's reader test checks for atomicity on Virtuoso
    (whether Virtuoso runs its own graph-management procedures inside the request's transaction was not
    established, so the switch does not depend on it)."""
    return f"DELETE WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}"


def copy_into(source: str, target: str) -> str:
    """Add a graph's triples to another (``ADD`` as plain DML, for the reason given at :func:`empty`)."""
    return f"INSERT {{ GRAPH {iri(target)} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {iri(source)} {{ ?s ?p ?o }} }}"


def new_staging_graph() -> str:
    return f"{STAGING}{uuid.uuid4().hex}"


def iri(name: str) -> str:
    """A graph name as SPARQL text, checked to be an absolute IRI (so no name can change the request)."""
    return sparql_term(URIRef(name))


def register_staging(graphs: Iterable[str]) -> str:
    """Record staging graphs before writing to them, so a write that dies leaves a trace to clean up."""
    listed = " ".join(f"<{STATE}> <{STAGED}> {iri(g)} ." for g in graphs)
    return f"INSERT DATA {{ GRAPH <{STATE}> {{ {listed} }} }}"


def drop_staging(graphs: Iterable[str]) -> list[str]:
    """Drop staging graphs left by a write that did not finish, and forget them."""
    operations = [empty(g) for g in graphs]
    operations.append(f"DELETE WHERE {{ GRAPH <{STATE}> {{ <{STATE}> <{STAGED}> ?staged }} }}")
    return operations


def write_state(graphs: Iterable[str]) -> tuple[list[str], str]:
    """The operations writing a new state with these graphs, and the new generation's id."""
    generation = f"gen-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"
    written = datetime.now(UTC).isoformat()
    listed = "".join(f" ; <{GRAPH}> {iri(g)}" for g in sorted(set(graphs)))
    state = (
        f'<{STATE}> <{GENERATION}> "{generation}" ; '
        f'<{MODIFIED}> "{written}"^^<http://www.w3.org/2001/XMLSchema#dateTime>{listed} .'
    )
    return [empty(STATE), f"INSERT DATA {{ GRAPH <{STATE}> {{ {state} }} }}"], generation


def remerge(graphs: Iterable[str]) -> list[str]:
    """Rebuild the merge graph from the dataset's graphs (after a change to several of them)."""
    values = " ".join(iri(g) for g in sorted(set(graphs)))
    operations = [empty(MERGE)]
    if values:
        operations.append(
            f"INSERT {{ GRAPH <{MERGE}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
    return operations


def replace_one(graph: str, staging: str, others: Iterable[str]) -> list[str]:
    """Replace one graph by a staging graph, keeping the merge up to date without rebuilding it: what only the
    old graph held leaves the merge, the new graph's triples join it."""
    operations = []
    rest = " ".join(iri(g) for g in sorted(set(others) - {graph}))
    keep = f"FILTER NOT EXISTS {{ VALUES ?h {{ {rest} }} GRAPH ?h {{ ?s ?p ?o }} }}" if rest else ""
    operations.append(
        f"DELETE {{ GRAPH <{MERGE}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} {keep} }}"
    )
    operations += move_into(graph, staging, merge=True)
    return operations


def move_into(graph: str, staging: str, *, merge: bool) -> list[str]:
    """Make a staging graph's triples the graph's (and the merge's, when ``merge``)."""
    operations = [copy_into(staging, MERGE)] if merge else []
    operations += [empty(graph), copy_into(staging, graph), empty(staging)]
    return operations


def add_from(graph: str, staging: str) -> list[str]:
    """Add a staging graph's triples to a graph and to the merge."""
    return [
        copy_into(staging, graph),
        copy_into(staging, MERGE),
        empty(staging),
    ]


def request(operations: Iterable[str]) -> str:
    """Operations as one update request (run atomically by the store)."""
    return " ;\n".join(operations)
