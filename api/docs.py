"""The API's documentation: the OpenAPI document at ``/openapi.json``, with real examples, and Swagger UI at ``/docs``.

What is where:

* Swagger UI (npm ``swagger-ui-dist``, pinned in ``package.json``) is installed by ``make install`` (``npm ci``) into
  the clone's ``node_modules/``; three of its files (:data:`SWAGGER_FILES`) are served at ``/static/swagger-ui/``
  from there (``GZG_SWAGGER_UI_DIR`` names another folder, e.g. for an installed wheel). The page at ``/docs`` is
  ours (:data:`PAGE`), started by a small script of ours (:data:`INIT_JS`, at ``/static/docs/init.js``), so that its
  Content-Security-Policy (:data:`CSP`) allows this origin only and no inline script: FastAPI's own page loads
  Swagger UI from a CDN (a blank page offline) and starts it with an inline script. Without the files ``/docs``
  still answers: it says how to install them and lists the operations, with a link to ``/openapi.json``.
* ``/redoc`` is not offered (``redoc_url=None``): one interactive documentation is enough, and Swagger UI's can
  also send requests. ``/openapi.json`` is the document for any other viewer.
* :func:`openapi` builds the document as FastAPI does, with three changes: a route declared for GET and HEAD gives
  each method its own ``operationId`` (``..._get``, ``..._head``; FastAPI would give both the route's one and warn
  "Duplicate Operation ID"); FastAPI's own 422 "Validation Error" answers are dropped (this app answers a bad
  parameter with 400, and 422 means "violates the shapes"); and the answers carry the examples of ``openapi_examples.json``: real answers over the
  real graph, written by ``scripts/openapi_examples.py`` (``tests/test_docs.py`` fails when they no longer match).

:func:`install` wires all of it on an application; ``create_app`` calls it once, with ``docs_url=None`` and
``redoc_url=None`` given to FastAPI.
"""

from __future__ import annotations

import collections
import json
import os
import re
import warnings
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from gzg_graph.config import CLONE_ROOT

from .query_page import _OnlyFiles

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE / "openapi_examples.json"
DOCS_URL = "/docs"
SWAGGER_URL = "/static/swagger-ui"
INIT_URL = "/static/docs/init.js"
#: The files of swagger-ui-dist the page uses; the folder also holds a demo page and source maps, not served.
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
METHOD_ORDER = ("get", "head", "post", "put", "patch", "delete", "options", "trace")
_METHOD_SUFFIX = re.compile(f"_({'|'.join(METHOD_ORDER)})$")

#: This origin only and nothing inline: no inline script, no eval. Swagger UI sets its styles through the DOM (not
#: inline styles in the policy's sense); its icons are ``data:`` SVGs; "Try it out" sends requests to this origin.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - API documentation</title>
<link rel="icon" type="image/png" href="{swagger}/favicon-32x32.png">
<link rel="stylesheet" href="{swagger}/swagger-ui.css">
</head><body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{swagger}/swagger-ui-bundle.js"></script>
<script src="{init}"></script>
</body></html>
"""

#: Starts Swagger UI on the document named by the page; no validator badge (it would call validator.swagger.io).
INIT_JS = """"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
"""

FALLBACK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - API documentation</title></head><body>
<h1>{title} - API documentation</h1>
<p>The interactive documentation (Swagger UI) is not installed on this server: run 'make install' (npm ci) in the
project's folder and restart the server. The OpenAPI document is at <a href="{openapi}">{openapi}</a>.</p>
<h2>Operations</h2>
<ul>{operations}</ul>
<p><a href="/">Home</a> · <a href="/sparql">SPARQL</a></p>
</body></html>
"""


def swagger_ui_dir() -> Path | None:
    """The folder with swagger-ui-dist's files (:data:`SWAGGER_FILES`), or None when it is not installed.

    ``GZG_SWAGGER_UI_DIR`` names it; else it is ``node_modules/swagger-ui-dist`` in the clone, or in the current
    directory when ``gzg`` is not running from a clone."""
    named = os.environ.get("GZG_SWAGGER_UI_DIR")
    if named:
        folder = Path(named)
    else:
        root = CLONE_ROOT if CLONE_ROOT is not None else Path.cwd()
        folder = root / "node_modules" / "swagger-ui-dist"
    return folder if all((folder / name).is_file() for name in SWAGGER_FILES) else None


