"""Queries that cannot break out: the guard, the worker pool, SERVICE, and writers that cannot race.

The pool's tests run real worker processes over a real snapshot; the SERVICE tests run a real listener on
127.0.0.1 and count the connections it gets; the concurrency test runs two real ``gzg load`` processes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import BASE
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import GZG, gzg
from test_validate_interfaces import new_project

from gzg_graph.errors import Overloaded, QueryCrashed, QueryError, QueryTimeout, ResultTooLarge
from gzg_graph.formats import RdfFormat, ResultFormat
from gzg_graph.store import EmbeddedStore
from gzg_graph.store.guard import QueryLimits, check_query
from gzg_graph.store.pool import PoolLimits, QueryPool

# In a parallel run this module is part of tests/conftest.py's TIMING unit: the pool's bounds (a runaway stopped
# between 2 and 6 s, a full pool refusing within 0.1 s) must not depend on another timing test at the same moment.

ASK = "ASK { ?s ?p ?o }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --------------------------------------------------------------------------------------------- the guard


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:1/>" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/>",
        "SELECT * WHERE { ?s <http://e/SERVICE> ?o }",
        "SELECT * WHERE { ?s ?p '''{{{{ SERVICE ?x'''}",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    ],
)
def test_the_guard_reads_through_strings_iris_and_comments(query):
    check_query(query, QueryLimits(max_depth=3))


def test_the_guard_allows_listed_endpoints_only():
    allowed = QueryLimits(allowed_services=frozenset({"http://127.0.0.1:1/sparql"}))
    check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", allowed)
    check_query("PREFIX e: <http://127.0.0.1:1/> SELECT * { SERVICE SILENT e:sparql { ?s ?p ?o } }", allowed)
    with pytest.raises(QueryError, match="not an allowed endpoint"):
        check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:1/other> { ?s ?p ?o } }", allowed)


@given(st.text(alphabet=st.sampled_from(list("{}()[]<>\"'#\\ ?:.;,&|SERVICEselect\n")), max_size=400))
@settings(max_examples=300, deadline=None)
def test_the_guard_either_passes_or_refuses_with_a_query_error(text):
    with contextlib.suppress(QueryError):  # any other exception fails the test
        check_query(text, QueryLimits(max_depth=5, max_operators=20))


# --------------------------------------------------------------------------------------------- the pool


@pytest.fixture(scope="module")
def pool_store(built) -> Path:
    """A snapshot to give the workers: the real graph."""
    return built[0].store_dir


def test_a_crashing_query_kills_only_its_worker(pool_store):
    pool = QueryPool(pool_store, PoolLimits(workers=1, timeout=20))
    try:
        crash = "SELECT * WHERE { ?s ?p ?o FILTER(" + " && ".join(["?o"] * 20000) + ") }"  # past the guard's limit
        with pytest.raises(QueryCrashed):
            pool.query(crash)
        assert pool.restarts == 1
        assert pool.query(ASK, ResultFormat.JSON).body.endswith(b"true}")
    finally:
        pool.close()


def test_a_runaway_query_is_stopped_at_the_timeout(pool_store):
    pool = QueryPool(pool_store, PoolLimits(workers=1, timeout=2))
    try:
        pool.query(ASK)  # the worker is up: its start (a process, the store loaded) is not the query's time
        started = time.perf_counter()
        with pytest.raises(QueryTimeout, match="longer than 2 s"):
            pool.query(CARTESIAN)
        assert 2 <= time.perf_counter() - started < 6
        assert pool.query(ASK).body.endswith(b"true}")
    finally:
        pool.close()


def test_results_are_capped(pool_store):
    pool = QueryPool(pool_store, PoolLimits(workers=1, max_result_bytes=100_000))
    try:
        with pytest.raises(ResultTooLarge, match="larger than 100000 bytes"):
            pool.query("SELECT * WHERE { ?s ?p ?o }")
        assert len(pool.query("SELECT * WHERE { ?s ?p ?o } LIMIT 10").body) < 100_000
    finally:
        pool.close()


def test_a_full_pool_refuses_at_once(pool_store):
    pool = QueryPool(pool_store, PoolLimits(workers=1, waiting=0, timeout=3))
    try:
        pool.query(ASK)  # the worker is up
        busy = threading.Thread(target=lambda: pytest.raises(QueryTimeout, pool.query, CARTESIAN))
        busy.start()
        time.sleep(0.5)
        started = time.perf_counter()
        with pytest.raises(Overloaded):
            pool.query(ASK)
        assert time.perf_counter() - started < 0.1
        busy.join()
    finally:
        pool.close()


def test_workers_see_a_newer_generation(tmp_path):
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({"http://e/g": b"<http://e/a> <http://e/p> <http://e/b> .\n"})
    pool = QueryPool(tmp_path, PoolLimits(workers=1))
    try:
        assert pool.query("ASK { <http://e/a> <http://e/p> <http://e/c> }").body.endswith(b"false}")
        store.add("http://e/g", b"<http://e/a> <http://e/p> <http://e/c> .\n")
        assert pool.query("ASK { <http://e/a> <http://e/p> <http://e/c> }").body.endswith(b"true}")
    finally:
        pool.close()


# --------------------------------------------------------------------------------------------- SERVICE


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it (and answers none)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture()
def listener():
    running = Listener()
    yield running
    running.close()


def _service_query(endpoint: str) -> str:
    return f"SELECT * WHERE {{ SERVICE SILENT <{endpoint}> {{ ?s ?p ?o }} }}"


def test_service_to_a_local_listener_makes_no_connection_from_the_api(server_for_service, listener):
    answer = httpx.get(f"{server_for_service.url}/sparql", params={"query": _service_query(listener.endpoint)})
    answer_post = httpx.post(f"{server_for_service.url}/sparql", data={"query": _service_query(listener.endpoint)})
    time.sleep(0.5)
    assert answer.status_code == 400 and "not an allowed endpoint" in answer.json()["detail"]
    assert answer_post.status_code == 400
    assert listener.connections == 0
    assert str(listener.port) not in answer.text.replace(listener.endpoint, "")  # nothing but our own message


def test_service_from_the_cli_connects_only_when_allow_listed(built, listener):
    store_dir = str(built[0].store_dir)
    refused = gzg("query", _service_query(listener.endpoint), "--store-dir", store_dir)
    time.sleep(0.5)
    assert refused.returncode == 2 and "not an allowed endpoint" in refused.stderr
    assert listener.connections == 0
    # the same query with the endpoint allow-listed does reach it: the check above can fail
    allowed = gzg(
        "query",
        _service_query(listener.endpoint),
        "--store-dir",
        store_dir,
        env={"GZG_SERVICE_ALLOW": listener.endpoint},
    )
    time.sleep(0.5)
    assert allowed.returncode == 0, allowed.stderr
    assert listener.connections >= 1


@pytest.fixture(scope="module")
def server_for_service(built, tmp_path_factory):
    from live_server import start_server

    running = start_server(built[0].store_dir, tmp_path_factory.mktemp("service"))
    yield running
    running.stop()


# --------------------------------------------------------------------------------------------- writers


def test_concurrent_conforming_loads_never_commit_a_violation(built, tmp_path):
    """Each file adds the same new project with its own penhouder: alone each conforms, together the project
    has two penhouders. Run as two real `gzg load` processes at once, one must be refused, 4 times over."""
    import shutil

    store_dir = tmp_path / "store"
    shutil.copytree(built[0].store_dir, store_dir)
    store = EmbeddedStore(store_dir)
    outcomes = []
    for round_ in range(4):
        project = f"race-{round_}"
        files = []
        for penhouder in ("Mechelen", "Geel"):
            files.append(tmp_path / f"{project}-{penhouder}.ttl")
            files[-1].write_text(new_project(store, 100000, penhouder, project), encoding="utf-8")
        processes = [
            subprocess.Popen(
                [GZG, "load", str(path), "--store-dir", str(store_dir)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "GZG_BASE_URI": BASE},
            )
            for path in files
        ]
        codes = sorted(p.wait(timeout=120) for p in processes)
        outcomes.append(codes)
        store.refresh()
        penhouders = store.select(f"""PREFIX m8g: <http://data.europa.eu/m8g/>
            SELECT ?participation WHERE {{ <{BASE}/id/project/{project}> m8g:hasParticipation ?participation .
              ?participation m8g:role <{BASE}/id/concept/consortiumrol/penhouder> }}""")
        assert len(penhouders) == 1, f"round {round_}: {codes}"
    assert all(codes == [0, 1] for codes in outcomes), outcomes


def test_a_load_validated_against_an_old_state_is_checked_again_under_the_lock(built, tmp_path):
    """In-process: the store changes between a writer's first look and its commit; the lock makes it look again."""
    import shutil

    from gzg_graph.sources.rdf import parse_rdf
    from gzg_graph.uris import UriPolicy
    from gzg_graph.validation import ValidationFailed, load_shapes
    from gzg_graph.writes import add_validated

    shutil.copytree(built[0].store_dir, tmp_path / "store")
    uris = UriPolicy(BASE)
    one, other = EmbeddedStore(tmp_path / "store"), EmbeddedStore(tmp_path / "store")
    shapes = load_shapes(built[0].shapes, uris)
    first, second = (new_project(one, 100000, name, "wedloop").encode() for name in ("Mechelen", "Geel"))
    add_validated(one, str(uris.graph("gzg")), parse_rdf(first, RdfFormat.TURTLE, "a", uris.parse_base), shapes)
    with pytest.raises(ValidationFailed):  # `other` still holds the old generation; the lock reloads it
        add_validated(other, str(uris.graph("gzg")), parse_rdf(second, RdfFormat.TURTLE, "b", uris.parse_base), shapes)


def test_an_allowed_endpoint_s_error_body_is_never_echoed(built):
    """An allow-listed endpoint that fails: the caller learns that it failed, not what it said."""
    import http.server

    class Failing(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the handler API's name
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"SECRET-REMOTE-BODY")

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    remote = http.server.HTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{remote.server_address[1]}/sparql"
    try:
        result = gzg(
            "query",
            f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
            "--store-dir",
            str(built[0].store_dir),
            env={"GZG_SERVICE_ALLOW": endpoint},
        )
    finally:
        remote.shutdown()
    assert result.returncode == 2
    assert "SECRET-REMOTE-BODY" not in result.stdout + result.stderr
    assert "what the endpoint answered is not passed on" in result.stderr
