"""The Store interface: what the build, the CLI and the API need from a triple store, and no more.

Everything crosses this interface as bytes in a standard syntax (N-Quads in, SPARQL results out), so an
implementation over HTTP (SPARQL 1.1 Protocol / Graph Store Protocol) fits as well as the embedded one.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class ResultFormat(str, Enum):
    """SPARQL results formats for SELECT and ASK, by media type."""

    JSON = "application/sparql-results+json"
    XML = "application/sparql-results+xml"
    CSV = "text/csv"
    TSV = "text/tab-separated-values"


class RdfFormat(str, Enum):
    """RDF serialisations for graphs and datasets, by media type."""

    TURTLE = "text/turtle"
    NTRIPLES = "application/n-triples"
    NQUADS = "application/n-quads"
    TRIG = "application/trig"
    JSONLD = "application/ld+json"
    RDFXML = "application/rdf+xml"

    @property
    def is_dataset_format(self) -> bool:
        return self in (RdfFormat.NQUADS, RdfFormat.TRIG, RdfFormat.JSONLD)

    @classmethod
    def from_name(cls, name: str) -> "RdfFormat":
        """Accepts a media type or a common short name / extension (``ttl``, ``nq``, ``jsonld`` ...)."""
        key = name.strip().lower().lstrip(".")
        aliases = {
            "ttl": cls.TURTLE, "turtle": cls.TURTLE, "nt": cls.NTRIPLES, "ntriples": cls.NTRIPLES,
            "n-triples": cls.NTRIPLES, "nq": cls.NQUADS, "nquads": cls.NQUADS, "n-quads": cls.NQUADS,
            "trig": cls.TRIG, "jsonld": cls.JSONLD, "json-ld": cls.JSONLD, "rdf": cls.RDFXML,
            "xml": cls.RDFXML, "rdfxml": cls.RDFXML, "owl": cls.RDFXML,
        }
        if key in aliases:
            return aliases[key]
        for member in cls:
            if member.value == key:
                return member
        raise ValueError(f"unknown RDF format {name!r} (use one of: ttl, nt, nq, trig, jsonld, rdfxml)")


@dataclass(frozen=True)
class QueryResult:
    """A serialised SPARQL result: ``kind`` is 'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE)."""

    kind: str
    media_type: str
    body: bytes


@dataclass(frozen=True)
class GraphInfo:
    name: str
    triples: int


_PROLOGUE = re.compile(
    r"""^(?:\s+|\#[^\n]*\n|(?:PREFIX\s+[^\s:]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>))*""",
    re.IGNORECASE,
)


def detect_query_kind(sparql: str) -> str:
    """'select', 'ask', 'graph' (CONSTRUCT/DESCRIBE) or 'update', from the first keyword after the prologue."""
    rest = sparql[_PROLOGUE.match(sparql).end():].lstrip()
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
    def query(self, sparql: str, result_format: ResultFormat | RdfFormat | None = None,
              *, union_default_graph: bool = True, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> QueryResult:
        """Run a SPARQL 1.1 query; raises :class:`~gzg_graph.errors.QueryError` on a bad query.

        With ``union_default_graph`` the default graph is the union of all named graphs (how users expect
        to query a dataset split by source), unless ``default_graphs`` names the graphs explicitly.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update atomically; raises QueryError on a bad update."""

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

    @abstractmethod
    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        """The whole dataset (dataset formats) or one graph / the union (graph formats) serialised."""

    def select(self, sparql: str, **kwargs) -> list[dict[str, str]]:
        """Convenience for code and tests: SELECT rows as {variable: lexical value} (unbound omitted)."""
        import json

        result = self.query(sparql, ResultFormat.JSON, **kwargs)
        data = json.loads(result.body)
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]

    def ask(self, sparql: str, **kwargs) -> bool:
        import json

        return bool(json.loads(self.query(sparql, ResultFormat.JSON, **kwargs).body)["boolean"])

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (files, connections)."""
