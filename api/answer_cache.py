"""Answers kept in memory and sent again while the store is unchanged.

A read's answer is decided by the store's generation, the URL and the negotiation headers: exactly what its
entity tag hashes (:mod:`.caching`). So a 200 answer to a GET can be kept under its tag and sent again, byte
for byte, to the next request with the same tag, without the route running: a resource document costs its
description reads and JSON-LD compaction (tens of milliseconds) once per generation instead of on every request.

* Only complete 200 answers of GET requests are kept, each up to :data:`MAX_ENTRY_BYTES`; a HEAD is answered
  from a kept GET (the same headers, no body). Streamed answers larger than that pass through untouched.
* ``/sparql`` answers are never kept: a query may ask for ``RAND()``, ``NOW()`` or ``UUID()``, whose every
  evaluation differs.
* Memory is bounded (``GZG_RESPONSE_CACHE_MB``, default 64; 0 turns the cache off): the least recently used
  answers go first, and everything goes when the generation changes (a write or a rebuild).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import Message, Scope, Send

MAX_ENTRY_BYTES = 1024 * 1024
#: Paths whose answers may differ between two evaluations over the same data.
NOT_KEPT = ("/sparql",)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class AnswerCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._generation: str | None = None
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def keeps(self, scope: Scope) -> bool:
        return self.max_bytes > 0 and not scope["path"].startswith(NOT_KEPT)

    def get(self, generation: str, tag: str) -> Answer | None:
        with self._lock:
            self._forget_older(generation)
            answer = self._answers.get(tag)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(tag)
            self.hits += 1
            return answer

    def put(self, generation: str, tag: str, answer: Answer) -> None:
        size = answer.size
        if size > min(MAX_ENTRY_BYTES, self.max_bytes):
            return
        with self._lock:
            self._forget_older(generation)
            if generation != self._generation or tag in self._answers:
                return  # the store moved on while this answer was made
            self._answers[tag] = answer
            self._size += size
            while self._size > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._size -= dropped.size

    def _forget_older(self, generation: str) -> None:
        if generation != self._generation:
            self._answers.clear()
            self._size = 0
            self._generation = generation

    async def replay(self, answer: Answer, scope: Scope, send: Send) -> None:
        await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
        body = b"" if scope["method"] == "HEAD" else answer.body
        await send({"type": "http.response.body", "body": body, "more_body": False})

    def recording(self, generation: str, tag: str, scope: Scope, send: Send) -> Send:
        """``send`` that also keeps a complete 200 answer to a GET (under ``tag``) once it has gone out."""
        if scope["method"] != "GET":
            return send
        start: Message | None = None
        parts: list[bytes] = []
        size = 0

        async def sending(message: Message) -> None:
            nonlocal start, size
            await send(message)
            if message["type"] == "http.response.start":
                start = message if message["status"] == 200 else None
            elif message["type"] == "http.response.body" and start is not None:
                parts.append(message.get("body", b""))
                size += len(parts[-1])
                if size > MAX_ENTRY_BYTES:
                    start = None  # too large to keep
                elif not message.get("more_body", False):
                    self.put(generation, tag, Answer(start["status"], list(start["headers"]), b"".join(parts)))

        return sending
