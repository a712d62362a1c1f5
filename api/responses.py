"""What the routes answer, for the OpenAPI document: the error body every 4xx/5xx shares, and each route's
success media types. Clients (and schemathesis in the tests) check real answers against these."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gzg_graph.formats import RdfFormat, ResultFormat


class ErrorBody(BaseModel):
    """Every error: what is wrong (``detail``), and for unparsable input where (``line``, ``column``)."""

    detail: str
    line: int | None = None
    column: int | None = None


class RefusedWriteBody(ErrorBody):
    """A write refused because the data would violate the shapes: the SHACL report, in the language asked for
    (``Accept-Language``), as ``ValidationReport.to_json`` writes it: ``conforms``, counts and each result with
    its focus node, path, value, severity and message."""

    report: dict[str, Any]


_MODELS: dict[int, type[ErrorBody]] = {422: RefusedWriteBody}

_DESCRIPTIONS = {
    400: "Bad request: a malformed query or document, a refused query (limits, SERVICE), a bad parameter.",
    401: "Writing needs a bearer token (Authorization: Bearer ...); see WWW-Authenticate.",
    403: "The token does not allow writing, or the server is read-only (no GZG_WRITE_TOKEN).",
    404: "Nothing is known about this resource.",
    405: "The method is not allowed here (the default graph, the merge of all graphs, is read-only).",
    406: "None of the media types in Accept is offered.",
    413: "The request body (or query) is larger than GZG_MAX_REQUEST_BYTES.",
    415: "The Content-Type is not one this route reads.",
    422: "The write would make the data violate the shapes; nothing was written. The body holds the report.",
    502: "An allow-listed SERVICE endpoint the query calls could not be reached or gave no usable answer.",
    503: "Every worker is busy: try again after Retry-After seconds.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers ``codes``, each with the shared error body."""
    return {code: {"model": _MODELS.get(code, ErrorBody), "description": _DESCRIPTIONS[code]} for code in codes}


def success(description: str, media_types: list[str]) -> dict[int | str, dict[str, Any]]:
    """A 200 answer in any of ``media_types`` (its body is the serialisation, so no JSON schema applies)."""
    return {200: {"description": description, "content": {media_type: {} for media_type in media_types}}}


SPARQL_RESULTS = [f.value for f in ResultFormat] + ["application/json"]
SPARQL_GRAPHS = [f.value for f in RdfFormat]
RESOURCE_TYPES = [
    RdfFormat.TURTLE.value,
    RdfFormat.JSONLD.value,
    RdfFormat.NTRIPLES.value,
    RdfFormat.RDFXML.value,
    "text/html",
    "application/json",
]


def rdf_media_type(fmt: RdfFormat) -> str:
    """The Content-Type of an RDF document: UTF-8 declared, except for RDF/XML, whose XML declaration says it."""
    return fmt.value if fmt == RdfFormat.RDFXML else f"{fmt.value}; charset=utf-8"
