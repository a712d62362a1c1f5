"""SERVICE calls made by us, before the engine runs the query: each ``SERVICE`` block becomes its answer.

pyoxigraph would call a SERVICE endpoint itself, with one request form only: a POST of the pattern as
``application/sparql-query``. Virtuoso (LBLOD's store) never answers that form (openlink/virtuoso-opensource
issue 842: the request hangs until our timeout), and it cuts answers at its row cap with only a header to
say so. So for a query that calls allow-listed endpoints (the guard has checked them), each
``SERVICE <e> { P }`` is evaluated here as ``SELECT * WHERE { P }`` with the form every endpoint takes
(GET, or a form POST for a long query), and replaced by ``{ VALUES (...) { ... } }`` holding its rows.

That is the engine's own semantics: pyoxigraph also evaluates the pattern on its own and joins the rows
(no bindings are sent along). ``SERVICE SILENT`` that fails becomes ``{}``, one empty solution, as SPARQL
1.1 Federated Query defines. A failing endpoint is a :class:`ServiceFailed` naming it, never its answer.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import QueryError
from .guard import Prologue, Token, tokens

#: What we ask for: JSON results first (every endpoint has them), XML as the fallback.
ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
}
#: Longer queries go in a form POST instead of the URL (servers refuse URLs of a few KB).
MAX_GET_QUERY = 2000
USER_AGENT = "gzg-graph (SPARQL federation)"


class ServiceFailed(QueryError):
    """A SERVICE endpoint did not answer, answered an error or an answer we cannot join; names the endpoint."""


class ServiceRefused(ServiceFailed):
    """The endpoint refused the pattern (HTTP 4xx): the query must change, not the endpoint."""


class AnswerCut(ServiceRefused):
    """The endpoint cut its answer at its row cap: joining part of it would be wrong, even for SILENT."""


@dataclass(frozen=True)
class ServiceCall:
    """One ``SERVICE`` block of a query: where it is in the text, its endpoint and its pattern."""

    start: int  # offset of the word SERVICE
    end: int  # offset just after its closing brace
    endpoint: str
    silent: bool
    pattern: str


def resolve_services(sparql: str, timeout: float, max_bytes: int) -> str:
    """``sparql`` with every top-level SERVICE block replaced by the rows its endpoint answers.

    ``timeout`` bounds all calls together (seconds), ``max_bytes`` each answer. The endpoints must have
    been checked against the allow-list already (:func:`gzg_graph.store.guard.check_query`)."""
    calls, prologue = find_services(sparql)
    deadline = time.monotonic() + timeout
    for call in reversed(calls):  # from the end, so the offsets of the earlier blocks stay right
        sparql = sparql[: call.start] + _answer(call, prologue, deadline, max_bytes) + sparql[call.end :]
    return sparql


def find_services(sparql: str) -> tuple[list[ServiceCall], str]:
    """The SERVICE blocks of a query (not those nested in another) and its prologue as PREFIX/BASE text."""
    items = list(tokens(sparql))
    prologue = Prologue()
    calls: list[ServiceCall] = []
    index = 0
    while index < len(items):
        token = items[index]
        if prologue.declare(items, index):
            index += 1
            continue
        if token.kind == "word" and token.text.upper() == "SERVICE":
            call, index = _service_at(sparql, items, index, prologue)
            calls.append(call)
            continue
        index += 1
    declared = [f"BASE <{prologue.base}>"] if prologue.base else []
    declared += [f"PREFIX {name}: <{iri}>" for name, iri in prologue.prefixes.items()]
    return calls, "\n".join(declared)


def _service_at(sparql: str, items: list[Token], index: int, prologue: Prologue) -> tuple[ServiceCall, int]:
    """The SERVICE block starting at ``items[index]`` and the index just after it."""
    position = index + 1
    silent = position < len(items) and items[position].text.upper() == "SILENT"
    position += silent
    endpoint = prologue.iri(items[position]) if position < len(items) else None
    opening = position + 1
    if endpoint is None or opening >= len(items) or items[opening].text != "{":
        raise QueryError("SERVICE needs a fixed endpoint IRI followed by a group { ... }")
    depth, closing = 0, opening
    for closing in range(opening, len(items)):
        text = items[closing].text if items[closing].kind == "punct" else ""
        depth += (text == "{") - (text == "}")
        if depth == 0:
            break
    if depth:
        raise QueryError("SERVICE block without its closing brace")
    start, end = items[index].offset, items[closing].offset + 1
    pattern = sparql[items[opening].offset + 1 : items[closing].offset]
    return ServiceCall(start, end, endpoint, bool(silent), pattern), closing + 1


def _answer(call: ServiceCall, prologue: str, deadline: float, max_bytes: int) -> str:
    """The VALUES block that stands for the call's rows; ``{}`` for a failed SERVICE SILENT."""
    remote_query = f"{prologue}\nSELECT * WHERE {{{call.pattern}}}".lstrip()
    try:
        return values_block(fetch_rows(call.endpoint, remote_query, deadline, max_bytes))
    except ServiceFailed as e:
        if call.silent and not isinstance(e, AnswerCut):
            return "{}"
        raise


