"""The LBLOD part of the graph on its real content: municipalities 2019-2024 and 2025, the 13 mergers of 2025,
names on a date, KBO checksums, error reporting on malformed sources, and a reproducible derivation."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS

from gzg_graph import queries
from gzg_graph.errors import SourceError
from gzg_graph.mapping import lblod
from gzg_graph.namespaces import ADMS, BESLUIT, GENERIEK, M8G, REFNIS2019, REFNIS2025, SUBSIDIE
from gzg_graph.sources import lblod as lblod_sources
from gzg_graph.sources.lblod import read_local_governments
from gzg_graph.uris import UriPolicy

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
LBLOD = DATA / "lblod"
SHARED = Path(__file__).resolve().parents[2] / "shared"
URIS = UriPolicy("http://127.0.0.1:8000")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
GEMEENTE = "http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/5ab0e9b8a3b2ca7c5e000001"

#: the 13 Flemish mergers of 1 January 2025 (reference/gzg-facts.md section 4): new NIS -> (name, old NIS codes).
MERGERS_2025 = {
    "11002": ("Antwerpen", {"11002", "11007"}),
    "46030": ("Beveren-Kruibeke-Zwijndrecht", {"46003", "46013", "11056"}),
    "46029": ("Lokeren", {"46014", "44045"}),
    "44087": ("Lochristi", {"44034", "44073"}),
    "44088": ("Merelbeke-Melle", {"44043", "44040"}),
    "44086": ("Nazareth-De Pinte", {"44048", "44012"}),
    "23106": ("Pajottegem", {"23023", "23024", "23032"}),
    "37022": ("Tielt", {"37015", "37007"}),
    "37021": ("Wingene", {"37018", "37012"}),
    "71072": ("Hasselt", {"71022", "73040"}),
    "71071": ("Tessenderlo-Ham", {"71057", "71069"}),
    "73110": ("Bilzen-Hoeselt", {"73006", "73032"}),
    "73111": ("Tongeren-Borgloon", {"73083", "73009"}),
}
#: KBO numbers of LBLOD that fail the modulo-97 check; reported in data/lblod/SOURCES.md.
KNOWN_BAD_KBO = {"0680397589"}


# --------------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def graph():
    return lblod.local_governments_graph(DATA, URIS)


@pytest.fixture(scope="module")
def store(graph) -> pyoxigraph.Store:
    """The LBLOD and REFNIS graphs as named graphs, queried as their union (as the real store is)."""
    store = pyoxigraph.Store()
    for name, g in (("lblod-bestuurseenheden", graph), ("refnis", lblod.refnis_graph(DATA))):
        store.load(
            g.serialize(format="nt"),
            format=pyoxigraph.RdfFormat.N_TRIPLES,
            to_graph=pyoxigraph.NamedNode(URIS.graph(name)),
        )
    return store


@pytest.fixture(scope="module")
def units() -> list[dict[str, str]]:
    with (LBLOD / "local-governments.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def crosswalk() -> list[dict[str, str]]:
    path = SHARED / "data-sources" / "flemish_municipalities_2019_2024_to_2025.csv"
    if not path.is_file():
        pytest.skip("../shared is not beside the clone")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def select(store: pyoxigraph.Store, sparql: str) -> list[dict[str, str]]:
    """Rows of a SELECT as {variable: lexical value}."""
    result = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def names_on(store: pyoxigraph.Store, day: str) -> dict[str, dict[str, str]]:
    sparql = queries.load("name-on-date").replace('"2021-06-30"^^xsd:date', f'"{day}"^^xsd:date')
    return {row["unit"]: row for row in select(store, sparql)}


# --------------------------------------------------------------------------------------------------- content


def test_300_municipalities_of_2019_each_with_nis_and_lblod_uri(store):
    rows = select(store, queries.load("municipalities-2019"))
    assert len(rows) == 300
    assert len({r["nis"] for r in rows}) == 300 and len({r["unit"] for r in rows}) == 300
    assert all(r["unit"].startswith("http://data.lblod.info/id/bestuurseenheden/") for r in rows)
    assert all(len(r["nis"]) == 5 and r["nis"].isdigit() for r in rows)
    names = {r["nis"]: r["name"] for r in rows}
    assert names["73006"] == "Bilzen" and names["71069"] == "Ham" and names["11056"] == "Zwijndrecht"


def test_municipalities_of_2019_match_statbel(store, crosswalk):
    rows = {r["nis"]: r["name"] for r in select(store, queries.load("municipalities-2019"))}
    assert rows == {r["nis_2019_2024"]: r["name_nl"] for r in crosswalk}


def test_285_municipalities_from_2025(store, crosswalk):
    rows = select(store, queries.load("municipalities-2025"))
    assert len(rows) == 285 and len({r["unit"] for r in rows}) == 285
    assert {r["nis"]: r["name"] for r in rows} == {r["nis_2025"]: r["name_2025"] for r in crosswalk}


def test_the_13_mergers_of_2025(store):
    rows = [r for r in select(store, queries.load("mergers-2025")) if r["classification"] == "Gemeente"]
    mergers: dict[str, tuple[str, set[str]]] = {}
    for r in rows:
        name, old = mergers.setdefault(r["nis2025"], (r["name"], set()))
        old.add(r["predecessorNis2019"])
    assert mergers == MERGERS_2025


def test_the_13_ocmw_mergers_of_2025(store):
    rows = [r for r in select(store, queries.load("mergers-2025")) if r["classification"] == "OCMW"]
    assert {r["nis2025"] for r in rows} == set(MERGERS_2025)
    assert {(r["nis2025"], r["predecessorNis2019"]) for r in rows} == {
        (new, old) for new, (_, olds) in MERGERS_2025.items() for old in olds
    }


def test_mergers_reconstructible_from_derived_from(units):
    """Each 2025 municipality is derived from its predecessors (or is one of them, keeping its URI)."""
    by_uri = {u["uri"]: u for u in units}
    gemeenten = [u for u in units if u["classification_uri"] == GEMEENTE]
    for nis_2025, (name, old) in MERGERS_2025.items():
        [unit] = [u for u in gemeenten if u["nis_2025"] == nis_2025]
        predecessors = {by_uri[p]["nis_2019"] for p in unit["derived_from"].split()}
        assert unit["name"] == name
        assert predecessors | ({unit["nis_2019"]} if unit["nis_2019"] else set()) == old
        for p in unit["derived_from"].split():
            assert by_uri[p]["active_until"] == "2024-12-31", by_uri[p]["name"]
        assert unit["active_from"] == ("" if unit["nis_2019"] else "2025-01-01")


def test_tessenderlo_ham_kept_the_uri_of_ham(units):
    [unit] = [u for u in units if u["classification_uri"] == GEMEENTE and u["nis_2025"] == "71071"]
    assert unit["nis_2019"] == "71069"


def test_bilzen_hoeselt_was_called_bilzen_in_2021(store, units):
    [unit] = [u["uri"] for u in units if u["classification_uri"] == GEMEENTE and u["nis_2025"] == "73110"]
    assert names_on(store, "2021-06-30")[unit] == {"unit": unit, "name": "Bilzen", "existed": "true"}
    assert names_on(store, "2025-06-30")[unit]["name"] == "Bilzen-Hoeselt"
    assert names_on(store, "2024-12-31")[unit]["name"] == "Bilzen"


def test_name_on_date_marks_units_that_did_not_exist(store, units):
    [pajottegem] = [u["uri"] for u in units if u["classification_uri"] == GEMEENTE and u["nis_2025"] == "23106"]
    [borsbeek] = [u["uri"] for u in units if u["classification_uri"] == GEMEENTE and u["nis_2019"] == "11007"]
    in_2021, in_2025 = names_on(store, "2021-06-30"), names_on(store, "2025-06-30")
    assert (in_2021[pajottegem]["existed"], in_2025[pajottegem]["existed"]) == ("false", "true")
    assert (in_2021[borsbeek]["existed"], in_2025[borsbeek]["existed"]) == ("true", "false")
    assert in_2021[pajottegem]["name"] == "Pajottegem"  # falls back to the current name


def test_every_kbo_passes_the_checksum_or_is_reported(units):
    def valid(kbo: str) -> bool:
        return 97 - int(kbo[:8]) % 97 == int(kbo[8:])

    bad = {u["kbo"] for u in units if u["kbo"] and not valid(u["kbo"])}
    assert bad == KNOWN_BAD_KBO
    report = (LBLOD / "SOURCES.md").read_text(encoding="utf-8")
    assert all(kbo in report for kbo in bad)


def test_provinces_follow_statbel_and_zwijndrecht_moves(units, crosswalk):
    province = {r["nis_2019_2024"]: r["province_nl"] for r in crosswalk}
    for u in units:
        if u["classification_uri"] == GEMEENTE and u["nis_2019"] and not u["active_until"]:
            assert u["province"] == province[u["nis_2019"]], u["name"]
    by_name = {u["name"]: u for u in units if u["classification_uri"] == GEMEENTE}
    assert by_name["Zwijndrecht"]["province"] == "Antwerpen"
    assert by_name["Beveren-Kruibeke-Zwijndrecht"]["province"] == "Oost-Vlaanderen"
    assert by_name["Pajottegem"]["province"] == "Vlaams-Brabant"


def test_unit_follows_the_model(graph, units):
    [row] = [u for u in units if u["classification_uri"] == GEMEENTE and u["nis_2025"] == "73110"]
    unit = URIRef(row["uri"])
    assert {BESLUIT.Bestuurseenheid, ORG.Organization} <= set(graph.objects(unit, RDF.type))
    assert set(graph.objects(unit, BESLUIT.classificatie)) == {URIRef(GEMEENTE)}
    assert set(graph.objects(unit, ORG.classification)) == {URIRef(GEMEENTE)}
    area = graph.value(unit, BESLUIT.werkingsgebied)
    assert set(graph.objects(area, SKOS.exactMatch)) == {REFNIS2019["73006"], REFNIS2025["73110"]}
    kbo = URIS.id("identificator", f"kbo-{row['kbo']}")
    assert (unit, ADMS.identifier, kbo) in graph and graph.value(kbo, SKOS.notation) == Literal("KBO nummer")
    structured = graph.value(kbo, GENERIEK.gestructureerdeIdentificator)
    assert isinstance(structured, URIRef) and graph.value(structured, GENERIEK.lokaleIdentificator) == Literal(
        row["kbo"]
    )
    assert (unit, ORG.subOrganizationOf, URIRef(row["province_uri"])) in graph
    assert {str(p) for p in graph.objects(unit, PROV.wasDerivedFrom)} == set(row["derived_from"].split())
    names = {str(graph.value(b, SKOS.prefLabel)): b for b in graph.objects(unit, URIS.ns.benaming)}
    assert set(names) == {"Bilzen", "Bilzen-Hoeselt"}
    period = graph.value(names["Bilzen"], DCTERMS.temporal)
    assert (period, RDF.type, M8G.PeriodOfTime) in graph and isinstance(period, URIRef)
    assert graph.value(period, M8G.endTime) == Literal("2024-12-31", datatype=XSD_DATE)
    assert graph.value(period, M8G.startTime) is None


def test_no_blank_nodes_and_change_events_included(graph):
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    assert len(set(graph.subjects(RDF.type, ORG.ChangeEvent))) == 26


def test_refnis_and_loket_graphs():
    refnis = lblod.refnis_graph(DATA)
    in_2019 = set(refnis.subjects(SKOS.inScheme, URIRef("http://vocab.belgif.be/auth/refnis2019")))
    assert len(in_2019) == 306 and REFNIS2019["2000"] in in_2019 and REFNIS2019["20001"] in in_2019
    assert (REFNIS2025["73110"], SKOS.narrowMatch, REFNIS2019["73032"]) in refnis
    loket = lblod.loket_graph(DATA)
    measure = URIRef("http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff")
    assert (measure, RDF.type, SUBSIDIE.SubsidiemaatregelAanbod) in loket


def test_loket_date_texts_are_kept_verbatim():
    """The Loket's period texts with known errors stay as published (shapes/README.md reports them as Warnings)."""
    loket = lblod.loket_graph(DATA)
    series = "http://lblod.data.info/id/subsidy-measure-offer-series/"
    call_1, call_3 = (
        URIRef(series + "9a40c72c-4761-4cbd-8a85-96c30c3f829c"),
        URIRef(series + "4cebd644-d172-4bea-a38a-fc1f4449946e"),
    )
    assert set(loket.objects(call_1, DCTERMS.description)) == {Literal("01/09/2021 — 31/09/2021", lang="nl")}
    assert set(loket.objects(call_3, M8G.startTime)) == {Literal("22/11/2021 — 18/02/2022", lang="nl")}


