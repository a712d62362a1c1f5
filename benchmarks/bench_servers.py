"""The servers of ``benchmarks/compare.py``: each system loaded with the same dataset, started on a free loopback
port, its whole process tree's peak memory sampled, and always stopped.

* the Oxigraph server (PyPI ``oxigraph``): ``oxigraph load`` of the N-Quads file (timed), then
  ``oxigraph serve-read-only --union-default-graph``: the default graph is the union of the named graphs;
* Virtuoso 7.2 (``benchmarks/stores_setup.py``'s server with bench settings): the named graphs POSTed over its
  Graph Store Protocol in chunks (timed); queries go to its anonymous ``/sparql`` without a dataset, where
  Virtuoso's default graph is the union of all its graphs (ours, plus its own system graphs);
* rdflib-endpoint (PyPI ``rdflib-endpoint``) in a process of its own, over an rdflib ``Dataset`` with
  ``default_union=True`` parsed from the N-Quads file (the parse is timed in that process);
* gzg-graph: ``gzg serve`` on the embedded store, with its default settings.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from live_server import free_port, tree_rss  # noqa: E402
from stores_setup import BenchVirtuoso  # noqa: E402
from virtuoso import _die_with_parent  # noqa: E402

BIN = Path(sys.executable).parent
GZG = str(BIN / "gzg")
OXIGRAPH = str(BIN / "oxigraph")
READY_QUERY = "ASK { }"
#: N-Triples lines per Graph Store POST to Virtuoso (Virtuoso 7.2 parses one request in one transaction).
VIRTUOSO_CHUNK = 100_000
#: Runs rdflib-endpoint over an rdflib Dataset with the union as default graph: argv = N-Quads file, port, the
#: file to write the parse's seconds to.
RDFLIB_SERVER = """
import json, sys, time
started = time.perf_counter()
from rdflib import Dataset
dataset = Dataset(default_union=True)
dataset.parse(sys.argv[1], format="nquads")
seconds = time.perf_counter() - started
import uvicorn
from rdflib_endpoint import SparqlEndpoint
app = SparqlEndpoint(graph=dataset, public_url=f"http://127.0.0.1:{sys.argv[2]}/")
open(sys.argv[3], "w").write(json.dumps({"seconds": seconds}))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


@dataclass
class Running:
    """A started server: its SPARQL endpoint (GET ``?query=``), its root process and how to stop it."""

    name: str
    query_url: str
    pid: int
    stop: Callable[[], None]
    load_seconds: float | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return "/".join(self.query_url.split("/")[:3])

    @property
    def path(self) -> str:
        return "/" + self.query_url.split("/", 3)[3] if self.query_url.count("/") > 2 else "/"


class PeakRss:
    """The peak resident memory (bytes) of a process tree, sampled in a thread while the ``with`` block runs."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.pid))


def _launch(argv: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A server in a process group of its own (stopped as a whole) that dies with this process."""
    with open(log, "wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own arguments
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            process_group=0,
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )


def _stopper(process: subprocess.Popen) -> Callable[[], None]:
    def stop() -> None:
        if process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 30)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    return stop


def wait_ready(url: str, process: subprocess.Popen | None, log: Path | None, seconds: float) -> None:
    """Return once ``url`` answers ``ASK {}``; fail with the log's tail if the process ends or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            answer = httpx.get(
                url, params={"query": READY_QUERY}, headers={"accept": "application/sparql-results+json"}
            )
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s:\n{tail}")


def oxigraph_server(nquads: Path, work: Path, timeout: float) -> Running:
    location = work / "oxigraph"
    started = time.perf_counter()
    subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(nquads)], check=True)  # noqa: S603
    seconds = time.perf_counter() - started
    port, log = free_port(), work / "oxigraph.log"
    argv = [OXIGRAPH, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = _launch([*argv, "--union-default-graph", "--timeout-s", f"{timeout:g}"], log)
    url = f"http://127.0.0.1:{port}/query"
    running = Running("Oxigraph server", url, process.pid, _stopper(process), seconds)
    try:
        wait_ready(url, process, log, 60)
    except BaseException:
        running.stop()
        raise
    return running


def _chunks(data: bytes, lines: int) -> list[bytes]:
    rows = data.splitlines(keepends=True)
    return [b"".join(rows[i : i + lines]) for i in range(0, len(rows), lines)]


def virtuoso_server(payload: dict[str, bytes], buffers: int, row_cap: int) -> Running:
    server = BenchVirtuoso.with_settings(buffers=buffers, row_cap=row_cap)
    running = Running("Virtuoso", server.public_url, server.process.pid, server.stop)
    try:
        with httpx.Client(auth=server.auth, timeout=600) as client:
            client.get(server.graph_store_url, params={"graph": "urn:x-bench:none"})  # the digest challenge, once
            started = time.perf_counter()
            for graph, data in payload.items():
                for chunk in _chunks(data, VIRTUOSO_CHUNK):
                    answer = client.post(
                        server.graph_store_url,
                        params={"graph": graph},
                        content=chunk,
                        headers={"content-type": "text/turtle"},
                    )
                    answer.raise_for_status()
            running.load_seconds = time.perf_counter() - started
        running.notes["settings"] = server.settings_text()
    except BaseException:
        running.stop()
        raise
    return running


def rdflib_server(nquads: Path, work: Path, timeout: float) -> Running:
    port, log, timing = free_port(), work / "rdflib-endpoint.log", work / "rdflib-load.json"
    timing.unlink(missing_ok=True)
    process = _launch([sys.executable, "-c", RDFLIB_SERVER, str(nquads), str(port), str(timing)], log)
    url = f"http://127.0.0.1:{port}/"
    running = Running("rdflib-endpoint", url, process.pid, _stopper(process))
    try:
        deadline = time.monotonic() + timeout
        while not timing.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        wait_ready(url, process, log, 60)
        running.load_seconds = json.loads(timing.read_text())["seconds"]
    except BaseException:
        running.stop()
        raise
    return running


def gzg_server(store_dir: Path, work: Path, base: str) -> Running:
    port, log = free_port(), work / "gzg-serve.log"
    env = {**os.environ, "GZG_STORE_DIR": str(store_dir), "GZG_BASE_URI": base, "GZG_LOG_LEVEL": "WARNING"}
    process = _launch([GZG, "serve", "--port", str(port)], log, env)
    url = f"http://127.0.0.1:{port}/sparql"
    running = Running("gzg-graph", url, process.pid, _stopper(process))
    try:
        wait_ready(url, process, log, 300)
    except BaseException:
        running.stop()
        raise
    return running
