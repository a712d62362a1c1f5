"""The web layer as clients use it: SPARQL protocol, dereferencing, negotiation, errors."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from gzg_api.negotiation import choose
from rdflib import Graph, URIRef

from gzg_graph import queries

MECHELEN = "http://data.lblod.info/id/bestuurseenheden/"  # prefix; the full URI is looked up


@pytest.fixture(scope="module")
def client(built):
    settings, store, _ = built
    return TestClient(create_app(settings, store))


def calls_query() -> str:
    return queries.load("calls")


def test_get_sparql_returns_all_seven_calls_as_json(client):
    response = client.get("/sparql", params={"query": calls_query()})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert len(response.json()["results"]["bindings"]) == 7


def test_post_form_and_direct_give_the_same_answer(client):
    form = client.post("/sparql", data={"query": calls_query()})
    direct = client.post("/sparql", content=calls_query(), headers={"content-type": "application/sparql-query"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_select_results_are_negotiated(client, accept, expected):
    response = client.get("/sparql", params={"query": calls_query()}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(expected)


def test_csv_results_parse_with_seven_rows(client):
    response = client.get("/sparql", params={"query": calls_query()}, headers={"accept": "text/csv"})
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 7


def test_construct_is_turtle_by_default_and_json_ld_on_request(client):
    query = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 20"
    turtle = client.get("/sparql", params={"query": query})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.text, format="turtle")) == 20
    jsonld = client.get("/sparql", params={"query": query}, headers={"accept": "application/ld+json"})
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == 20


def test_default_graph_uri_restricts_the_default_graph(client, built):
    settings = built[0]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    everything = int(client.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])
    ontology = f"{settings.base_uri}/id/dataset/ontology"
    only = client.get("/sparql", params={"query": count, "default-graph-uri": ontology})
    assert 0 < int(only.json()["results"]["bindings"][0]["n"]["value"]) < everything


@pytest.mark.parametrize(
    "request_kwargs, status, fragment",
    [
        ({"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "syntax"),
        ({"params": {}, "headers": {"accept": "application/sparql-results+json"}}, 400, "missing"),
        ({"params": {"query": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"}}, 400, "update"),
        (
            {"params": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, "headers": {"accept": "image/png"}},
            406,
            "offered",
        ),
    ],
)
def test_bad_requests_get_a_clear_4xx(client, request_kwargs, status, fragment):
    response = client.get("/sparql", **request_kwargs)
    assert response.status_code == status
    assert fragment in response.json()["detail"]


def test_post_with_wrong_content_type_is_415(client):
    response = client.post("/sparql", content="SELECT * {}", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_oversized_request_is_413(built):
    import dataclasses

    settings, store, _ = built
    small = TestClient(create_app(dataclasses.replace(settings, max_request_bytes=1000), store))
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000
    assert small.post("/sparql", content=big, headers={"content-type": "application/sparql-query"}).status_code == 413
    assert small.get("/sparql", params={"query": big}).status_code == 413


def test_minted_uri_dereferences_303_then_turtle(client, built):
    settings = built[0]
    path = "/id/conceptscheme/thema"
    redirect = client.get(path, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == "/doc/conceptscheme/thema"
    doc = client.get("/doc/conceptscheme/thema", headers={"accept": "text/turtle"})
    assert doc.status_code == 200
    graph = Graph().parse(data=doc.text, format="turtle")
    assert (URIRef(settings.base_uri + path), None, None) in graph


def test_document_as_json_ld_and_html(client, built):
    settings = built[0]
    thing = URIRef(f"{settings.base_uri}/id/dataset/gzg")
    jsonld = client.get("/doc/dataset/gzg", headers={"accept": "application/ld+json"})
    assert jsonld.status_code == 200 and "@context" in jsonld.json()
    # the document names its context by URL; a client fetches it from the server, as done here
    document = jsonld.json()
    assert document["@context"] == f"{settings.base_uri}/ns/context.jsonld"
    document["@context"] = client.get("/ns/context.jsonld").json()["@context"]
    assert (thing, None, None) in Graph().parse(data=json.dumps(document), format="json-ld")
    html = client.get("/doc/dataset/gzg", headers={"accept": "text/html"})
    assert html.status_code == 200 and '<dl class="properties">' in html.text


def test_lblod_uri_is_described_via_resource(client, store):
    uri = store.select("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
        SELECT ?u WHERE { ?u a besluit:Bestuurseenheid ; skos:prefLabel "Mechelen" ;
          besluit:classificatie <http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/5ab0e9b8a3b2ca7c5e000001> }""")[
        0
    ]["u"]
    assert uri.startswith(MECHELEN)
    response = client.get(f"/resource?uri={quote(uri, safe='')}&format=ttl")
    assert response.status_code == 200 and "Mechelen" in response.text


