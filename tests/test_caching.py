"""Conditional requests on reads: ETag, Last-Modified and Cache-Control, 304 when the client holds the answer,
and a new tag after a write, so no client keeps an answer the store no longer gives."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app

TOKEN = "cache-token"
DOC = "/doc/project/burgerloket"
TURTLE = {"accept": "text/turtle"}


@pytest.fixture(scope="module")
def client(built, tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("caching") / "store"
    shutil.copytree(built[0].store_dir, store_dir)
    settings = dataclasses.replace(built[0], store_dir=store_dir, write_token=TOKEN, query_workers=1)
    with TestClient(create_app(settings)) as running:
        yield running


def describe_burgerloket(client: TestClient, text: str) -> None:
    """A write (a SPARQL update with the token): Burgerloket gets the Dutch description ``text``."""
    update = f'INSERT DATA {{ GRAPH <{BASE}/id/dataset/gzg> {{ <{BASE}/id/project/burgerloket> <http://purl.org/dc/terms/description> "{text}"@nl }} }}'
    written = client.post(
        "/sparql",
        content=update.encode(),
        headers={"content-type": "application/sparql-update", "authorization": f"Bearer {TOKEN}"},
    )
    assert written.status_code == 200, written.text


def test_a_read_carries_validators(client):
    answer = client.get(DOC, headers=TURTLE)
    assert answer.status_code == 200
    assert answer.headers["etag"].startswith('W/"') and answer.headers["cache-control"] == "public, no-cache"
    assert answer.headers["last-modified"].endswith("GMT")
    head = client.head(DOC, headers=TURTLE)
    assert head.headers["etag"] == answer.headers["etag"]


def test_the_same_tag_gets_304_without_a_body(client):
    etag = client.get(DOC, headers=TURTLE).headers["etag"]
    again = client.get(DOC, headers={**TURTLE, "if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(DOC, headers={**TURTLE, "if-none-match": f'"other", {etag}'}).status_code == 304
    assert client.get(DOC, headers={**TURTLE, "if-none-match": '"other"'}).status_code == 200


def test_each_representation_has_its_own_tag(client):
    turtle = client.get(DOC, headers=TURTLE).headers["etag"]
    jsonld = client.get(DOC, headers={"accept": "application/ld+json"}).headers["etag"]
    english = client.get(DOC, headers={**TURTLE, "accept-language": "en"}).headers["etag"]
    assert len({turtle, jsonld, english}) == 3
    assert client.get(DOC, headers={"accept": "application/ld+json", "if-none-match": turtle}).status_code == 200


def test_if_modified_since(client):
    modified = client.get(DOC, headers=TURTLE).headers["last-modified"]
    assert client.get(DOC, headers={**TURTLE, "if-modified-since": modified}).status_code == 304
    assert client.get(DOC, headers={**TURTLE, "if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    assert client.get(DOC, headers={**TURTLE, "if-modified-since": "yesterday"}).status_code == 200


def test_queries_by_get_are_conditional_too_and_posts_are_not(client):
    params = {"query": "ASK { ?s ?p ?o }"}
    etag = client.get("/sparql", params=params).headers["etag"]
    assert client.get("/sparql", params=params, headers={"if-none-match": etag}).status_code == 304
    assert "etag" not in client.post("/sparql", data=params).headers


def test_a_write_changes_every_tag(client):
    etag = client.get(DOC, headers=TURTLE).headers["etag"]
    describe_burgerloket(client, "Een loket.")
    fresh = client.get(DOC, headers={**TURTLE, "if-none-match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag and "Een loket." in fresh.text


# --- answers kept in memory (api/answer_cache.py) ------------------------------------------------------------


def _find_cache(app):
    """The AnswerCache of the running app (inside its middleware stack)."""
    layer = app.middleware_stack
    while layer is not None:
        if getattr(layer, "cache", None) is not None:
            return layer.cache
        layer = getattr(layer, "app", None)
    raise AssertionError("no answer cache in the middleware stack")


def test_a_repeated_read_is_sent_again_byte_for_byte_without_the_route(client):
    cache = _find_cache(client.app)
    first = client.get(DOC, headers={"accept": "application/ld+json"})
    hits = cache.hits
    again = client.get(DOC, headers={"accept": "application/ld+json"})
    assert cache.hits == hits + 1
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == first.headers["content-type"]
    head = client.head(DOC, headers={"accept": "application/ld+json"})
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]
    assert cache.hits == hits + 2


def test_a_kept_answer_gets_the_cors_header_of_its_own_request(client):
    client.get(DOC, headers=TURTLE)  # kept without an Origin
    answer = client.get(DOC, headers={**TURTLE, "origin": "https://example.org"})
    assert answer.headers["access-control-allow-origin"] == "*"


def test_query_results_are_never_kept_as_each_evaluation_may_differ(client):
    params = {"query": "SELECT (STRUUID() AS ?u) WHERE {}"}
    accept = {"accept": "application/sparql-results+json"}
    first = client.get("/sparql", params=params, headers=accept).json()
    second = client.get("/sparql", params=params, headers=accept).json()
    assert first["results"]["bindings"][0]["u"]["value"] != second["results"]["bindings"][0]["u"]["value"]


def test_errors_are_not_kept(client):
    cache = _find_cache(client.app)
    hits = cache.hits
    assert client.get("/doc/project/no-such-project", headers=TURTLE).status_code == 404
    assert client.get("/doc/project/no-such-project", headers=TURTLE).status_code == 404
    assert cache.hits == hits


def test_a_write_empties_the_kept_answers(client):
    before = client.get(DOC, headers={**TURTLE, "accept-language": "nl-BE"})
    describe_burgerloket(client, "Nog een loket.")
    after = client.get(DOC, headers={**TURTLE, "accept-language": "nl-BE"})
    assert "Nog een loket." not in before.text and "Nog een loket." in after.text


def test_the_cache_can_be_turned_off(built, tmp_path):
    store_dir = tmp_path / "store"
    shutil.copytree(built[0].store_dir, store_dir)
    settings = dataclasses.replace(built[0], store_dir=store_dir, response_cache_mb=0, query_workers=1)
    with TestClient(create_app(settings)) as off:
        cache = _find_cache(off.app)
        off.get(DOC, headers=TURTLE)
        off.get(DOC, headers=TURTLE)
        assert cache.hits == 0 and not cache.keeps({"path": DOC})
