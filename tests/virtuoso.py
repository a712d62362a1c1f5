"""A real Virtuoso for tests: started on free loopback ports with a throw-away database directory.

The server is configured from scripts/virtuoso.ini (the template scripts/virtuoso.sh also uses) and runs
in the foreground as our child, so the test process knows its PID and it dies with us (PR_SET_PDEATHSIG)
rather than outliving a killed test run. The fixtures: ``virtuoso`` (one server per session, per xdist
worker) and ``virtuoso_clean`` (the same server with every graph but Virtuoso's own dropped first).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gzg_graph.store.sparql_http import SparqlEndpoints

TEMPLATE = Path(__file__).resolve().parents[1] / "scripts" / "virtuoso.ini"
BINARY = "virtuoso-t"
#: Installs the package when missing (as root), the same as ``make test`` does.
INSTALL_HINT = "install the Debian package virtuoso-opensource (scripts/ensure-system-packages.sh does, as root)"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed or did not start; the message says why and where its log is."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM when the test process ends, however it ends."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class VirtuosoServer:
    """One ``virtuoso-t`` process and its database directory; ``stop()`` ends it and removes the directory."""

    user = "dba"
    password = "dba"

    def __init__(self, directory: Path, sql_port: int, http_port: int, process: subprocess.Popen) -> None:
        self.directory = directory
        self.sql_port = sql_port
        self.http_port = http_port
        self.process = process
        base = f"http://127.0.0.1:{http_port}"
        self.public_url = f"{base}/sparql"  # anonymous, read-only
        self.query_url = f"{base}/sparql-auth"  # digest auth: query and update
        self.update_url = self.query_url
        self.graph_store_url = f"{base}/sparql-graph-crud-auth"  # Graph Store Protocol, digest auth
        #: The graphs of the fresh database (Virtuoso's own: virtrdf#, DAV, ...), never dropped by clear().
        self.system_graphs: frozenset[str] = frozenset()

    @property
    def log(self) -> Path:
        return self.directory / "virtuoso.log"

    @property
    def auth(self) -> httpx.DigestAuth:
        return httpx.DigestAuth(self.user, self.password)

    def endpoints(self, **options: Any) -> SparqlEndpoints:
        """The remote store's endpoints for this server: reads from the anonymous endpoint (no digest round trip),
        updates with digest auth, loads over the Graph Store Protocol; ``options`` (row_cap, timeouts) on top."""
        return SparqlEndpoints(
            query=self.public_url,
            update=self.update_url,
            graph_store=self.graph_store_url,
            user=self.user,
            password=self.password,
            **options,
        )

    @classmethod
    def start(cls, timeout: float = 60, attempts: int = 3) -> VirtuosoServer:
        """Start a server with an empty database; retried on a port another process took in between."""
        from live_server import free_port  # here, not at the top: live_server imports conftest, which imports us

        if shutil.which(BINARY) is None:
            raise VirtuosoUnavailable(f"{BINARY} not found: {INSTALL_HINT}")
        for attempt in range(attempts):
            directory = Path(tempfile.mkdtemp(prefix="gzg-virtuoso-"))
            server = cls._launch(directory, free_port(), free_port())
            try:
                server._wait(timeout)
            except VirtuosoUnavailable:
                server._kill()
                taken = "Failed to start listening" in server.log.read_text(errors="replace")
                if taken and attempt + 1 < attempts:
                    shutil.rmtree(directory, ignore_errors=True)
                    continue
                raise
            server.system_graphs = frozenset(server.graphs())
            return server
        raise AssertionError("unreachable")

    @classmethod
    def _launch(cls, directory: Path, sql_port: int, http_port: int) -> VirtuosoServer:
        ini = directory / "virtuoso.ini"
        text = TEMPLATE.read_text().replace("@DIR@", str(directory))
        ini.write_text(text.replace("@SQL_PORT@", str(sql_port)).replace("@HTTP_PORT@", str(http_port)))
        with open(directory / "stdout.log", "wb") as out:
            process = subprocess.Popen(
                [BINARY, "+foreground", "+configfile", str(ini)],
                cwd=directory,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        return cls(directory, sql_port, http_port, process)

    def _wait(self, timeout: float) -> None:
        """Return once the anonymous endpoint answers a query; raise (naming the log) if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail(f"exited with status {self.process.returncode}")
            try:
                if httpx.get(self.public_url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self._fail(f"did not answer within {timeout:.0f} s")

    def _fail(self, what: str) -> None:
        tail = self.log.read_text(errors="replace")[-1500:] if self.log.exists() else "(no log written)"
        raise VirtuosoUnavailable(f"Virtuoso {what}; its log is {self.log}:\n{tail}")

    def graphs(self) -> set[str]:
        """The names of the graphs that hold at least one triple."""
        answer = self.select(GRAPHS)
        return {row["g"]["value"] for row in answer}

    def select(self, query: str) -> list[dict]:
        """The bindings of a SELECT over the authenticated endpoint, as SPARQL JSON rows."""
        response = httpx.post(
            self.query_url,
            data={"query": query},
            headers={"accept": "application/sparql-results+json"},
            auth=self.auth,
            timeout=60,
        )
        response.raise_for_status()
        return response.json()["results"]["bindings"]

    def update(self, update: str) -> None:
        response = httpx.post(self.update_url, data={"update": update}, auth=self.auth, timeout=120)
        response.raise_for_status()

    def put_graph(self, graph: str, body: bytes, content_type: str = "text/turtle") -> None:
        """Replace ``graph`` with ``body`` over the Graph Store Protocol."""
        response = httpx.put(
            self.graph_store_url,
            params={"graph": graph},
            content=body,
            headers={"content-type": content_type},
            auth=self.auth,
            timeout=120,
        )
        response.raise_for_status()

    def clear(self) -> None:
        """Drop every graph but Virtuoso's own, leaving the server as it started."""
        for graph in sorted(self.graphs() - self.system_graphs):
            self.update(f"DROP SILENT GRAPH <{graph}>")

    def stop(self) -> None:
        """End the server (SIGTERM, then SIGKILL after 20 s) and remove its database directory."""
        try:
            self._kill()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _kill(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> VirtuosoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def unavailable(reason: str) -> None:
    """Skip locally, but fail on CI (the environment variable CI set), where Virtuoso must run."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"Virtuoso is required on CI: {reason}", pytrace=False)
    pytest.skip(f"Virtuoso is not available: {reason}")


def started() -> VirtuosoServer:
    """A started server, or the skip/fail of ``unavailable``."""
    try:
        return VirtuosoServer.start()
    except VirtuosoUnavailable as error:
        unavailable(str(error))
        raise


@pytest.fixture(scope="session")
def virtuoso() -> Iterator[VirtuosoServer]:
    """One Virtuoso per test session (per xdist worker), stopped and removed at the end."""
    with started() as server:
        yield server


@pytest.fixture()
def virtuoso_clean(virtuoso: VirtuosoServer) -> VirtuosoServer:
    """The session's Virtuoso with every graph but its system graphs dropped first."""
    virtuoso.clear()
    return virtuoso
