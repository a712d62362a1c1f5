"""``OPTIONS`` on any path: which methods it takes (RFC 9110, 9.3.7), for clients that ask before they send.

A CORS preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) passes through to the CORS
middleware. A plain ``OPTIONS`` gets 204 with ``Allow`` listing the methods of the routes that match the path,
or 404 when none does. This is a middleware, not a catch-all route: a route matching every path would turn
every other method's 404 into a 405.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response
from starlette.routing import Match, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

CANDIDATES = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")
READ_ONLY = ("GET", "HEAD")


class AllowOptions:
    def __init__(self, app: ASGIApp, router: Router):
        self.app, self.router = app, router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS" or _is_preflight(scope):
            await self.app(scope, receive, send)
            return
        methods = {
            method
            for route in self.router.routes
            for method in (READ_ONLY if isinstance(route, Mount) else CANDIDATES)  # static files: read only
            if route.matches({**scope, "method": method})[0] == Match.FULL
        }
        if methods:
            response: Response = Response(status_code=204, headers={"Allow": ", ".join(sorted(methods | {"OPTIONS"}))})
        else:
            response = JSONResponse({"detail": "nothing is served at this path"}, status_code=404)
        await response(scope, receive, send)


def _is_preflight(scope: Scope) -> bool:
    headers = {name for name, _ in scope.get("headers", [])}
    return b"origin" in headers and b"access-control-request-method" in headers
