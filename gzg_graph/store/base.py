"""The Store interface: what the build, the CLI and the API need from a triple store, and no more.

Everything crosses this interface as bytes in a standard syntax (N-Quads in, SPARQL results out), so an
implementation over HTTP (SPARQL 1.1 Protocol / Graph Store Protocol) fits as well as the embedded one. The
one exception is the neighbourhood read of incremental validation (``triples_from`` / ``triples_to``), which
hands back rdflib terms: it has a SPARQL default here, and a native fast path where a store has one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..formats import RdfFormat, ResultFormat
from ..terms import sparql_term, to_rdflib
from .updates import UsingDataset

Triple = tuple[Node, Node, Node]
_TSV = ox.QueryResultsFormat.TSV


@dataclass(frozen=True)
class QueryResult:
    """A serialised SPARQL result: ``kind`` is 'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE)."""

    kind: str
    media_type: str
    body: bytes


@dataclass(frozen=True)
class StreamedResult:
    """A result too large to hold: its pieces, in order, as the engine produces them. Iterate it to the end
    or close it (``chunks.close()``), which stops the query."""

    kind: str
    media_type: str
    chunks: Generator[bytes, None, None]


@dataclass(frozen=True)
class Change:
    """What a write did to the default graph (the merge of all named graphs): the triples it added and
    removed. A triple moved from one graph to another, or removed from one of two graphs, is no change:
    what is true of the dataset as a whole, which is what the shapes validate, stayed the same."""

    added: Graph
    removed: Graph

    def __bool__(self) -> bool:
        return bool(len(self.added) or len(self.removed))


#: Called with a write's change before it is committed, under the write lock; raising aborts the write.
ChangeCheck = Callable[[Change], None]


@dataclass(frozen=True)
class GraphInfo:
    name: str
    triples: int


_PROLOGUE = re.compile(
    r"""^(?:\s+|\#[^\n]*\n|(?:PREFIX\s+[^\s:]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>))*""",
    re.IGNORECASE,
)


#: Values bound to a query's variables: variable name (without ``?``) -> IRI or literal.
Bindings = Mapping[str, Node]


def detect_query_kind(sparql: str) -> str:
    """'select', 'ask', 'graph' (CONSTRUCT/DESCRIBE) or 'update', from the first keyword after the prologue."""
    prologue = _PROLOGUE.match(sparql)
    rest = sparql[prologue.end() if prologue else 0 :].lstrip()
    word = rest.split(None, 1)[0].upper() if rest else ""
    if word.startswith("SELECT"):
        return "select"
    if word.startswith("ASK"):
        return "ask"
    if word.startswith(("CONSTRUCT", "DESCRIBE")):
        return "graph"
    return "update"


