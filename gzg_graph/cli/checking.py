"""``gzg validate`` and ``gzg load``: a steward's RDF files checked against the shapes, and added if they fit.

Files (or ``-`` for standard input) are read as untrusted input: at most ``--max-bytes``, no DTDs, not
empty, each problem one ``error:`` line with file, line and column.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rdflib import Graph

from ..config import Settings
from ..errors import GzgError
from ..formats import RdfFormat
from ..sources.rdf import parse_turtle, read_rdf_file
from ..uris import UriPolicy
from ..validation import ValidationFailed, ValidationReport, load_shapes, validate_change, validate_ntriples
from ..validation import validate as run_validate
from ..writes import add_validated
from .common import (
    Lang,
    LangOption,
    StoreOption,
    app,
    err,
    fail,
    graph_name,
    open_store,
    out,
    settings_with,
    store_name,
)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    turtle = "turtle"
    jsonld = "jsonld"


class Inference(str, Enum):
    none = "none"
    rdfs = "rdfs"


FilesArgument = Annotated[list[Path], typer.Argument(help="RDF files (any syntax; - for standard input).")]
InputFormatOption = Annotated[
    str | None,
    typer.Option(
        "--input-format", help="Syntax of the files (default: by extension): ttl, nt, nq, trig, jsonld, rdfxml."
    ),
]
MaxBytesOption = Annotated[
    int | None, typer.Option("--max-bytes", help="Largest file read (default: GZG_MAX_REQUEST_BYTES, 10 MiB).")
]


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="RDF files to validate (any syntax; - for stdin).")] = None,
    whole_store: Annotated[bool, typer.Option("--store", help="Validate the whole store instead of files.")] = False,
    alone: Annotated[
        bool, typer.Option("--alone", help="Validate the files by themselves, not as a change to the store.")
    ] = False,
    input_format: InputFormatOption = None,
    report_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report as text, json, turtle or jsonld.")
    ] = ReportFormat.text,
    lang: LangOption = Lang.en,
    inference: Annotated[
        Inference, typer.Option(help="none (default) or rdfs: infer over data + ontology first.")
    ] = Inference.none,
    max_bytes: MaxBytesOption = None,
    store: StoreOption = None,
) -> None:
    """Check RDF against the shapes. Exit 0: conforms; 1: violations; 2: unusable input.

    By default the files are validated as a change to the store (so links to the local governments and
    calls already in the graph count); with --alone they are validated by themselves.
    """
    settings = settings_with(store)
    uris = UriPolicy(settings.base_uri)
    if bool(files) == whole_store:
        fail("give RDF files to validate, or --store to validate the whole store", 2)
    try:
        shapes = load_shapes(settings.shapes, uris)
        ontology = parse_turtle(settings.ontology / "gzg.ttl", uris) if inference is Inference.rdfs else None
        if whole_store and inference is Inference.none:  # no rdflib copy of the whole store
            report = validate_ntriples(open_store(settings).export(RdfFormat.NTRIPLES), shapes)
        elif whole_store:
            data = Graph().parse(data=open_store(settings).export(RdfFormat.NTRIPLES).decode("utf-8"), format="nt")
            report = run_validate(data, shapes, ontology=ontology, inference=inference.value)
        else:
            data = _read(files or [], input_format, uris, _limit(settings, max_bytes))
            target = None if alone else open_store(settings)
            if target is None or len(target) == 0 or inference is Inference.rdfs:
                report = run_validate(data, shapes, ontology=ontology, inference=inference.value)
            else:
                report = validate_change(data, None, target, shapes)
    except GzgError as e:
        fail(str(e), 2)
    _print_report(report, report_format, lang.value)
    raise typer.Exit(0 if report.conforms else 1)


@app.command()
def load(
    files: FilesArgument,
    graph: Annotated[
        str, typer.Option(help="Local name of the named graph to add to ({base}/id/dataset/NAME).")
    ] = "gzg",
    input_format: InputFormatOption = None,
    lang: LangOption = Lang.en,
    max_bytes: MaxBytesOption = None,
    store: StoreOption = None,
) -> None:
    """Add RDF to the store after validating it as a change; refuse (store unchanged) on any violation.

    Validation and the write happen under the store's lock, so two loads at once never commit data that
    conforms alone but not together."""
    settings = settings_with(store)
    uris = UriPolicy(settings.base_uri)
    target_graph = str(uris.graph(graph_name(graph)))
    try:
        data = _read(files, input_format, uris, _limit(settings, max_bytes))
        target = open_store(settings)
        if len(target) == 0:
            fail(f"the store at {store_name(settings)} is empty: run `gzg build` first")
        report = add_validated(target, target_graph, data, load_shapes(settings.shapes, uris))
    except ValidationFailed as e:
        err.print(e.report.text(lang.value), highlight=False, markup=False, soft_wrap=True)
        fail(f"load refused, store unchanged: {e.report.summary(lang.value)}")
    except GzgError as e:
        fail(f"load failed, store unchanged: {e}", 2)
    out.print(f"added {len(data)} triples to {target_graph}; {report.summary(lang.value)}", highlight=False)


def _limit(settings: Settings, max_bytes: int | None) -> int:
    if max_bytes is not None and max_bytes <= 0:
        fail("--max-bytes must be a positive number of bytes", 2)
    return max_bytes or settings.max_request_bytes


def _read(files: list[Path], input_format: str | None, uris: UriPolicy, max_bytes: int) -> Graph:
    data = Graph()
    for path in files:
        data += read_rdf_file(path, input_format, uris.parse_base, max_bytes=max_bytes)
    return data


def _print_report(report: ValidationReport, report_format: ReportFormat, lang: str) -> None:
    if report_format is ReportFormat.text:
        out.print(report.text(lang), highlight=False, soft_wrap=True, markup=False)
    elif report_format is ReportFormat.json:
        sys.stdout.write(report.json_text(lang) + "\n")
    else:
        name = "turtle" if report_format is ReportFormat.turtle else "json-ld"
        sys.stdout.write(report.graph.serialize(format=name))