def install(app: FastAPI) -> None:
    """``/docs``, its files under ``/static/``, and :func:`openapi` as the application's OpenAPI document."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.api_route(DOCS_URL, methods=["GET", "HEAD"], include_in_schema=False)
    def docs(request: Request) -> Response:
        if swagger_ui_dir() is None:
            return HTMLResponse(_fallback(app, openapi_url), headers=HEADERS)
        page = PAGE.format(title=escape(app.title), swagger=SWAGGER_URL, openapi=escape(openapi_url), init=INIT_URL)
        return HTMLResponse(page, headers=HEADERS)

    @app.api_route(INIT_URL, methods=["GET", "HEAD"], include_in_schema=False)
    def init_js() -> Response:
        return Response(INIT_JS, media_type="text/javascript", headers={"X-Content-Type-Options": "nosniff"})

    app.mount(SWAGGER_URL, _OnlyFiles(SWAGGER_FILES, swagger_ui_dir), name="swagger-ui")
    app.openapi = lambda: openapi(app)  # type: ignore[method-assign]


def _fallback(app: FastAPI, openapi_url: str) -> str:
    operations = "".join(
        f"<li><code>{escape(method.upper())} {escape(path)}</code>: {escape(operation.get('summary', ''))}</li>"
        for path, methods in app.openapi()["paths"].items()
        for method, operation in methods.items()
    )
    return FALLBACK.format(title=escape(app.title), openapi=escape(openapi_url), operations=operations)


def openapi(app: FastAPI) -> dict[str, Any]:
    """The application's OpenAPI document (built once): FastAPI's, with an ``operationId`` per method and the
    examples of :data:`EXAMPLES` attached."""
    if app.openapi_schema is None:
        with warnings.catch_warnings():  # FastAPI's, for each route of GET and HEAD: one_id_per_method
            warnings.filterwarnings("ignore", message="Duplicate Operation ID", category=UserWarning)
            schema = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                terms_of_service=app.terms_of_service,
                contact=app.contact,
                license_info=app.license_info,
                routes=app.routes,
                webhooks=app.webhooks.routes,
                tags=app.openapi_tags,
                servers=app.servers,
                separate_input_output_schemas=app.separate_input_output_schemas,
            )
        one_id_per_method(schema)
        without_validation_error(schema)
        attach_examples(schema, examples())
        app.openapi_schema = schema
    return app.openapi_schema


def one_id_per_method(schema: dict[str, Any]) -> None:
    """Give each operation of a route declared for several methods its own ``operationId``: the route's id
    without its method (FastAPI ends it with one of them, whichever its set of methods yields first) and
    ``_get``, ``_head``, ...; warns as FastAPI does if two operations still share one."""
    order = {method: number for number, method in enumerate(METHOD_ORDER)}
    for path, item in schema.get("paths", {}).items():  # GET before HEAD, as a reader expects
        schema["paths"][path] = dict(sorted(item.items(), key=lambda pair: order.get(pair[0], len(order))))
    operations = [
        (method, operation) for item in schema.get("paths", {}).values() for method, operation in item.items()
    ]
    shared = collections.Counter(operation.get("operationId") for _, operation in operations)
    for method, operation in operations:
        if shared[operation.get("operationId")] > 1:
            operation["operationId"] = f"{_METHOD_SUFFIX.sub('', operation['operationId'])}_{method}"
    for operation_id, count in collections.Counter(op.get("operationId") for _, op in operations).items():
        if operation_id is not None and count > 1:
            warnings.warn(f"Duplicate Operation ID {operation_id} in the OpenAPI document", stacklevel=2)


def without_validation_error(schema: dict[str, Any]) -> None:
    """Drop FastAPI's own 422 "Validation Error" answers: ``create_app`` answers a parameter of the wrong kind with
    400 (every route that has parameters documents it), and 422 means "violates the shapes" here."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            answer = operation.get("responses", {}).get("422", {})
            body = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if answer.get("description") == "Validation Error" and body.get("$ref", "").endswith(
                "/HTTPValidationError"
            ):
                del operation["responses"]["422"]
    schemas = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # the first refers to the second
        rest = {
            **schema,
            "components": {**schema.get("components", {}), "schemas": {k: v for k, v in schemas.items() if k != name}},
        }
        if name in schemas and f'/{name}"' not in json.dumps(rest):
            del schemas[name]


@cache
def examples() -> tuple[dict[str, Any], ...]:
    """The examples of :data:`EXAMPLES` (none when the file is missing)."""
    if not EXAMPLES.is_file():
        return ()
    return tuple(json.loads(EXAMPLES.read_text(encoding="utf-8"))["examples"])


def attach_examples(schema: dict[str, Any], found: tuple[dict[str, Any], ...]) -> list[str]:
    """Put each example under its operation's answer, at its media type; returns the names of those that found no
    such place (an operation, status or media type the document does not have)."""
    missing = []
    for example in found:
        method, path = example["operation"].split(" ", 1)
        answer = schema["paths"].get(path, {}).get(method.lower(), {}).get("responses", {}).get(str(example["status"]))
        content = (answer or {}).get("content", {}).get(example["media_type"])
        if content is None:
            missing.append(example["name"])
            continue
        content.setdefault("examples", {})[example["name"]] = {"summary": example["summary"], "value": example["value"]}
        # the media types with examples first: Swagger UI shows the first one of an answer
        answer["content"] = dict(sorted(answer["content"].items(), key=lambda pair: "examples" not in pair[1]))
    return missing
