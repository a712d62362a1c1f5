"""Queries from outside, evaluated in worker processes that a query cannot break out of.

One query must cost its own request only. pyoxigraph evaluates in the calling process, where a query
that crashes the engine kills the server, a runaway one keeps a core and its memory until it ends, and a
huge result grows the process. So :class:`QueryPool` keeps a few worker processes, each holding the store
(loaded from the embedded store's snapshot; it catches up with a newer generation by applying its deltas):

* a query that runs past ``timeout`` is stopped by killing its worker (its memory goes with it) and a
  fresh worker takes its place (:class:`~gzg_graph.errors.QueryTimeout`);
* a query that crashes the engine or hits the worker's memory limit kills only its worker
  (:class:`~gzg_graph.errors.QueryCrashed`);
* a result larger than ``max_result_bytes`` stops being written (:class:`~gzg_graph.errors.ResultTooLarge`);
* when every worker is busy and ``waiting`` requests already wait, the next one is refused at once
  (:class:`~gzg_graph.errors.Overloaded`) instead of queueing for ever.

:class:`~.isolated.IsolatedStore` puts the pool behind the :class:`~gzg_graph.store.base.Store` interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import GzgError, Overloaded, QueryCrashed, QueryError, QueryTimeout
from ..formats import RdfFormat, ResultFormat
from .base import (
    QueryResult,
    StreamedResult,
)
from .worker import ERRORS, Request, serve

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolLimits:
    """How many workers, how long and how much one query may take (``GZG_QUERY_*`` settings)."""

    workers: int = 2
    waiting: int = 16
    timeout: float = 30.0
    max_result_bytes: int = 64 * 1024 * 1024
    memory_mb: int = 4096

    @classmethod
    def from_settings(cls, settings: Settings) -> PoolLimits:
        return cls(
            settings.query_workers,
            settings.query_waiting,
            settings.query_timeout_seconds,
            settings.max_result_bytes,
            settings.query_memory_mb,
        )


#: How long a new worker may take to load the store (a 1M-triple snapshot loads in a few seconds).
_STARTUP_SECONDS = 300.0


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(
        self,
        context: multiprocessing.context.SpawnContext,
        directory: Path,
        limits: PoolLimits,
        prefixes: Mapping[str, str],
    ):
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=serve,
            args=(child, str(directory), limits.memory_mb, limits.max_result_bytes, dict(prefixes)),
            name="gzg-query-worker",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker to have loaded the store (its first message), apart from any query's time."""
        if self.ready:
            return
        if not self.connection.poll(timeout):
            raise EOFError("the worker did not start in time")
        self.connection.recv()
        self.ready = True

    def stop(self) -> None:
        """Kill the process (it may be stuck in the engine, where no signal handler runs) and reap it."""
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(timeout=5)
        with contextlib.suppress(Exception):
            self.connection.close()


