"""Query results as bytes: which format a result is written in, and where it is written (a buffer with a cap,
or any ``write(bytes)`` target, such as the pipe of a streaming query worker)."""

from __future__ import annotations

import io
from typing import Any

import pyoxigraph as ox

from ..errors import ResultTooLarge
from ..formats import RdfFormat, ResultFormat


class CappedBuffer(io.BytesIO):
    """A write target that refuses to grow past ``limit`` bytes, so a huge result stops early."""

    def __init__(self, limit: int | None):
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        if self.limit is not None and self.tell() + len(data) > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit} bytes; narrow the query or add a LIMIT")
        return super().write(data)


def serialise_into(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: ResultFormat | RdfFormat | None, output: Any
) -> str:
    """Write a query's result to ``output`` (anything with ``write(bytes)``) as the engine produces it, so a
    large result can be passed on in pieces; returns the media type written."""
    if isinstance(result, ox.QueryTriples):
        graph_format = result_format_for("graph", fmt)
        assert isinstance(graph_format, RdfFormat)  # noqa: S101 - what result_format_for gives for a graph
        result.serialize(output, format=graph_format.oxigraph)
        return graph_format.value
    result_format = result_format_for("select", fmt)
    assert isinstance(result_format, ResultFormat)  # noqa: S101
    result.serialize(output, format=result_format.oxigraph)
    return result_format.value


def result_format_for(kind: str, fmt: ResultFormat | RdfFormat | None) -> ResultFormat | RdfFormat:
    """The format a result of ``kind`` is written in when ``fmt`` is asked for (None: the default)."""
    if kind == "graph":  # in a dataset syntax (N-Quads, TriG), the graph is written as the default graph
        return fmt if isinstance(fmt, RdfFormat) else RdfFormat.TURTLE
    return fmt if isinstance(fmt, ResultFormat) else ResultFormat.JSON
