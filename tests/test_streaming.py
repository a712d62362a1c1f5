"""Large results stream: passed on while the engine writes them, never held whole by the server.

Against a live ``gzg serve``: a result larger than one piece comes chunked and complete; a client that
stops reading gets its query stopped (the worker is replaced, nothing waits for the timeout); the result
cap still holds mid-stream, by ending the response early; small results and errors are answered as before.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from live_server import start_server

from gzg_graph.store.worker import CHUNK_BYTES

EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
JSON = {"accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    running = start_server(
        built[0].store_dir, tmp_path_factory.mktemp("streaming"), GZG_MAX_RESULT_BYTES=str(32 * 2**20)
    )
    yield running
    running.stop()


def test_a_large_result_streams_complete(server, store):
    with httpx.stream("GET", f"{server.url}/sparql", params={"query": EVERYTHING}, headers=JSON, timeout=60) as answer:
        assert answer.status_code == 200
        assert "content-length" not in answer.headers and answer.headers["transfer-encoding"] == "chunked"
        body = b"".join(answer.iter_bytes())
    assert len(body) > CHUNK_BYTES
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])


def test_a_client_that_stops_reading_stops_its_query(server):
    restarts = server.worker_restarts()
    with httpx.stream("GET", f"{server.url}/sparql", params={"query": EVERYTHING}, headers=JSON, timeout=60) as answer:
        next(answer.iter_raw())  # one piece, then hang up
    deadline = time.monotonic() + 20
    while server.worker_restarts() == restarts and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.worker_restarts() == restarts + 1  # the abandoned query's worker was stopped and replaced
    assert server.point_query().status_code == 200


def test_the_result_cap_ends_a_stream_early(server):
    query = "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o . ?x ?p ?o }"  # far more than the 32 MiB cap
    stream = httpx.stream("GET", f"{server.url}/sparql", params={"query": query}, headers=JSON, timeout=60)
    with pytest.raises(httpx.RemoteProtocolError), stream as answer:
        assert answer.status_code == 200
        b"".join(answer.iter_bytes())
    assert server.point_query().status_code == 200


def test_small_results_and_errors_are_answered_whole(server):
    answer = server.point_query()
    assert answer.status_code == 200 and "content-length" in answer.headers
    bad = httpx.get(f"{server.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, headers=JSON)
    assert bad.status_code == 400 and "syntax" in bad.json()["detail"]
