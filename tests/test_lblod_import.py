"""``gzg lblod import`` on a changed export derived at test time from ../shared/lblod: one unit renamed (Zemst),
one merged (Nijlen, a partner of Burgerloket, ends and Lier takes it over by a new change event) and one new
identifier (an OVO number for Neteland). The report and the graph hold exactly those changes; a re-import
changes nothing; a malformed or violating export leaves the store as it was."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import BASE, SHARED, settings_for
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from gzg_graph.build import build
from gzg_graph.cli import app
from gzg_graph.errors import SourceError
from gzg_graph.formats import RdfFormat
from gzg_graph.lblod_sync.export import REQUIRED
from gzg_graph.lblod_sync.importing import ImportRefused, import_lblod, read_triples
from gzg_graph.publishing import collections
from gzg_graph.publishing.collection_specs import collections as specs
from gzg_graph.store import EmbeddedStore
from gzg_graph.uris import GRAPH_LBLOD, GRAPH_METADATA, UriPolicy

pytestmark = pytest.mark.skipif(not (SHARED / "lblod").is_dir(), reason="../shared is not beside the clone")

URIS = UriPolicy(BASE)
U = "http://data.lblod.info/id/bestuurseenheden/"
ZEMST = U + "a0393ba99ecc1a0e05d93966aaad42b07980efa5dc90f72106f3fb5954215e18"
NIJLEN = U + "fb4ab93def093fcefdcbafe1055941c02bb109290fffb9cd9012d549aed480b8"
NETELAND_NAME, NEW_OVO = "Neteland", "OVO099901"
MECHELEN = U + "be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
EVENT = "http://data.lblod.info/id/veranderingsgebeurtenissen/test-fusie-lier-nijlen-2026"
RESULTS = "http://lblod.data.info/id/veranderingsgebeurtenis-resultaten/test-fusie-lier-nijlen-2026-"
INACTIVE = "http://lblod.data.gift/concepts/d02c4e12bf88d2fdf5123b07f29c9311"
ACTIVE = "http://lblod.data.gift/concepts/63cc561de9188d64ba5840a42ae8f0d6"
UNITS_CSV = "bestuurseenheden-vlaanderen.csv"
EVENTS_TTL = "lblod-op-fusies-2025-change-events.ttl"


# --------------------------------------------------------------------------------------------------- fixtures


def copy_export(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in REQUIRED:
        shutil.copy(SHARED / "lblod" / name, target / name)
    return target


def edit_units(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the export's units CSV, ``change(row)`` editing each row in place (return False to drop it)."""
    path = folder / UNITS_CSV
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, [row for row in reader]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields or [], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(row for row in rows if change(row) is not False)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def unit_uri(name: str, kind: str) -> str:
    with (SHARED / "lblod" / UNITS_CSV).open(encoding="utf-8", newline="") as f:
        return next(r["uri"] for r in csv.DictReader(f) if r["label"] == name and r["classification_label"] == kind)


def merger_event(original: str, successor: str) -> str:
    """A change event as LBLOD's Organisatieportaal writes one: ``original`` merges into ``successor`` (kept URI)."""
    return f"""
<{EVENT}> a <http://www.w3.org/ns/org#ChangeEvent> ;
    <http://data.lblod.info/vocabularies/contacthub/typeWijziging> <http://lblod.data.gift/concepts/fa80032794c841ecac73ff874f856db1> ;
    <http://lblod.data.gift/vocabularies/organisatie/veranderingsgebeurtenisResultaat> <{RESULTS}a>, <{RESULTS}b> ;
    <http://purl.org/dc/terms/date> "2026-01-01"^^<http://www.w3.org/2001/XMLSchema#dateTime> ;
    <http://purl.org/dc/terms/description> "Fusie tussen Lier en Nijlen resulteert in Gemeente Lier" ;
    <http://www.w3.org/ns/org#originalOrganization> <{original}>, <{successor}> ;
    <http://www.w3.org/ns/org#resultingOrganization> <{successor}> .
<{RESULTS}a> a <http://lblod.data.gift/vocabularies/organisatie/VeranderingsgebeurtenisResultaat> ;
    <http://lblod.data.gift/vocabularies/organisatie/resulterendeStatus> <{INACTIVE}> ;
    <http://mu.semte.ch/vocabularies/ext/resultingOrganization> <{original}> .
<{RESULTS}b> a <http://lblod.data.gift/vocabularies/organisatie/VeranderingsgebeurtenisResultaat> ;
    <http://lblod.data.gift/vocabularies/organisatie/resulterendeStatus> <{ACTIVE}> ;
    <http://mu.semte.ch/vocabularies/ext/resultingOrganization> <{successor}> .
"""


@pytest.fixture(scope="module")
def lier() -> str:
    return unit_uri("Lier", "Gemeente")


@pytest.fixture(scope="module")
def neteland() -> str:
    return unit_uri(NETELAND_NAME, "Projectvereniging")


