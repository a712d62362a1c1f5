"""``gzg build``, ``serve``, ``export`` and ``graphs``: making the store, serving it, reading it whole."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import GzgError
from ..formats import RdfFormat
from ..store.remote import RemoteStore
from ..validation import ValidationFailed
from .common import Lang, LangOption, StoreOption, app, err, fail, open_store, out, settings_with, store_name


@app.command()
def build(
    store: StoreOption = None,
    data: Annotated[Path | None, typer.Option("--data", help="Source directory (default: data/).")] = None,
    lang: LangOption = Lang.en,
) -> None:
    """Read data/, map it to RDF, validate it against shapes/ and replace the store's content with it."""
    from ..build import BUILD_STEPS
    from ..build import build as run_build

    settings = settings_with(store, data)
    try:
        target = open_store(settings, create=True)
        with Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("starting", total=len(BUILD_STEPS))

            def on_step(step: str) -> None:
                done = BUILD_STEPS.index(step) if step in BUILD_STEPS else 0
                progress.update(task, description=step, completed=done)

            if isinstance(target, RemoteStore):  # a remote load goes in batches: show how far it is
                written = progress.add_task("triples sent to the store", total=None)

                def on_batch(done: int, total: int) -> None:
                    progress.update(written, completed=done, total=total)

                target.progress = on_batch
            result = run_build(settings, target, on_step=on_step)
            progress.update(task, completed=len(BUILD_STEPS))
    except ValidationFailed as e:
        err.print(e.report.text(lang.value), highlight=False, markup=False)
        fail(f"build refused, store unchanged: {e.report.summary(lang.value)}")
    except GzgError as e:
        fail(f"build failed, store unchanged: {e}")
    table = Table("graph", "triples", title=f"Built {result.triples} triples into {store_name(settings)}")
    for name, count in sorted(result.graphs.items()):
        table.add_row(name, str(count))
    out.print(table)
    out.print("steps (s): " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()), highlight=False)
    if result.report is not None:
        out.print(f"validation: {result.report.summary(lang.value)}", highlight=False)


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes sharing the port (uvicorn's workers); see the README.")
    ] = 1,
) -> None:
    """Serve the store: SPARQL at /sparql, resources by URI, OpenAPI docs at /docs."""
    import uvicorn

    settings = settings_with(store)
    try:
        open_store(settings)  # fail here, with one clear line, rather than inside the server
    except GzgError as e:
        fail(str(e), 2)
    # The web layer is started by import string, so the library never imports it; it reads its settings
    # from the environment, where the options given here are put.
    os.environ["GZG_STORE_DIR"] = str(settings.store_dir)
    # --workers N: N processes, each with its own application and no state of its own that can go stale: every
    # request reads the store's current generation (a file of the embedded store, the state graph of a remote
    # one) and writes take the store's lock shared by the processes, so what one worker wrote, all answer from.
    uvicorn.run(
        "gzg_api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_config=_log_config(settings.log_level),
        log_level="info",
        access_log=False,
        workers=workers,
        # a worker answers its supervisor's pings from the moment it starts; on a busy machine starting Python
        # and importing the application took longer than uvicorn's 5 s, and it killed the worker as hung
        timeout_worker_healthcheck=60,
    )  # gzg_api.requests logs each request with its duration


def _log_config(level: str) -> dict[str, Any]:
    """The server's logging, set up in each worker process (uvicorn applies it in every one): plain lines, as
    rich's console rendering cost about 1.5 ms per request and a server's log is read by programs as often as
    by people, each naming its process (which worker answered). ``gzg_api.requests`` logs every request."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
    }


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, nt, nq, trig, jsonld or rdfxml.")] = "nq",
    graph: Annotated[str | None, typer.Option(help="Only this named graph (its URI).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    store: StoreOption = None,
) -> None:
    """Dump the graph: N-Quads/TriG/JSON-LD keep the named graphs; Turtle/N-Triples/RDF-XML give their union."""
    settings = settings_with(store)
    try:
        body = open_store(settings).export(RdfFormat.from_name(fmt), graph)
        if output is None:
            sys.stdout.buffer.write(body)
        else:
            output.write_bytes(body)
            err.print(f"wrote {len(body)} bytes to {output}", highlight=False)
    except (GzgError, ValueError) as e:
        fail(str(e), 2)
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror}", 2)


@app.command()
def graphs(store: StoreOption = None) -> None:
    """List the named graphs in the store with their sizes."""
    settings = settings_with(store)
    try:
        infos = open_store(settings).graphs()
    except GzgError as e:
        fail(str(e), 2)
    if not infos:
        fail(f"the store at {store_name(settings)} is empty: run `gzg build` first")
    table = Table("graph", "triples")
    for info in infos:
        table.add_row(info.name, str(info.triples))
    out.print(table)
