"""The collections (/calls, /projects, /local-governments, /organisations, /building-blocks, /themes) against the
real graph: each format, each filter against facts of the data, paging, search, bad requests, conditional
requests, and the JSON-LD expanded back to exactly the store's triples about the members."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

from gzg_graph.formats import RdfFormat
from gzg_graph.namespaces import PREFIXES
from gzg_graph.publishing import collection_formats, collection_jsonld, collections, jsonld
from gzg_graph.publishing.collection_specs import collections as specs
from gzg_graph.store import EmbeddedStore
from gzg_graph.uris import GRAPH_LBLOD, UriPolicy

URIS = UriPolicy(BASE)
HYDRA = "http://www.w3.org/ns/hydra/core#"
LBLOD = "http://data.lblod.info/id/bestuurseenheden/"
MECHELEN = LBLOD + "be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
NIJLEN = LBLOD + "fb4ab93def093fcefdcbafe1055941c02bb109290fffb9cd9012d549aed480b8"
AALTER = LBLOD + "5116efa8-e96e-46a2-aba6-c077e9056a96"
KRUISEM = LBLOD + "d26e802b-cae8-4c52-bad6-39e349d46862"  # the municipality merged in 2019 ...
KRUISHOUTEM = LBLOD + "19673274e30b682be3dd3178352611aa26c28ea8907fd4990ff69e01af7019f6"  # ... from this one
BURGERLOKET = f"{BASE}/id/project/burgerloket"
RAADPLEEGOMGEVING = f"{BASE}/id/project/slimme-raadpleegomgeving"
CALL_6 = "http://lblod.data.info/id/subsidy-measure-offer-series/5cb2d19e-51c6-4970-a7be-7f438b3e0917"
NAMES = list(specs(BASE))
JSONLD_TYPE = "application/ld+json"


@pytest.fixture(scope="module")
def client(built) -> TestClient:
    settings, store, _ = built
    return TestClient(create_app(settings, store))


def members(client: TestClient, path: str, **params: str) -> list[str]:
    """The members of one page of ``path`` as the JSON-LD lists them (every page but the first is asked for)."""
    answer = client.get(path, params={"pageSize": "100", **params}, headers={"accept": JSONLD_TYPE})
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["totalItems"] == len(document["member"]) or document["totalItems"] > 100
    return [m["@id"] for m in document["member"]]


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize("name", NAMES)
def test_every_collection_in_every_format(client, name):
    document = client.get(f"/{name}", headers={"accept": JSONLD_TYPE})
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/ld+json; charset=utf-8"
    body = document.json()
    assert body["@type"] == "Collection" and body["totalItems"] > 0 and body["member"]
    assert body["view"]["@type"] == "PartialCollectionView" and body["search"]["@type"] == "IriTemplate"
    table = client.get(f"/{name}?format=csv")
    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    assert table.content.endswith(b"\r\n") and table.content.count(b"\r\n") == min(body["totalItems"], 20) + 1
    page = client.get(f"/{name}", headers={"accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html") and "<table" in page.text
    assert f'href="/{name}?format=csv' in page.text and 'rel="alternate" type="application/ld+json"' in page.text
    assert client.get(f"/{name}?format=json").headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("name", NAMES)
def test_csv_has_the_members_of_the_json_ld(client, name):
    ids = members(client, f"/{name}")
    rows = list(csv.DictReader(io.StringIO(client.get(f"/{name}?format=csv&pageSize=100").text)))
    assert [row["id"] for row in rows] == ids
    assert all(row["name"] for row in rows)


def test_json_ld_expands_to_hydra_and_oslo_iris_and_exactly_the_stores_triples(client, store):
    document = client.get("/projects", headers={"accept": JSONLD_TYPE}).json()
    assert document["@context"][0] == f"{BASE}/ns/context.jsonld"  # our context, by URL
    expanded = pyld.expand(document, {"documentLoader": jsonld.document_loader(URIS)})[0]
    assert expanded["@type"] == [HYDRA + "Collection"]
    assert expanded[HYDRA + "totalItems"][0]["@value"] == 2
    view = expanded[HYDRA + "view"][0]
    assert view["@type"] == [HYDRA + "PartialCollectionView"] and HYDRA + "first" in view
    template = expanded[HYDRA + "search"][0]
    assert template[HYDRA + "variableRepresentation"] == [{"@id": HYDRA + "BasicRepresentation"}]
    mapped = {m[HYDRA + "variable"][0]["@value"]: m for m in template[HYDRA + "mapping"]}
    assert mapped["q"][HYDRA + "property"] == [{"@id": HYDRA + "freetextQuery"}]
    assert mapped["call"][HYDRA + "required"] == [{"@value": False}]
    project = next(m for m in expanded[HYDRA + "member"] if m["@id"] == BURGERLOKET)
    assert project["@type"] == ["http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie"]
    assert "http://purl.org/dc/terms/title" in project  # OSLO's IRI behind the Dutch key 'naam'

    graph = Graph().parse(data=pyld.to_rdf(document, _rdf_options()), format="nt")
    collection = specs(BASE)["projects"]
    for member in (BURGERLOKET, RAADPLEEGOMGEVING):
        held = {t for t in store.triples_from([URIRef(member)]) if t[1] in collection.predicates}
        assert set(graph.triples((URIRef(member), None, None))) == held


@pytest.mark.parametrize("name", NAMES)
def test_every_member_triple_is_the_stores(client, store, name):
    document = client.get(f"/{name}?pageSize=100", headers={"accept": JSONLD_TYPE}).json()
    graph = Graph().parse(data=pyld.to_rdf(document, _rdf_options()), format="nt")
    hydra = {s for s, p, _ in graph if str(p).startswith(HYDRA)}  # the collection, its view and its template
    ours = {t for t in graph if t[0] not in hydra}
    subjects = {s for s, _, _ in ours}
    assert ours <= store.triples_from(subjects)
    collection = specs(BASE)[name]
    for member in document["member"]:
        held = {t for t in store.triples_from([URIRef(member["@id"])]) if t[1] in collection.predicates}
        assert held <= ours


@pytest.mark.parametrize(
    ("name", "params"),
    [(name, [("pageSize", "100")]) for name in NAMES]
    + [("local-governments", [("province", "limburg"), ("page", "2"), ("pageSize", "7")]), ("themes", [("q", "zzz")])],
)
def test_our_compaction_says_what_the_expanded_document_says(store, name, params):
    """to_jsonld compacts the members itself (for speed): expanded by pyld, it is the reference document."""
    lookup = lambda option: collections.options(store, URIS, option)  # noqa: E731
    page = collections.run(store, URIS, collections.select(specs(BASE)[name], params, lookup))
    ours = Graph().parse(data=pyld.to_rdf(collection_jsonld.to_jsonld(page, URIS), _rdf_options()), format="nt")
    reference = Graph().parse(data=pyld.to_rdf(collection_jsonld.expanded(page, URIS), _rdf_options()), format="nt")
    assert len(ours) == len(reference) and isomorphic(ours, reference)
    compacted = pyld.compact(collection_jsonld.expanded(page, URIS), collection_jsonld.context(URIS), _rdf_options())
    assert {k for m in compacted.get("member", []) for k in m} == {
        k for m in collection_jsonld.to_jsonld(page, URIS)["member"] for k in m
    }  # the same keys as pyld's own compaction chooses


def _rdf_options() -> dict:
    return {"documentLoader": jsonld.document_loader(URIS), "format": "application/n-quads"}


# ------------------------------------------------------------------ filters on the real data


def test_projects_of_mechelen_as_penhouder(client):
    assert members(client, "/projects", localGovernment=MECHELEN, role="penhouder") == [BURGERLOKET]
    assert members(client, "/projects", localGovernment=MECHELEN, role="partner") == []
    assert members(client, "/projects", localGovernment=NIJLEN, role="partner") == [BURGERLOKET]
    assert members(client, "/projects", localGovernment=NIJLEN) == [BURGERLOKET]  # any role
    assert members(client, "/projects", localGovernment="12025") == [BURGERLOKET]  # Mechelen's NIS code
    assert members(client, "/projects", localGovernment=AALTER, role=f"{BASE}/id/concept/consortiumrol/penhouder") == [
        RAADPLEEGOMGEVING
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"call": "6"}, [RAADPLEEGOMGEVING]),
        ({"call": CALL_6}, [RAADPLEEGOMGEVING]),
        ({"call": "1"}, []),
        ({"buildingBlock": "mijn-burgerprofiel"}, [BURGERLOKET]),
        ({"buildingBlock": f"{BASE}/id/bouwsteen/magda-documentendienst"}, [BURGERLOKET]),
        ({"province": "antwerpen"}, [BURGERLOKET]),  # Mechelen and Nijlen
        ({"province": "40000"}, [RAADPLEEGOMGEVING]),  # Oost-Vlaanderen, by NIS code: Aalter
        ({"province": "limburg"}, []),
        ({"year": "2022"}, [RAADPLEEGOMGEVING]),  # call 6 opened on 20 June 2022
        ({"year": "2021"}, []),
        ({"theme": "digitale-democratie"}, []),  # no project names a theme of its own (yet)
        ({"q": "KIESBRIEF"}, [BURGERLOKET]),
        ({"q": "broekzak", "call": "6", "province": "oost-vlaanderen"}, [RAADPLEEGOMGEVING]),
    ],
)
def test_project_filters(client, params, expected):
    assert members(client, "/projects", **params) == expected


def test_calls_by_theme_and_year(client, store):
    theme = "http://lblod.data.gift/concepts/6eca0908-de74-400e-9f6b-2ea0202ac05b"  # Digitale democratie
    rows = store.select(f"SELECT ?call WHERE {{ ?call <http://purl.org/dc/terms/subject> <{theme}> }}")
    assert set(members(client, "/calls", theme="digitale-democratie")) == {r["call"] for r in rows}
    assert set(members(client, "/calls", theme=theme)) == {r["call"] for r in rows}
    numbers = [m["oproepnummer"] for m in client.get("/calls?year=2021&sort=-number").json()["member"]]
    assert numbers == [4, 3, 2, 1]  # calls 1 to 4 opened in 2021; descending


def test_local_governments_by_province_kind_and_participation(client, store):
    limburg = LBLOD + "14278813524c762255aeba149e7d7134ddecfbb43e7d56910731bd4e13e34f39"
    rows = store.select(
        f"SELECT ?unit WHERE {{ <{limburg}> <http://www.w3.org/ns/org#hasSubOrganization> ?unit . "
        "?unit <http://data.vlaanderen.be/ns/besluit#classificatie>/<http://www.w3.org/2004/02/skos/core#prefLabel> "
        '"Gemeente" }'
    )
    assert set(members(client, "/local-governments", province="limburg", kind="gemeente")) == {r["unit"] for r in rows}
    assert set(members(client, "/local-governments", participates="yes")) == {MECHELEN, NIJLEN, AALTER}
    everyone = client.get("/local-governments?format=jsonld").json()["totalItems"]
    assert client.get("/local-governments?participates=no").json()["totalItems"] == everyone - 3
    participating = set(members(client, "/organisations", participates="yes"))
    assert f"{BASE}/id/organisatie/vvsg" in participating and f"{BASE}/id/organisatie/mobius" not in participating


@pytest.mark.parametrize(
    ("path", "q", "name"),
    [
        ("/local-governments", "beersel", "Beersel"),
        ("/local-governments", "BEERSEL", "Beersel"),
        ("/local-governments", "  zaventem ", "Zaventem"),
        ("/local-governments", "hygiene", "APB Provinciaal Instituut voor Hygiëne"),  # e finds ë
        ("/local-governments", "regie communale", None),  # é, in the middle of a name
        ("/local-governments", "HYGIËNE", "APB Provinciaal Instituut voor Hygiëne"),
        ("/organisations", "dienst", "Dienst Administratieve Vereenvoudiging"),
        ("/organisations", "mobius", "Möbius"),
        ("/organisations", "VLAVABBS", "Burgerzaken Vlaanderen"),  # another name (skos:altLabel)
        ("/building-blocks", "burgerprofiel", "Mijn Burgerprofiel"),
        ("/themes", "democratie", "Digitale democratie"),
        ("/themes", "workplace", "Werkplek van de toekomst"),  # the English name
    ],
)
def test_search_ignores_accents_and_case(client, path, q, name):
    rows = list(csv.DictReader(io.StringIO(client.get(path, params={"q": q, "format": "csv"}).text)))
    assert rows, f"{q!r} found nothing in {path}"
    if name:
        assert name in {row["name"] for row in rows}


def test_empty_result_is_200_with_zero_items(client):
    answer = client.get('/projects?q=") } SELECT * WHERE { ?s ?p ?o', headers={"accept": JSONLD_TYPE})
    assert answer.status_code == 200  # the text is a bound literal, not query text
    assert answer.json()["totalItems"] == 0 and answer.json()["member"] == []
    page = client.get("/themes?q=zzzz&lang=en", headers={"accept": "text/html"})
    assert page.status_code == 200 and "Nothing found" in page.text


# ------------------------------------------------------------------ merged municipalities


@pytest.fixture(scope="module")
def merged_store(store):
    """A fresh store with the real LBLOD units and one project whose penhouder is Kruishoutem, which merged into
    Kruisem in 2019 (no predecessor of a merged municipality takes part in a project of the real data)."""
    fresh = EmbeddedStore(prefixes={**PREFIXES, "gzg": str(URIS.ns)})
    lblod = store.export(RdfFormat.NTRIPLES, str(URIS.graph(GRAPH_LBLOD)))
    participation = f"<{BASE}/id/deelname/test--kruishoutem>"
    m8g = "http://data.europa.eu/m8g/"
    project = f"""
    <{BASE}/id/project/test> <{RDF.type}> <http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie> .
    <{BASE}/id/project/test> <http://purl.org/dc/terms/title> "Testproject van Kruishoutem"@nl .
    <{BASE}/id/project/test> <{m8g}hasParticipation> {participation} .
    {participation} <{m8g}role> <{BASE}/id/concept/consortiumrol/penhouder> .
    <{KRUISHOUTEM}> <{m8g}playsRole> {participation} .
    """
    fresh.replace_graphs({str(URIS.graph(GRAPH_LBLOD)): lblod, str(URIS.graph("gzg")): project.encode()})
    return fresh


def _run(store, name: str, **params: str) -> list[str]:
    collection = specs(BASE)[name]
    selection = collections.select(collection, list(params.items()), lambda o: collections.options(store, URIS, o))
    return collections.run(store, URIS, selection).members


def test_a_merged_municipality_finds_its_predecessors_projects(merged_store):
    test_project = f"{BASE}/id/project/test"
    assert _run(merged_store, "projects", localGovernment=KRUISEM) == [test_project]
    roles = f"{BASE}/id/concept/consortiumrol/"  # by URI: this store has no concepts to name them by
    assert _run(merged_store, "projects", localGovernment=KRUISEM, role=roles + "penhouder") == [test_project]
    assert _run(merged_store, "projects", localGovernment=KRUISEM, role=roles + "partner") == []
    assert _run(merged_store, "projects", localGovernment=KRUISHOUTEM) == [test_project]
    assert _run(merged_store, "projects", localGovernment=AALTER) == []
    taking_part = set(_run(merged_store, "local-governments", participates="yes", pageSize="100"))
    assert {KRUISEM, KRUISHOUTEM} <= taking_part and AALTER not in taking_part
    assert KRUISEM not in _run(merged_store, "local-governments", participates="no", q="kruisem")


# ------------------------------------------------------------------ paging


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(1, 100), descending=st.booleans())
def test_pages_concatenated_are_the_whole_list(store, size, descending):
    collection = specs(BASE)["local-governments"]
    lookup = lambda name: collections.options(store, URIS, name)  # noqa: E731
    params = [("province", "limburg"), ("sort", "-kind" if descending else "kind")]
    whole = collections.run(store, URIS, collections.select(collection, [*params, ("pageSize", "100")], lookup))
    found: list[str] = []
    page_number = 1
    while True:
        chosen = [*params, ("pageSize", str(size)), ("page", str(page_number))]
        page = collections.run(store, URIS, collections.select(collection, chosen, lookup))
        assert page.total == whole.total and page.last_page == -(-whole.total // size)
        if not page.members:
            break
        found += page.members
        page_number += 1
    assert found == whole.members and len(set(found)) == whole.total == 92  # 46 municipalities and their OCMWs
    assert page_number == page.last_page + 1


def test_view_links_walk_the_pages(client):
    url = "/local-governments?province=limburg&pageSize=40"
    seen: list[str] = []
    while url:
        document = client.get(url, headers={"accept": JSONLD_TYPE}).json()
        assert document["@id"] == f"{BASE}/local-governments?province=limburg"
        seen += [m["@id"] for m in document["member"]]
        view = document["view"]
        assert view["last"].endswith("page=3&pageSize=40")
        url = view.get("next", "").removeprefix(BASE)
    assert len(seen) == len(set(seen)) == 92
    answer = client.get("/local-governments?province=limburg&pageSize=40&page=2")
    assert 'rel="next"' in answer.headers["link"] and 'rel="prev"' in answer.headers["link"]


def test_html_page_keeps_the_filters_in_its_links(client):
    html = {"accept": "text/html"}
    page = client.get("/local-governments?province=limburg&pageSize=40&page=2&lang=en", headers=html).text
    assert 'href="/local-governments?province=limburg&amp;pageSize=40&amp;page=3&amp;lang=en"' in page
    assert 'href="/local-governments?province=limburg&amp;pageSize=40&amp;page=2&amp;lang=en&amp;format=csv"' in page
    assert "<strong>92</strong> results" in page and "page 2 of 3" in page
    assert f'<option value="{LBLOD}14278813524c762255aeba149e7d7134ddecfbb43e7d56910731bd4e13e34f39" selected>' in page
    assert '<a href="/resource?uri=http%3A%2F%2Fdata.lblod.info%2Fid%2Fbestuurseenheden%2F' in page
    projects = client.get("/projects?lang=nl", headers=html).text
    assert '<a href="/doc/project/burgerloket">Burgerloket</a>' in projects and "Bouwsteen" in projects


# ------------------------------------------------------------------ bad requests


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/projects?penhouder=x", "'penhouder'"),
        ("/projects?pageSize=101", "pageSize"),
        ("/projects?pageSize=0", "pageSize"),
        ("/projects?page=0", "page"),
        ("/projects?page=-1", "page"),
        ("/projects?page=two", "page"),
        ("/projects?sort=budget", "sort"),
        ("/projects?call=http://exa mple.org/", "call"),
        ("/projects?call=99", "call"),
        ("/projects?localGovernment=mechelen", "localGovernment"),
        ("/projects?localGovernment=http://x%0Ay", "localGovernment"),
        ("/projects?role=penhouder", "role"),  # without localGovernment
        ("/projects?year=22", "year"),
        ("/projects?province=brussel", "province"),
        ("/projects?call=1&call=2", "call"),
        ("/local-governments?participates=maybe", "participates"),
        ("/local-governments?kind=kasteel", "kind"),
        ("/calls?format=xml", "format"),
        (f"/themes?q={'x' * 201}", "q"),
    ],
)
def test_bad_requests_name_the_parameter(client, url, named):
    answer = client.get(url)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith(named.strip("'")) or named in answer.json()["detail"]


def test_unknown_parameter_lists_the_allowed_ones(client):
    detail = client.get("/calls?colour=red").json()["detail"]
    assert "'colour'" in detail and "theme, year, q, sort, page, pageSize, format, lang" in detail


def test_accept_matching_nothing_is_406(client):
    answer = client.get("/projects", headers={"accept": "image/png"})
    assert answer.status_code == 406 and "text/csv" in answer.json()["detail"]


# ------------------------------------------------------------------ HTTP: HEAD, conditional requests, OpenAPI


def test_head_and_conditional_requests(client):
    got = client.get("/projects?call=6", headers={"accept": JSONLD_TYPE})
    head = client.head("/projects?call=6", headers={"accept": JSONLD_TYPE})
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == got.headers["etag"]
    again = client.get("/projects?call=6", headers={"accept": JSONLD_TYPE, "if-none-match": got.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/projects?call=6", headers={"accept": "text/csv", "if-none-match": got.headers["etag"]})
    assert other.status_code == 200  # another representation, another tag
    assert "Accept" in got.headers["vary"] and got.headers["cache-control"].startswith("public")


def test_openapi_describes_each_collection(client):
    paths = client.get("/openapi.json").json()["paths"]
    for name in NAMES:
        operation = paths[f"/{name}"]["get"]
        assert operation["summary"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert {"q", "sort", "page", "pageSize", "format"} <= set(parameters)
        assert all(p["description"] for p in parameters.values())
        assert set(operation["responses"]["200"]["content"]) == {
            JSONLD_TYPE,
            "application/json",
            "text/html",
            "text/csv",
        }
        assert {"400", "406", "503"} <= set(operation["responses"])
    assert {"call", "theme", "buildingBlock", "localGovernment", "role", "province", "year"} <= {
        p["name"] for p in paths["/projects"]["get"]["parameters"]
    }


def test_query_text_binds_values_in_one_values_row():
    collection = specs(BASE)["projects"]
    selection = collections.select(collection, [("q", 'a" } ; DROP ALL #'), ("year", "2022")], lambda _: [])
    text = collections.query_text(collection, selection.choices, BASE)
    assert (
        'VALUES (?year ?needle) { ("2022"^^<http://www.w3.org/2001/XMLSchema#integer> "a\\" } ; drop all #") }' in text
    )
    assert text.count("VALUES (") == 1


def test_csv_is_rfc_4180(client):
    raw = client.get("/projects?format=csv").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[0] == collection_formats.columns(specs(BASE)["projects"])
    burgerloket = dict(zip(rows[0], next(r for r in rows if r[0] == BURGERLOKET), strict=True))
    assert burgerloket["buildingBlock"] == "MAGDA Documentendienst | Mijn Burgerprofiel"
    assert burgerloket["municipalitiesUsingResult"] == "38" and "\n" not in json.dumps(rows[0])