def fetch_rows(endpoint: str, query: str, deadline: float, max_bytes: int) -> ox.QuerySolutions:
    """The solutions ``endpoint`` answers to ``query``; :class:`ServiceFailed` for anything else."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ServiceFailed(f"SERVICE <{endpoint}>: no time left for the call (GZG_QUERY_TIMEOUT)")
    headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
    if len(query) <= MAX_GET_QUERY:
        request = urllib.request.Request(f"{endpoint}?{urllib.parse.urlencode({'query': query})}", headers=headers)
    else:
        body = urllib.parse.urlencode({"query": query}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(endpoint, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=remaining) as response:
            body = response.read(max_bytes + 1)
            media_type = response.headers.get_content_type()
            cap = response.headers.get("X-SPARQL-MaxRows")
    except urllib.error.HTTPError as e:
        failed = ServiceRefused if 400 <= e.code < 500 else ServiceFailed
        raise failed(f"SERVICE <{endpoint}> answered HTTP {e.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise ServiceFailed(f"SERVICE <{endpoint}> could not be reached: {reason}") from None
    return _parse(endpoint, body, media_type, cap, max_bytes)


def _parse(endpoint: str, body: bytes, media_type: str, cap: str | None, max_bytes: int) -> ox.QuerySolutions:
    if len(body) > max_bytes:
        raise ServiceFailed(f"SERVICE <{endpoint}> answered more than {max_bytes} bytes (GZG_MAX_RESULT_BYTES)")
    if cap is not None:  # Virtuoso's ResultSetMaxRows: the rows were cut, a join on them would be wrong
        raise AnswerCut(
            f"SERVICE <{endpoint}> cut its answer at {cap} rows; make the pattern inside SERVICE more selective"
        )
    if media_type not in _FORMATS:
        raise ServiceFailed(f"SERVICE <{endpoint}> answered {media_type}, not SPARQL results")
    try:
        results = ox.parse_query_results(body, _FORMATS[media_type])
    except (SyntaxError, ValueError) as e:
        raise ServiceFailed(f"SERVICE <{endpoint}> answered results that do not parse: {e}") from None
    if not isinstance(results, ox.QuerySolutions):
        raise ServiceFailed(f"SERVICE <{endpoint}> answered a boolean, not solutions")
    return results


def values_block(solutions: ox.QuerySolutions) -> str:
    """``{ VALUES (?a ?b) { (<x> "y") (UNDEF 1) } }``: the solutions as inline data, joined like SERVICE rows."""
    variables = list(solutions.variables)
    rows = []
    for solution in solutions:
        terms = [solution[v] for v in variables]
        if any(isinstance(term, ox.BlankNode) for term in terms):
            raise ServiceFailed("a SERVICE answered blank nodes, which cannot be joined; select IRIs or literals")
        rows.append("(" + " ".join("UNDEF" if term is None else str(term) for term in terms) + ")")
    header = " ".join(str(v) for v in variables)
    return "{ VALUES (" + header + ") {\n" + "\n".join(rows) + "\n} }"
