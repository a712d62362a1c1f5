"""Blocking work off the event loop, within bounds: no request may hold the server, none may queue for ever.

The event loop only reads requests and writes responses. Queries already run in worker processes (see
``gzg_graph.store.pool``), which refuse work at once when full; validation runs pyshacl in this process,
so at most ``GZG_VALIDATION_SLOTS`` run at a time and the next one gets 503 with ``Retry-After`` at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from gzg_graph.errors import Overloaded

T = TypeVar("T")


class Slots:
    """A fixed number of places for one kind of blocking work; ``run`` refuses (503) when all are taken."""

    def __init__(self, name: str, size: int):
        self.name, self.size = name, size
        self._free = threading.BoundedSemaphore(size)

    async def run(self, work: Callable[..., T], *args: object) -> T:
        if not self._free.acquire(blocking=False):
            raise Overloaded(f"all {self.size} {self.name} slots are busy; try again in a moment", retry_after=2)
        try:
            return await run_in_threadpool(work, *args)
        finally:
            self._free.release()
