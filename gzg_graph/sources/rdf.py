"""Reading RDF: our own Turtle files (ontology, shapes, concepts) and what users hand us (files, bodies).

pyoxigraph parses every syntax and reports line and column for each syntax error; the triples are handed
on as an rdflib Graph, which is what pyshacl validates and the mapping extends.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import SourceError
from ..formats import RdfFormat
from ..namespaces import bind_prefixes
from ..terms import to_rdflib
from ..uris import UriPolicy
from .user_input import check_document, read_limited


def format_for(path: Path, explicit: str | None = None) -> RdfFormat:
    """The syntax of a file: ``explicit`` if given, else from its extension."""
    name = explicit or path.suffix or path.name
    try:
        return RdfFormat.from_name(name)
    except ValueError as e:
        raise SourceError(path, f"cannot tell the RDF syntax from {name!r}; give it with --input-format") from e


def parse_rdf(
    data: bytes,
    fmt: RdfFormat,
    source: str,
    base_iri: str | None = None,
    graph: Graph | None = None,
    *,
    untrusted: bool = False,
) -> Graph:
    """Parse ``data`` into ``graph`` (a new one by default); named graphs are merged. SourceError on bad syntax.

    ``untrusted`` (a user's file or request body) first checks the document (:func:`check_document`: no
    DTDs, well-formed, UTF-8, not empty) and refuses a document without triples."""
    if untrusted:
        check_document(data, fmt, source)
    target = graph if graph is not None else Graph()
    before = len(target)
    try:
        for quad in ox.parse(data, format=fmt.oxigraph, base_iri=base_iri):
            target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    except SyntaxError as e:
        raise SourceError(
            source,
            f"invalid {fmt.label}: {_reason(e)}",
            line=getattr(e, "lineno", None),
            column=getattr(e, "offset", None),
        ) from e
    except ValueError as e:  # e.g. relative IRIs without a base
        raise SourceError(source, f"invalid {fmt.label}: {e}") from e
    if untrusted and len(target) == before:
        raise SourceError(source, f"the {fmt.label} document holds no triples")
    return target


def read_rdf_file(
    path: Path, explicit_format: str | None = None, base_iri: str | None = None, *, max_bytes: int = 10 * 1024 * 1024
) -> Graph:
    """A user's RDF file (or ``-`` for standard input) in any syntax (by extension unless ``explicit_format``),
    read up to ``max_bytes`` and checked as untrusted input."""
    data = read_limited(path, max_bytes)
    base = base_iri or ("urn:gzg:stdin:" if str(path) == "-" else path.resolve().as_uri())
    return parse_rdf(data, format_for(path, explicit_format), str(path), base, untrusted=True)


def parse_turtle(path: Path | Traversable, uris: UriPolicy | None = None) -> Graph:
    """One of our Turtle files, with the project's prefixes bound; a syntax error names file, line and column.

    With ``uris``, relative IRIs (``<ns/gzg#>``, ``<id/...>``) resolve against the configured base; files
    imported verbatim (LBLOD, Loket) have only absolute IRIs and need none.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise SourceError(str(path), "file not found") from e
    except OSError as e:
        raise SourceError(str(path), f"cannot read: {e.strerror}") from e
    graph = bind_prefixes(Graph(), str(uris.ns) if uris else None)
    return parse_rdf(data, RdfFormat.TURTLE, str(path), uris.parse_base if uris else None, graph)


def _reason(error: SyntaxError) -> str:
    return " ".join(str(error.msg if hasattr(error, "msg") else error).split())[:300]
