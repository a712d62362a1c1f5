"""The example queries offered to users of the endpoint (gzg_graph/queries/examples): the menu's contract, every
query run on the real graph, and the facts the most-used examples must get right, checked against data/."""

from __future__ import annotations

import csv
import re
import time
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from conftest import BASE, REPO
from rdflib import BNode, Graph, Literal, URIRef

from gzg_graph.config import Settings
from gzg_graph.formats import RdfFormat
from gzg_graph.queries import DEFAULT_BASE
from gzg_graph.queries.examples import (
    LANGUAGES,
    LBLOD_ENDPOINT,
    Example,
    ExamplesInvalid,
    UnknownExample,
    example,
    examples,
    read_examples,
)
from gzg_graph.store.base import detect_query_kind
from gzg_graph.store.federation import find_services

DATA = REPO / "data"
MENU = examples()
IDS = [e.id for e in MENU]
#: The examples on this graph alone; the federated ones call LBLOD's endpoint (tests/test_federation.py).
LOCAL_IDS = [e.id for e in MENU if not e.services]
OTHER_BASE = "https://gzg.example.org"


def _kind(e: Example) -> str:
    return detect_query_kind(e.sparql)


def _inlined(sparql: str) -> str:
    """The query with each SERVICE block's pattern in place of the block: it parses and runs without a call."""
    calls, _ = find_services(sparql)
    for call in reversed(calls):
        sparql = sparql[: call.start] + "{" + call.pattern + "}" + sparql[call.end :]
    return sparql


def _graph(store, sparql: str) -> Graph:
    body = store.query(sparql, RdfFormat.NTRIPLES).body.decode("utf-8")
    return Graph().parse(data=body, format="nt")


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------ the menu


def test_the_menu_has_enough_examples_with_unique_kebab_case_ids():
    assert len(MENU) >= 15
    assert len(set(IDS)) == len(IDS)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in IDS)


def test_every_example_has_a_title_and_description_in_both_languages():
    for e in MENU:
        for texts in (e.title, e.description):
            assert set(texts) == set(LANGUAGES), e.id
            assert all(texts[lang].strip() for lang in LANGUAGES), e.id
            assert texts["nl"] != texts["en"], f"{e.id}: the Dutch and English texts are the same"
        assert len(e.title["en"]) <= 80, e.id
        assert len(re.findall(r"[.!?](?:\s|$)", e.description["en"])) <= 3, f"{e.id}: more than three sentences"


def test_every_query_file_is_listed_and_every_listed_query_has_its_file():
    folder = resources.files("gzg_graph.queries.examples")
    files = sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))
    assert files == sorted(IDS)
    assert all(e.sparql == folder.joinpath(f"{e.id}.rq").read_text(encoding="utf-8") for e in MENU)


def test_the_federated_examples_call_the_configured_lblod_endpoint_only():
    federated = [e for e in MENU if e.services]
    assert {e.id for e in federated} == {"lblod-penhouders", "lblod-merged-participants"}
    assert all(e.services == (LBLOD_ENDPOINT,) for e in federated)
    moved = examples(OTHER_BASE, "http://127.0.0.1:9/sparql")
    assert [e.services for e in moved if e.services] == [("http://127.0.0.1:9/sparql",)] * len(federated)
    assert all(LBLOD_ENDPOINT not in e.sparql and DEFAULT_BASE not in e.sparql for e in moved)
    assert Settings().lblod_endpoint == LBLOD_ENDPOINT


def test_the_query_kinds_are_mixed():
    assert Counter(_kind(e) for e in MENU).keys() == {"select", "ask", "graph"}
    assert any(re.search(r"^CONSTRUCT\b", e.sparql, re.M) for e in MENU)
    assert any(re.search(r"^DESCRIBE\b", e.sparql, re.M) for e in MENU)


