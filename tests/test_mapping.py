"""The own-data graph: docs/model.md's shape, the real facts answered by the shipped queries (on pyoxigraph,
with the Loket's Turtle beside it), and a synthetic complete call whose leverage figures are known by hand."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from conftest import copy_own_data
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from gzg_graph import queries
from gzg_graph.errors import SourceError
from gzg_graph.mapping.organisations import OrganisationIndex
from gzg_graph.mapping.own_data import own_data_graph
from gzg_graph.namespaces import LBLOD_SUBSIDIE, M8G, SCHEMA
from gzg_graph.uris import UriPolicy

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FIXTURES = REPO / "tests" / "fixtures"
BASE = "http://127.0.0.1:8000"
URIS = UriPolicy(BASE)
GZG = URIS.ns
MEASURE = URIRef("http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff")
MECHELEN = "http://data.lblod.info/id/bestuurseenheden/be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
AALTER = "http://data.lblod.info/id/bestuurseenheden/5116efa8-e96e-46a2-aba6-c077e9056a96"
NIJLEN = "http://data.lblod.info/id/bestuurseenheden/fb4ab93def093fcefdcbafe1055941c02bb109290fffb9cd9012d549aed480b8"

# The calls as the Loket publishes their submission windows, with our maximum amounts (calls.yaml).
EXPECTED_CALLS = {
    1: ("innovatieve-concepten", "2021-09-20", "2021-11-12", 150000),
    2: ("thematische-projecten", "2021-11-22", "2022-02-04", 500000),
    3: ("transformatieprojecten", "2021-11-22", "2022-02-18", 2000000),
    4: ("innovatieve-concepten", "2021-12-20", "2022-03-25", 150000),
    5: ("thematische-projecten", "2022-03-21", "2022-07-01", 500000),
    6: ("transformatieprojecten", "2022-06-20", "2022-09-09", 2000000),
    7: ("thematische-projecten", "2022-08-08", "2022-09-30", 500000),
}


def loket_turtle() -> bytes:
    """The Loket's GZG Turtle: data/lblod/ in the repository, else the shared reference copy."""
    for path in (
        DATA / "lblod" / "gzg-subsidiemaatregel-loket.ttl",
        REPO.parent / "shared" / "lblod" / "gzg-subsidiemaatregel-loket.ttl",
    ):
        if path.is_file():
            return path.read_bytes()
    pytest.skip("the Loket Turtle file is not available")


def fixture_index() -> OrganisationIndex:
    return OrganisationIndex.from_files(FIXTURES / "local-governments.csv", DATA / "partners.csv")


def store_with(graph: Graph) -> pyoxigraph.Store:
    """A pyoxigraph store with the own graph and the Loket graph as two named graphs, as the build has them."""
    store = pyoxigraph.Store()
    store.load(
        graph.serialize(format="nt", encoding="utf-8"),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode(str(URIS.graph("gzg"))),
    )
    store.load(
        loket_turtle(), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(str(URIS.graph("loket-gzg")))
    )
    return store


def select(store: pyoxigraph.Store, name: str) -> list[dict[str, str]]:
    """Rows of a shipped query over the union of the named graphs, as {variable: lexical value}."""
    result = store.query(queries.load(name), use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]
    return [{v: row[v].value for v in variables if row[v] is not None} for row in result]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return own_data_graph(DATA, URIS, fixture_index())


@pytest.fixture(scope="module")
def store(graph) -> pyoxigraph.Store:
    return store_with(graph)


# -- shape of the graph ------------------------------------------------------------------------------------------


def test_no_blank_nodes_and_minted_uris_under_the_base(graph):
    assert not [t for t in graph if any(isinstance(term, BNode) for term in t)]
    other = UriPolicy("https://example.org/gzg")
    moved = own_data_graph(DATA, other, fixture_index())
    assert len(moved) == len(graph)
    subjects = {str(s) for s in moved.subjects()}
    assert not [s for s in subjects if s.startswith(BASE)]
    assert "https://example.org/gzg/id/project/burgerloket" in subjects


