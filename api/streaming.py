"""Passing a streamed query result on to the client, and stopping the query when the client goes away."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool

from gzg_graph.errors import GzgError
from gzg_graph.store.base import StreamedResult

log = logging.getLogger(__name__)


async def streamed(result: StreamedResult) -> AsyncIterator[bytes]:
    """The pieces of ``result``, each read in a worker thread (the pipe to the query worker blocks).

    The HTTP status (200) is sent with the first piece, so an error after it (the deadline, the result cap)
    can only end the response early: the client sees a truncated body, not a well-formed partial result, as
    with any streaming SPARQL server. Whatever ends the response (its end, an error, a client that
    disconnects) closes the stream, which gives the query worker back or stops it."""
    chunks = result.chunks
    try:
        while True:
            piece = await run_in_threadpool(next, chunks, None)
            if piece is None:
                return
            yield piece
    except GzgError as e:
        log.warning("a streamed result ended early: %s", e)
        raise
    finally:
        await run_in_threadpool(chunks.close)
