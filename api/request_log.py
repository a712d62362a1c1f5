"""One log line per request: method, path, status and time, when the response has been sent in full.

A plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: that one re-wraps every response
body in a task of its own, which costs time on every request and hides an error in a streamed body (the
client would see a truncated result end as if it were complete). Here the body passes straight through,
and an error in it ends the connection as the server decides.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("gzg_api.requests")


class RequestLog:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                log.info(
                    "%s %s %d %.1f ms", scope["method"], scope["path"], status, (time.perf_counter() - start) * 1000
                )

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.warning(
                "%s %s ended with an error after %.1f ms",
                scope["method"],
                scope["path"],
                (time.perf_counter() - start) * 1000,
            )
            raise