def test_every_described_resource_has_a_source(graph):
    kinds = (
        SKOS.Concept,
        GZG.Bouwsteen,
        M8G.Criterion,
        M8G.Event,
        GZG.Kerncijfers,
        M8G.Participation,
        URIRef("http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie"),
        LBLOD_SUBSIDIE.SubsidiemaatregelAanbodReeks,
        URIRef("http://www.w3.org/ns/org#Organization"),
    )
    for kind in kinds:
        for node in graph.subjects(RDF.type, kind):
            assert graph.value(node, DCTERMS.source) is not None, f"{node} ({kind}) has no dct:source"


def test_programme(graph):
    budget = graph.value(MEASURE, GZG.budget)
    assert graph.value(budget, SCHEMA.value) == Literal(Decimal(35000000), datatype=rdflib.XSD.decimal)
    assert graph.value(budget, SCHEMA.currency) == Literal("EUR")
    assert graph.value(MEASURE, GZG.goedkeuringsdatum) == Literal("2021-07-09", datatype=rdflib.XSD.date)
    assert graph.value(MEASURE, M8G.hasCompetentAuthority) == URIS.id("organisatie", "vlaamse-regering")
    criteria = {str(graph.value(c, DCTERMS.title)) for c in graph.objects(MEASURE, M8G.hasCriterion)}
    assert {"Kennisdeling", "Opschaalbaarheid", "Interoperabiliteit"} <= criteria


def test_ten_principles_in_order(graph):
    rows = graph.query(
        """
        SELECT ?n ?label WHERE { ?m gzg:leidendPrincipe ?p . ?p skos:notation ?n ; skos:prefLabel ?label .
                                 FILTER (lang(?label) = "nl") } ORDER BY ?n""",
        initNs={"gzg": GZG, "skos": SKOS},
    )
    assert [(int(n), str(label)) for n, label in rows] == [
        (1, "Burger centraal"),
        (2, "Maximaal digitaal"),
        (3, "Laagdrempelig/inclusief"),
        (4, "Proactief & gepersonaliseerd"),
        (5, "Gebruiksvriendelijk"),
        (6, "Werkplekonafhankelijk"),
        (7, "Hergebruik van gegevens"),
        (8, "Maximaal geoptimaliseerd/vereenvoudigd"),
        (9, "Datagedreven"),
        (10, "Digitale democratie is een evidentie"),
    ]


def test_concepts(graph):
    penhouder = URIS.concept("consortiumrol", "penhouder")
    assert graph.value(penhouder, SKOS.closeMatch) == URIRef(
        "http://lblod.data.gift/concepts/d8b8f3d1-7574-4baf-94df-188a7bd84a3a"
    )
    themes = set(graph.subjects(SKOS.inScheme, URIS.concept_scheme("thema")))
    assert {str(t).rsplit("/", 1)[1][:8] for t in themes} == {"446ac005", "6eca0908", "9fb0732f"}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        if str(concept).startswith(f"{BASE}/id/concept/"):
            langs = {label.language for label in graph.objects(concept, SKOS.prefLabel)}
            assert {"nl", "en"} <= langs, concept


def test_support_sessions_of_call_1(graph):
    sessions = {
        str(graph.value(s, DCTERMS.title)): graph.value(s, GZG.datum)
        for s in graph.subjects(RDF.type, GZG.Ondersteuningssessie)
    }
    assert sessions == {
        "Infosessie oproep 1": Literal("2021-09-22", datatype=rdflib.XSD.date),
        "Mini-opleiding templates": Literal("2021-10-07", datatype=rdflib.XSD.date),
        "Opleiding bouwstenen en standaarden": None,
        "Check-ins": None,
    }


def test_partner_with_kbo_identifier(graph):
    node = URIS.id("organisatie", "agentschap-informatie-vlaanderen")
    rows = graph.query(
        """SELECT ?kbo WHERE { ?o adms:identifier ?i . ?i skos:notation "KBO nummer" ;
                          generiek:gestructureerdeIdentificator/generiek:lokaleIdentificator ?kbo }""",
        initNs={
            "adms": "http://www.w3.org/ns/adms#",
            "skos": SKOS,
            "generiek": "https://data.vlaanderen.be/ns/generiek#",
        },
        initBindings={"o": node},
    )
    assert [str(r.kbo) for r in rows] == ["0316380841"]