class Store(ABC):
    """A quad store holding the GZG dataset as named graphs.

    Writes are all-or-nothing: after a failed or interrupted write, readers see exactly the previous state.
    """

    @abstractmethod
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
        """Run a SPARQL 1.1 query; raises :class:`~gzg_graph.errors.QueryError` on a bad query.

        With ``union_default_graph`` the default graph is the union of all named graphs (how users expect
        to query a dataset split by source), unless ``default_graphs`` names the graphs explicitly.
        ``bindings`` gives variables their values as RDF terms, never pasted into the query's text: a store
        that can bind them natively does (pyoxigraph's ``substitutions``); others use :func:`bind_values`.
        ``base_iri`` resolves the query's relative IRIs (the endpoint's own URL, as the protocol allows).
        """

    def query_stream(
        self, sparql: str, result_format: ResultFormat | RdfFormat | None = None, **options: Any
    ) -> QueryResult | StreamedResult:
        """Like :meth:`query`, but a large result may come back as a :class:`StreamedResult`, passed on while
        it is produced instead of held in memory. A store that cannot stream answers as :meth:`query` does."""
        return self.query(sparql, result_format, **options)

    async def query_stream_async(
        self, sparql: str, result_format: ResultFormat | RdfFormat | None = None, **options: Any
    ) -> QueryResult | StreamedResult:
        """:meth:`query_stream` for an event loop: by default in a thread; a store that can wait for its answer
        without one (the query pool) does, saving a thread hand-off per query."""
        return await asyncio.to_thread(self.query_stream, sparql, result_format, **options)

    @abstractmethod
    def update(
        self,
        sparql: str,
        *,
        using: UsingDataset | None = None,
        base_iri: str | None = None,
        check: ChangeCheck | None = None,
    ) -> Change:
        """Run a SPARQL 1.1 update request atomically and return what it changed; QueryError on a bad update.

        The default graph is the merge of the named graphs: each operation sees it as the operations before
        it left it, and an operation may change it only as its changes to named graphs imply (``CLEAR ALL``
        may; ``INSERT DATA`` without ``GRAPH`` may not: it names no graph to write to). ``using`` is the
        protocol's ``using-graph-uri``/``using-named-graph-uri`` (:mod:`.updates`). ``check`` sees the
        change before it is committed, under the write lock, and aborts it by raising: nothing is written.
        """

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[str, bytes], *, drop_others: bool = False) -> None:
        """Atomically replace whole named graphs, given as N-Triples bytes per graph name.

        With ``drop_others`` every graph not named is removed too: a full rebuild in one step.
        """

    @abstractmethod
    def add(self, graph: str, ntriples: bytes) -> None:
        """Atomically add N-Triples to one named graph."""

    @abstractmethod
    def graphs(self) -> list[GraphInfo]:
        """The named graphs with their sizes."""

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        return sum(info.triples for info in self.graphs())

    def has_graph(self, name: str) -> bool:
        """Whether a named graph of that name exists (also when empty); stores override it without counting."""
        return any(info.name == name for info in self.graphs())

    @abstractmethod
    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        """The whole dataset (dataset formats) or one graph / the union (graph formats) serialised."""

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, str]]:
        """Convenience for code and tests: SELECT rows as {variable: lexical value} (unbound omitted)."""
        result = self.query(sparql, ResultFormat.JSON, **kwargs)
        data = json.loads(result.body)
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]

    def ask(self, sparql: str, **kwargs: Any) -> bool:
        return bool(json.loads(self.query(sparql, ResultFormat.JSON, **kwargs).body)["boolean"])

    # ------------------------------------------------------------- neighbourhoods
    # Incremental validation reads the few triples around the nodes a change touches. These two methods are
    # that read: defined here with SPARQL CONSTRUCT so that every store has them (for a remote store bnode
    # labels do not survive between queries, so only IRIs are followed), and overridden by stores that can
    # match triple patterns natively, which is many times faster than a query plus a parse.

    def triples_from(
        self,
        subjects: Collection[Node],
        *,
        skip: Collection[URIRef] = (),
        predicates: Collection[URIRef] | None = None,
    ) -> set[Triple]:
        """The triples (over all graphs) whose subject is one of ``subjects``, except over ``skip``, and only
        over one of ``predicates`` if given (a label read of a thing with thousands of links reads its labels)."""
        if predicates is not None and not predicates:
            return set()
        unless = f"FILTER(?p NOT IN ({', '.join(sparql_term(p) for p in sorted(skip))}))" if skip else ""
        only = f"VALUES ?p {{ {' '.join(sparql_term(p) for p in sorted(predicates))} }}" if predicates else ""
        template = "SELECT ?s ?p ?o WHERE { VALUES ?s { %s } " + only.replace("%", "%%") + " ?s ?p ?o " + unless + " }"
        return self._select_triples(template, subjects)

    def triples_to(self, objects: Collection[Node], predicates: Collection[URIRef] | None = None) -> set[Triple]:
        """The triples (over all graphs) from an IRI to one of ``objects``, over one of ``predicates`` if given."""
        if predicates is not None and not predicates:
            return set()
        only = f"VALUES ?p {{ {' '.join(sparql_term(p) for p in sorted(predicates))} }}" if predicates else ""
        return self._select_triples(
            "SELECT ?s ?p ?o WHERE { VALUES ?o { %s } " + only.replace("%", "%%") + " ?s ?p ?o FILTER(isIRI(?s)) }",
            objects,
        )

    def _select_triples(self, template: str, nodes: Collection[Node]) -> set[Triple]:
        """Triples as rows of ``?s ?p ?o``: a SELECT, which a store pages past its row cap, where a CONSTRUCT
        would be cut silently (Virtuoso). Read as the embedded store reads: spelt as stored."""
        found: set[Triple] = set()
        ordered = sorted(str(n) for n in nodes if isinstance(n, URIRef))
        for start in range(0, len(ordered), 500):  # keep each query a reasonable size
            values = " ".join(sparql_term(URIRef(n)) for n in ordered[start : start + 500])
            rows = ox.parse_query_results(self.query(template % values, ResultFormat.TSV).body, format=_TSV)
            for row in rows:  # type: ignore[union-attr]
                s, p, o = row["s"], row["p"], row["o"]
                if s is not None and p is not None and o is not None:
                    found.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        return found

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise writers: a check and the write that depends on it happen inside one ``locked()`` block.

        The default serialises the threads of this process; a store shared between processes overrides it
        (the embedded store takes a file lock and reloads the newest state)."""
        with self._writers:
            yield

    @functools.cached_property
    def _writers(self) -> threading.RLock:
        return threading.RLock()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (files, connections)."""


def bind_values(sparql: str, bindings: Bindings | None) -> str:
    """``sparql`` with ``bindings`` as a trailing ``VALUES`` clause, for stores that cannot bind natively.

    SPARQL 1.1 allows one ``VALUES`` block after any query form (grammar rule ``Query``); every term is
    written by :func:`~gzg_graph.terms.sparql_term`, which escapes literals and refuses anything that is
    not an absolute IRI, so a value can never change the query around it.
    """
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    terms = " ".join(sparql_term(value) for value in bindings.values())
    return f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"
