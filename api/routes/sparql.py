"""``/sparql``: the SPARQL 1.1 Protocol, query (GET, POST form, POST direct) and update (POST form, POST
direct) operations.

The default graph is the merge of all named graphs unless ``default-graph-uri`` names graphs. Updates need
the write token (:mod:`api.auth`) and are validated against the shapes before they are committed
(:func:`gzg_graph.writes.update_validated`): a refused update changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from gzg_graph.config import Settings
from gzg_graph.errors import QueryError
from gzg_graph.publishing import describe
from gzg_graph.publishing.service import service_description
from gzg_graph.store import RdfFormat, ResultFormat, Store, detect_query_kind
from gzg_graph.store.base import QueryResult, StreamedResult
from gzg_graph.store.federation import ServiceFailed, ServiceRefused, resolve_services
from gzg_graph.store.guard import QueryLimits, check_query, without_remote_text

from ..bodies import graph_iris, read_limited, require_utf8_charset, utf8_text
from ..deps import get_settings, get_store
from ..negotiation import choose
from ..query_page import prefers_page, query_page
from ..responses import SPARQL_GRAPHS, SPARQL_RESULTS, errors, rdf_media_type, success
from ..streaming import streamed
from . import update

router = APIRouter(tags=["SPARQL"])

RESULT_TYPES = [f.value for f in ResultFormat] + ["application/json"]
#: CONSTRUCT/DESCRIBE results; in N-Quads and TriG the graph is the default graph (for clients that read those).
GRAPH_TYPES = [f.value for f in RdfFormat]
#: The syntaxes of the service description (a graph).
DESCRIPTION_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)
FORMAT_HELP = (
    "The result format, overriding Accept: json, xml, csv, tsv (SELECT, ASK) or ttl, nt, nq, trig, jsonld, rdf "
    "(CONSTRUCT, DESCRIBE); a media type is accepted too."
)
#: The GET parameters, for OpenAPI (the route reads them itself).
GET_PARAMETERS = [
    {
        "name": "query",
        "in": "query",
        "required": False,
        "description": "The SPARQL query.",
        "schema": {"type": "string"},
    },
    {"name": "format", "in": "query", "required": False, "description": FORMAT_HELP, "schema": {"type": "string"}},
    *(
        {"name": name, "in": "query", "required": False, "schema": {"type": "array", "items": {"type": "string"}}}
        for name in ("default-graph-uri", "named-graph-uri")
    ),
]
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"


@router.api_route(
    "/sparql",
    methods=["GET", "HEAD"],
    summary="Run a SPARQL query (query in the URL); without a query, the service description",
    responses={
        **success(
            "The results; without a query, the service description (RDF) or the query page (HTML)",
            SPARQL_RESULTS + SPARQL_GRAPHS + ["text/html"],
        ),
        **errors(400, 406, 413, 502, 503),
    },
    openapi_extra={"parameters": GET_PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    """Parameters are read from the URL here, not declared to FastAPI, and the query is awaited on the query
    pool's pipe: FastAPI's parameter solving and a thread hand-off cost more than a point query itself
    (py-spy under wrk). OpenAPI still lists them (:data:`GET_PARAMETERS`)."""
    params = request.query_params
    if "update" in params:
        raise HTTPException(400, "an update is sent with POST (form field 'update' or application/sparql-update)")
    settings: Settings = request.app.state.settings
    queries = params.getlist("query")
    if not queries and prefers_page(request):
        return query_page(request, settings)  # the query page for browsers (api/query_page.py)
    store = await get_store(request)
    if not queries:
        return _service_description(request, store, settings)
    if len(queries) > 1:
        raise HTTPException(400, "more than one 'query' parameter: send one query per request")
    if len(queries[0].encode("utf-8", errors="surrogatepass")) > settings.max_request_bytes:
        raise HTTPException(413, f"query larger than {settings.max_request_bytes} bytes")
    formats = params.getlist("format")
    return await _answer(
        request,
        store,
        settings,
        queries[0],
        params.getlist("default-graph-uri") or None,
        params.getlist("named-graph-uri") or None,
        formats[-1] if formats else None,
    )


@router.post(
    "/sparql",
    summary="Run a SPARQL query or, with the write token, a SPARQL update (form-encoded or direct body)",
    responses={
        **success("The results", SPARQL_RESULTS + SPARQL_GRAPHS),
        **errors(400, 401, 403, 406, 413, 415, 422, 502, 503),
    },
    openapi_extra={
        "requestBody": {
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string"}, "update": {"type": "string"}},
                    }
                },
                DIRECT: {"schema": {"type": "string"}},
                DIRECT_UPDATE: {"schema": {"type": "string"}},
            }
        }
    },
)
async def sparql_post(
    request: Request, store: Store = Depends(get_store), settings: Settings = Depends(get_settings)
) -> Response:
    body = await read_limited(request, settings.max_request_bytes)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    require_utf8_charset(request.headers.get("content-type", ""))
    params = parse_qs(request.url.query)
    text = utf8_text(body)
    if content_type == FORM:
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form and ("query" in form or "query" in params):
            raise HTTPException(400, "a request is either a query or an update, not both")
        if "update" in form:
            if len(form["update"]) > 1:
                raise HTTPException(400, "more than one 'update' parameter: send one update request at a time")
            return await update.run(request, store, settings, form["update"][0], {**params, **form})
        if "query" not in form:
            raise HTTPException(400, "missing 'query' field in the form")
        if len(form["query"]) > 1 or "query" in params:
            raise HTTPException(400, "more than one 'query' parameter: send one query per request")
        query = form["query"][0]
        params = {**params, **form}
    elif content_type == DIRECT:
        query = text
    elif content_type == DIRECT_UPDATE:
        return await update.run(request, store, settings, text, params)
    else:
        raise HTTPException(
            415,
            f"POST a query as {FORM} or {DIRECT}, an update as {FORM} or {DIRECT_UPDATE}, "
            f"not {content_type or 'no content type'}",
        )
    formats = params.get("format")
    return await _answer(
        request,
        store,
        settings,
        query,
        params.get("default-graph-uri"),
        params.get("named-graph-uri"),
        formats[-1] if formats else None,
    )


def _service_description(request: Request, store: Store, settings: Settings) -> Response:
    """``GET /sparql`` without a query: the SPARQL 1.1 Service Description, in the RDF syntax asked for."""
    offered = [f.value for f in DESCRIPTION_FORMATS]
    media_type = choose(request.headers.get("accept"), offered)
    if media_type is None:
        raise HTTPException(
            400, f"missing 'query' parameter (or ask for the service description in RDF: {', '.join(offered)})"
        )
    graph = service_description(store, f"{settings.base_uri}/sparql")
    body = describe.serialise(graph, RdfFormat(media_type))
    return Response(body, media_type=rdf_media_type(RdfFormat(media_type)), headers={"Vary": "Accept"})


#: Queries up to this size are checked in the event loop; longer ones (tokenising takes time) in a thread.
INLINE_QUERY_CHARS = 20_000


async def _answer(
    request: Request,
    store: Store,
    settings: Settings,
    query: str,
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
    format_name: str | None = None,
) -> Response:
    """Check the request, then await the store's answer; the query itself runs in a worker process
    (:mod:`gzg_graph.store.pool`), so the event loop only waits. Very long queries are checked in a thread
    (tokenising takes time), and queries with ``SERVICE`` calls are answered in one, as the calls block."""
    args = (request, settings, query, default_graphs, named_graphs, format_name)
    prepared = await run_in_threadpool(_prepare, *args) if len(query) > INLINE_QUERY_CHARS else _prepare(*args)
    if prepared.calls_service:
        return await run_in_threadpool(_federated, store, settings, prepared)
    result = await store.query_stream_async(query, prepared.fmt, **prepared.options)
    return _response(result, prepared.media_type)


@dataclass(frozen=True)
class _Prepared:
    query: str
    fmt: ResultFormat | RdfFormat
    media_type: str
    calls_service: bool
    options: dict[str, Any]


def _prepare(
    request: Request,
    settings: Settings,
    query: str,
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
    format_name: str | None = None,
) -> _Prepared:
    """The checks every query passes (graph IRIs, size, nesting, SERVICE allow-list: 400), and its format."""
    calls_service = check_query(query, QueryLimits.from_settings(settings))  # size, nesting, SERVICE: 400
    kind = detect_query_kind(query)
    if kind == "update":
        raise HTTPException(
            400, "not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE expected); updates are not accepted here"
        )
    fmt, media_type = _result_format(kind, request.headers.get("accept"), format_name)
    options = {
        "default_graphs": graph_iris(default_graphs, "default-graph-uri"),
        "named_graphs": graph_iris(named_graphs, "named-graph-uri"),
        "base_iri": f"{settings.base_uri}/sparql",
    }
    return _Prepared(query, fmt, media_type, calls_service, options)


def _federated(store: Store, settings: Settings, prepared: _Prepared) -> Response:
    """A query with SERVICE calls, in a worker thread: the calls are ours, in the forms every endpoint answers
    (federation.py), and their rows are joined in as VALUES before the store runs the query."""
    try:
        query = resolve_services(prepared.query, settings.query_timeout_seconds, settings.max_result_bytes)
    except ServiceRefused:
        raise  # the endpoint refused the pattern or cut its answer: the query must change (400)
    except ServiceFailed as e:
        raise HTTPException(502, str(e)) from None
    try:
        result = store.query_stream(query, prepared.fmt, **prepared.options)
    except QueryError as e:
        raise without_remote_text(e) from None
    return _response(result, prepared.media_type)


def _response(result: QueryResult | StreamedResult, media_type: str) -> Response:
    charset = "; charset=utf-8" if media_type.startswith("text/") or "json" in media_type else ""
    headers = {"Vary": "Accept"}
    if isinstance(result, StreamedResult):  # a large result: passed on while the engine writes it
        return StreamingResponse(streamed(result), media_type=media_type + charset, headers=headers)
    return Response(result.body, media_type=media_type + charset, headers=headers)


def _result_format(kind: str, accept: str | None, format_name: str | None) -> tuple[ResultFormat | RdfFormat, str]:
    """The result format: the ``format`` parameter if given (400 if unknown), else the best ``Accept`` offers."""
    if format_name:
        try:
            fmt: ResultFormat | RdfFormat = (
                RdfFormat.from_name(format_name) if kind == "graph" else ResultFormat.from_name(format_name)
            )
        except ValueError as e:
            raise HTTPException(400, f"format: {e}") from None
        return fmt, fmt.value
    offered = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    media_type = choose(accept, offered)
    if media_type is None:
        raise HTTPException(406, f"cannot answer a {kind} query as {accept}; offered: {', '.join(offered)}")
    if kind == "graph":
        return RdfFormat(media_type), media_type
    return ResultFormat(ResultFormat.JSON.value if media_type == "application/json" else media_type), media_type
