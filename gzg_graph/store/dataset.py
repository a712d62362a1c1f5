"""The RDF dataset a query runs over, as the SPARQL 1.1 specification defines it.

* Without a dataset (no ``FROM``/``FROM NAMED`` in the query, no ``default-graph-uri``/``named-graph-uri``
  from the protocol) the default graph is the RDF merge of all named graphs: a *set* of triples, so a
  triple in two graphs counts once. pyoxigraph's own union is a bag (its issue 1919, open in 0.5.13), so
  the embedded store keeps that merge materialised in the store's default graph (:func:`merged`), which
  nothing else writes to.
* A query's own ``FROM``/``FROM NAMED`` define its dataset (:func:`from_clauses`); the protocol's
  parameters, when given, take precedence over them (SPARQL 1.1 Protocol, 2.1.4). With only named graphs
  the default graph is empty; with only default graphs there are no named graphs.
* Several default graphs are merged as a set too: the query then runs over a small store holding their
  merge (:func:`merged_store`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from .guard import Prologue, tokens

DEFAULT = ox.DefaultGraph()


@dataclass(frozen=True)
class Dataset:
    """Graph IRIs of a query's dataset: ``None`` for "the whole store" (merge as default, all named)."""

    default: list[str] | None = None
    named: list[str] | None = None

    @property
    def whole_store(self) -> bool:
        return self.default is None and self.named is None


def resolve(sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> Dataset:
    """The dataset of a query: the protocol's graphs if given, else the query's FROM clauses, else the store."""
    if default_graphs is not None or named_graphs is not None:
        return Dataset(list(default_graphs or []), list(named_graphs or []))
    return from_clauses(sparql) or Dataset()


def from_clauses(sparql: str) -> Dataset | None:
    """The ``FROM`` and ``FROM NAMED`` graphs of a query (prefixes and BASE resolved), None without any;
    remembered for queries of up to 16 KiB (a client repeats its queries; reading one costs about 0.2 ms)."""
    if len(sparql) > 16 * 1024:
        return _from_clauses(sparql)
    found = _remembered_from_clauses(sparql)
    return None if found is None else Dataset(list(found.default or []), list(found.named or []))


@functools.lru_cache(maxsize=1024)
def _remembered_from_clauses(sparql: str) -> Dataset | None:
    return _from_clauses(sparql)


def _from_clauses(sparql: str) -> Dataset | None:
    default: list[str] = []
    named: list[str] = []
    prologue = Prologue()
    found = False
    items = list(tokens(sparql))
    for index, token in enumerate(items):
        if prologue.declare(items, index) or not (token.kind == "word" and token.text.upper() == "FROM"):
            continue
        found = True
        is_named = index + 1 < len(items) and items[index + 1].text.upper() == "NAMED"
        position = index + 2 if is_named else index + 1
        iri = prologue.iri(items[position] if position < len(items) else None)
        if iri is not None:
            (named if is_named else default).append(iri)
    return Dataset(default, named) if found else None


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The store's quads in named graphs (not the materialised merge)."""
    return (quad for quad in store if not isinstance(quad.graph_name, ox.DefaultGraph))


def merged(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """``quads`` as triples of the default graph: added to a store, a set merge."""
    return (ox.Quad(q.subject, q.predicate, q.object, DEFAULT) for q in quads)


#: The merge of the named graphs into the default graph, run by the engine (three times faster than copying
#: the quads through Python).
MERGE = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def remerge(store: ox.Store) -> None:
    """Rebuild ``store``'s default graph as the merge of its named graphs (after a write changed them)."""
    store.clear_graph(DEFAULT)
    store.update(MERGE)


def merged_store(store: ox.Store, dataset: Dataset) -> ox.Store:
    """A store whose default graph is the set merge of ``dataset.default``, with its named graphs copied."""
    result = ox.Store()
    for name in dataset.default or []:
        result.extend(list(merged(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))))
    for name in dataset.named or []:
        result.extend(list(store.quads_for_pattern(None, None, None, ox.NamedNode(name))))
    return result


def without_dataset_clauses(sparql: str) -> str:
    """``sparql`` with its ``FROM`` and ``FROM NAMED`` clauses blanked out (replaced by spaces, so every other
    offset stays put): for a store that is given the resolved dataset by the protocol's parameters and would
    otherwise combine the two (Virtuoso lets a query's ``FROM`` win over ``default-graph-uri``)."""
    items = list(tokens(sparql))
    text = list(sparql)
    for index, token in enumerate(items):
        if not (token.kind == "word" and token.text.upper() == "FROM"):
            continue
        is_named = index + 1 < len(items) and items[index + 1].text.upper() == "NAMED"
        position = index + 2 if is_named else index + 1
        if position < len(items):
            end = items[position].offset + len(items[position].text)
            text[token.offset : end] = " " * (end - token.offset)
    return "".join(text)
