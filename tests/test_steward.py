"""Stewards' writes through ``/projects``: create, replace, delete, and every refusal leaves the store as it was.

A real copy of the built store, the real app, the real validator and data/; the bodies are the OpenAPI
examples (a project of call 1 with Gent as penhouder and Mechelen as partner) and variations of them.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import shutil
import subprocess

import pytest
from conftest import BASE, REPO
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from gzg_api.routes.steward_examples import GENT, JSONLD, TURTLE
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF
from write_corpus import dataset_quads

from gzg_graph.build import build
from gzg_graph.errors import GzgError
from gzg_graph.mapping.own_data import project_graph
from gzg_graph.sources import read_participations, read_projects
from gzg_graph.stewarding import References
from gzg_graph.stewarding.export import export_csv
from gzg_graph.stewarding.stewards import Steward, configured_stewards, identify, parse_stewards
from gzg_graph.stewarding.writing import project_triples, steward_graph, stored_form
from gzg_graph.store import EmbeddedStore
from gzg_graph.uris import UriPolicy

STEWARDS = "anna:anna-token, ben:ben-token"
ANNA = {"authorization": "Bearer anna-token"}
BEN = {"authorization": "Bearer ben-token"}
TTL = {"content-type": "text/turtle"}
JSON_LD = {"content-type": "application/ld+json"}
EXAMPLE = f"{BASE}/id/project/slim-loket"
STEWARDS_GRAPH = f"{BASE}/id/dataset/stewards"
URIS = UriPolicy(BASE)


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """(client, settings) for a copy of the real graph, writable by the stewards anna and ben."""
    store_dir = tmp_path_factory.mktemp("steward") / "store"
    shutil.copytree(built[0].store_dir, store_dir)
    settings = dataclasses.replace(
        built[0], store_dir=store_dir, stewards=STEWARDS, write_token=None, query_workers=1, max_request_bytes=100_000
    )
    with TestClient(create_app(settings)) as client:
        yield client, settings


def _project(id_: str, text: str = TURTLE) -> str:
    return text.replace("/id/project/slim-loket", f"/id/project/{id_}")


def _turtle(client: TestClient, path: str) -> Graph:
    answer = client.get(path, headers={"accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    return Graph().parse(data=answer.text, format="turtle")


def test_create_replace_delete_round_trip(server):
    client, _ = server
    created = client.put("/projects/slim-loket", content=TURTLE, headers={**ANNA, **TTL})
    assert created.status_code == 201, created.text
    assert created.headers["location"] == EXAMPLE and created.json()["projects"] == [EXAMPLE]
    page = _turtle(client, "/doc/project/slim-loket")
    project = URIRef(EXAMPLE)
    assert (project, DCTERMS.title, Literal("Slim loket", lang="nl")) in page
    assert page.value(project, PROV.wasAttributedTo) == URIRef(f"{BASE}/id/steward/anna")
    assert page.value(project, DCTERMS.modified) is not None and page.value(project, PROV.generatedAtTime) is not None
    assert len(list(page.objects(project, URIRef("http://data.europa.eu/m8g/hasParticipation")))) == 2
    anna = _turtle(client, "/doc/steward/anna")
    assert (URIRef(f"{BASE}/id/steward/anna"), RDF.type, PROV.Agent) in anna
    assert "anna-token" not in client.get("/graph-store", params={"graph": STEWARDS_GRAPH}).text

    replaced = client.put("/projects/slim-loket", content=json.dumps(JSONLD), headers={**BEN, **JSON_LD})
    assert replaced.status_code == 204 and replaced.content == b""
    page = _turtle(client, "/doc/project/slim-loket")
    assert set(page.objects(project, PROV.wasAttributedTo)) == {URIRef(f"{BASE}/id/steward/ben")}
    assert len(set(page.objects(project, DCTERMS.modified))) == 1

    assert client.delete("/projects/slim-loket", headers=BEN).status_code == 204
    assert client.get("/doc/project/slim-loket", headers={"accept": "text/turtle"}).status_code == 404
    assert client.delete("/projects/slim-loket", headers=BEN).status_code == 404


def test_post_names_the_project_by_its_document_and_refuses_an_existing_one(server):
    client, _ = server
    body = _project("door-post")
    answer = client.post("/projects", content=body, headers={**ANNA, **TTL})
    assert answer.status_code == 201 and answer.headers["location"] == f"{BASE}/id/project/door-post"
    before = dataset_quads(client)
    again = client.post("/projects", content=body, headers={**ANNA, **TTL})
    assert again.status_code == 409 and "PUT" in again.json()["detail"]
    assert dataset_quads(client) == before


def test_the_json_ld_a_client_reads_can_be_put_back(server):
    """GET /doc/... as JSON-LD, change the title (and the project name, which the mapping makes from it), PUT
    it: the names of Gent, the call and the roles it repeats are the store's own, and its provenance and page
    description are the server's, so they are left out."""
    client, _ = server
    assert client.put("/projects/terug", content=_project("terug"), headers={**ANNA, **TTL}).status_code == 201
    document = client.get("/doc/project/terug", headers={"accept": "application/ld+json"}).json()
    document["naam"] = {"nl": "Terug, herzien"}
    bad = client.put("/projects/terug", content=json.dumps(document), headers={**BEN, **JSON_LD})
    assert bad.status_code == 400 and "projectName" in bad.json()["detail"]  # the Loket's name is the title too
    document["projectnaam"] = "Terug, herzien"
    answer = client.put("/projects/terug", content=json.dumps(document), headers={**BEN, **JSON_LD})
    assert answer.status_code == 204, answer.text
    page = _turtle(client, "/doc/project/terug")
    project = URIRef(f"{BASE}/id/project/terug")
    assert set(page.objects(project, DCTERMS.title)) == {Literal("Terug, herzien", lang="nl")}
    assert set(page.objects(project, PROV.wasAttributedTo)) == {URIRef(f"{BASE}/id/steward/ben")}


