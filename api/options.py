"""``OPTIONS`` on any path: which methods it takes (RFC 9110, 9.3.7), for clients that ask before they send.

A CORS preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) never gets here: the CORS
middleware answers it. A plain ``OPTIONS`` gets 204 with ``Allow`` listing the methods of the routes that
match the path, or 404 when none does.
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request, Response
from starlette.routing import Match

CANDIDATES = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")


def allow_options(app: FastAPI) -> None:
    """Answer ``OPTIONS`` for every route of ``app`` (call after the routers are included)."""

    @app.options("/{path:path}", include_in_schema=False)
    def options(request: Request, path: str) -> Response:
        methods = {"OPTIONS"}
        for method in CANDIDATES:
            scope = {**request.scope, "method": method}
            if any(route.matches(scope)[0] == Match.FULL for route in app.routes if route is not this):
                methods.add(method)
        if methods == {"OPTIONS"}:
            raise HTTPException(404, "nothing is served at this path")
        return Response(status_code=204, headers={"Allow": ", ".join(sorted(methods))})

    this = app.routes[-1]  # the route just added, which matches every path