def test_partner_labels_with_the_source_of_the_seed_wording(graph):
    seed = URIS.id("document", "hefboomeffect-oproep-1")
    fod = URIS.id("organisatie", "fod-mobiliteit-en-vervoer")
    assert graph.value(fod, SKOS.prefLabel) == Literal("FOD Mobiliteit en Vervoer")
    assert set(graph.objects(fod, SKOS.altLabel)) == {Literal("FOD Mobiliteit en Transport")}
    assert seed in set(graph.objects(fod, DCTERMS.source))
    kenniscentrum = URIS.id("organisatie", "kenniscentrum-steden-en-gemeenten")
    assert graph.value(kenniscentrum, SKOS.prefLabel) == Literal("Kenniscentrum Steden en Gemeenten")
    assert set(graph.objects(kenniscentrum, DCTERMS.source)) == {seed}
    assert {p for p, _ in graph.predicate_objects(kenniscentrum)} == {
        RDF.type,
        SKOS.prefLabel,
        DCTERMS.source,
        rdflib.namespace.ORG.classification,
    }
    assert (URIS.id("organisatie", "kenniscentrum-vlaamse-steden"), None, None) not in graph


def test_seed_document_names_no_author(graph):
    """Seed 000 names no author: its description must not attribute it (e.g. to 'the programme team')."""
    document = URIS.id("document", "hefboomeffect-oproep-1")
    note = str(graph.value(document, DCTERMS.description))
    assert "team" not in note.lower() and "its author" in note
    assert (document, DCTERMS.creator, None) not in graph and (document, DCTERMS.publisher, None) not in graph


# -- the shipped queries on the real data -----------------------------------------------------------------------


