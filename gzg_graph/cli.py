"""The ``gzg`` command: a thin layer that parses options, calls the library and prints.

Every failure prints one line starting with ``error:`` on stderr and exits non-zero.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rdflib import Graph
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__, queries
from .config import Settings
from .errors import GzgError
from .formats import RdfFormat, ResultFormat
from .namespaces import PREFIXES
from .store import EmbeddedStore, detect_query_kind
from .validation import ValidationFailed, ValidationReport

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


def _settings(store: Path | None = None, data: Path | None = None) -> Settings:
    try:
        settings = Settings.from_env()
    except GzgError as e:
        _fail(str(e), 2)
    if store is not None:
        settings = dataclasses.replace(settings, store_dir=store)
    if data is not None:
        settings = dataclasses.replace(settings, data_dir=data)
    return settings


def open_store(settings: Settings) -> EmbeddedStore:
    """The embedded store in ``settings.store_dir``, with the project's prefixes for readable output."""
    return EmbeddedStore(settings.store_dir, prefixes={**PREFIXES, "gzg": f"{settings.base_uri}/ns/gzg#"})


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def build(
    store: StoreOption = None,
    data: Annotated[Path | None, typer.Option("--data", help="Source directory (default: data/).")] = None,
    lang: Annotated[str, typer.Option(help="Language of the validation report: nl or en.")] = "en",
) -> None:
    """Read data/, map it to RDF, validate it against shapes/ and replace the store's content with it."""
    from .build import BUILD_STEPS
    from .build import build as run_build

    settings = _settings(store, data)
    try:
        target = open_store(settings)
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

            result = run_build(settings, target, on_step=on_step)
            progress.update(task, completed=len(BUILD_STEPS))
    except ValidationFailed as e:
        err.print(e.report.text(lang), highlight=False)
        _fail(f"build refused, store unchanged: {e.report.summary(lang)}")
    except GzgError as e:
        _fail(f"build failed, store unchanged: {e}")
    table = Table("graph", "triples", title=f"Built {result.triples} triples into {settings.store_dir}")
    for name, count in sorted(result.graphs.items()):
        table.add_row(name, str(count))
    out.print(table)
    out.print("steps (s): " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()), highlight=False)
    if result.report is not None:
        out.print(f"validation: {result.report.summary(lang)}", highlight=False)


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the store: SPARQL at /sparql, resources by URI, OpenAPI docs at /docs."""
    import uvicorn

    settings = _settings(store)
    try:
        open_store(settings)  # fail here, with one clear line, rather than inside the server
    except GzgError as e:
        _fail(str(e))
    # The web layer is started by import string, so the library never imports it; it reads its settings
    # from the environment, where the options given here are put.
    os.environ["GZG_STORE_DIR"] = str(settings.store_dir)
    logging.getLogger().setLevel(settings.log_level)  # a server logs each request (GZG_LOG_LEVEL, default INFO)
    uvicorn.run(
        "gzg_api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        access_log=False,
    )  # gzg_api.requests logs each request with its duration


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
    settings = _settings(store)
    try:
        text = _query_text(sparql, settings.base_uri)
        kind = detect_query_kind(text)
        target = open_store(settings)
        if kind == "graph":
            rdf_format = RdfFormat.TURTLE if fmt == _TABLE else RdfFormat.from_name(fmt)
            sys.stdout.buffer.write(target.query(text, rdf_format).body)
            return
        if fmt == _TABLE:
            _print_table(target.query(text, ResultFormat.JSON).body)
            return
        try:
            result_format = ResultFormat.from_name(fmt)
        except ValueError:
            _fail(f"unknown result format {fmt!r} for a {kind.upper()} query (use table, json, xml, csv or tsv)")
        sys.stdout.buffer.write(target.query(text, result_format).body)
    except (GzgError, ValueError, OSError) as e:
        _fail(str(e))


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


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, nt, nq, trig, jsonld or rdfxml.")] = "nq",
    graph: Annotated[str | None, typer.Option(help="Only this named graph (its URI).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    store: StoreOption = None,
) -> None:
    """Dump the graph: N-Quads/TriG/JSON-LD keep the named graphs; Turtle/N-Triples/RDF-XML give their union."""
    settings = _settings(store)
    try:
        body = open_store(settings).export(RdfFormat.from_name(fmt), graph)
        if output is None:
            sys.stdout.buffer.write(body)
        else:
            output.write_bytes(body)
            err.print(f"wrote {len(body)} bytes to {output}", highlight=False)
    except (GzgError, ValueError, OSError) as e:
        _fail(str(e))


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    turtle = "turtle"
    jsonld = "jsonld"


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="RDF files to validate (any syntax).")] = None,
    whole_store: Annotated[bool, typer.Option("--store", help="Validate the whole store instead of files.")] = False,
    alone: Annotated[
        bool, typer.Option("--alone", help="Validate the files by themselves, not as a change to the store.")
    ] = False,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format", help="Syntax of the files (default: by extension): ttl, nt, nq, trig, jsonld, rdfxml."
        ),
    ] = None,
    report_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report as text, json, turtle or jsonld.")
    ] = ReportFormat.text,
    lang: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "en",
    inference: Annotated[str, typer.Option(help="none (default) or rdfs: infer over data + ontology first.")] = "none",
    store: StoreOption = None,
) -> None:
    """Check RDF against the shapes. Exit 0: conforms; 1: violations; 2: unusable input.

    By default the files are validated as a change to the store (so links to the local governments and
    calls already in the graph count); with --alone they are validated by themselves.
    """
    from .sources.rdf import parse_turtle, read_rdf_file
    from .uris import UriPolicy
    from .validation import load_shapes, validate_change
    from .validation import validate as run_validate

    settings = _settings(store)
    uris = UriPolicy(settings.base_uri)
    if inference not in ("none", "rdfs"):
        _fail(f"unknown inference {inference!r} (use none or rdfs)", 2)
    if bool(files) == whole_store:
        _fail("give RDF files to validate, or --store to validate the whole store", 2)
    try:
        shapes = load_shapes(settings.shapes, uris)
        ontology = parse_turtle(settings.ontology / "gzg.ttl", uris) if inference != "none" else None
        target = None if alone and files else open_store(settings)
        if whole_store and target is not None:
            data = Graph().parse(data=target.export(RdfFormat.NTRIPLES).decode("utf-8"), format="nt")
            report = run_validate(data, shapes, ontology=ontology, inference=inference)
        else:
            data = Graph()
            for path in files or []:
                data += read_rdf_file(path, input_format, uris.parse_base)
            if target is None or len(target) == 0 or inference != "none":
                report = run_validate(data, shapes, ontology=ontology, inference=inference)
            else:
                report = validate_change(data, None, target, shapes)
    except GzgError as e:
        _fail(str(e), 2)
    _print_report(report, report_format, lang)
    raise typer.Exit(0 if report.conforms else 1)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="RDF files to add (any syntax).")],
    graph: Annotated[
        str, typer.Option(help="Local name of the named graph to add to ({base}/id/dataset/NAME).")
    ] = "gzg",
    input_format: Annotated[
        str | None, typer.Option("--input-format", help="Syntax of the files (default: by extension).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "en",
    store: StoreOption = None,
) -> None:
    """Add RDF to the store after validating it as a change; refuse (store unchanged) on any violation."""
    from .sources.rdf import read_rdf_file
    from .uris import UriPolicy
    from .validation import load_shapes
    from .writes import add_validated

    settings = _settings(store)
    uris = UriPolicy(settings.base_uri)
    try:
        data = Graph()
        for path in files:
            data += read_rdf_file(path, input_format, uris.parse_base)
        target = open_store(settings)
        if len(target) == 0:
            _fail(f"the store at {settings.store_dir} is empty: run `gzg build` first")
        report = add_validated(target, str(uris.graph(graph)), data, load_shapes(settings.shapes, uris))
    except ValidationFailed as e:
        err.print(e.report.text(lang), highlight=False, soft_wrap=True)
        _fail(f"load refused, store unchanged: {e.report.summary(lang)}")
    except GzgError as e:
        _fail(f"load failed, store unchanged: {e}")
    out.print(f"added {len(data)} triples to {uris.graph(graph)}; {report.summary(lang)}", highlight=False)


def _print_report(report: ValidationReport, report_format: ReportFormat, lang: str) -> None:
    if report_format is ReportFormat.text:
        out.print(report.text(lang), highlight=False, soft_wrap=True)
    elif report_format is ReportFormat.json:
        sys.stdout.write(report.json_text(lang) + "\n")
    else:
        name = "turtle" if report_format is ReportFormat.turtle else "json-ld"
        sys.stdout.write(report.graph.serialize(format=name))


@app.command()
def graphs(store: StoreOption = None) -> None:
    """List the named graphs in the store with their sizes."""
    settings = _settings(store)
    try:
        infos = open_store(settings).graphs()
    except GzgError as e:
        _fail(str(e))
    if not infos:
        _fail(f"the store at {settings.store_dir} is empty: run `gzg build` first")
    table = Table("graph", "triples")
    for info in infos:
        table.add_row(info.name, str(info.triples))
    out.print(table)


def _query_text(argument: str, base: str) -> str:
    path = Path(argument)
    if argument.endswith(".rq") or (len(argument) < 256 and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except OSError as e:
            raise GzgError(f"cannot read query file {argument}: {e.strerror}") from e
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


if __name__ == "__main__":  # pragma: no cover
    app()