@pytest.fixture(scope="module")
def changed_export(tmp_path_factory, lier) -> Path:
    """The shared export with Zemst renamed, Nijlen merged into Lier (a new change event) and a new OVO number."""
    folder = copy_export(tmp_path_factory.mktemp("changed-export"))

    def change(row: dict[str, str]) -> None:
        if row["uri"] == ZEMST:
            row["label"] = "Zemst-aan-de-Zenne"
        if row["label"] == NETELAND_NAME and row["classification_label"] == "Projectvereniging":
            assert not row["ovo"]
            row["ovo"] = NEW_OVO

    edit_units(folder, change)
    with (folder / EVENTS_TTL).open("a", encoding="utf-8") as f:
        f.write(merger_event(NIJLEN, lier))
    return folder


def built_store(tmp_path_factory, name: str):  # type: ignore[no-untyped-def]
    """(settings, store) built from data/ (unchecked: test_build validates the same data)."""
    store_dir = tmp_path_factory.mktemp(name)
    settings = settings_for(store_dir)
    store = EmbeddedStore(store_dir)
    build(settings, store, check=False)
    return settings, store


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A store that only sees imports which change nothing or are refused: it stays as built."""
    return built_store(tmp_path_factory, "lblod-import-base")


def lblod_nt(store: EmbeddedStore) -> bytes:
    return store.export(RdfFormat.NTRIPLES, str(URIS.graph(GRAPH_LBLOD)))


# --------------------------------------------------------------------------------------------------- refusals


def test_the_same_export_changes_nothing(base):
    settings, store = base
    generation = store.generation
    result = import_lblod(settings, store, [SHARED / "lblod"])
    assert not result.changes and not result.written and result.validation == "none"
    assert result.changes.counts() == dict.fromkeys(result.changes.counts(), 0)
    assert store.generation == generation


def test_a_malformed_csv_row_names_file_and_line(base, tmp_path):
    settings, store = base
    folder = copy_export(tmp_path / "export")
    edit_units(folder, lambda row: row.update(kbo="12345") if row["uri"] == ZEMST else None)
    line = 1 + next(i for i, r in enumerate(csv.DictReader((folder / UNITS_CSV).open()), 1) if r["uri"] == ZEMST)
    before, generation = lblod_nt(store), store.generation
    with pytest.raises(SourceError, match="kbo '12345'") as caught:
        import_lblod(settings, store, [folder])
    assert (Path(caught.value.file).name, caught.value.line) == (UNITS_CSV, line)
    assert lblod_nt(store) == before and store.generation == generation


def test_a_turtle_syntax_error_names_file_line_and_column(base, tmp_path):
    settings, store = base
    folder = copy_export(tmp_path / "export")
    text = (folder / EVENTS_TTL).read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(text) if line.startswith("<http"))
    text[first] = text[first].replace("a org:ChangeEvent", "a org:ChangeEvent ,,")
    (folder / EVENTS_TTL).write_text("\n".join(text) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["lblod", "import", str(folder), "--store-dir", str(store.directory)])
    assert result.exit_code == 2
    assert f"{EVENTS_TTL}:{first + 1}:" in result.output and "store unchanged" in result.output


def test_an_unknown_or_missing_file_is_named(base, tmp_path):
    settings, store = base
    folder = copy_export(tmp_path / "export")
    (folder / "refnis2025.ttl").unlink()
    with pytest.raises(SourceError, match="refnis2025.ttl: missing from the LBLOD export"):
        import_lblod(settings, store, [folder])
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SourceError, match="notes.txt: not a file of an LBLOD export"):
        import_lblod(settings, store, [folder])


def test_an_export_that_drops_a_penhouder_is_refused(base, tmp_path):
    """Without Mechelen (Burgerloket's penhouder), the store would violate the shapes: refused, store unchanged."""
    settings, store = base
    folder = copy_export(tmp_path / "export")
    edit_units(folder, lambda row: row["uri"] != MECHELEN and None)
    before, generation = lblod_nt(store), store.generation
    with pytest.raises(ImportRefused) as caught:
        import_lblod(settings, store, [folder])
    assert [u["uri"] for u in caught.value.changes.removed_units] == [MECHELEN]
    assert not caught.value.report.conforms
    violations = [(r.focus_node, r.value) for r in caught.value.report.results if r.severity == "Violation"]
    assert (f"{BASE}/id/deelname/burgerloket--mechelen", MECHELEN) in violations
    assert lblod_nt(store) == before and store.generation == generation


# --------------------------------------------------------------------------------------------------- the import


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    """The store the changed export is imported into."""
    return built_store(tmp_path_factory, "lblod-import-target")


@pytest.fixture(scope="module")
def imported(target, changed_export, tmp_path_factory):
    """The changed export imported (with --write-data), and the LBLOD graph before and after."""
    settings, store = target
    before = set(read_triples(store, str(URIS.graph(GRAPH_LBLOD))))
    data_out = tmp_path_factory.mktemp("data-lblod")
    result = import_lblod(settings, store, [changed_export], write_data=data_out)
    after = set(read_triples(store, str(URIS.graph(GRAPH_LBLOD))))
    return result, before, after, data_out


def test_the_report_lists_exactly_the_changes(imported, lier, neteland):
    result = imported[0]
    assert result.written and result.validation == "incremental" and result.report.conforms
    report = result.changes.as_json()
    assert report["new_units"] == [] and report["removed_units"] == []
    assert report["renamed_units"] == [
        {"uri": ZEMST, "classification": "Gemeente", "old": "Zemst", "new": "Zemst-aan-de-Zenne"}
    ]
    assert report["ended_units"] == [
        {
            "uri": NIJLEN,
            "name": "Nijlen",
            "classification": "Gemeente",
            "last_day": "2025-12-31",
            "successors": [{"uri": lier, "name": "Lier"}],
        }
    ]
    assert report["identifiers"] == [{"uri": neteland, "name": "Neteland", "scheme": "OVO", "old": "", "new": NEW_OVO}]
    assert report["change_events"] == [
        {"uri": EVENT, "date": "2026-01-01", "description": "Fusie tussen Lier en Nijlen resulteert in Gemeente Lier"}
    ]


def test_the_graph_holds_exactly_those_changes(imported, lier, neteland):
    _, before, after = imported[:3]
    added, removed = after - before, before - after
    subjects = {str(s) for s, _, _ in added | removed}
    expected = {ZEMST, NIJLEN, lier, neteland, EVENT, RESULTS + "a", RESULTS + "b"}
    expected |= {f"{BASE}/id/{kind}/ovo-{NEW_OVO}" for kind in ("identificator", "gestructureerde-identificator")}
    nijlen_name = f"{BASE}/id/benaming/{NIJLEN.rsplit('/', 1)[1]}-x"
    expected |= {nijlen_name, f"{BASE}/id/periode/benaming-{NIJLEN.rsplit('/', 1)[1]}-x"}
    # the names of Zemst (renamed) and Lier (its name's sources now cite the change events, as the unit's do)
    expected |= {f"{BASE}/id/benaming/{unit.rsplit('/', 1)[1]}-x" for unit in (ZEMST, lier)}
    assert subjects == expected
    prov = "http://www.w3.org/ns/prov#wasDerivedFrom"
    skos_label = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert (URIRef(lier), URIRef(prov), URIRef(NIJLEN)) in added
    assert (URIRef(ZEMST), skos_label, Literal("Zemst-aan-de-Zenne")) in added
    assert (URIRef(ZEMST), skos_label, Literal("Zemst")) in removed
    end = URIRef("http://data.europa.eu/m8g/endTime")
    assert any(p == end and str(o) == "2025-12-31" for _, p, o in added)


def test_the_catalogue_describes_the_new_graph(target, imported):
    store = target[1]
    rows = store.select(
        "SELECT ?n ?g ?meta WHERE { GRAPH ?meta { ?g <http://rdfs.org/ns/void#triples> ?n } }",
        bindings={"g": URIS.graph(GRAPH_LBLOD), "meta": URIS.graph(GRAPH_METADATA)},
    )
    assert [int(r["n"]) for r in rows] == [imported[0].triples]


def test_written_files_rebuild_the_same_graph(imported):
    """--write-data writes data/lblod's files of the LBLOD graph; `gzg build` from them gives the imported graph."""
    from gzg_graph.mapping.lblod import local_governments_graph

    result, _, after, data_out = imported
    assert sorted(Path(p).name for p in result.data_files) == sorted(p.name for p in data_out.iterdir())
    rebuilt = {t for t in local_governments_graph(data_out, URIS)}
    assert len(rebuilt) == len(after)


def test_reimport_changes_nothing_and_keeps_the_generation(target, imported, changed_export):
    """The same export again, through the command (--json): no change reported, no new generation."""
    store = target[1]
    generation = store.generation
    result = CliRunner().invoke(
        app, ["lblod", "import", str(changed_export), "--store-dir", str(store.directory), "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["written"] is False and body["validation"] == "none"
    assert body["changes"] == {
        **{k: [] for k in imported[0].changes.counts()},
        "triples_added": 0,
        "triples_removed": 0,
    }
    store.refresh()
    assert store.generation == generation


def test_the_successor_answers_for_the_ended_units_projects(target, imported, lier):
    """Burgerloket stays Nijlen's project (its participation is unchanged) and Lier, Nijlen's successor, finds it."""
    store = target[1]
    burgerloket = f"{BASE}/id/project/burgerloket"
    plays = store.ask(
        "ASK { ?unit <http://data.europa.eu/m8g/playsRole> ?p . ?project <http://data.europa.eu/m8g/hasParticipation> ?p }",
        bindings={"unit": URIRef(NIJLEN), "project": URIRef(burgerloket)},
    )
    assert plays
    collection = specs(BASE)["projects"]
    for unit in (NIJLEN, lier):
        chosen = collections.select(
            collection, [("localGovernment", unit)], lambda o: collections.options(store, URIS, o)
        )
        assert burgerloket in collections.run(store, URIS, chosen).members
