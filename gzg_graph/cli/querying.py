"""``gzg query`` and ``gzg queries``: SPARQL over the store, with the same limits as the endpoint.

A query from the command line is checked by the same guard as one sent to ``/sparql`` (size, nesting,
``SERVICE`` allow-list) and runs in a worker process with the same timeout and result cap, so no query
can hang, crash or reach past ``gzg`` either.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import queries
from ..config import Settings
from ..errors import GzgError, QueryError
from ..formats import RdfFormat, ResultFormat
from ..namespaces import PREFIXES
from ..store import detect_query_kind
from ..store.embedded import check_store_directory
from ..store.guard import QueryLimits, check_query, without_remote_text
from ..store.pool import PoolLimits, QueryPool
from .common import StoreOption, app, err, fail, open_store, out, settings_with

_TABLE = "table"


@app.command()
def query(
    sparql: Annotated[
        str, typer.Argument(help="SPARQL text, a .rq file, or the name of a shipped query (see `gzg queries`).")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table, json, xml, csv, tsv (SELECT/ASK); ttl, nt, jsonld, rdfxml (CONSTRUCT/DESCRIBE).",
        ),
    ] = _TABLE,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query against the store (default graph = union of all named graphs)."""
    settings = settings_with(store)
    try:
        text = _query_text(sparql, settings.base_uri)
        calls_service = check_query(text, QueryLimits.from_settings(settings))
        kind = detect_query_kind(text)
        if kind == "update":
            fail("not a query (SELECT, ASK, CONSTRUCT or DESCRIBE); `gzg load` adds data", 2)
        result_format = _result_format(kind, fmt)
        try:
            body = _run(settings, text, result_format)
        except QueryError as e:
            raise without_remote_text(e) if calls_service else e from None
    except GzgError as e:
        fail(str(e), 2)
    if fmt == _TABLE and kind != "graph":
        _print_table(body)
    else:
        sys.stdout.buffer.write(body)


def _run(settings: Settings, text: str, result_format: RdfFormat | ResultFormat) -> bytes:
    """The query's result: on the remote store, which bounds its own queries; on the embedded one in a worker
    process, with the same time and memory limits as the API."""
    if settings.sparql_endpoint is not None:
        return open_store(settings).query(text, result_format).body
    check_store_directory(settings.store_dir)
    prefixes = {**PREFIXES, "gzg": f"{settings.base_uri}/ns/gzg#"}
    pool = QueryPool(
        settings.store_dir, dataclasses.replace(PoolLimits.from_settings(settings), workers=1, waiting=0), prefixes
    )
    try:
        return pool.query(text, result_format).body
    finally:
        pool.close()


def _result_format(kind: str, fmt: str) -> RdfFormat | ResultFormat:
    try:
        if kind == "graph":
            return RdfFormat.TURTLE if fmt == _TABLE else RdfFormat.from_name(fmt)
        return ResultFormat.JSON if fmt == _TABLE else ResultFormat.from_name(fmt)
    except ValueError:
        names = "ttl, nt, jsonld, rdfxml" if kind == "graph" else "table, json, xml, csv or tsv"
        fail(f"unknown result format {fmt!r} for a {kind.upper()} query (use {names})", 2)


@app.command("queries")
def list_queries() -> None:
    """List the shipped named queries with their first comment line."""
    table = Table("name", "what it answers")
    for name in queries.names():
        first = next(
            (line.lstrip("# ").strip() for line in queries.load(name).splitlines() if line.startswith("#")), ""
        )
        table.add_row(name, first)
    out.print(table)


def _query_text(argument: str, base: str) -> str:
    path = Path(argument)
    if argument.endswith(".rq") or (len(argument) < 256 and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise GzgError(f"cannot read query file {argument}: {getattr(e, 'strerror', None) or e}") from e
    if argument in queries.names():
        return queries.load(argument, base)
    return argument


def _print_table(body: bytes) -> None:
    data = json.loads(body)
    if "boolean" in data:
        out.print("true" if data["boolean"] else "false")
        return
    variables = data["head"]["vars"]
    table = Table(*variables, show_lines=False)
    rows = data["results"]["bindings"]
    for row in rows:
        table.add_row(*(row[v]["value"] if v in row else "" for v in variables))
    out.print(table)
    err.print(f"{len(rows)} row(s)", highlight=False)
