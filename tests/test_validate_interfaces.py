"""`gzg validate` and `POST /validate` as data stewards use them: exit codes, statuses, both languages."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from rdflib import Graph
from rdflib.namespace import RDF
from test_cli import error_lines, gzg

from gzg_graph.namespaces import SH

CALL_1 = "http://lblod.data.info/id/subsidy-measure-offer-series/9a40c72c-4761-4cbd-8a85-96c30c3f829c"
MEASURE = "http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff"


def new_project(store, granted: int, penhouder: str = "Mechelen", project: str = "nieuw") -> str:
    """A new project in call 1 with a municipality as penhouder, as a steward would send it (Turtle)."""
    unit = store.select(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
        SELECT ?u WHERE {{ ?u skos:prefLabel "{penhouder}" ; besluit:classificatie
          <http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/5ab0e9b8a3b2ca7c5e000001> }}""")[0][
        "u"
    ]
    participation = f"{BASE}/id/deelname/{project}--{penhouder.lower()}"
    return f"""@prefix gzg: <{BASE}/ns/gzg#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix m8g: <http://data.europa.eu/m8g/> . @prefix schema: <http://schema.org/> .
@prefix subsidie: <http://data.vlaanderen.be/ns/subsidie#> . @prefix transactie: <http://data.vlaanderen.be/ns/transactie#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}/id/project/{project}> a subsidie:SubsidiemaatregelConsumptie ; transactie:isInstantieVan <{MEASURE}> ;
  gzg:oproep <{CALL_1}> ; dct:title "Nieuw project"@nl ; dct:description "Een voorbeeld."@nl ;
  dct:source <https://example.org/bron> ; gzg:toegekendBedrag <{BASE}/id/bedrag/{project}-toegekend> ;
  m8g:hasParticipation <{participation}> .
<{BASE}/id/bedrag/{project}-toegekend> a schema:MonetaryAmount ; schema:value "{granted}"^^xsd:decimal ; schema:currency "EUR" .
<{participation}> a m8g:Participation ; m8g:role <{BASE}/id/concept/consortiumrol/penhouder> ;
  dct:description "Penhouder."@nl ; dct:source <https://example.org/bron> .
<{unit}> m8g:playsRole <{participation}> .
"""


@pytest.fixture()
def files(store, tmp_path: Path) -> dict[str, Path]:
    paths = {"ok": tmp_path / "ok.ttl", "too-much": tmp_path / "too-much.ttl", "broken": tmp_path / "broken.ttl"}
    paths["ok"].write_text(new_project(store, 100000))
    paths["too-much"].write_text(new_project(store, 900000))
    paths["broken"].write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n')
    return paths


# --- the CLI ---------------------------------------------------------------------------------------