def test_data_files_are_small():
    assert all(p.stat().st_size < 1_000_000 for p in LBLOD.iterdir())


# --------------------------------------------------------------------------------------------------- errors


HEADER = ",".join(lblod_sources.COLUMNS)
GOOD = (
    f"http://data.lblod.info/id/bestuurseenheden/x1,Gent,Gemeente,{GEMEENTE},0207451227,OVO002067,Oost-Vlaanderen,,"
    "http://data.lblod.info/id/werkingsgebieden/w1,Gent,44021,44021,,,,refnis2019.ttl"
)


OTHER = GOOD.replace("/x1,", "/x2,")


@pytest.mark.parametrize(
    "bad_row, message",
    [
        (OTHER.replace("44021,44021", "4402,44021"), "nis_2019 '4402' is not a NIS code"),
        (OTHER.replace("0207451227", "207451227"), "kbo '207451227' is not a KBO number"),
        (OTHER.replace(",,,,refnis2019.ttl", ",2025-02-30,,,refnis2019.ttl"), "active_from '2025-02-30' is not a date"),
        (OTHER.replace(",,,,refnis2019.ttl", ",2025-01-01,2024-12-31,,refnis2019.ttl"), "is after active_until"),
        (OTHER.replace("refnis2019.ttl", "somewhere.ttl"), "unknown source 'somewhere.ttl'"),
        (OTHER.replace("/x2,", "/x1,"), "duplicate uri"),
        (OTHER + ",extra", "17 cells but the header has 16 columns"),
    ],
)
def test_malformed_csv_row_names_file_and_line(tmp_path, bad_row, message):
    path = tmp_path / "local-governments.csv"
    path.write_text("\n".join([HEADER, GOOD.replace("/x1,", "/x0,"), GOOD, bad_row]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_local_governments(path)
    assert caught.value.file == str(path) and caught.value.line == 4
    assert message in caught.value.detail and f"{path}:4:" in str(caught.value)


def test_missing_column_is_reported_on_line_1(tmp_path):
    path = tmp_path / "local-governments.csv"
    path.write_text(HEADER.replace(",nis_2025", "") + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="missing column.*nis_2025") as caught:
        read_local_governments(path)
    assert caught.value.line == 1


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    shutil.copytree(LBLOD, tmp_path / "lblod", ignore=shutil.ignore_patterns("SOURCES.md"))
    return tmp_path


def test_malformed_row_in_the_real_file(data_copy):
    path = data_copy / "lblod" / "local-governments.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = lines[9].replace(",", ",,", 1)  # line 10: one column too many
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        lblod.local_governments_graph(data_copy, URIS)
    assert (caught.value.file, caught.value.line) == (str(path), 10)


def test_name_history_of_an_unknown_unit(data_copy):
    path = data_copy / "lblod" / "name-history.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("http://data.lblod.info/id/bestuurseenheden/unknown,X,,,refnis2019.ttl\n")
    lines = path.read_text(encoding="utf-8").count("\n")
    with pytest.raises(SourceError, match="not in local-governments.csv") as caught:
        lblod.local_governments_graph(data_copy, URIS)
    assert caught.value.line == lines


@pytest.mark.parametrize(
    "name, load",
    [
        (lblod_sources.CHANGE_EVENTS, lambda d: lblod.local_governments_graph(d, URIS)),
        (lblod.REFNIS, lblod.refnis_graph),
        (lblod.LOKET, lblod.loket_graph),
    ],
)
def test_malformed_turtle_names_file_and_line(data_copy, name, load):
    path = data_copy / "lblod" / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if i > 40 and line.rstrip().endswith(" ."))
    lines[target] = lines[target].rstrip()[:-2] + " <broken\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load(data_copy)
    assert caught.value.file == str(path)
    assert caught.value.line is not None and target + 1 <= caught.value.line <= target + 2


# --------------------------------------------------------------------------------------------------- reproducible


def test_derivation_reproduces_data_lblod(tmp_path):
    if not (SHARED / "lblod").is_dir():
        pytest.skip("../shared is not beside the clone")
    script = REPO / "scripts" / "derive_lblod_data.py"
    subprocess.run(
        [sys.executable, str(script), "--shared", str(SHARED), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    produced = sorted(p.name for p in tmp_path.iterdir())
    assert produced == sorted(p.name for p in LBLOD.iterdir() if p.name != "SOURCES.md")
    for name in produced:
        assert (tmp_path / name).read_bytes() == (LBLOD / name).read_bytes(), name
