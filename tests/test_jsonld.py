"""JSON-LD for developers: the published context, compacted and nested documents, the offline loader, the
round trip to exactly the description's triples, and our prefixes (no schema1:, no rdflib defaults)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from pyld import jsonld as pyld
from rdflib import URIRef
from rdflib.compare import isomorphic

from gzg_graph.formats import RdfFormat
from gzg_graph.namespaces import PREFIXES, SCHEMA
from gzg_graph.publishing import describe, jsonld
from gzg_graph.sources.rdf import parse_rdf
from gzg_graph.uris import UriPolicy

MEASURE = "http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff"
CALL_WITH_PROJECT = "http://lblod.data.info/id/subsidy-measure-offer-series/5cb2d19e-51c6-4970-a7be-7f438b3e0917"
MECHELEN = "http://data.lblod.info/id/bestuurseenheden/be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
THEME = "http://lblod.data.gift/concepts/446ac005-7342-4f3a-b7a0-2b3c929d73ba"  # Innovatieve dienstverlening


@pytest.fixture(scope="module")
def client(built):
    settings, store, _ = built
    return TestClient(create_app(settings, store))


@pytest.fixture(scope="module")
def uris(built) -> UriPolicy:
    return UriPolicy(built[0].base_uri)


def _get(client, uri: str, uris: UriPolicy, fmt: str):
    if uri.startswith(uris.base + "/id/"):
        return client.get(uri[len(uris.base) :].replace("/id/", "/doc/", 1), params={"format": fmt})
    return client.get("/resource", params={"uri": uri, "format": fmt})


def _keys(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            if key != "@context":
                _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


def _resources(uris: UriPolicy) -> dict[str, str]:
    return {
        "project": f"{uris.base}/id/project/burgerloket",
        "call": CALL_WITH_PROJECT,
        "local government": MECHELEN,
        "building block": f"{uris.base}/id/bouwsteen/mijn-burgerprofiel",
        "theme": THEME,
        "measure": MEASURE,
    }


# ----------------------------------------------------------------------------------------------- the context


def test_context_is_served_with_caching_and_is_built_on_oslo(client, uris):
    answer = client.get("/ns/context.jsonld")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert "max-age" in answer.headers["cache-control"]
    terms = answer.json()["@context"]
    assert terms == jsonld.context(uris.base)["@context"]
    # OSLO's names and IRIs where they fit; our own terms in the configured base's namespace
    assert terms["naam"] == {"@id": "http://purl.org/dc/terms/title", "@container": "@language"}
    assert terms["isInstantieVan"]["@id"] == "http://data.vlaanderen.be/ns/transactie#isInstantieVan"
    assert terms["SubsidiemaatregelConsumptie"] == "http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie"
    assert terms["rol"] == {"@id": "http://data.europa.eu/m8g/role", "@type": "@id"}  # not OSLO's misspelt host
    assert terms["oproep"] == {"@id": f"{uris.base}/ns/gzg#oproep", "@type": "@id"}
    assert terms["goedkeuringsdatum"]["@type"] == "http://www.w3.org/2001/XMLSchema#date"
    assert terms["waarde"]["@type"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert terms["deelnemer"]["@reverse"] == "http://data.europa.eu/m8g/playsRole"
    assert client.head("/ns/context.jsonld").status_code == 200


def test_context_follows_the_configured_base():
    other = jsonld.context("https://gzg.example.org")["@context"]
    assert other["oproep"]["@id"] == "https://gzg.example.org/ns/gzg#oproep"


def test_loader_is_offline(uris):
    load = jsonld.document_loader(uris)
    assert load(jsonld.context_url(uris), {})["document"] == jsonld.context(uris.base)
    oslo = next(iter(jsonld.OSLO_URLS))
    assert "@context" in load(oslo, {})["document"]
    with pytest.raises(pyld.JsonLdError):
        load("https://example.org/elsewhere.jsonld", {})


# --------------------------------------------------------------------------------------------- the documents


@pytest.mark.parametrize("kind", ["project", "call", "local government", "building block", "theme", "measure"])
def test_document_expands_to_exactly_the_description(client, store, uris, kind):
    uri = _resources(uris)[kind]
    answer = _get(client, uri, uris, "jsonld")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/ld+json")
    document = answer.json()
    assert document["@context"] == jsonld.context_url(uris)  # referenced, not inlined
    assert document["@id"] == uri  # the resource is the top of the tree
    doc_url = f"{uris.base}/doc/{uri[len(uris.base) + 4 :]}" if uri.startswith(uris.base) else None
    held = describe.document(store, uri, uris, doc_url)  # the store's triples, lexical forms as stored
    assert isomorphic(jsonld.to_graph(document, uris), held), kind
    # the Turtle document is the same graph, each literal spelt as stored (a decimal "2000000" too)
    turtle = parse_rdf(_get(client, uri, uris, "ttl").content, RdfFormat.TURTLE, "turtle")
    assert isomorphic(turtle, held), kind


@pytest.mark.parametrize("kind", ["project", "call", "local government", "building block", "theme", "measure"])
def test_keys_are_the_contexts_terms(client, uris, kind):
    document = _get(client, _resources(uris)[kind], uris, "jsonld").json()
    terms = set(jsonld.context(uris.base)["@context"])
    keys = _keys(document, set())
    language_tags = {"nl", "en"}
    assert {k for k in keys if not k.startswith("@")} - terms - language_tags == set()
    assert not any(":" in k for k in keys), sorted(k for k in keys if ":" in k)


def test_project_nests_its_consortium_with_role_and_name(client, uris):
    project = _get(client, f"{uris.base}/id/project/burgerloket", uris, "jsonld").json()
    assert project["@type"] == "SubsidiemaatregelConsumptie"
    assert project["naam"] == {"nl": "Burgerloket"}
    assert project["isInstantieVan"]["@id"] == MEASURE
    members = {
        p["deelnemer"][0]["voorkeursnaam"]["@none"]: p["rol"]["voorkeursnaam"]["nl"]
        for p in project["heeftParticiperende"]
    }
    assert members["Mechelen"] == "Penhouder" and members["Nijlen"] == "Partner"
    assert {b["naam"]["nl"] for b in project["gebruiktBouwsteen"]} >= {"Mijn Burgerprofiel"}
    assert project["geraamdeKost"]["@type"] == "Geldbedrag" and project["geraamdeKost"]["valuta"] == "EUR"
    assert project["aantalGebruikendeGemeenten"] == 38  # a JSON number
    assert project["document"][0]["@type"] == "Document"


def test_project_embeds_its_call_and_a_call_its_themes(client, uris):
    project = _get(client, f"{uris.base}/id/project/slimme-raadpleegomgeving", uris, "jsonld").json()
    assert project["oproep"]["@id"] == CALL_WITH_PROJECT and project["oproep"]["naam"] == {"nl": "Oproep 6"}
    call = _get(client, CALL_WITH_PROJECT, uris, "jsonld").json()  # no project has a theme in the data yet
    assert call["heeftOnderwerp"] and all("nl" in theme["voorkeursnaam"] for theme in call["heeftOnderwerp"])


def test_class_labels_go_into_included(client, uris):
    block = _get(client, f"{uris.base}/id/bouwsteen/mijn-burgerprofiel", uris, "jsonld").json()
    assert "Bouwsteen" in block["@type"]
    included = block["@included"] if isinstance(block["@included"], list) else [block["@included"]]
    assert {node["@id"] for node in included} == {f"{uris.base}/ns/gzg#Bouwsteen"}
    assert block["gebruiktIn"][0]["@id"] == f"{uris.base}/id/project/burgerloket"


def test_local_government_lists_its_projects_with_its_role(client, uris):
    mechelen = _get(client, MECHELEN, uris, "jsonld").json()
    roles = {p["deelnameAan"][0]["naam"]["nl"]: p["rol"]["voorkeursnaam"]["nl"] for p in mechelen["speeltRol"]}
    assert roles["Burgerloket"] == "Penhouder"


def test_call_lists_its_projects(client, uris):
    call = _get(client, CALL_WITH_PROJECT, uris, "jsonld").json()
    assert call["@type"] == "SubsidiemaatregelAanbodReeks"
    assert any(p["@id"] == f"{uris.base}/id/project/slimme-raadpleegomgeving" for p in call["projecten"])
    assert isinstance(call["oproepnummer"], int)


def test_accept_header_and_plain_json_get_the_same_document(client, uris):
    path = "/doc/project/burgerloket"
    by_accept = client.get(path, headers={"accept": "application/ld+json"}).json()
    assert by_accept == client.get(path, params={"format": "jsonld"}).json()
    assert by_accept == client.get(path, headers={"accept": "application/json"}).json()


# ------------------------------------------------------------------------------------------------ prefixes


def test_turtle_and_json_ld_say_schema_not_schema1(client, store, uris):
    turtle = client.get("/doc/project/burgerloket", params={"format": "ttl"}).text
    assert f"@prefix schema: <{SCHEMA}> ." in turtle and "schema:MonetaryAmount" in turtle
    assert "schema1" not in turtle
    graph = describe.describe(store, f"{uris.base}/id/project/burgerloket", uris)
    bound = dict(graph.namespaces())
    assert str(bound["schema"]) == str(SCHEMA)
    assert not {"brick", "sosa", "schema1", "dcmitype", "geo", "wgs"} & set(bound)
    assert set(bound) <= set(PREFIXES) | {"gzg", "xml"}
    flat = json.loads(describe.serialise(graph, RdfFormat.JSONLD))  # the prefix-compacted form
    assert flat["@context"]["schema"] == str(SCHEMA)
    assert "schema1" not in json.dumps(flat) and "brick" not in flat["@context"]


def test_json_ld_document_has_no_prefixed_schema(client, uris):
    text = client.get("/doc/project/burgerloket", params={"format": "jsonld"}).text
    assert "schema1" not in text and "schema:" not in text
    assert URIRef(str(SCHEMA) + "MonetaryAmount") in set(jsonld.to_graph(json.loads(text), uris).objects())