BAD = [
    ("no token", {**TTL}, TURTLE, 401, "bearer token"),
    ("wrong token", {**TTL, "authorization": "Bearer not-a-steward"}, TURTLE, 403, "does not allow"),
    ("CSV body", {**ANNA, "content-type": "text/csv"}, "id,title\n", 415, "text/turtle"),
    ("bad Turtle", {**ANNA, **TTL}, TURTLE.replace('"Slim loket"@nl ;', '"Slim loket"@nl'), 400, "line"),
    ("bad JSON", {**ANNA, **JSON_LD}, '{"@id": "x",\n  "naam": }', 400, "invalid JSON"),
    (
        "remote context",
        {**ANNA, **JSON_LD},
        json.dumps({**JSONLD, "@context": "https://example.org/context.jsonld"}),
        400,
        "https://example.org/context.jsonld",
    ),
    (
        "a municipality's name",
        {**ANNA, **TTL},
        TURTLE + f'<{GENT}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Gent-Stad" .\n',
        400,
        GENT,
    ),
    (
        "not CSV",
        {**ANNA, **TTL},
        TURTLE.replace('"Slim loket"@nl ;', '"Slim loket"@nl ; <http://www.w3.org/2004/02/skos/core#altLabel> "SL" ;'),
        400,
        "altLabel",
    ),
    ("another project", {**ANNA, **TTL}, _project("iets-anders"), 400, "says nothing about"),
    ("too large", {**ANNA, **TTL}, TURTLE + "#" * 100_001, 413, "larger"),
]


@pytest.mark.parametrize("name, headers, body, status, says", BAD, ids=[case[0] for case in BAD])
def test_bad_writes_are_refused_and_change_nothing(server, name, headers, body, status, says):
    client, _ = server
    before = dataset_quads(client)
    answer = client.put("/projects/slim-loket", content=body, headers=headers)
    assert answer.status_code == status, answer.text
    assert says in answer.json()["detail"]
    if name.startswith("bad"):
        assert answer.json()["line"] >= 1 and answer.json()["column"] >= 1
    assert dataset_quads(client) == before


def test_a_project_of_data_is_changed_there(server):
    client, _ = server
    before = dataset_quads(client)
    for answer in (
        client.put("/projects/burgerloket", content=_project("burgerloket"), headers={**ANNA, **TTL}),
        client.delete("/projects/burgerloket", headers=ANNA),
    ):
        assert answer.status_code == 409 and "data/projects.csv" in answer.json()["detail"]
    assert dataset_quads(client) == before


@pytest.mark.parametrize(
    "lang, words", [("nl", "penhouders in plaats van precies één"), ("en", "lead applicants instead")]
)
def test_a_project_that_violates_the_shapes_gets_the_report(server, lang, words):
    client, _ = server
    without_penhouder = TURTLE.replace("consortiumrol/penhouder", "consortiumrol/partner")  # two partners
    before = dataset_quads(client)
    answer = client.put(
        "/projects/slim-loket", content=without_penhouder, headers={**ANNA, **TTL, "accept-language": lang}
    )
    assert answer.status_code == 422, answer.text
    results = answer.json()["report"]["results"]
    assert any(words in r["message"] and r["focusNode"] == EXAMPLE for r in results)
    assert dataset_quads(client) == before


