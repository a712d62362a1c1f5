"""The build: real content in, broken sources refused with file and line, the store never half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import BASE, REPO, settings_for
from test_cli import error_lines, gzg

from gzg_graph.build import build
from gzg_graph.errors import SourceError
from gzg_graph.store import EmbeddedStore, RdfFormat
from gzg_graph.validation import ValidationFailed

GRAPH_NAMES = {"gzg", "lblod-bestuurseenheden", "loket-gzg", "refnis", "ontology", "metadata", "stewards"}


# --- what the real graph holds ----------------------------------------------------------------


def test_every_named_graph_is_built_and_described(built):
    _, store, result = built
    assert {name.rsplit("/", 1)[-1] for name in result.graphs} == GRAPH_NAMES
    assert all(count > 0 for name, count in result.graphs.items() if not name.endswith("/stewards"))  # none yet
    described = store.select("""PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?ds WHERE { ?catalog a dcat:Catalog ; dcat:dataset ?ds . ?ds dct:title ?t ; dct:modified ?m .
        FILTER EXISTS { ?ds dct:license|dct:rights ?l } FILTER (lang(?t) = "en") }""")
    assert {row["ds"] for row in described} == set(result.graphs)


def test_the_build_report_shows_the_loket_quirks_as_warnings(built):
    """The build conforms, and its report names the Loket's period-text errors of calls 1 and 3 as Warnings."""
    report = built[2].report
    assert report is not None and report.conforms
    warnings = {
        (r.source_shape.rsplit("#", 1)[-1], r.focus_node, r.value) for r in report.results if r.severity == "Warning"
    }
    series = "http://lblod.data.info/id/subsidy-measure-offer-series/"
    assert (
        "Oproep-beschrijving-periode",
        series + "9a40c72c-4761-4cbd-8a85-96c30c3f829c",
        "01/09/2021 — 31/09/2021",
    ) in warnings
    assert ("Oproep-starttijd", series + "4cebd644-d172-4bea-a38a-fc1f4449946e") in {w[:2] for w in warnings}
    assert "20/09/2021 — 12/11/2021" in report.text("nl") and "20/09/2021 — 12/11/2021" in report.text("en")


def test_all_seven_calls_with_windows_and_maximum_amounts(store):
    from gzg_graph import queries

    rows = store.select(queries.load("calls"))
    assert [int(r["number"]) for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert all("windowStart" in r and "windowEnd" in r and "maxAmount" in r for r in rows)
    first = rows[0]
    assert first["windowStart"].startswith("2021-09-20") and first["windowEnd"].startswith("2021-11-12")
    assert float(first["maxAmount"]) == 150000
    assert {float(r["maxAmount"]) for r in rows} == {150000, 500000, 2000000}


def test_call_one_published_leverage_figures(store):
    from gzg_graph import queries

    [row] = store.select(queries.load("call-leverage-published"))
    assert row["number"] == "1"
    assert (
        int(row["subsidisedProjects"]),
        int(row["uniqueInitiators"]),
        float(row["averageConsortiumSize"]),
        int(row["largestConsortium"]),
    ) == (11, 46, 6.5, 16)
    assert (int(row["submittedApplications"]), int(row["uniqueApplicants"])) == (28, 109)


def test_municipalities_per_period_each_with_nis_and_lblod_uri(store):
    from gzg_graph import queries

    for name, expected in (("municipalities-2019", 300), ("municipalities-2025", 285)):
        rows = store.select(queries.load(name))
        assert len(rows) == expected
        assert len({r["nis"] for r in rows}) == expected
        assert all(r["unit"].startswith("http://data.lblod.info/id/bestuurseenheden/") for r in rows)


def test_minted_uris_follow_the_configured_base(tmp_path: Path):
    store = EmbeddedStore()
    build(settings_for(tmp_path, base_uri="https://data.example.org/gzg"), store, check=False)
    assert store.ask("ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://data.example.org/gzg/id/project/')) }")
    assert not store.ask(f"ASK {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{BASE}')) }}")
    assert store.ask("ASK { GRAPH <https://data.example.org/gzg/id/dataset/gzg> { ?s ?p ?o } }")


# --- broken sources: a clear error, file and line, the store exactly as before ----------------------


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


@pytest.fixture()
def filled_store(tmp_path: Path) -> tuple[EmbeddedStore, bytes, str]:
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graphs(
        {"http://example.org/previous": b'<http://example.org/a> <http://example.org/p> "previous" .\n'},
        drop_others=True,
    )
    return store, store.export(RdfFormat.NQUADS), store.generation


def _append_line(path: Path, line: str) -> int:
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def _assert_unchanged(store: EmbeddedStore, before: bytes, generation: str) -> None:
    assert store.generation == generation and store.export(RdfFormat.NQUADS) == before
    assert EmbeddedStore(store.directory).export(RdfFormat.NQUADS) == before


BROKEN = {
    "bad role": ("participations.csv", "burgerloket,Nijlen,hoofdaannemer,,https://example.org/x", "role"),
    "unknown municipality": ("participations.csv", "burgerloket,Atlantis,partner,,https://example.org/x", "Atlantis"),
    "bad amount": ("projects.csv", "nieuw,Nieuw project,1,,,veel,,,,,,,,https://example.org/x", "amount"),
    "malformed turtle": (
        "concepts.ttl",
        "<id/concept/x> a <http://www.w3.org/2004/02/skos/core#Concept> <id/concept/y> .",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_source_is_refused_with_file_and_line(case, data_copy, filled_store):
    store, before, generation = filled_store
    name, line_text, fragment = BROKEN[case]
    line = _append_line(data_copy / name, line_text)
    with pytest.raises(SourceError) as caught:
        build(settings_for(store.directory, data_dir=data_copy), store)
    assert caught.value.file.endswith(name)
    assert caught.value.line == line
    if fragment:
        assert fragment in str(caught.value)
    _assert_unchanged(store, before, generation)


def test_data_violating_the_shapes_is_refused_with_the_report(data_copy, filled_store):
    store, before, generation = filled_store
    # a project granted more than its call's maximum (call 1: EUR 150,000 per project)
    _append_line(data_copy / "projects.csv", "te-duur,Te duur project,1,,,,,200000,,,,,,https://example.org/x")
    _append_line(data_copy / "participations.csv", "te-duur,Geel,penhouder,,https://example.org/x")
    with pytest.raises(ValidationFailed) as caught:
        build(settings_for(store.directory, data_dir=data_copy), store)
    report = caught.value.report
    assert not report.conforms
    assert any(r.severity == "Violation" and "project/te-duur" in r.focus_node for r in report.results)
    _assert_unchanged(store, before, generation)


def test_cli_build_failure_is_one_line_and_exit_code(data_copy, filled_store):
    store, before, generation = filled_store
    line = _append_line(data_copy / "participations.csv", "burgerloket,Atlantis,partner,,https://example.org/x")
    result = gzg("build", "--data", str(data_copy), "--store-dir", str(store.directory))
    assert result.returncode == 1
    [message] = error_lines(result)
    assert f"participations.csv:{line}" in message and "store unchanged" in message
    _assert_unchanged(store, before, generation)
