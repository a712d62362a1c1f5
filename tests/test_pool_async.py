"""The query pool awaited from an event loop (``QueryPool.stream_async``, what ``GET /sparql`` uses).

Run on uvloop, the loop ``gzg serve`` runs on: it makes the pipe it watches non-blocking, which once cut large
answers short. Cancelled requests (a client that went away) must neither leave an answer for the next query
nor lose a worker.
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest
import uvloop

from gzg_graph.errors import QueryTimeout
from gzg_graph.formats import ResultFormat
from gzg_graph.store.base import QueryResult, StreamedResult
from gzg_graph.store.pool import PoolLimits, QueryPool

ASK = "ASK { ?s ?p ?o }"
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def pool_store(built) -> Path:
    return built[0].store_dir


async def body(pool: QueryPool, query: str) -> bytes:
    result = await pool.stream_async(query, ResultFormat.JSON)
    if isinstance(result, StreamedResult):
        return b"".join(result.chunks)
    assert isinstance(result, QueryResult)
    return result.body


def test_answers_equal_the_blocking_path_also_when_streamed(pool_store):
    pool = QueryPool(pool_store, PoolLimits(workers=1))
    try:
        expected = b"".join(pool.stream(EVERYTHING, ResultFormat.JSON).chunks)  # type: ignore[union-attr]
        assert len(expected) > 1024 * 1024  # several pieces of the pipe's protocol

        async def scenario() -> tuple[bytes, bytes, bytes]:
            return await body(pool, EVERYTHING), await body(pool, ASK), await body(pool, EVERYTHING)

        everything, ask, again = uvloop.run(scenario())
        assert everything == expected == again
        assert ask.endswith(b"true}")
        assert pool.restarts == 0
    finally:
        pool.close()


def test_a_cancelled_query_replaces_its_worker_and_the_next_query_gets_its_own_answer(pool_store):
    pool = QueryPool(pool_store, PoolLimits(workers=1, timeout=60))
    try:

        async def scenario() -> bytes:
            await body(pool, ASK)  # the worker is up
            runaway = asyncio.create_task(body(pool, RUNAWAY))
            await asyncio.sleep(0.5)
            runaway.cancel()
            with pytest.raises(asyncio.CancelledError):
                await runaway
            return await body(pool, ASK)

        assert uvloop.run(scenario()).endswith(b"true}")
        assert pool.restarts == 1
        assert len(pool._workers) == 1
    finally:
        pool.close()


def test_a_request_cancelled_while_waiting_for_a_worker_gives_it_back(pool_store):
    pool = QueryPool(pool_store, PoolLimits(workers=1, waiting=2, timeout=3))
    try:

        async def scenario() -> bytes:
            await body(pool, ASK)
            busy = asyncio.create_task(body(pool, RUNAWAY))  # holds the only worker until its timeout
            await asyncio.sleep(0.3)
            waiting = asyncio.create_task(body(pool, ASK))
            await asyncio.sleep(0.3)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            with pytest.raises(QueryTimeout):
                await busy
            await asyncio.sleep(0.5)  # the waiting thread takes the fresh worker, then gives it back
            return await body(pool, ASK)

        assert uvloop.run(scenario()).endswith(b"true}")
        assert pool._idle.qsize() == 1 and len(pool._workers) == 1
    finally:
        pool.close()


def test_a_streamed_result_dropped_unread_frees_its_worker(pool_store):
    """A client that goes away before its large answer is sent leaves the stream unread: dropping it must stop
    the worker blocked on the full pipe and give the pool its place back (it once kept both for ever)."""
    pool = QueryPool(pool_store, PoolLimits(workers=1, waiting=0, timeout=20))
    try:
        result = pool.stream(EVERYTHING, ResultFormat.JSON)
        assert isinstance(result, StreamedResult)
        del result
        gc.collect()
        assert pool.query(ASK, ResultFormat.JSON).body.endswith(b"true}")
        assert pool.restarts == 1
    finally:
        pool.close()
