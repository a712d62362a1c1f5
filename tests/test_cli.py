"""The `gzg` command as a user runs it: a real process, real exit codes, one clear line on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE
from rdflib import Dataset, Graph

from gzg_graph.formats import RdfFormat

GZG = str(Path(sys.executable).parent / "gzg")


def gzg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "GZG_BASE_URI": BASE, "COLUMNS": "200", **(env or {})}
    return subprocess.run([GZG, *args], capture_output=True, text=True, env=environment, timeout=600)


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_help_lists_the_subcommands():
    result = gzg("--help")
    assert result.returncode == 0
    for command in ("build", "serve", "query", "export", "graphs", "queries"):
        assert command in result.stdout


def test_query_by_name_as_table_and_csv(built):
    store_dir = str(built[0].store_dir)
    table = gzg("query", "calls", "--store-dir", store_dir)
    assert table.returncode == 0, table.stderr
    assert "Oproep 7" in table.stdout and "7 row(s)" in table.stderr
    as_csv = gzg("query", "calls", "--format", "csv", "--store-dir", store_dir)
    assert len(as_csv.stdout.strip().splitlines()) == 8  # header + 7 calls


def test_query_from_rq_file_as_json(built, tmp_path: Path):
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    result = gzg("query", str(query), "--format", "json", "--store-dir", str(built[0].store_dir))
    distinct = {line for line in built[1].export(RdfFormat.NQUADS).decode().splitlines() if line}
    distinct = {line.rsplit(" ", 2)[0] for line in distinct}  # the triple, without its graph
    counted = int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])
    assert counted == len(distinct) < built[2].triples  # the default graph is the set merge: shared triples once


def test_construct_query_prints_turtle(built):
    result = gzg("query", "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 5", "--store-dir", str(built[0].store_dir))
    assert result.returncode == 0 and len(Graph().parse(data=result.stdout, format="turtle")) == 5


def test_bad_query_fails_with_one_line(built):
    result = gzg("query", "SELECT * WHERE { ?s ?p }", "--store-dir", str(built[0].store_dir))
    assert result.returncode != 0
    assert len(error_lines(result)) == 1 and "syntax" in error_lines(result)[0]


def test_missing_query_file_fails_with_one_line(built):
    result = gzg("query", "no-such-file.rq", "--store-dir", str(built[0].store_dir))
    assert result.returncode != 0 and len(error_lines(result)) == 1


@pytest.mark.parametrize(
    "fmt, parser, is_dataset",
    [
        ("nq", "nquads", True),
        ("trig", "trig", True),
        ("jsonld", "json-ld", True),
        ("ttl", "turtle", False),
        ("nt", "nt", False),
    ],
)
def test_export_round_trips(built, tmp_path: Path, fmt: str, parser: str, is_dataset: bool):
    target = tmp_path / f"graph.{fmt}"
    result = gzg("export", "--format", fmt, "--output", str(target), "--store-dir", str(built[0].store_dir))
    assert result.returncode == 0, result.stderr
    parsed = Dataset() if is_dataset else Graph()
    parsed.parse(target, format=parser)
    if is_dataset:
        by_graph = {str(g.identifier): len(g) for g in parsed.graphs() if len(g)}
        assert by_graph == {name: count for name, count in built[2].graphs.items() if count}  # none empty
    else:
        assert 0 < len(parsed) <= built[2].triples  # the union: a triple in two graphs counts once


def test_export_unknown_format_fails_with_one_line(built):
    result = gzg("export", "--format", "docx", "--store-dir", str(built[0].store_dir))
    assert result.returncode != 0 and "unknown RDF format" in error_lines(result)[0]


def test_graphs_on_an_empty_store_says_what_to_do(tmp_path: Path):
    result = gzg("graphs", "--store-dir", str(tmp_path / "empty"))
    assert result.returncode != 0 and "gzg build" in error_lines(result)[0]