def test_export_writes_rows_the_readers_accept_and_that_map_back_to_the_project(server, tmp_path):
    client, settings = server
    assert (
        client.put("/projects/export-proef", content=_project("export-proef"), headers={**ANNA, **TTL}).status_code
        == 201
    )
    store = EmbeddedStore(settings.store_dir)
    refs = References.of(settings.data_dir, URIS)
    exported = export_csv(store, URIS, refs, tmp_path)
    projects = read_projects(tmp_path / "projects.csv", refs.context(frozenset()))
    rows = read_participations(tmp_path / "participations.csv", refs.context(frozenset(p.id for p in projects)))
    (project,) = [p for p in projects if p.id == "export-proef"]
    mapped = project_graph(
        project, [r for r in rows if r.project == project.id], URIS, refs.sources, refs.organisations
    )
    node = URIRef(f"{BASE}/id/project/export-proef")
    stored = project_triples(steward_graph(store, URIS), node, URIS)
    provenance = {
        (node, p, o)
        for p, o in stored.predicate_objects(node)
        if p in (DCTERMS.modified, PROV.generatedAtTime, PROV.wasAttributedTo)
    }
    assert set(stored_form(mapped)) == set(stored) - provenance and len(provenance) == 3
    assert len(exported.projects) >= 1
    result = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "gzg"),
            "stewards",
            "export",
            str(tmp_path / "cli"),
            "--store-dir",
            str(settings.store_dir),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GZG_BASE_URI": BASE},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli" / "projects.csv").read_text() == (tmp_path / "projects.csv").read_text()


def test_a_rebuild_keeps_the_stewards_graph(server):
    client, settings = server
    assert client.put("/projects/blijft", content=_project("blijft"), headers={**ANNA, **TTL}).status_code == 201
    store = EmbeddedStore(settings.store_dir)
    before = steward_graph(store, URIS)
    result = build(settings, store)
    assert set(steward_graph(EmbeddedStore(settings.store_dir), URIS)) == set(before)
    assert result.graphs[STEWARDS_GRAPH] == len(before) > 0
    catalogue = _turtle(client, "/doc/dataset/stewards")
    assert (URIRef(STEWARDS_GRAPH), RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")) in catalogue


# --- stewards and their tokens ---------------------------------------------------------------------------------


def test_stewards_are_read_from_the_configuration_without_showing_a_token(built):
    stewards = parse_stewards("anna:t1, ben:t2\n# a comment\ncarla : t3")
    assert [s.name for s in stewards] == ["anna", "ben", "carla"]
    assert identify("t2", stewards) == Steward("ben", "t2") and identify("t4", stewards) is None
    assert "t1" not in repr(stewards) and "t1" not in repr(dataclasses.replace(built[0], stewards="anna:t1"))
    for bad in ("anna", "Anna:x", "anna:x,anna:y", "anna:x,ben:x"):
        with pytest.raises(GzgError) as caught:
            parse_stewards(bad)
        assert "x" not in str(caught.value).split(":", 1)[-1].replace("entry", "")
    default = configured_stewards(dataclasses.replace(built[0], stewards="", write_token="w"))
    assert [s.name for s in default] == ["default"]
    assert Steward("anna", "t1").describe(URIS).value(URIRef(f"{BASE}/id/steward/anna"), FOAF.name) == Literal("anna")


def test_a_server_without_stewards_refuses_writes(built):
    settings = dataclasses.replace(built[0], stewards="", write_token=None)
    with TestClient(create_app(settings, built[1])) as client:
        answer = client.put("/projects/slim-loket", content=TURTLE, headers={**ANNA, **TTL})
    assert answer.status_code == 403 and "GZG_STEWARDS" in answer.json()["detail"]


def test_the_examples_are_documented(built):
    schema = create_app(built[0], built[1]).openapi()
    put = schema["paths"]["/projects/{project_id}"]["put"]
    assert set(put["requestBody"]["content"]) == {"text/turtle", "application/ld+json"}
    assert {"201", "204", "400", "401", "403", "409", "413", "415", "422"} <= set(put["responses"])
    assert {"204", "404", "409"} <= set(schema["paths"]["/projects/{project_id}"]["delete"]["responses"])
    assert "201" in schema["paths"]["/projects"]["post"]["responses"]
    assert copy.deepcopy(JSONLD) == put["requestBody"]["content"]["application/ld+json"]["example"]
