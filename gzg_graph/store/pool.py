"""Queries from outside, evaluated in worker processes that a query cannot break out of.

One query must cost its own request only. pyoxigraph evaluates in the calling process, where a query
that crashes the engine kills the server, a runaway one keeps a core and its memory until it ends, and a
huge result grows the process. So :class:`QueryPool` keeps a few worker processes, each holding the store
(loaded from the embedded store's snapshot, and reloaded when a newer generation is written):

* a query that runs past ``timeout`` is stopped by killing its worker (its memory goes with it) and a
  fresh worker takes its place (:class:`~gzg_graph.errors.QueryTimeout`);
* a query that crashes the engine or hits the worker's memory limit kills only its worker
  (:class:`~gzg_graph.errors.QueryCrashed`);
* a result larger than ``max_result_bytes`` stops being written (:class:`~gzg_graph.errors.ResultTooLarge`);
* when every worker is busy and ``waiting`` requests already wait, the next one is refused at once
  (:class:`~gzg_graph.errors.Overloaded`) instead of queueing for ever.

:class:`IsolatedStore` puts the pool behind the :class:`~gzg_graph.store.base.Store` interface: queries go
to the workers, everything else (writes, the neighbourhood reads of validation) to the embedded store.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import resource
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from ..config import Settings
from ..errors import GzgError, Overloaded, QueryCrashed, QueryError, QueryTimeout, ResultTooLarge, StoreError
from ..formats import RdfFormat, ResultFormat
from .base import Bindings, Change, ChangeCheck, GraphInfo, QueryResult, Store, Triple
from .embedded import EmbeddedStore
from .updates import UsingDataset

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolLimits:
    """How many workers, how long and how much one query may take (``GZG_QUERY_*`` settings)."""

    workers: int = 2
    waiting: int = 4
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


@dataclass(frozen=True)
class _Request:
    sparql: str
    result_format: ResultFormat | RdfFormat | None
    options: dict[str, Any]


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
            target=_serve,
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
        if self._closed:
            raise GzgError("the query pool is closed")
        if not self._admission.acquire(blocking=False):
            raise Overloaded(
                f"all {self.limits.workers} query workers are busy and {self.limits.waiting} "
                "queries wait already; try again in a moment",
                retry_after=1,
            )
        try:
            try:
                worker = self._idle.get(timeout=self.limits.timeout)
            except queue.Empty:
                raise Overloaded("no query worker became free in time; try again in a moment") from None
            return self._run(worker, _Request(sparql, result_format, options))
        finally:
            self._admission.release()

    def _run(self, worker: _Worker, request: _Request) -> QueryResult:
        started = time.perf_counter()
        try:
            worker.wait_ready(_STARTUP_SECONDS)
            worker.connection.send(request)
            if not worker.connection.poll(self.limits.timeout):
                self._replace(worker, "timeout")
                raise QueryTimeout(
                    f"the query ran longer than {self.limits.timeout:g} s and was stopped "
                    "(GZG_QUERY_TIMEOUT); narrow it or add a LIMIT"
                )
            outcome, payload = worker.connection.recv()
        except (EOFError, OSError) as e:
            self._replace(worker, f"crash ({e.__class__.__name__})")
            raise QueryCrashed(
                "the query stopped the query engine (a crash or its memory limit); the engine "
                "was restarted, nothing else was affected"
            ) from None
        self._idle.put(worker)
        log.debug("query answered in %.1f ms", (time.perf_counter() - started) * 1000)
        if outcome == "ok":
            return QueryResult(*payload)
        raise _ERRORS.get(outcome, QueryError)(payload)

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


def _serve(
    connection: Connection, directory: str, memory_mb: int, max_result_bytes: int, prefixes: dict[str, str]
) -> None:
    """A worker's life: load the store, then answer requests until told to stop (None) or killed."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store = EmbeddedStore(directory, prefixes=prefixes, max_result_bytes=max_result_bytes)
    if not _send(connection, ("ready", None)):
        return
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            store.refresh()  # a write in another process made a newer generation
            result = store.query(request.sparql, request.result_format, **request.options)
            reply: tuple[str, Any] = ("ok", (result.kind, result.media_type, result.body))
        except GzgError as e:
            reply = (_NAMES.get(type(e), "query"), str(e))
        except MemoryError:
            reply = ("crashed", "the query needed more memory than a query worker may use (GZG_QUERY_MEMORY_MB)")
        if not _send(connection, reply):
            return


def _send(connection: Connection, message: tuple[str, Any]) -> bool:
    """Send to the parent; False when it is gone (closed pool, exited process): the worker then just ends."""
    try:
        connection.send(message)
    except (EOFError, OSError):
        return False
    return True


#: The errors a worker reports, by the name it sends them under (exceptions do not cross the pipe).
_ERRORS: dict[str, type[GzgError]] = {
    "query": QueryError,
    "too-large": ResultTooLarge,
    "store": StoreError,
    "crashed": QueryCrashed,
}
_NAMES = {kind: name for name, kind in _ERRORS.items()}


class IsolatedStore(Store):
    """The embedded store, with every query evaluated in a :class:`QueryPool`."""

    def __init__(self, store: EmbeddedStore, limits: PoolLimits | None = None):
        if store.directory is None:
            raise GzgError("query isolation needs a store with a directory (its workers load its snapshot)")
        self.store = store
        self.pool = QueryPool(store.directory, limits, store.prefixes)

    def query(
        self,
        sparql: str,
        result_format: ResultFormat | RdfFormat | None = None,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        return self.pool.query(
            sparql,
            result_format,
            union_default_graph=union_default_graph,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            bindings=bindings,
            base_iri=base_iri,
        )

    def update(
        self,
        sparql: str,
        *,
        using: UsingDataset | None = None,
        base_iri: str | None = None,
        check: ChangeCheck | None = None,
    ) -> Change:
        return self.store.update(sparql, using=using, base_iri=base_iri, check=check)

    def replace_graphs(self, graphs: Mapping[str, bytes], *, drop_others: bool = False) -> None:
        self.store.replace_graphs(graphs, drop_others=drop_others)

    def add(self, graph: str, ntriples: bytes) -> None:
        self.store.add(graph, ntriples)

    def graphs(self) -> list[GraphInfo]:
        return self.store.graphs()

    def export(self, fmt: RdfFormat, graph: str | None = None) -> bytes:
        return self.store.export(fmt, graph)

    def triples_from(self, subjects: Collection[Node], *, skip: Collection[URIRef] = ()) -> set[Triple]:
        return self.store.triples_from(subjects, skip=skip)

    def triples_to(self, objects: Collection[Node], predicates: Collection[URIRef] | None = None) -> set[Triple]:
        return self.store.triples_to(objects, predicates)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with self.store.locked():
            yield

    def refresh(self) -> bool:
        return self.store.refresh()

    @property
    def generation(self) -> str | None:
        return self.store.generation

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        self.pool.close()