def test_calls_query_returns_the_seven_calls(store):
    rows = select(store, "calls")
    assert [int(r["number"]) for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    for row in rows:
        project_type, start, end, amount = EXPECTED_CALLS[int(row["number"])]
        assert row["title"] == f"Oproep {row['number']}"
        assert row["projectType"] == str(URIS.concept("projecttype", project_type))
        assert (row["windowStart"][:10], row["windowEnd"][:10]) == (start, end)
        assert (Decimal(row["maxAmount"]), row["currency"]) == (amount, "EUR")


def test_published_leverage_of_call_1(store):
    (row,) = select(store, "call-leverage-published")
    assert row["number"] == "1"
    assert (
        int(row["subsidisedProjects"]),
        int(row["uniqueInitiators"]),
        Decimal(row["averageConsortiumSize"]),
        int(row["largestConsortium"]),
    ) == (11, 46, Decimal("6.5"), 16)
    assert (int(row["submittedApplications"]), int(row["uniqueApplicants"])) == (28, 109)
    assert row["sources"] == str(URIS.id("document", "hefboomeffect-oproep-1"))


def test_burgerloket_penhouder_is_mechelen_gemeente(store):
    projects = {r["title"]: r for r in select(store, "projects")}
    burgerloket = projects["Burgerloket"]
    assert burgerloket["penhouder"] == MECHELEN
    assert (burgerloket["knownConsortiumMembers"], burgerloket["knownParticipants"]) == ("2", "9")
    assert Decimal(burgerloket["estimatedCost"]) == 2000000
    assert "callNumber" not in burgerloket and "status" not in burgerloket
    aalter = projects["Slimme raadpleegomgeving in de broekzak van de burger"]
    assert (aalter["callNumber"], aalter["penhouder"]) == ("6", AALTER)
    assert "status" not in aalter


def test_projects_query_tells_known_participants_from_the_published_reach(store):
    """The participations the graph knows are counted apart from the published figure, never mixed with it."""
    projects = {r["title"]: r for r in select(store, "projects")}
    burgerloket = projects["Burgerloket"]
    assert (
        burgerloket["knownConsortiumMembers"],
        burgerloket["knownParticipants"],
        burgerloket["publishedMunicipalitiesUsingResult"],
    ) == ("2", "9", "38")
    aalter = projects["Slimme raadpleegomgeving in de broekzak van de burger"]
    assert (aalter["knownConsortiumMembers"], aalter["knownParticipants"]) == ("1", "1")
    assert "publishedMunicipalitiesUsingResult" not in aalter
    assert not {"consortiumSize", "participants"} & set(burgerloket)


def test_burgerloket_reach_is_a_sourced_figure(graph):
    project = URIS.id("project", "burgerloket")
    source = URIRef(
        "https://www.vlaanderen.be/digitaal-vlaanderen/nieuwsberichten/"
        "38-gemeenten-sturen-digitale-kiesbrief-via-mijn-burgerprofiel"
    )
    assert list(graph.objects(project, GZG.aantalGebruikendeGemeenten)) == [Literal(38, datatype=rdflib.XSD.integer)]
    assert source in set(graph.objects(project, DCTERMS.source))
    # a figure about the project, not about its call or its participations
    assert len(list(graph.subject_objects(GZG.aantalGebruikendeGemeenten))) == 1


def test_burgerloket_consortium(graph):
    project = URIS.id("project", "burgerloket")
    assert list(graph.objects(project, LBLOD_SUBSIDIE.collaborator)) == [URIRef(NIJLEN)]
    roles = {str(graph.value(p, M8G.role)).rsplit("/", 1)[1] for p in graph.objects(project, M8G.hasParticipation)}
    assert roles == {"penhouder", "partner", "ondersteunende-partner"}
    dav = URIS.id("deelname", "burgerloket--dav")
    assert (URIS.id("organisatie", "dav"), M8G.playsRole, dav) in graph


def test_participation_uris_name_the_participant_readably(graph):
    """A local government by its name's slug (not its 64-hex LBLOD id), a partner by its id."""
    project = URIS.id("project", "burgerloket")
    by_participant = {str(o): str(p) for o, _, p in graph.triples((None, M8G.playsRole, None))}
    assert by_participant[MECHELEN] == f"{BASE}/id/deelname/burgerloket--mechelen"
    assert by_participant[NIJLEN] == f"{BASE}/id/deelname/burgerloket--nijlen"
    participations = {str(p) for p in graph.objects(project, M8G.hasParticipation)}
    assert f"{BASE}/id/deelname/burgerloket--vvsg" in participations
    assert not any(len(p.rsplit("--", 1)[1]) >= 32 for p in participations), participations


def test_two_participants_with_one_slug_are_refused_at_the_second_line(own_data_copy):
    """LBLOD lists two units named 'Projectvereniging Regionaal Landschap Schelde-Durme' (two KBO numbers): in
    one project they would share a participation URI, so the build names both and the line of each."""
    first = add_participation(own_data_copy, "burgerloket,0680.397.589,partner,,https://example.org")
    second = add_participation(own_data_copy, "burgerloket,0680.397.590,partner,,https://example.org")
    with pytest.raises(SourceError, match=f"\\(line {first}\\) would both take part in project 'burgerloket'") as e:
        own_data_graph(own_data_copy, URIS, OrganisationIndex.from_data_dir(DATA))
    assert Path(e.value.file).name == "participations.csv" and e.value.line == second
    assert "burgerloket--projectvereniging-regionaal-landschap-schelde-durme" in str(e.value)


def test_building_blocks_and_partners_queries(store):
    blocks = {r["title"]: r for r in select(store, "building-blocks")}
    assert len(blocks) == 17
    assert blocks["MAGDA"]["publisherName"] == "Digitaal Vlaanderen"
    assert blocks["Mijn Burgerprofiel"]["projects"] == "1"
    assert "kind" not in blocks["DOSIS"]
    partners = {r["name"]: r for r in select(store, "partners")}
    assert partners["Agentschap Informatie Vlaanderen"]["kbo"] == "0316380841"
    assert partners["Dienst Administratieve Vereenvoudiging"]["kindLabel"] == "Federale overheid"
    assert partners["VVSG"]["projects"] == "1"


def test_query_files_are_documented():
    for name in ("calls", "call-leverage", "call-leverage-published", "projects", "building-blocks", "partners"):
        text = queries.load(name)
        assert text.startswith("# "), name
        assert "PREFIX " in text, name


# -- the synthetic complete call -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def complete_call(tmp_path_factory) -> pyoxigraph.Store:
    """data/ with projects and participations replaced by the synthetic call of tests/fixtures/complete-call."""
    data = copy_own_data(tmp_path_factory.mktemp("complete-call"))
    for name in ("projects.csv", "participations.csv"):
        shutil.copy(FIXTURES / "complete-call" / name, data / name)
    return store_with(own_data_graph(data, URIS, fixture_index()))


def test_leverage_recomputed_for_the_complete_call(complete_call):
    rows = {int(r["number"]): r for r in select(complete_call, "call-leverage")}
    assert set(rows) == {2, 4}
    call_2 = rows[2]
    assert (int(call_2["subsidisedProjects"]), int(call_2["uniqueInitiators"]), int(call_2["largestConsortium"])) == (
        3,
        7,
        5,
    )
    assert round(Decimal(call_2["averageConsortiumSize"]), 2) == Decimal("3.33")
    call_4 = rows[4]
    assert (call_4["subsidisedProjects"], call_4["uniqueInitiators"], call_4["largestConsortium"]) == ("1", "1", "1")
    assert Decimal(call_4["averageConsortiumSize"]) == 1


def test_complete_call_project_details(complete_call):
    projects = {r["title"]: r for r in select(complete_call, "projects")}
    a = projects["SYNTHETISCH testproject A"]
    assert (a["themeLabel"], a["status"], a["penhouder"]) == ("Innovatieve dienstverlening", "Geselecteerd", MECHELEN)
    assert (Decimal(a["requestedAmount"]), Decimal(a["grantedAmount"])) == (400000, 400000)
    assert projects["SYNTHETISCH testproject B"]["penhouder"] == MECHELEN  # by KBO number
    assert projects["SYNTHETISCH testproject C"]["themeLabel"] == "Werkplek van de toekomst"


# -- broken participations -----------------------------------------------------------------------------------------


def add_participation(data_dir: Path, row: str) -> int:
    path = data_dir / "participations.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


def expect_participation_error(data_dir: Path, line: int, match: str) -> None:
    with pytest.raises(SourceError, match=match) as caught:
        own_data_graph(data_dir, URIS, fixture_index())
    assert Path(caught.value.file).name == "participations.csv"
    assert caught.value.line == line
    assert f"participations.csv:{line}:" in str(caught.value)


#: A participation row a steward might write, and what the error must say (the row is appended to the file).
WRONG_PARTICIPATIONS = {
    "unknown municipality, with a suggestion": (
        "burgerloket,Gemeente Mechlen,partner,,https://example.org",
        "'Gemeente Mechlen'.*did you mean 'Mechelen'",
    ),
    "ambiguous name": (
        "burgerloket,Synthetisch Dubbeldorp,partner,,https://example.org",
        "matches 2 local governments",
    ),
    "partner organisation as consortium partner": (
        "slimme-raadpleegomgeving,vvsg,partner,,https://example.org",
        "use 'ondersteunende-partner'",
    ),
    "a second penhouder": ("burgerloket,Geel,penhouder,,https://example.org", "already has a penhouder"),
    "the same organisation twice (by KBO)": (
        "burgerloket,0207.499.430,partner,,https://example.org",
        "Mechelen already takes part in project 'burgerloket'",
    ),
}


@pytest.mark.parametrize("case", WRONG_PARTICIPATIONS)
def test_a_wrong_participation_is_refused_at_its_line(case, own_data_copy):
    row, match = WRONG_PARTICIPATIONS[case]
    line = add_participation(own_data_copy, row)
    expect_participation_error(own_data_copy, line, match)
