"""Media types and RDF / SPARQL-results formats, in one place.

Each format knows its media type (the enum value), the short names and file extensions people type, and
its name in the two libraries that read and write it (pyoxigraph, rdflib). Everything else (the CLI's
``--format``, the API's ``?format=`` and ``Accept``, file extensions) asks these enums.
"""

from __future__ import annotations

from enum import Enum

import pyoxigraph as ox


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
        """Whether the syntax can carry named graphs."""
        return self in (RdfFormat.NQUADS, RdfFormat.TRIG, RdfFormat.JSONLD)

    @property
    def short_name(self) -> str:
        """The name the CLI and ``?format=`` use first (``ttl``, ``nt`` ...)."""
        return _RDF_NAMES[self][0]

    @property
    def extension(self) -> str:
        return _RDF_EXTENSIONS[self]

    @property
    def oxigraph(self) -> ox.RdfFormat:
        return _RDF_OXIGRAPH[self]

    @property
    def rdflib(self) -> str:
        """rdflib's plugin name for this syntax."""
        return _RDF_RDFLIB[self]

    @property
    def label(self) -> str:
        return _RDF_LABELS[self]

    @classmethod
    def from_name(cls, name: str) -> RdfFormat:
        """A media type, short name or file extension (``ttl``, ``.nq``, ``json-ld`` ...) as a format."""
        key = name.strip().lower().lstrip(".")
        for member in cls:
            if key == member.value or key in _RDF_NAMES[member]:
                return member
        names = ", ".join(m.short_name for m in cls)
        raise ValueError(f"unknown RDF format {name!r} (use one of: {names})")


class ResultFormat(str, Enum):
    """SPARQL results formats for SELECT and ASK, by media type."""

    JSON = "application/sparql-results+json"
    XML = "application/sparql-results+xml"
    CSV = "text/csv"
    TSV = "text/tab-separated-values"

    @property
    def short_name(self) -> str:
        return self.name.lower()

    @property
    def oxigraph(self) -> ox.QueryResultsFormat:
        return _RESULT_OXIGRAPH[self]

    @classmethod
    def from_name(cls, name: str) -> ResultFormat:
        key = name.strip().lower()
        for member in cls:
            if key in (member.value, member.short_name):
                return member
        names = ", ".join(m.short_name for m in cls)
        raise ValueError(f"unknown result format {name!r} (use one of: {names})")


_RDF_NAMES = {
    RdfFormat.TURTLE: ("ttl", "turtle"),
    RdfFormat.NTRIPLES: ("nt", "ntriples", "n-triples"),
    RdfFormat.NQUADS: ("nq", "nquads", "n-quads"),
    RdfFormat.TRIG: ("trig",),
    RdfFormat.JSONLD: ("jsonld", "json-ld", "json"),
    RdfFormat.RDFXML: ("rdfxml", "rdf", "xml", "owl"),
}
_RDF_EXTENSIONS = {
    RdfFormat.TURTLE: "ttl",
    RdfFormat.NTRIPLES: "nt",
    RdfFormat.NQUADS: "nq",
    RdfFormat.TRIG: "trig",
    RdfFormat.JSONLD: "jsonld",
    RdfFormat.RDFXML: "rdf",
}
_RDF_LABELS = {
    RdfFormat.TURTLE: "Turtle",
    RdfFormat.NTRIPLES: "N-Triples",
    RdfFormat.NQUADS: "N-Quads",
    RdfFormat.TRIG: "TriG",
    RdfFormat.JSONLD: "JSON-LD",
    RdfFormat.RDFXML: "RDF/XML",
}
_RDF_OXIGRAPH = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.NQUADS: ox.RdfFormat.N_QUADS,
    RdfFormat.TRIG: ox.RdfFormat.TRIG,
    RdfFormat.JSONLD: ox.RdfFormat.JSON_LD,
    RdfFormat.RDFXML: ox.RdfFormat.RDF_XML,
}
_RDF_RDFLIB = {
    RdfFormat.TURTLE: "turtle",
    RdfFormat.NTRIPLES: "nt",
    RdfFormat.NQUADS: "nquads",
    RdfFormat.TRIG: "trig",
    RdfFormat.JSONLD: "json-ld",
    RdfFormat.RDFXML: "xml",
}
_RESULT_OXIGRAPH = {
    ResultFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.XML: ox.QueryResultsFormat.XML,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}