class QueryPool:
    """Worker processes answering SPARQL queries over the embedded store in ``directory``."""

    def __init__(self, directory: Path, limits: PoolLimits | None = None, prefixes: Mapping[str, str] | None = None):
        self.directory = Path(directory)
        self.limits = limits or PoolLimits()
        self.prefixes = dict(prefixes or {})
        self.restarts = 0
        self._context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        self._admission = threading.BoundedSemaphore(self.limits.workers + self.limits.waiting)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._closed = False
        for _ in range(self.limits.workers):
            self._add_worker()

    def query(self, sparql: str, result_format: ResultFormat | RdfFormat | None = None, **options: Any) -> QueryResult:
        """Run a query in a worker; options as :meth:`Store.query` takes them."""
        result = self._submit(Request(sparql, result_format, options))
        assert isinstance(result, QueryResult)  # noqa: S101 - a request that does not stream gets it whole
        return result

    def stream(
        self, sparql: str, result_format: ResultFormat | RdfFormat | None = None, **options: Any
    ) -> QueryResult | StreamedResult:
        """Run a query in a worker; a result larger than :data:`CHUNK_BYTES` comes back as it is produced.

        Until the first piece arrives, errors are raised as by :meth:`query` (so the caller can still answer
        4xx); after it, the deadline and the result cap still hold, and an error ends the stream. Closing the
        stream early (a client that went away) stops the worker at once instead of letting it run on."""
        return self._submit(Request(sparql, result_format, options, stream=True))

    async def stream_async(
        self, sparql: str, result_format: ResultFormat | RdfFormat | None = None, **options: Any
    ) -> QueryResult | StreamedResult:
        """:meth:`stream` for an event loop: the worker's answer is awaited on its pipe, not in a thread.

        Only the rare waits (every worker busy, a worker still loading, replacing one) go to a thread. A
        request cancelled while its worker computes (the client went away) replaces that worker."""
        request = Request(sparql, result_format, options, stream=True)
        self._admit()
        streaming = False
        try:
            worker = await self._take_idle()
            deadline = time.monotonic() + self.limits.timeout
            sent = False
            try:
                if not worker.ready:
                    await asyncio.to_thread(worker.wait_ready, _STARTUP_SECONDS)
                    deadline = time.monotonic() + self.limits.timeout
                worker.connection.send(request)
                sent = True
                if not await _readable(worker.connection, deadline - time.monotonic()):
                    await asyncio.to_thread(self._replace, worker, "timeout")
                    raise self._timeout()
                outcome, payload = worker.connection.recv()
            except (EOFError, OSError):
                raise self._crashed(worker) from None
            except asyncio.CancelledError:
                if sent or not worker.ready:  # an answer (or a start) under way would reach the next query
                    self._replace(worker, "request cancelled")
                else:
                    self._idle.put(worker)
                raise
            result = self._outcome(worker, outcome, payload, deadline)
            streaming = isinstance(result, StreamedResult)
            return result
        finally:
            if not streaming:
                self._admission.release()

    async def _take_idle(self) -> _Worker:
        """An idle worker; when every one is busy, waited for in a thread, and given back if the wait is
        cancelled (the thread goes on and would otherwise take a worker nobody uses)."""
        with contextlib.suppress(queue.Empty):
            return self._idle.get_nowait()
        taking = asyncio.ensure_future(asyncio.to_thread(self._next_idle))
        try:
            return await asyncio.shield(taking)
        except asyncio.CancelledError:
            taking.add_done_callback(self._give_back)
            raise

    def _give_back(self, taken: asyncio.Future[_Worker]) -> None:
        if not taken.cancelled() and taken.exception() is None:
            self._idle.put(taken.result())

    def _submit(self, request: Request) -> QueryResult | StreamedResult:
        self._admit()
        streaming = False
        try:
            result = self._run(self._next_idle(), request)
            streaming = isinstance(result, StreamedResult)
            return result
        finally:
            if not streaming:  # a stream gives its admission back when it ends
                self._admission.release()

    def _admit(self) -> None:
        if self._closed:
            raise GzgError("the query pool is closed")
        if not self._admission.acquire(blocking=False):
            raise Overloaded(
                f"all {self.limits.workers} query workers are busy and {self.limits.waiting} "
                "queries wait already; try again in a moment",
                retry_after=1,
            )

    def _next_idle(self) -> _Worker:
        try:
            return self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            raise Overloaded("no query worker became free in time; try again in a moment") from None

    def _run(self, worker: _Worker, request: Request) -> QueryResult | StreamedResult:
        deadline = time.monotonic() + self.limits.timeout
        try:
            worker.wait_ready(_STARTUP_SECONDS)
            deadline = time.monotonic() + self.limits.timeout
            worker.connection.send(request)
            outcome, payload = self._receive(worker, deadline)
        except (EOFError, OSError):
            raise self._crashed(worker) from None
        return self._outcome(worker, outcome, payload, deadline)

    def _outcome(self, worker: _Worker, outcome: str, payload: Any, deadline: float) -> QueryResult | StreamedResult:
        """A worker's first answer to a request: a result, the first piece of a stream, or an error."""
        if outcome == "chunk":
            kind, media_type, first = payload
            chunks = self._rest(worker, first, deadline)
            next(chunks)  # started: closing it, or dropping it unread (a client gone first), frees the worker
            return StreamedResult(kind, media_type, chunks)
        self._idle.put(worker)
        if outcome == "ok":
            return QueryResult(*payload)
        raise ERRORS.get(outcome, QueryError)(payload)

    def _receive(self, worker: _Worker, deadline: float) -> tuple[str, Any]:
        """The worker's next message, or a QueryTimeout (and a fresh worker) when the deadline passes first."""
        if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
            self._replace(worker, "timeout")
            raise self._timeout()
        message: tuple[str, Any] = worker.connection.recv()
        return message

    def _timeout(self) -> QueryTimeout:
        return QueryTimeout(
            f"the query ran longer than {self.limits.timeout:g} s and was stopped "
            "(GZG_QUERY_TIMEOUT); narrow it or add a LIMIT"
        )

    def _rest(self, worker: _Worker, first: bytes, deadline: float) -> Generator[bytes, None, None]:
        """The pieces of a streamed result; the worker goes back to the pool after the last one.

        Its first step yields nothing and is taken by :meth:`_outcome`: a generator never started would not
        run its ``finally`` when closed or collected, leaving its worker blocked on a full pipe for ever."""
        finished = False
        try:
            yield b""
            yield first
            while True:
                try:
                    outcome, payload = self._receive(worker, deadline)
                except (EOFError, OSError):
                    raise self._crashed(worker) from None
                if outcome == "chunk":
                    yield payload[2]
                    continue
                finished = True
                self._idle.put(worker)
                if outcome == "ok":
                    yield payload[2]
                    return
                raise ERRORS.get(outcome, QueryError)(payload)
        except GeneratorExit:
            pass
        finally:
            if not finished and worker in self._workers:
                self._replace(worker, "result abandoned")  # mid-stream: the worker may still be writing
            self._admission.release()

    def _crashed(self, worker: _Worker) -> QueryCrashed:
        self._replace(worker, "crash")
        return QueryCrashed(
            "the query stopped the query engine (a crash or its memory limit); the engine "
            "was restarted, nothing else was affected"
        )

    def _replace(self, worker: _Worker, reason: str) -> None:
        """Stop a worker that overran or died, and start a fresh one in its place."""
        code = worker.process.exitcode
        worker.stop()
        self._workers.discard(worker)
        self.restarts += 1
        log.warning("query worker %s stopped (%s, exit code %s); starting a new one", worker.process.pid, reason, code)
        if not self._closed:
            self._add_worker()

    def _add_worker(self) -> None:
        worker = _Worker(self._context, self.directory, self.limits, self.prefixes)
        self._workers.add(worker)
        self._idle.put(worker)

    def close(self) -> None:
        self._closed = True
        for worker in list(self._workers):
            with contextlib.suppress(Exception):
                worker.connection.send(None)
            worker.stop()
        self._workers.clear()


async def _readable(connection: Connection, timeout: float) -> bool:
    """Wait in the event loop until ``connection`` has a message, at most ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    descriptor = connection.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(descriptor, wake)
    try:
        await asyncio.wait_for(ready, max(0.0, timeout))
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(descriptor)
        os.set_blocking(descriptor, True)  # uvloop made it non-blocking; the pipe's reads expect whole messages
    return True