@pytest.mark.parametrize("example_id", IDS)
def test_each_file_is_pastable_into_any_endpoint(example_id):
    """A leading comment; every prefix written out (an empty store with no prefixes of its own parses it); our
    URIs only with the default base, written as <http://127.0.0.1:8000/...> so that rebase() finds all of them."""
    sparql = example(example_id).sparql
    assert sparql.startswith("# ")
    ox.Store().query(_inlined(sparql))  # raises SyntaxError for an undeclared prefix or a syntax error
    assert sparql.count(DEFAULT_BASE) == sparql.count(f"<{DEFAULT_BASE}/")
    if _kind(example(example_id)) == "select":
        assert re.search(r"\bORDER\s+BY\b", sparql), "a SELECT must be ordered, to compare engines row for row"
    assert not re.search(r"\b(NOW|RAND|UUID|STRUUID|BNODE|SAMPLE|GROUP_CONCAT)\s*\(", sparql, re.I)


def test_examples_are_rebased_on_another_base():
    rebased = examples(OTHER_BASE)
    assert [e.id for e in rebased] == IDS
    assert all(DEFAULT_BASE not in e.sparql for e in rebased)
    assert any(f"<{OTHER_BASE}/ns/gzg#>" in e.sparql for e in rebased)
    assert example("calls-and-windows", OTHER_BASE) == example("calls-and-windows").rebased(OTHER_BASE)
    assert examples(DEFAULT_BASE) == MENU


def test_the_menu_is_read_once_and_handed_out_as_a_copy():
    first = examples()
    first.clear()
    assert examples() == MENU
    assert examples()[0] is MENU[0]
    with pytest.raises(TypeError):
        examples()[0].title["nl"] = "changed"  # type: ignore[index]


def test_an_unknown_id_is_a_clear_key_error():
    with pytest.raises(KeyError) as raised:
        example("no-such-example")
    assert isinstance(raised.value, UnknownExample)
    assert "no-such-example" in str(raised.value) and "calls-and-windows" in str(raised.value)


def test_the_wheel_ships_the_examples():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "gzg_graph.queries.examples" in config["packages"]
    assert {"*.rq", "*.yaml"} <= set(config["package-data"]["gzg_graph.queries.examples"])


# ------------------------------------------------------------------ a broken menu is refused, precisely

GOOD_ENTRY = {"id": "one", "title": {"nl": "Een", "en": "One"}, "description": {"nl": "Een.", "en": "One."}}


def _folder(tmp_path: Path, entries: list, files: tuple[str, ...] = ("one",)) -> Path:
    (tmp_path / "examples.yaml").write_text(yaml.safe_dump({"examples": entries}), encoding="utf-8")
    for name in files:
        (tmp_path / f"{name}.rq").write_text("# q\nASK {}\n", encoding="utf-8")
    return tmp_path


def test_a_valid_folder_is_read(tmp_path):
    (found,) = read_examples(_folder(tmp_path, [GOOD_ENTRY]))
    assert found == Example("one", {"nl": "Een", "en": "One"}, {"nl": "Een.", "en": "One."}, "# q\nASK {}\n")


@pytest.mark.parametrize(
    "entries, files, message",
    [
        ([GOOD_ENTRY], (), "'one' has no file one.rq"),
        ([GOOD_ENTRY], ("one", "two"), "two.rq not listed"),
        ([GOOD_ENTRY, GOOD_ENTRY], ("one",), "'one' is used twice"),
        ([{**GOOD_ENTRY, "title": {"nl": "Een"}}], ("one",), "title lacks a non-empty 'en'"),
        ([{**GOOD_ENTRY, "description": {"nl": "Een.", "en": " "}}], ("one",), "description lacks a non-empty 'en'"),
        ([{**GOOD_ENTRY, "title": {"nl": "Een", "en": "One", "fr": "Un"}}], ("one",), "unknown language(s) fr"),
        ([{**GOOD_ENTRY, "id": "One_1"}], ("One_1",), "is not kebab-case"),
        ([{**GOOD_ENTRY, "sparql": "ASK {}"}], ("one",), "unknown key(s) sparql"),
        ([], (), "non-empty list under 'examples'"),
    ],
)
def test_a_broken_folder_is_refused_naming_the_problem(tmp_path, entries, files, message):
    with pytest.raises(ExamplesInvalid, match=re.escape(message)):
        read_examples(_folder(tmp_path, entries, files))


# ------------------------------------------------------------------ every example on the real graph