def test_unknown_resource_is_404(client):
    assert client.get("/doc/project/does-not-exist").status_code == 404


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/openapi.json").json()
    assert {"/sparql", "/id/{path}", "/doc/{path}", "/resource"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_home_lists_the_graphs(client):
    overview = client.get("/", headers={"accept": "application/json"}).json()
    assert overview["sparql"] == "/sparql" and len(overview["graphs"]) >= 5


@pytest.mark.parametrize(
    "accept, offered, expected",
    [
        ("text/turtle;q=0.5, application/ld+json", ["text/turtle", "application/ld+json"], "application/ld+json"),
        ("*/*", ["text/turtle", "application/ld+json"], "text/turtle"),
        ("text/*;q=0.1, application/ld+json;q=0", ["application/ld+json", "text/turtle"], "text/turtle"),
        ("application/xml", ["text/turtle"], None),
        (None, ["text/turtle"], "text/turtle"),
    ],
)
def test_accept_header_parsing(accept, offered, expected):
    assert choose(accept, offered) == expected


# --- a real server and a real SPARQL client -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sparqlwrapper_against_a_running_server(built):
    import uvicorn
    from SPARQLWrapper import JSON, SPARQLWrapper

    settings, store, _ = built
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.time() + 20
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        client = SPARQLWrapper(f"http://127.0.0.1:{port}/sparql")
        client.setQuery(calls_query())
        client.setReturnFormat(JSON)
        rows = client.query().convert()["results"]["bindings"]
        assert len(rows) == 7
        client.setMethod("POST")
        assert len(client.query().convert()["results"]["bindings"]) == 7
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- what browsers and generic clients expect: HEAD, CORS, one query per request ---------------------------


def test_head_answers_like_get_without_a_body(client):
    for path, params in (("/sparql", {"query": calls_query()}), ("/doc/dataset/gzg", {}), ("/", {})):
        got, head = client.get(path, params=params), client.head(path, params=params)
        assert head.status_code == got.status_code == 200, path
        assert head.headers["content-type"] == got.headers["content-type"] and head.content == b""


def test_cors_lets_web_pages_of_other_origins_read(client):
    answer = client.get("/sparql", params={"query": calls_query()}, headers={"origin": "https://example.org"})
    assert answer.headers["access-control-allow-origin"] in ("*", "https://example.org")
    preflight = client.options(
        "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_options_says_which_methods_a_path_takes(client):
    assert client.options("/sparql").headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/graph-store").headers["allow"] == "DELETE, GET, HEAD, OPTIONS, POST, PUT"
    assert client.options("/doc/project/burgerloket").status_code == 204
    assert client.options("/no/such/path").status_code == 404
    assert client.get("/no/such/path").status_code == 404  # not 405: OPTIONS is no catch-all route


def test_a_repeated_query_parameter_is_refused(client):
    twice = client.get("/sparql", params=[("query", "ASK {}"), ("query", "SELECT * {}")])
    assert twice.status_code == 400 and "more than one" in twice.json()["detail"]
    in_url_and_form = client.post("/sparql", params={"query": "ASK {}"}, data={"query": "ASK {}"})
    assert in_url_and_form.status_code == 400


def test_a_path_that_is_no_iri_is_a_4xx_not_a_crash(client):
    # found by schemathesis: a C1 control character passed the IRI pattern but not the store's RFC 3987 check
    answer = client.get("/doc/%C2%99%C3%A0O%C3%BF%F1%A7%8A%BCb%C2%BF%C3%99%C2%94")
    assert answer.status_code in (400, 404) and answer.json()["detail"]
    assert client.get("/resource", params={"uri": "http://example.org/\u0099"}).status_code == 400
