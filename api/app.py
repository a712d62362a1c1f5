"""``create_app(settings)``: wires the store and the routers. Nothing else lives here."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from gzg_graph import __version__
from gzg_graph.config import Settings
from gzg_graph.errors import GzgError, Overloaded, SourceError, StoreUnavailable
from gzg_graph.namespaces import PREFIXES
from gzg_graph.store import EmbeddedStore, Store
from gzg_graph.store.factory import open_store
from gzg_graph.store.isolated import IsolatedStore
from gzg_graph.store.pool import PoolLimits
from gzg_graph.uris import UriPolicy
from gzg_graph.validation import ValidationFailed

from . import docs, pages, query_page
from .answer_cache import AnswerCache
from .caching import ConditionalRequests, unavailable
from .limits import Slots
from .options import AllowOptions
from .request_log import RequestLog
from .routes import collections as collection_routes
from .routes import graph_store, home, ontology, projects_write, resources, sparql, steward_page, validate

log = logging.getLogger("gzg_api.requests")


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The application; ``settings`` default to the environment (``GZG_*``), ``store`` to the embedded store in
    ``settings.store_dir``. ``gzg serve`` and uvicorn call it as a factory (``gzg_api.app:create_app``)."""
    settings = settings or Settings.from_env()
    uris = UriPolicy(settings.base_uri)
    if store is None:  # the embedded store in settings.store_dir, or the remote store of GZG_SPARQL_ENDPOINT
        store = open_store(settings, prefixes={**PREFIXES, "gzg": str(uris.ns)}, create=True)
    if isinstance(store, EmbeddedStore) and store.directory is not None:
        store = IsolatedStore(store, PoolLimits.from_settings(settings))  # every query in a worker process
    served = store

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        served.close()  # stop the query workers

    app = FastAPI(
        lifespan=lifespan,
        title="gzg-graph",
        version=__version__,
        description="Linked data about Flanders' *Gemeente zonder Gemeentehuis* programme: a SPARQL 1.1 "
        "endpoint and dereferenceable resources (Turtle, JSON-LD, N-Triples, RDF/XML, HTML).",
        docs_url=None,  # /docs is api/docs.py's, served offline; no /redoc
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.uris = uris
    app.state.store = store
    app.state.validation_slots = Slots("validation", settings.validation_slots)
    app.include_router(home.router)
    app.include_router(sparql.router)
    app.include_router(resources.router)
    app.include_router(ontology.router)  # /ns/gzg
    app.include_router(validate.router)
    app.include_router(graph_store.router)
    app.include_router(collection_routes.router)  # /calls, /projects, ... (Hydra collections, CSV, HTML)
    app.include_router(projects_write.router)
    app.include_router(steward_page.router)
    query_page.mount_assets(app)  # YASGUI and the query page's own script and style, under /static/
    pages.mount_assets(app)  # the HTML pages' stylesheet, under /static/site/
    docs.install(app)  # /docs (Swagger UI from node_modules) and the OpenAPI document with its examples

    # ETag, Last-Modified, 304 for every read, and answers kept while the store is unchanged
    app.add_middleware(ConditionalRequests, cache=AnswerCache(settings.response_cache_mb * 1024 * 1024))
    # Reads are open to web pages of any origin listed in GZG_CORS_ORIGINS (default: all), as open data is.
    # Outside the kept answers: CORS headers depend on the request's Origin, which their tags do not.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "Accept-Language"],
        max_age=3600,
    )
    app.add_middleware(AllowOptions, router=app.router)  # outside CORS: it lets preflights through
    app.add_middleware(RequestLog)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(_: Request, exc: RequestValidationError) -> JSONResponse:
        """A parameter of the wrong kind is a bad request (400), like every other; 422 means "violates the shapes"."""
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"detail": f"bad parameter: {problems}"}, status_code=400)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return unavailable(exc)  # the remote store is down or failing: 503, not the client's 400

    @app.exception_handler(Overloaded)
    async def overloaded(_: Request, exc: Overloaded) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(ValidationFailed)
    async def refused_write(request: Request, exc: ValidationFailed) -> JSONResponse:
        """A write that would violate the shapes: 422 with the report, in the language asked for."""
        lang = "nl" if (request.headers.get("accept-language") or "").lower().startswith("nl") else "en"
        return JSONResponse({"detail": str(exc), "report": exc.report.to_json(lang)}, status_code=422)

    @app.exception_handler(GzgError)
    async def gzg_error(_: Request, exc: GzgError) -> JSONResponse:
        """Every error a user can act on is a 400 with its message as ``detail`` (as FastAPI gives its own
        errors), and ``line`` and ``column`` for input that does not parse."""
        body: dict[str, object] = {"detail": str(exc)}
        if isinstance(exc, SourceError):
            body.update({"line": exc.line, "column": exc.column})
        return JSONResponse(body, status_code=400)

    return app