@pytest.mark.parametrize("example_id", LOCAL_IDS)
def test_each_example_runs_fast_on_the_real_graph_with_an_answer(store, example_id):
    e = example(example_id, BASE)
    kind = _kind(e)
    elapsed = []
    for _ in range(2):  # the better of two runs: a busy machine must not fail a fast query
        start = time.perf_counter()
        if kind == "select":
            answer: object = store.select(e.sparql)
            assert answer, f"{example_id} returns no row"
        elif kind == "ask":
            answer = store.ask(e.sparql)
            assert answer is True
        else:
            answer = _graph(store, e.sparql)
            assert len(answer) > 0 and not any(isinstance(t, BNode) for triple in answer for t in triple)
        elapsed.append(time.perf_counter() - start)
        if elapsed[-1] < 1.0:
            break
    assert min(elapsed) < 1.0, f"{example_id} takes {min(elapsed):.2f} s"


def test_a_select_gives_the_same_rows_twice(store):
    for e in MENU:
        if _kind(e) == "select" and not e.services:
            assert store.select(e.sparql) == store.select(e.sparql), e.id


# ------------------------------------------------------------------ the facts that matter


def test_the_calls_example_lists_the_seven_calls_with_their_windows(store):
    rows = store.select(example("calls-and-windows").sparql)
    calls = yaml.safe_load((DATA / "calls.yaml").read_text(encoding="utf-8"))["calls"]
    assert [int(r["number"]) for r in rows] == sorted(c["number"] for c in calls) == list(range(1, 8))
    assert {r["call"] for r in rows} == {c["uri"] for c in calls}
    held = store.select(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <http://lblod.data.gift/vocabularies/subsidie/SubsidiemaatregelAanbodReeks> }"
    )
    assert int(held[0]["n"]) == len(rows)
    assert all(r["windowStart"] < r["windowEnd"] for r in rows)
    assert rows[0]["windowStart"].startswith("2021-09-20") and rows[0]["windowEnd"].startswith("2021-11-12")
    assert {int(r["maxAmount"]) for r in rows} == {150000, 500000, 2000000}


def test_the_penhouder_ranking_matches_a_count_of_participations_csv(store):
    counts = Counter(r["organisation"].strip() for r in _csv("participations.csv") if r["role"] == "penhouder")
    top = max(counts.values())
    rows = store.select(example("penhouder-ranking").sparql)
    assert len(rows) == len(counts)
    assert int(rows[0]["projectsAsPenhouder"]) == top
    leaders = [name.lower() for name, n in counts.items() if n == top]
    assert any(rows[0]["name"].lower() in leader for leader in leaders)
    assert [int(r["projectsAsPenhouder"]) for r in rows] == sorted(counts.values(), reverse=True)


def test_the_consortium_of_burgerloket_is_its_participations(store):
    rows = store.select(example("project-consortium").sparql)
    expected = [r for r in _csv("participations.csv") if r["project"] == "burgerloket"]
    assert len(rows) == len(expected)
    assert rows[0]["name"] == "Mechelen" and rows[0]["roleOrder"] == "1"
    assert Counter(r["roleOrder"] for r in rows) == Counter(
        {"penhouder": "1", "partner": "2", "ondersteunende-partner": "3"}[r["role"]] for r in expected
    )
    assert {"VVSG", "Nijlen", "Digitaal Vlaanderen"} <= {r["name"] for r in rows}


def test_the_merged_municipalities_include_pajottegem_with_its_predecessors(store):
    units = _csv("lblod/local-governments.csv")
    by_uri = {u["uri"]: u for u in units}
    (pajottegem,) = [u for u in units if u["name"] == "Pajottegem" and u["classification"] == "Gemeente"]
    predecessors = {by_uri[uri]["name"] for uri in pajottegem["derived_from"].split()}
    assert predecessors == {"Galmaarden", "Gooik", "Herne"}
    rows = store.select(example("merged-municipalities-2025").sparql)
    assert {r["predecessorName"] for r in rows if r["name"] == "Pajottegem"} == predecessors
    assert {r["nis2025"] for r in rows if r["name"] == "Pajottegem"} == {pajottegem["nis_2025"]}
    assert len({r["municipality"] for r in rows}) == 13
    assert {r["predecessorName"] for r in rows if r["name"] == "Tessenderlo-Ham" and r["keptUri"] == "true"} == {"Ham"}


