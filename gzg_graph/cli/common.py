"""What the ``gzg`` commands share: the Typer app, the consoles, settings, the store, one-line errors."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from .. import __version__
from ..config import Settings
from ..errors import GzgError
from ..namespaces import PREFIXES
from ..store import Store
from ..store.factory import open_store as open_configured_store

app = typer.Typer(
    help="Build, query, export and serve the Gemeente zonder Gemeentehuis knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

StoreOption = Annotated[
    Path | None, typer.Option("--store-dir", help="Store directory (default: $GZG_STORE_DIR or var/store).")
]
_GRAPH_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Lang(str, Enum):
    """The languages of the reports' messages."""

    nl = "nl"
    en = "en"


LangOption = Annotated[Lang, typer.Option(help="Language of the report: nl or en.")]


def _print_version(value: bool) -> None:
    if value:
        out.print(f"gzg-graph {__version__}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log each step (GZG_LOG_LEVEL sets the level).")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit.")
    ] = False,
) -> None:
    """Build, query, export and serve the Gemeente zonder Gemeentehuis knowledge graph."""
    level = "INFO" if verbose else os.environ.get("GZG_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(
        level=level,
        format="%(message)s",
        datefmt="[%X]",
        handlers=[RichHandler(console=err, show_path=False)],
        force=True,
    )


def settings_with(store: Path | None = None, data: Path | None = None) -> Settings:
    """The settings from the environment, with the command's own options on top."""
    try:
        settings = Settings.from_env()
    except GzgError as e:
        fail(str(e), 2)
    if store is not None:
        settings = dataclasses.replace(settings, store_dir=store)
    if data is not None:
        settings = dataclasses.replace(settings, data_dir=data)
    return settings


def open_store(settings: Settings, *, create: bool = False) -> Store:
    """The configured store (embedded in ``settings.store_dir``, or the remote SPARQL store of
    ``GZG_SPARQL_ENDPOINT``), with the project's prefixes for readable output.

    Only ``gzg build`` creates a store (``create``); every other command refuses a store without a dataset,
    rather than creating an empty one and reporting on nothing."""
    return open_configured_store(settings, prefixes={**PREFIXES, "gzg": f"{settings.base_uri}/ns/gzg#"}, create=create)


def store_name(settings: Settings) -> str:
    """Where the store is, for messages: its directory or its SPARQL endpoint."""
    return settings.sparql_endpoint or str(settings.store_dir)


def graph_name(name: str) -> str:
    """A named graph's local name ({base}/id/dataset/NAME): lower-case words joined by '-', nothing else."""
    if not _GRAPH_NAME.match(name):
        fail(f"graph name {name!r} must be lower-case letters and digits joined by '-' (e.g. gzg)", 2)
    return name


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
