"""The participation URIs published before readable slugs (``{project}--{64-hex LBLOD id}``) still resolve:
301 Moved Permanently to today's URI, in ``/id/`` and ``/doc/``, the query string kept; what never existed
stays 404."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from gzg_api.app import create_app

from gzg_graph.publishing.moved import moved_to
from gzg_graph.uris import UriPolicy

MECHELEN_KEY = "be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
NIJLEN_KEY = "fb4ab93def093fcefdcbafe1055941c02bb109290fffb9cd9012d549aed480b8"


@pytest.fixture(scope="module")
def client(built):
    settings, store, _ = built
    return TestClient(create_app(settings, store), follow_redirects=False)


@pytest.fixture(scope="module")
def uris(built) -> UriPolicy:
    return UriPolicy(built[0].base_uri)


def test_the_library_finds_where_an_old_participation_uri_went(store, uris):
    old = f"{uris.base}/id/deelname/burgerloket--{MECHELEN_KEY}"
    assert moved_to(store, old, uris) == f"{uris.base}/id/deelname/burgerloket--mechelen"
    assert moved_to(store, f"{uris.base}/id/deelname/burgerloket--{NIJLEN_KEY}", uris).endswith("--nijlen")


@pytest.mark.parametrize(
    "uri",
    [
        "/id/deelname/burgerloket--mechelen",  # today's URI
        "/id/deelname/burgerloket--vvsg",  # a partner's key was readable already: its URI never changed
        f"/id/deelname/slimme-raadpleegomgeving--{MECHELEN_KEY}",  # Mechelen, in a project it is not part of
        f"/id/deelname/nergens--{MECHELEN_KEY}",  # no such project
        f"/id/deelname/{MECHELEN_KEY}",  # no project at all
        f"/id/project/burgerloket--{MECHELEN_KEY}",  # not a participation
    ],
)
def test_current_and_unknown_uris_did_not_move(store, uris, uri):
    assert moved_to(store, uris.base + uri, uris) is None


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("kind", ["id", "doc"])
def test_old_uris_answer_301_to_the_new_one_with_the_query(client, method, kind):
    answer = client.request(method, f"/{kind}/deelname/burgerloket--{MECHELEN_KEY}", params={"format": "ttl"})
    assert answer.status_code == 301
    assert answer.headers["location"] == f"/{kind}/deelname/burgerloket--mechelen?format=ttl"


def test_following_the_old_uri_ends_at_the_new_description(client, uris):
    answer = client.get(
        f"/id/deelname/burgerloket--{NIJLEN_KEY}", headers={"accept": "text/turtle"}, follow_redirects=True
    )
    assert answer.status_code == 200
    assert [r.status_code for r in answer.history] == [301, 303]
    assert str(answer.url).endswith("/doc/deelname/burgerloket--nijlen")
    assert f"<{uris.base}/id/deelname/burgerloket--nijlen>" in answer.text


def test_a_uri_that_never_existed_stays_404(client):
    assert client.get("/doc/deelname/burgerloket--0123456789abcdef").status_code == 404
    assert client.get(f"/doc/deelname/nergens--{MECHELEN_KEY}").status_code == 404
    redirected = client.get("/id/deelname/burgerloket--0123456789abcdef")  # /id does not look: 303, then 404
    assert redirected.status_code == 303
    assert client.get(redirected.headers["location"]).status_code == 404


def test_current_uris_are_served_as_before(client):
    assert client.get("/id/deelname/burgerloket--vvsg").status_code == 303
    assert client.get("/doc/deelname/burgerloket--mechelen", params={"format": "nt"}).status_code == 200
