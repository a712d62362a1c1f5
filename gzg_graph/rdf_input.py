"""Reading RDF a user hands us (files, request bodies) in any common syntax, with precise errors.

pyoxigraph's parsers report line and column for every syntax; the result is handed on as an rdflib
Graph (what pyshacl validates).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .errors import SourceError
from .store.base import RdfFormat

_OX = {RdfFormat.TURTLE: ox.RdfFormat.TURTLE, RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
       RdfFormat.NQUADS: ox.RdfFormat.N_QUADS, RdfFormat.TRIG: ox.RdfFormat.TRIG,
       RdfFormat.JSONLD: ox.RdfFormat.JSON_LD, RdfFormat.RDFXML: ox.RdfFormat.RDF_XML}


def format_for(path: Path, explicit: str | None = None) -> RdfFormat:
    """The syntax of a file: ``explicit`` if given, else from its extension."""
    name = explicit or path.suffix or path.name
    try:
        return RdfFormat.from_name("jsonld" if name.lower().lstrip(".") == "json" else name)
    except ValueError as e:
        raise SourceError(path, f"cannot tell the RDF syntax from {name!r}; give it with --input-format") from e


def parse_rdf(data: bytes, fmt: RdfFormat, source: str, base_iri: str | None = None) -> Graph:
    """Parse ``data``; named graphs are merged (validation looks at the union). SourceError on bad syntax."""
    try:
        quads = list(ox.parse(data, format=_OX[fmt], base_iri=base_iri))
    except SyntaxError as e:
        raise SourceError(source, f"invalid {fmt.name.lower()}: {_reason(e)}",
                          line=getattr(e, "lineno", None), column=getattr(e, "offset", None)) from e
    except ValueError as e:  # e.g. relative IRIs without a base
        raise SourceError(source, f"invalid {fmt.name.lower()}: {e}") from e
    triples = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
    graph = Graph()
    graph.parse(data=triples.decode("utf-8"), format="nt")
    return graph


def read_rdf_file(path: Path, explicit_format: str | None = None, base_iri: str | None = None) -> Graph:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(path, f"cannot read: {e.strerror}") from e
    return parse_rdf(data, format_for(path, explicit_format), str(path), base_iri or path.resolve().as_uri())


def _reason(error: SyntaxError) -> str:
    return " ".join(str(error.msg if hasattr(error, "msg") else error).split())[:300]
