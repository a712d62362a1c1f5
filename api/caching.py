"""Conditional requests: ``ETag``, ``Last-Modified`` and ``Cache-Control`` on every read, and 304 on a match.

Every read answers from the store's current generation (a snapshot: nothing changes within it) and from
the request itself, so what a GET returns is decided by the generation, the path with its query string and
the headers it is negotiated on (``Accept``, ``Accept-Language``). The entity tag is a hash of exactly those,
computed before the route runs: a client that already holds the answer gets 304 without the store being
asked anything. ``Last-Modified`` is when the generation was written; ``Cache-Control: no-cache`` lets
caches keep answers but makes them ask again (a rebuild or a write may come at any time), which the 304
makes cheap. A store without generations (an in-memory test store) gets no validators. The same tag keys
the answers kept in memory (:mod:`.answer_cache`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gzg_graph.errors import StoreUnavailable
from gzg_graph.store.remote import RemoteStore

from .answer_cache import AnswerCache

#: Paths whose answers are not the store's: static files have validators of their own.
NOT_THE_STORE = ("/static/",)
CACHE_CONTROL = "public, no-cache"
#: Set in the request's state once the store was refreshed for it (read by ``deps.get_store``).
REFRESHED = "store_refreshed"


class ConditionalRequests:
    def __init__(self, app: ASGIApp, cache: AnswerCache | None = None):
        self.app = app
        self.cache = cache  # answers sent again under their tag (answer_cache.py)
        # (generation, when it was written, that time as an HTTP date): read once per generation
        self._written: tuple[str, datetime | None, str] = ("", None, "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(NOT_THE_STORE):
            await self.app(scope, receive, send)
            return
        store = scope["app"].state.store
        try:
            refreshed = await refresh(store)
        except StoreUnavailable as e:  # raised here, outside the application's exception handlers
            await unavailable(e)(scope, receive, send)
            return
        if refreshed:  # validators of the generation the route will answer from
            scope.setdefault("state", {})[REFRESHED] = True  # get_store need not look again: tag and body agree
        generation = getattr(store, "generation", None)
        if generation is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        etag = entity_tag(generation, scope, headers)
        if self._written[0] != generation:
            written = _written(store)
            self._written = (generation, written, format_datetime(written, usegmt=True) if written else "")
        _, modified, last_modified = self._written
        if _not_modified(headers, etag, modified):
            validators = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept, Accept-Language"}
            if modified is not None:
                validators["Last-Modified"] = last_modified
            await Response(status_code=304, headers=validators)(scope, receive, send)
            return
        if self.cache is not None and self.cache.keeps(scope):
            kept = self.cache.get(generation, etag)
            if kept is not None:
                await self.cache.replay(kept, scope, send)
                return
            send = self.cache.recording(generation, etag, scope, send)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                response_headers = MutableHeaders(scope=message)
                response_headers["ETag"] = etag
                response_headers.setdefault("Cache-Control", CACHE_CONTROL)
                if modified is not None:
                    response_headers["Last-Modified"] = last_modified
            await send(message)

        await self.app(scope, receive, sending)


async def refresh(store: object) -> bool:
    """Bring ``store`` to the newest generation any process wrote; False for a store without generations.

    The embedded store reads one small file, done here in the event loop; the remote store asks its SPARQL store
    (one small query over HTTP), which would stop every other request while it waits: that runs in a thread."""
    renew = getattr(store, "refresh", None)
    if renew is None:
        return False
    if isinstance(store, RemoteStore):
        await run_in_threadpool(renew)
    else:
        renew()
    return True


def unavailable(error: StoreUnavailable) -> JSONResponse:
    """503 for a remote store that cannot be reached or fails: the service's trouble, to be tried again later."""
    return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "5"})


def entity_tag(generation: str, scope: Scope, headers: Headers) -> str:
    """A weak tag of everything a read's answer depends on: the generation, the URL and the negotiation."""
    key = "\n".join(
        [
            generation,
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            headers.get("accept", ""),
            headers.get("accept-language", ""),
        ]
    )
    return f'W/"{hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]}"'


def _not_modified(headers: Headers, etag: str, modified: datetime | None) -> bool:
    """RFC 9110 13.1.2 and 13.1.3: If-None-Match decides when present (weak comparison), else If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = headers.get("if-modified-since")
    if since is None or modified is None:
        return False
    try:
        return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says


def _written(store: object) -> datetime | None:
    """When the store's generation was written (its manifest), or None when unknown."""
    manifest = getattr(store, "manifest", None)
    if manifest is None:
        return None
    written = manifest().get("written")
    return datetime.fromisoformat(written) if written else None
