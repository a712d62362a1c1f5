"""A real Oxigraph server for tests: a third SPARQL 1.1 store behind the remote store, beside Virtuoso.

``oxigraph serve`` (PyPI's ``oxigraph``, a test dependency) on a free loopback port with a throw-away database
directory, as our child. Its endpoints: ``/query`` (Protocol), ``/update`` (Update), ``/store`` (Graph Store
Protocol), no authentication. The fixtures: ``oxigraph`` (one server per session, per xdist worker) and
``oxigraph_clean`` (the same, emptied first). Without the binary the tests skip (locally) or fail (on CI), as
Virtuoso's do.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from virtuoso import unavailable

BINARY = str(Path(sys.executable).parent / "oxigraph")


@dataclass
class OxigraphServer:
    process: subprocess.Popen
    directory: Path
    url: str

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def graph_store_url(self) -> str:
        return f"{self.url}/store"

    def clear(self) -> None:
        httpx.post(self.update_url, data={"update": "DROP ALL"}, timeout=60).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start(timeout: float = 30) -> OxigraphServer:
    from live_server import free_port  # not at the top: live_server imports conftest, which imports virtuoso

    if not Path(BINARY).is_file():
        unavailable(f"{BINARY} not found: install the test dependencies (pip install -e '.[test]': oxigraph)")
    directory = Path(tempfile.mkdtemp(prefix="gzg-oxigraph-"))
    address = f"127.0.0.1:{free_port()}"
    command = [BINARY, "serve", "--location", str(directory / "data"), "--bind", address]
    with open(directory / "server.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = OxigraphServer(process, directory, f"http://{address}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    log_text = (directory / "server.log").read_text(errors="replace")[-500:]
    server.stop()
    unavailable(f"the Oxigraph server did not start: {log_text}")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def oxigraph() -> Iterator[OxigraphServer]:
    server = start()
    yield server
    server.stop()


@pytest.fixture()
def oxigraph_clean(oxigraph: OxigraphServer) -> OxigraphServer:
    oxigraph.clear()
    return oxigraph
