"""Writes over HTTP: SPARQL Update on ``/sparql`` and the Graph Store Protocol on ``/graph-store``.

What a data steward and an integrator rely on: without the token, or with a wrong one, nothing changes;
a write that would violate the shapes is refused with its report and nothing changes; a good write is
visible to the next query (in the query workers too) and survives a restart; a reader never sees half of
an update. Update semantics are compared with rdflib's, an independent engine.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from urllib.parse import quote

import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from write_corpus import dataset_quads

from gzg_graph.store import EmbeddedStore

TOKEN = "steward-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
UPDATE = {"content-type": "application/sparql-update"}
GZG = f"{BASE}/id/dataset/gzg"
BURGERLOKET = f"{BASE}/id/project/burgerloket"
TITLE = "http://purl.org/dc/terms/title"
DESCRIPTION = "http://purl.org/dc/terms/description"


@pytest.fixture()
def server(built, tmp_path):
    """The real graph in a store of its own, served with writes allowed by TOKEN."""
    store_dir = tmp_path / "store"
    shutil.copytree(built[0].store_dir, store_dir)
    settings = dataclasses.replace(built[0], store_dir=store_dir, write_token=TOKEN, query_workers=1)
    with TestClient(create_app(settings)) as client:
        yield client


def _ask(client: TestClient, query: str) -> bool:
    answer = client.get("/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["boolean"])


WRITES = [
    ("POST", "/sparql", {"content": b"CLEAR ALL", "headers": UPDATE}),
    ("POST", "/sparql", {"data": {"update": f"DELETE WHERE {{ GRAPH ?g {{ <{BURGERLOKET}> ?p ?o }} }}"}}),
    ("PUT", f"/graph-store?graph={quote(GZG, safe='')}", {"content": b"", "headers": {"content-type": "text/turtle"}}),
    (
        "POST",
        f"/graph-store?graph={quote(GZG, safe='')}",
        {"content": b"<http://e/s> <http://e/p> 1 .", "headers": {"content-type": "text/turtle"}},
    ),
    ("DELETE", f"/graph-store?graph={quote(GZG, safe='')}", {}),
]


@pytest.mark.parametrize(("method", "path", "options"), WRITES, ids=lambda v: v if isinstance(v, str) else "")
def test_writes_without_the_right_token_change_nothing(server, method, path, options):
    before = dataset_quads(server)
    headers = options.get("headers", {})
    refused = server.request(method, path, **{**options, "headers": headers})
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    wrong = server.request(method, path, **{**options, "headers": {**headers, "authorization": "Bearer not-the-token"}})
    assert wrong.status_code == 403 and "token" in wrong.json()["detail"]
    assert dataset_quads(server) == before


def test_a_read_only_server_refuses_every_write(built):
    with TestClient(create_app(dataclasses.replace(built[0], write_token=None), built[1])) as client:
        answer = client.post("/sparql", content=b"CLEAR ALL", headers={**UPDATE, **AUTH})
        assert answer.status_code == 403 and "GZG_WRITE_TOKEN" in answer.json()["detail"]


def test_an_update_that_violates_the_shapes_is_refused_with_its_report(server):
    before = dataset_quads(server)
    answer = server.post(
        "/sparql",
        content=f"DELETE WHERE {{ GRAPH ?g {{ <{BURGERLOKET}> <{TITLE}> ?title }} }}".encode(),
        headers={**UPDATE, **AUTH, "accept-language": "nl"},
    )
    assert answer.status_code == 422
    results = answer.json()["report"]["results"]
    assert any(r["focusNode"] == BURGERLOKET and r["resultPath"] == TITLE for r in results)
    assert all(r["severity"] != "Violation" or r["message"] for r in results)
    assert dataset_quads(server) == before


def test_a_graph_store_write_that_violates_the_shapes_is_refused_with_its_report(server):
    before = dataset_quads(server)
    second_title = f'<{BURGERLOKET}> <{TITLE}> "Nog een titel"@nl .'.encode()
    answer = server.post(
        f"/graph-store?graph={quote(GZG, safe='')}",
        content=second_title,
        headers={"content-type": "text/turtle", **AUTH},
    )
    assert answer.status_code == 422
    assert any(r["focusNode"] == BURGERLOKET for r in answer.json()["report"]["results"])
    assert dataset_quads(server) == before


def test_a_good_update_is_seen_by_the_next_query_and_survives_a_restart(server, built):
    description = "Een digitaal loket voor burgers."
    answer = server.post(
        "/sparql",
        content=f'INSERT DATA {{ GRAPH <{GZG}> {{ <{BURGERLOKET}> <{DESCRIPTION}> "{description}"@nl }} }}'.encode(),
        headers={**UPDATE, **AUTH},
    )
    assert answer.status_code == 200 and answer.json()["added"] == 1 and answer.json()["removed"] == 0
    assert _ask(server, f'ASK {{ <{BURGERLOKET}> <{DESCRIPTION}> "{description}"@nl }}')  # in the query worker
    reopened = EmbeddedStore(server.app.state.settings.store_dir)
    assert reopened.ask(f'ASK {{ GRAPH <{GZG}> {{ <{BURGERLOKET}> <{DESCRIPTION}> "{description}"@nl }} }}')


def test_writing_the_default_graph_is_refused_and_says_how_to_name_a_graph(server):
    before = dataset_quads(server)
    answer = server.post(
        "/sparql", data={"update": "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"}, headers=AUTH
    )
    assert answer.status_code == 400 and "GRAPH <...>" in answer.json()["detail"]
    answer = server.put("/graph-store?default", content=b"", headers={"content-type": "text/turtle", **AUTH})
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"
    assert dataset_quads(server) == before


def test_a_malformed_update_says_where_and_changes_nothing(server):
    before = dataset_quads(server)
    update = f'INSERT DATA {{ GRAPH <{GZG}> {{ <http://e/s> <http://e/p> "x" }} }} ;\nCLEAR ALL "oops'
    answer = server.post("/sparql", content=update.encode(), headers={**UPDATE, **AUTH})
    assert answer.status_code == 400 and "operation 2" in answer.json()["detail"] and "2:" in answer.json()["detail"]
    assert dataset_quads(server) == before


def test_the_graph_store_round_trip(server):
    graph = quote("http://example.org/graph/steward-notes", safe="")
    body = b'<http://example.org/note/1> <http://www.w3.org/2000/01/rdf-schema#label> "Nota"@nl .'
    turtle = {"content-type": "text/turtle", **AUTH}
    assert server.put(f"/graph-store?graph={graph}", content=body, headers=turtle).status_code == 201
    got = server.get(f"/graph-store?graph={graph}", headers={"accept": "text/turtle"})
    assert got.status_code == 200 and isomorphic(Graph().parse(data=got.text), Graph().parse(data=body, format="nt"))
    assert server.put(f"/graph-store?graph={graph}", content=body, headers=turtle).status_code == 204
    assert server.head(f"/graph-store?graph={graph}").status_code == 200
    assert server.delete(f"/graph-store?graph={graph}", headers=AUTH).status_code == 204
    assert server.get(f"/graph-store?graph={graph}").status_code == 404
    assert server.delete(f"/graph-store?graph={graph}", headers=AUTH).status_code == 404


# in tests/conftest.py's TIMING unit: its reader loop keeps a core busy, never beside test_hardening's bounds
def test_readers_never_see_half_an_update(server):
    """Each update moves a marker between two graphs in two operations; a reader must always see it once."""
    marker = "<http://example.org/marker> <http://example.org/in> <http://example.org/here>"
    first, second = "http://example.org/graph/a", "http://example.org/graph/b"
    server.post(
        "/sparql", content=f"INSERT DATA {{ GRAPH <{first}> {{ {marker} }} }}".encode(), headers={**UPDATE, **AUTH}
    )
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        query = f"SELECT (COUNT(?g) AS ?n) WHERE {{ GRAPH ?g {{ {marker} }} }}"
        while not stop.is_set():
            answer = server.get(
                "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"}
            )
            seen.append(int(answer.json()["results"]["bindings"][0]["n"]["value"]))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for step in range(4):
            source, target = (first, second) if step % 2 == 0 else (second, first)
            move = f"DELETE DATA {{ GRAPH <{source}> {{ {marker} }} }} ;\nINSERT DATA {{ GRAPH <{target}> {{ {marker} }} }}"
            assert server.post("/sparql", content=move.encode(), headers={**UPDATE, **AUTH}).status_code == 200
    finally:
        stop.set()
        reader.join()
    assert seen and set(seen) == {1}


# ------------------------------------------------------------------ update semantics against rdflib

GRAPHS = [f"http://example.org/g{i}" for i in range(3)]
TERMS = [f"<http://example.org/t{i}>" for i in range(3)]
triples = st.tuples(st.sampled_from(TERMS), st.sampled_from(TERMS[:2]), st.sampled_from(TERMS))
operation = st.one_of(
    st.tuples(
        st.sampled_from(["INSERT DATA", "DELETE DATA"]),
        st.sampled_from(GRAPHS),
        st.lists(triples, min_size=1, max_size=3),
    ),
    st.tuples(st.sampled_from(["CLEAR GRAPH", "COPY", "ADD"]), st.sampled_from(GRAPHS), st.sampled_from(GRAPHS)),
    st.tuples(st.just("COPY-MERGE"), st.sampled_from(GRAPHS), st.just(None)),
)


def _text(op) -> str:
    kind, graph, rest = op
    if kind in ("INSERT DATA", "DELETE DATA"):
        return f"{kind} {{ GRAPH <{graph}> {{ {' . '.join(' '.join(t) for t in rest)} }} }}"
    if kind == "CLEAR GRAPH":
        return f"CLEAR SILENT GRAPH <{graph}>"
    if kind == "COPY-MERGE":  # reads the merge as the operations before it left it
        return f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}"
    return f"{kind} SILENT GRAPH <{graph}> TO GRAPH <{rest}>"


@settings(max_examples=60, deadline=None)
@given(st.lists(operation, min_size=1, max_size=6))
def test_update_requests_do_what_rdflib_does(ops):
    request = " ;\n".join(_text(op) for op in ops)
    ours = EmbeddedStore()
    ours.update(request)
    theirs = Dataset(default_union=True)
    theirs.update(request)
    for graph in GRAPHS:
        expected = {tuple(str(t) for t in triple) for triple in theirs.graph(URIRef(graph))}
        got = {(r["s"], r["p"], r["o"]) for r in ours.select(f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")}
        assert got == expected, request
