"""``gzg serve --workers 2``: two server processes on one port, over one store, answer alike after every write.

Each worker has its own application (its own kept answers, its own query pool on the embedded store) and no
state of its own that can go stale: a read refreshes the store's generation (a file of the embedded store,
the state graph in Virtuoso), and the kept answers and entity tags are keyed by it. So after a write through
either worker, every worker answers the new data with a new tag, even to a client that presents the old tag
of an answer that worker itself kept. Which worker answered is read from the log (each line names its process).
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from conftest import BASE
from live_server import Server, start_server
from test_remote_api import remote_endpoints, remote_settings

from gzg_graph.store import EmbeddedStore, Store
from gzg_graph.store.remote import RemoteStore

pytestmark = pytest.mark.slow

TOKEN = "workers-token"
GRAPH = f"{BASE}/id/dataset/probes"
PROBES = 16
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_LINE = re.compile(r" (\d+) INFO gzg_api\.requests: (\w+) (\S+) (\d{3}) ")


def probes(version: str) -> bytes:
    return "".join(f'<{BASE}/id/probe/{i}> <{LABEL}> "{version}"@nl .\n' for i in range(PROBES)).encode()


@pytest.fixture(params=["embedded", "virtuoso"])
def server(request, tmp_path: Path):
    """``gzg serve --workers 2`` over a store holding the probes' first version."""
    store_dir = tmp_path / "store"
    settings: dict[str, str] = {}
    store: Store
    if request.param == "embedded":
        store = EmbeddedStore(store_dir)
    else:
        virtuoso = request.getfixturevalue("virtuoso_clean")
        settings = remote_settings(virtuoso)
        store = RemoteStore(remote_endpoints(virtuoso), lock_directory=store_dir)
    store.replace_graphs({GRAPH: probes("v0")}, drop_others=True)
    store.close()
    running = start_server(store_dir, tmp_path / "work", ("--workers", "2"), GZG_WRITE_TOKEN=TOKEN, **settings)
    yield running
    running.stop()


def read_all(server: Server, headers: dict[str, dict[str, str]]) -> dict[str, tuple[httpx.Response, int]]:
    """Every probe's document read at once (8 at a time, so both workers take some), with the PID that answered."""
    paths = [f"/doc/probe/{i}" for i in range(PROBES)]
    start = server.log.stat().st_size
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: httpx.get(server.url + p, headers=headers.get(p, {}), timeout=60), paths))
    return dict(zip(paths, zip(answers, _pids(server, start, "GET", paths), strict=True), strict=True))


def _pids(server: Server, start: int, method: str, paths: list[str]) -> list[int]:
    """The process that logged each request (in ``paths``' order) after byte ``start`` of the log."""
    deadline = time.monotonic() + 10
    while True:
        with open(server.log, "rb") as log:
            log.seek(start)
            found = {m[3]: int(m[1]) for m in _LINE.finditer(log.read().decode(errors="replace")) if m[2] == method}
        if all(p in found for p in paths) or time.monotonic() > deadline:
            return [found[p] for p in paths]
        time.sleep(0.05)


def write(server: Server, version: str) -> int:
    """PUT the probes' next version through whichever worker takes it; the PID that wrote it."""
    path = f"/graph-store?graph={quote(GRAPH, safe='')}"
    start = server.log.stat().st_size
    answer = httpx.put(
        server.url + path,
        content=probes(version),
        headers={"content-type": "application/n-triples", "authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert answer.status_code == 204, answer.text
    return _pids(server, start, "PUT", ["/graph-store"])[0]


def test_every_worker_answers_every_write_at_once_with_a_new_tag(server: Server):
    readers: set[int] = set()
    writers: set[int] = set()
    known = read_all(server, {})  # the answers each worker now keeps under its tag
    readers |= {pid for _, pid in known.values()}
    assert all(a.status_code == 200 and '"v0"' in a.text for a, _ in known.values())
    version = 0
    while version < 8 and (version < 2 or len(readers) < 2 or len(writers) < 2):
        version += 1
        writers.add(write(server, f"v{version}"))
        old_tags = {path: {"if-none-match": answer.headers["etag"]} for path, (answer, _) in known.items()}
        known = read_all(server, old_tags)  # a client holding the old answer must get the new one, not 304
        for path, (answer, pid) in known.items():
            readers.add(pid)
            assert answer.status_code == 200, f"worker {pid}: {path} {answer.status_code}"
            assert f'"v{version}"' in answer.text, f"worker {pid} answered {path} from an older version"
            assert answer.headers["etag"] != old_tags[path]["if-none-match"]
    assert len(readers) == 2, f"one worker answered every read ({readers}): the test saw no second worker"
    assert len(writers) == 2 or version == 8
    for pid in readers:  # the server's two worker processes, not the supervising parent
        assert int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) == server.pid