def test_the_name_on_a_date_is_the_name_history(store):
    history = [h for h in _csv("lblod/name-history.csv") if h["valid_until"] == "2024-12-31"]
    (row,) = store.select(example("municipality-name-on-date").sparql)
    assert row["nameOnDate"] == "Ham" and row["currentName"] == "Tessenderlo-Ham"
    assert (row["municipality"], row["nameOnDate"], row["validUntil"]) in {
        (h["uri"], h["name"], h["valid_until"]) for h in history
    }


def test_the_call_figures_put_the_published_figures_beside_a_count_of_the_projects(store):
    (call_1,) = [
        c for c in yaml.safe_load((DATA / "calls.yaml").read_text(encoding="utf-8"))["calls"] if c["number"] == 1
    ]
    (row,) = store.select(example("call-figures").sparql)
    published = call_1["key_figures"]
    assert int(row["publishedSubsidisedProjects"]) == published["subsidised_projects"]
    assert int(row["publishedUniqueInitiators"]) == published["unique_initiators"]
    assert float(row["publishedAverageConsortiumSize"]) == published["average_consortium_size"]
    assert int(row["publishedLargestConsortium"]) == published["largest_consortium"]
    assert int(row["publishedApplications"]) == call_1["submitted_applications"]
    selected = [p for p in _csv("projects.csv") if p["call"] == "1" and p["status"] == "geselecteerd"]
    assert int(row["countedSubsidisedProjects"]) == len(selected)


def test_the_municipalities_never_involved_are_the_others(store):
    rows = store.select(example("municipalities-never-involved").sparql)
    municipalities_2025 = [
        u for u in _csv("lblod/local-governments.csv") if u["classification"] == "Gemeente" and u["nis_2025"]
    ]
    involved = {r["member"] for r in store.select(example("consortium-identifiers").sparql) if r["nis2025"]}
    assert {r["nis2025"] for r in rows} <= {u["nis_2025"] for u in municipalities_2025}
    assert len(rows) == len(municipalities_2025) - len(involved)
    assert not involved & {r["municipality"] for r in rows}
    assert "Mechelen" not in {r["name"] for r in rows} and "Pajottegem" in {r["name"] for r in rows}


def test_the_named_graphs_example_counts_what_the_store_holds(store):
    rows = store.select(example("named-graphs").sparql)
    assert {r["graph"]: int(r["triples"]) for r in rows} == {g.name: g.triples for g in store.graphs()}
    assert all(r["declaredTriples"] == r["triples"] for r in rows if not r["graph"].endswith("/metadata"))


def test_the_partners_example_leaves_out_every_local_government(store):
    rows = store.select(example("non-local-partners").sparql)
    assert len(rows) == len(_csv("partners.csv"))
    assert {"VVSG", "Digitaal Vlaanderen"} <= {r["name"] for r in rows}


def test_the_consortium_ask_can_say_no(store):
    sparql = example("is-consortium-member").sparql
    assert store.ask(sparql) is True
    assert store.ask(sparql.replace('"Nijlen"', '"Aalter"')) is False  # Aalter leads another project


def test_the_construct_example_is_the_project_with_labels(store):
    graph = _graph(store, example("project-as-graph", BASE).sparql)
    project = URIRef(f"{BASE}/id/project/burgerloket")
    assert (project, URIRef("http://purl.org/dc/terms/title"), Literal("Burgerloket", lang="nl")) in graph
    participations = set(graph.objects(project, URIRef("http://data.europa.eu/m8g/hasParticipation")))
    assert len(participations) == len([r for r in _csv("participations.csv") if r["project"] == "burgerloket"])


def test_the_describe_example_describes_the_building_block(store):
    graph = _graph(store, example("describe-building-block").sparql)
    assert set(graph.subjects()) == {URIRef(f"{BASE}/id/bouwsteen/mijn-burgerprofiel")}