def test_a_change_that_fits_the_graph_conforms(built, files):
    result = gzg("validate", str(files["ok"]), "--store-dir", str(built[0].store_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("conforms")


def test_violations_exit_1_with_the_report_in_both_languages(built, files):
    english = gzg("validate", str(files["too-much"]), "--store-dir", str(built[0].store_dir))
    dutch = gzg("validate", str(files["too-much"]), "--lang", "nl", "--store-dir", str(built[0].store_dir))
    assert english.returncode == dutch.returncode == 1
    assert "exceeds the call's maximum amount per project (150000 EUR)" in english.stdout
    assert "hoger dan het maximumbedrag per project van de oproep (150000 EUR)" in dutch.stdout
    assert english.stdout.startswith("does not conform") and dutch.stdout.startswith("niet conform")


def test_unusable_input_exits_2_with_file_line_and_column(built, files):
    result = gzg("validate", str(files["broken"]), "--store-dir", str(built[0].store_dir))
    assert result.returncode == 2
    [message] = error_lines(result)
    assert f"{files['broken']}:3:" in message


def test_machine_readable_reports(built, files):
    as_json = gzg("validate", str(files["too-much"]), "--format", "json", "--store-dir", str(built[0].store_dir))
    report = json.loads(as_json.stdout)
    assert report["conforms"] is False and report["counts"]["Violation"] == 1
    as_turtle = gzg("validate", str(files["too-much"]), "--format", "turtle", "--store-dir", str(built[0].store_dir))
    graph = Graph().parse(data=as_turtle.stdout, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in graph


def test_alone_validates_the_file_by_itself(built, files):
    """Alone, the penhouder's type and the call's maximum are unknown: the verdict changes."""
    result = gzg("validate", str(files["ok"]), "--alone", "--store-dir", str(built[0].store_dir))
    assert result.returncode == 1 and "local government" in result.stdout


@pytest.mark.parametrize("case, exit_code", [("project-ok", 0), ("project-granted-above-maximum", 1)])
def test_validate_the_whole_store(case, exit_code, tmp_path):
    """--store validates everything in a store; a small world of the shape tests keeps this quick (the real
    graph's full validation runs once per test run, in the build)."""
    from test_shapes import world

    from gzg_graph.sources.rdf import parse_turtle
    from gzg_graph.store import EmbeddedStore
    from gzg_graph.uris import UriPolicy

    uris = UriPolicy(BASE)
    base = parse_turtle(Path(__file__).parent / "shapes" / "base.ttl", uris)
    data = world(case, base)
    EmbeddedStore(tmp_path).replace_graphs({f"{BASE}/id/dataset/gzg": data.serialize(format="nt", encoding="utf-8")})
    result = gzg("validate", "--store", "--store-dir", str(tmp_path))
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert result.stdout.startswith("conforms" if exit_code == 0 else "does not conform")


def test_files_and_store_flag_are_exclusive(built, files):
    result = gzg("validate", str(files["ok"]), "--store", "--store-dir", str(built[0].store_dir))
    assert result.returncode == 2 and len(error_lines(result)) == 1


# --- the API ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(built):
    settings, store, _ = built
    return TestClient(create_app(settings, store))


def test_post_validate_conforming_change_is_200(client, store):
    response = client.post("/validate", content=new_project(store, 100000), headers={"content-type": "text/turtle"})
    assert response.status_code == 200 and response.json()["conforms"] is True


def test_post_validate_violation_is_422_with_messages_in_the_asked_language(client, store):
    body = new_project(store, 900000)
    english = client.post("/validate", content=body, headers={"content-type": "text/turtle"})
    dutch = client.post("/validate?lang=nl", content=body, headers={"content-type": "text/turtle"})
    assert english.status_code == dutch.status_code == 422
    [violation] = [r for r in english.json()["results"] if r["severity"] == "Violation"]
    assert violation["focusNode"] == f"{BASE}/id/project/nieuw" and "150000 EUR" in violation["message"]
    assert any("maximumbedrag" in r["message"] for r in dutch.json()["results"])


def test_post_validate_full_report_as_turtle_and_json_ld(client, store):
    body = new_project(store, 900000)
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = client.post("/validate", content=body, headers={"content-type": "text/turtle", "accept": accept})
        assert response.status_code == 422
        assert (None, RDF.type, SH.ValidationReport) in Graph().parse(data=response.text, format=fmt)


def test_post_validate_json_ld_body(client, store):
    jsonld = Graph().parse(data=new_project(store, 100000), format="turtle").serialize(format="json-ld")
    response = client.post("/validate", content=jsonld, headers={"content-type": "application/ld+json"})
    assert response.status_code == 200


def test_post_validate_unparsable_body_is_400_with_position(client):
    response = client.post(
        "/validate", content='@prefix ex: <http://e/> .\nex:a ex:b "open .\n', headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 400
    assert response.json()["line"] == 2 and "Turtle" in response.json()["detail"]


def test_post_validate_wrong_media_type_is_415_and_oversized_is_413(built, client):
    assert client.post("/validate", content="x", headers={"content-type": "text/csv"}).status_code == 415
    settings, store, _ = built
    small = TestClient(create_app(dataclasses.replace(settings, max_request_bytes=100), store))
    assert small.post("/validate", content="#" * 200, headers={"content-type": "text/turtle"}).status_code == 413


# --- the guarded load ----------------------------------------------------------------------------


@pytest.fixture()
def own_store(built, tmp_path: Path) -> Path:
    """A copy of the built store that a test may write to."""
    import shutil

    target = tmp_path / "store"
    shutil.copytree(built[0].store_dir, target)
    return target


def test_load_refuses_a_violating_file_and_leaves_the_store_as_it_was(own_store, files):
    from gzg_graph.store import EmbeddedStore

    generation = EmbeddedStore(own_store).generation

    def content() -> dict[str, bytes]:  # the generation's files themselves: byte for byte
        return {path.name: path.read_bytes() for path in sorted((own_store / generation).iterdir())}

    before = content()
    result = gzg("load", str(files["too-much"]), "--store-dir", str(own_store))
    assert result.returncode == 1
    [message] = error_lines(result)
    assert "load refused, store unchanged" in message
    assert "150000 EUR" in result.stderr
    assert content() == before and EmbeddedStore(own_store).generation == generation


def test_load_adds_a_conforming_file(own_store, files):
    from gzg_graph.store import EmbeddedStore

    result = gzg("load", str(files["ok"]), "--store-dir", str(own_store))
    assert result.returncode == 0, result.stderr
    assert EmbeddedStore(own_store).ask(f"ASK {{ <{BASE}/id/project/nieuw> ?p ?o }}")
