"""A remote store's answers, read back into pyoxigraph's result objects and written in the format asked for.

Why not pass the store's bytes on: each store writes results its own way (Virtuoso writes ``typed-literal``
JSON, ``nodeID://`` blank nodes, and an ASK as a one-row table), and it cuts large results at its row cap. Read
back and written again by pyoxigraph, every backend's answer has exactly the embedded store's syntax, and
the cap can be seen and worked around (:func:`select_pages`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, ResultTooLarge
from ..formats import RdfFormat, ResultFormat
from .base import _PROLOGUE
from .guard import tokens
from .results import CappedBuffer, serialise_into
from .sparql_http import Answer

SOLUTIONS_MEDIA_TYPE = "application/sparql-results+xml"  # Virtuoso's XML needs the fewest repairs
TRIPLES_MEDIA_TYPE = "application/n-triples"

#: Virtuoso answers ASK with one row of this variable (1 or 0) instead of a boolean.
_ASK_VARIABLE = "__ASK_RETVAL"


def solutions(answer: Answer) -> ox.QuerySolutions | ox.QueryBoolean:
    """A SELECT or ASK answer (SPARQL XML) as pyoxigraph results, Virtuoso's blank node labels repaired."""
    body = answer.body.replace(b"<bnode>nodeID://", b"<bnode>")  # inside XML text a '<' is always escaped
    try:
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    except (SyntaxError, ValueError) as e:
        raise QueryError(f"the SPARQL store's answer cannot be read as SPARQL XML results: {e}") from e


def boolean(result: ox.QuerySolutions | ox.QueryBoolean) -> ox.QueryBoolean:
    """An ASK's answer as a boolean, also when the store wrote it as a one-row table (Virtuoso)."""
    if isinstance(result, ox.QueryBoolean):
        return result
    rows = list(result)
    value = bool(rows) and str(rows[0][_ASK_VARIABLE].value if rows[0][_ASK_VARIABLE] else "0") not in ("0", "false")
    parsed = ox.parse_query_results(json.dumps({"head": {}, "boolean": value}), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QueryBoolean)  # noqa: S101 - a boolean document parses to a boolean
    return parsed


def triples(answer: Answer, row_cap: int) -> ox.QueryTriples:
    """A CONSTRUCT or DESCRIBE answer (N-Triples) as pyoxigraph's triples; refused when it may have been cut at
    the store's row cap, which a store does not announce for graphs."""
    try:
        parsed = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as e:
        raise QueryError(f"the SPARQL store's answer cannot be read as N-Triples: {e}") from e
    if answer.capped_at is not None or len(parsed) >= row_cap:
        raise ResultTooLarge(
            f"the SPARQL store returns at most {row_cap} triples at once and this result reached that cap; narrow "
            "the query, or raise the store's cap (Virtuoso: ResultSetMaxRows in virtuoso.ini, GZG_SPARQL_ROW_CAP)"
        )
    holder = ox.Store()
    holder.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in parsed)
    result = holder.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)  # noqa: S101 - a CONSTRUCT answers triples
    return result


def write(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    fmt: ResultFormat | RdfFormat | None,
    limit: int | None,
) -> tuple[str, bytes]:
    """The result in ``fmt`` (the embedded store's defaults), at most ``limit`` bytes; its media type."""
    output = CappedBuffer(limit)
    media_type = serialise_into(result, fmt, output)
    return media_type, output.getvalue()


def select_pages(
    sparql: str, first: Answer, fetch: Callable[[str], Answer], unchanged: Callable[[], bool]
) -> ox.QuerySolutions:
    """All solutions of a SELECT that the store cut at its row cap (``first`` says where), fetched page by page.

    The query is wrapped as a sub-select and read with ``OFFSET``/``LIMIT`` of the cap: a store's scan order is
    stable while the data is (``unchanged`` checks that no write came in between; else the read is refused).
    An ordered query cannot be paged this way (Virtuoso refuses to sort past its cap at an offset), so it is
    refused with what to do instead."""
    cap = first.capped_at or 0
    if _has_order_by(sparql):
        raise ResultTooLarge(
            f"the SPARQL store returns at most {cap} rows at once and cannot page an ordered result beyond that; "
            "add a LIMIT (and OFFSET) to the query, or raise the store's cap (Virtuoso: ResultSetMaxRows)"
        )
    prologue = _PROLOGUE.match(sparql)
    head, body = (sparql[: prologue.end()], sparql[prologue.end() :]) if prologue else ("", sparql)
    pages = [_as_json(solutions(first))]
    offset = cap
    while True:
        answer = fetch(f"{head}\nSELECT * WHERE {{\n{body}\n}} OFFSET {offset} LIMIT {cap}")
        page = _as_json(solutions(answer))
        pages.append(page)
        if len(page["results"]["bindings"]) < cap:
            break
        offset += cap
    if not unchanged():
        raise QueryError("the store changed while a large result was read page by page; ask again")
    combined = {"head": pages[0]["head"], "results": {"bindings": [b for p in pages for b in p["results"]["bindings"]]}}
    parsed = ox.parse_query_results(json.dumps(combined).encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)  # noqa: S101 - solutions parse to solutions
    return parsed


def _as_json(result: Any) -> dict[str, Any]:
    output = io.BytesIO()
    result.serialize(output, format=ox.QueryResultsFormat.JSON)
    data: dict[str, Any] = json.loads(output.getvalue())
    return data


def _has_order_by(sparql: str) -> bool:
    words = [t.text.upper() for t in tokens(sparql) if t.kind == "word"]
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:], strict=False))
