"""The Virtuoso test tooling works: it starts, answers, takes digest-authenticated writes, stops and cleans up."""

from __future__ import annotations

import httpx
import pytest
from virtuoso import VirtuosoServer, VirtuosoUnavailable, started

EX = "http://example.org/virtuoso-test/"
TRIPLES = f'<{EX}a> <{EX}p> "een" , 2 .\n<{EX}b> <{EX}p> <{EX}a> .\n'.encode()


def select(url: str, query: str, **kwargs) -> httpx.Response:
    return httpx.get(url, params={"query": query}, headers={"accept": "application/sparql-results+json"}, **kwargs)


def test_fresh_server_has_only_system_graphs(virtuoso_clean: VirtuosoServer) -> None:
    assert virtuoso_clean.graphs() == virtuoso_clean.system_graphs
    assert "http://www.openlinksw.com/schemas/virtrdf#" in virtuoso_clean.system_graphs


def test_anonymous_endpoint_answers_and_refuses_updates(virtuoso_clean: VirtuosoServer) -> None:
    answer = select(virtuoso_clean.public_url, "ASK { ?s ?p ?o }")
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    refused = httpx.post(
        virtuoso_clean.public_url, data={"update": f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> 1 }} }}"}
    )
    assert refused.status_code >= 400
    assert virtuoso_clean.graphs() == virtuoso_clean.system_graphs


def test_update_needs_digest_auth(virtuoso_clean: VirtuosoServer) -> None:
    update = f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> 1 }} }}"
    assert httpx.post(virtuoso_clean.update_url, data={"update": update}).status_code == 401
    wrong = httpx.DigestAuth(virtuoso_clean.user, "wrong")
    assert httpx.post(virtuoso_clean.update_url, data={"update": update}, auth=wrong).status_code == 401
    virtuoso_clean.update(update)
    rows = select(virtuoso_clean.public_url, f"SELECT ?o WHERE {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> ?o }} }}").json()
    assert [row["o"]["value"] for row in rows["results"]["bindings"]] == ["1"]


def test_graph_store_put_and_clear(virtuoso_clean: VirtuosoServer) -> None:
    virtuoso_clean.put_graph(f"{EX}g", TRIPLES)
    rows = virtuoso_clean.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}")
    assert rows[0]["n"]["value"] == "3"
    virtuoso_clean.clear()
    assert virtuoso_clean.graphs() == virtuoso_clean.system_graphs


def test_a_second_server_starts_and_stop_removes_it() -> None:
    with started() as server:
        directory, process = server.directory, server.process
        assert (directory / "virtuoso.db").exists()
        assert select(server.public_url, "ASK {}").status_code == 200
    assert process.poll() is not None
    assert not directory.exists()
    with pytest.raises(httpx.TransportError):
        select(server.public_url, "ASK {}", timeout=2)


def test_failed_start_names_the_log(monkeypatch) -> None:
    monkeypatch.setattr("virtuoso.BINARY", "virtuoso-t-that-does-not-exist")
    with pytest.raises(VirtuosoUnavailable, match="virtuoso-opensource"):
        VirtuosoServer.start()


def test_unavailable_fails_on_ci(monkeypatch) -> None:
    from virtuoso import unavailable

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required on CI: gone"):
        unavailable("gone")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="not available: gone"):
        unavailable("gone")
