"""The worker side of the query pool (:mod:`.pool`): a process that loads the store and answers queries.

A worker limits its own address space, loads the snapshot, then answers :class:`Request` messages until told
to stop (None) or killed by the parent (a timeout, an abandoned stream). A result is sent whole, or for a
streamed request in pieces of :data:`CHUNK_BYTES` as the engine writes it, so neither process holds a large
result. Errors cross the pipe by name (:data:`ERRORS`), as exceptions do not.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ..errors import GzgError, QueryCrashed, QueryError, ResultTooLarge, StoreError
from ..formats import RdfFormat, ResultFormat
from .base import detect_query_kind
from .embedded import EmbeddedStore
from .results import result_format_for

#: The size of the pieces a streamed result is sent in, and above which a result streams at all.
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Request:
    sparql: str
    result_format: ResultFormat | RdfFormat | None
    options: dict[str, Any]
    stream: bool = False


def serve(
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
            if request.stream:
                output = _PipeWriter(connection, request, max_result_bytes)
                kind, media_type = store.query_into(output, request.sparql, request.result_format, **request.options)
                reply: tuple[str, Any] = ("ok", (kind, media_type, output.rest()))
            else:
                result = store.query(request.sparql, request.result_format, **request.options)
                reply = ("ok", (result.kind, result.media_type, result.body))
        except GzgError as e:
            reply = (_NAMES.get(type(e), "query"), str(e))
        except MemoryError:
            reply = ("crashed", "the query needed more memory than a query worker may use (GZG_QUERY_MEMORY_MB)")
        if not _send(connection, reply):
            return


class _PipeWriter:
    """Where a worker writes a streamed result: sent to the parent in pieces of :data:`CHUNK_BYTES`, each
    with the kind and media type, up to the result cap."""

    def __init__(self, connection: Connection, request: Request, limit: int):
        self.connection, self.limit = connection, limit
        self.kind = detect_query_kind(request.sparql)
        self.media_type = result_format_for(self.kind, request.result_format).value
        self.buffer = bytearray()
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.written > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit} bytes; narrow the query or add a LIMIT")
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self.connection.send(("chunk", (self.kind, self.media_type, bytes(self.buffer))))
            self.buffer.clear()
        return len(data)

    def flush(self) -> None:
        """Nothing to do: pieces are sent when full, the rest with the final message."""

    def rest(self) -> bytes:
        return bytes(self.buffer)


def _send(connection: Connection, message: tuple[str, Any]) -> bool:
    """Send to the parent; False when it is gone (closed pool, exited process): the worker then just ends."""
    try:
        connection.send(message)
    except (EOFError, OSError):
        return False
    return True


#: The errors a worker reports, by the name it sends them under (exceptions do not cross the pipe).
ERRORS: dict[str, type[GzgError]] = {
    "query": QueryError,
    "too-large": ResultTooLarge,
    "store": StoreError,
    "crashed": QueryCrashed,
}
_NAMES = {kind: name for name, kind in ERRORS.items()}
