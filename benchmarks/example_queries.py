"""Latency of every example query (``gzg_graph.queries.examples``): in process on pyoxigraph vs over HTTP.

For each example (SELECT, ASK, CONSTRUCT, DESCRIBE), in menu order, it measures p50 and p99 of

1. the floor: ``EmbeddedStore(store_dir).query(...)`` in this process (JSON results, N-Triples for graphs), and
2. the same query over HTTP against a real ``gzg serve`` started on the same store (GET /sparql, one keep-alive
   httpx client, sequential; ``--clients N`` adds a phase with N threads at once),

checks that both gave the same answer (rows as a multiset, the boolean, the set of N-Triples lines, or graph
isomorphism when there are blank nodes) and prints one table with the machine, the load and the command line; the
figures and every sample go to ``benchmarks/out/example-queries-*.json`` too. The first run of each query in each
mode is a warm-up and is not counted (``--warmup``). The store is by default the real graph built from ``data/``
into a temporary directory (``gzg build``, base http://127.0.0.1:8000); ``--generated N`` adds about N triples
from ``benchmarks/generate.py`` to it as a named graph of its own (``--synthetic-only``: those alone).

A query runs at most ``--limit`` seconds (default 30, also passed to the server as ``GZG_QUERY_TIMEOUT``): in
process it runs in a forked child that is killed past the limit, and the server stops it itself; such queries are
reported, not left out. ``--budget`` bounds the time spent repeating one query in one mode.

    python benchmarks/example_queries.py [--store DIR | --generated N [--synthetic-only]] [--repeat R]
        [--warmup W] [--clients N] [--limit S] [--budget S] [--only ID ...] [--method get|post]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
from generate import BASE as GENERATED_BASE
from generate import generate
from generate import path as generated_path

from gzg_graph import __version__
from gzg_graph.errors import GzgError
from gzg_graph.queries.examples import examples
from gzg_graph.store import EmbeddedStore, RdfFormat, ResultFormat, detect_query_kind
from gzg_graph.uris import UriPolicy

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
GZG = str(Path(sys.executable).parent / "gzg")
#: Answers on any store; used to see that the server is up and to wake every query worker.
POINT_QUERY = "ASK { ?s ?p ?o }"
ACCEPT = {"select": "application/sparql-results+json", "ask": "application/sparql-results+json"}
ACCEPT_GRAPH = "application/n-triples"
#: A query is repeated at least this often, even past its --budget (unless it fails).
MIN_RUNS = 3
#: Graphs with blank nodes up to this many triples are compared up to isomorphism (rdflib), larger ones by size.
ISOMORPHISM_LIMIT = 5000
_REQUEST_LINE = re.compile(
    r"\b(?:GET|POST|HEAD) /sparql (?:(\d{3}) ([0-9.]+) ms|ended with an error after ([0-9.]+) ms)"
)


# ------------------------------------------------------------------------------------------------ figures


def percentile(samples: list[float], q: float) -> float | None:
    """The q-quantile (nearest rank, as the other benchmarks here take it), None without samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def p50(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    value = seconds * 1000
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:.0f}"


@dataclass
class Mode:
    """The runs of one query in one mode (in process or HTTP): warm-up and measured latencies in seconds."""

    warmup: list[float] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)
    failure: str | None = None  # why the runs stopped early (limit, error, status), None when all went well

    def summary(self) -> dict[str, Any]:
        return {
            "n": len(self.runs),
            "p50_ms": None if not self.runs else 1000 * (p50(self.runs) or 0),
            "p99_ms": None if not self.runs else 1000 * (percentile(self.runs, 0.99) or 0),
            "warmup_ms": [1000 * t for t in self.warmup],
            "runs_ms": [1000 * t for t in self.runs],
            "failure": self.failure,
        }


@dataclass
class Concurrent:
    clients: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        ok = self.statuses.get(200, 0)
        return {
            "clients": self.clients,
            "n": len(self.latencies),
            "p50_ms": None if not self.latencies else 1000 * (p50(self.latencies) or 0),
            "p99_ms": None if not self.latencies else 1000 * (percentile(self.latencies, 0.99) or 0),
            "requests_per_s": ok / self.seconds if self.seconds else None,
            "statuses": {str(k): v for k, v in self.statuses.items()},
        }


@dataclass
class Outcome:
    id: str
    kind: str  # select, ask, construct, describe
    rows: str = "-"  # rows, true/false or triples
    bytes: int | None = None
    in_process: Mode = field(default_factory=Mode)
    http: Mode = field(default_factory=Mode)
    server_ms: list[float] = field(default_factory=list)  # the server's own time per measured request (its log)
    concurrent: Concurrent | None = None
    check: str = "-"

    def ratio(self) -> float | None:
        a, b = p50(self.in_process.runs), p50(self.http.runs)
        return b / a if a and b else None


# ------------------------------------------------------------------------------------------------ the store


def build_real_graph(store_dir: Path, base: str) -> float:
    """``gzg build`` into ``store_dir`` under ``base``; returns the seconds it took."""
    started = time.perf_counter()
    env = {**os.environ, "GZG_BASE_URI": base, "GZG_STORE_DIR": str(store_dir)}
    done = subprocess.run([GZG, "build", "--store-dir", str(store_dir)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gzg build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def add_generated(store_dir: Path, base: str, triples: int, alone: bool) -> dict[str, Any]:
    """About ``triples`` generated triples (benchmarks/generate.py, seeded) written as the named graph
    ``{base}/id/dataset/benchmark`` with the project's own write path (``replace_graphs``)."""
    started = time.perf_counter()
    cached = generated_path(triples).exists()  # generate() reuses its file
    path = generate(triples)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    graph = str(UriPolicy(base).graph("benchmark"))
    EmbeddedStore(store_dir).replace_graphs({graph: path.read_bytes()}, drop_others=alone)
    return {
        "file": path.name,
        "cached": cached,
        "generate_s": generated,
        "load_s": time.perf_counter() - started,
        "graph": graph,
    }


def detect_base(store: EmbeddedStore) -> str | None:
    """The base a store was built with, read from its named graphs ({base}/id/dataset/NAME)."""
    for info in store.graphs():
        found = re.fullmatch(r"(.+)/id/dataset/[^/]+", info.name)
        if found:
            return found.group(1)
    return None


# ------------------------------------------------------------------------------------------------ in process


def _in_process_child(
    connection: Connection, store: EmbeddedStore, sparql: str, fmt: Any, base_iri: str, args: argparse.Namespace
) -> None:
    """In a forked child (it shares the loaded store): every run's time goes to the parent as it ends, so the
    parent can stop a run that passes --limit; the first warm-up's answer goes along for the check."""
    try:
        for i in range(args.warmup):
            started = time.perf_counter()
            result = store.query(sparql, fmt, base_iri=base_iri)
            connection.send(("warm", time.perf_counter() - started, result.body if i == 0 else None))
        begun = time.perf_counter()
        for i in range(args.repeat):
            if i >= MIN_RUNS and time.perf_counter() - begun > args.budget:
                break
            started = time.perf_counter()
            store.query(sparql, fmt, base_iri=base_iri)
            connection.send(("run", time.perf_counter() - started, None))
        connection.send(("done", 0.0, None))
    except GzgError as e:
        connection.send(("error", 0.0, str(e)))
    finally:
        connection.close()


def run_in_process(
    store: EmbeddedStore, sparql: str, fmt: Any, base_iri: str, args: argparse.Namespace
) -> tuple[Mode, bytes | None]:
    mode, body = Mode(), None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_in_process_child, args=(sender, store, sparql, fmt, base_iri, args))
    child.start()
    sender.close()
    while True:
        if not receiver.poll(args.limit):
            child.kill()
            done = len(mode.warmup) + len(mode.runs)
            mode.failure = f"run {done + 1} stopped after {args.limit:g} s (--limit)"
            break
        try:
            what, seconds, payload = receiver.recv()
        except EOFError:
            mode.failure = f"the child ended without an answer (exit code {child.exitcode})"
            break
        if what == "warm":
            mode.warmup.append(seconds)
            body = payload if payload is not None else body
        elif what == "run":
            mode.runs.append(seconds)
        elif what == "error":
            mode.failure = f"error: {payload}"
            break
        else:
            break
    child.join(timeout=30)
    receiver.close()
    return mode, body


# ------------------------------------------------------------------------------------------------ over HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``gzg serve`` as a subprocess on a free port, its log in a file (one line per request, with its time)."""

    def __init__(self, store_dir: Path, base: str, work: Path, limit: float, log_level: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.log = work / "server.log"
        self.workers = int(os.environ.get("GZG_QUERY_WORKERS", "2"))
        self.point_queries = 0  # answered ones: each has a line in the log
        env = {
            **os.environ,
            "GZG_STORE_DIR": str(store_dir),
            "GZG_BASE_URI": base,
            "GZG_LOG_LEVEL": log_level,
            "GZG_QUERY_TIMEOUT": f"{limit:g}",
            "COLUMNS": "200",  # the log's console: one line per request
        }
        with open(self.log, "wb") as handle:
            self.process = subprocess.Popen(
                [GZG, "serve", "--port", str(self.port)], env=env, stdout=handle, stderr=subprocess.STDOUT
            )

    def wait_ready(self, client: httpx.Client, seconds: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if self.process.poll() is not None:
                break
            try:
                if self.point_query(client, seconds).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not start: {self.log.read_text(errors='replace')[-3000:]}")

    def point_query(self, client: httpx.Client, timeout: float) -> httpx.Response:
        answer = point_query(client, self.url, timeout)
        self.point_queries += 1
        return answer

    def settle(self, client: httpx.Client, seconds: float = 600) -> None:
        """Point queries until ``workers + 1`` in a row answer fast: every worker has loaded the store (a new
        worker, after a stopped query, loads it first; that must not count in the next query's figures)."""
        fast, started = 0, time.monotonic()
        while fast <= self.workers and time.monotonic() - started < seconds:
            begun = time.perf_counter()
            answer = self.point_query(client, seconds)
            fast = fast + 1 if answer.status_code == 200 and time.perf_counter() - begun < 0.5 else 0

    def request_times(self) -> list[tuple[int | None, float]]:
        """(status, ms) of every /sparql request, in the order the server answered them."""
        found: list[tuple[int | None, float]] = []
        for line in self.log.read_text(errors="replace").splitlines():
            match = _REQUEST_LINE.search(line)
            if match:
                status, took, failed = match.groups()
                found.append((int(status), float(took)) if status else (None, float(failed)))
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def point_query(client: httpx.Client, url: str, timeout: float) -> httpx.Response:
    return client.get(url, params={"query": POINT_QUERY}, headers={"accept": ACCEPT["ask"]}, timeout=timeout)


def send(client: httpx.Client, url: str, sparql: str, accept: str, method: str) -> httpx.Response:
    if method == "post":
        return client.post(
            url, content=sparql.encode(), headers={"accept": accept, "content-type": "application/sparql-query"}
        )
    return client.get(url, params={"query": sparql}, headers={"accept": accept})


def _failure(answer: httpx.Response, seconds: float) -> str:
    try:
        detail = str(answer.json().get("detail", ""))
    except ValueError:
        detail = answer.text[:200]
    return f"HTTP {answer.status_code} after {seconds:.1f} s: {detail[:200]}"


def run_http(
    client: httpx.Client, url: str, sparql: str, accept: str, args: argparse.Namespace, sent: list[str], tag: str
) -> tuple[Mode, bytes | None]:
    """Warm-up and measured requests, sequential on one keep-alive connection; ``sent`` gets a tag per request
    (to pair them with the server's log lines afterwards)."""
    mode, body = Mode(), None
    for i in range(args.warmup):
        started = time.perf_counter()
        sent.append(f"{tag}:warmup")
        try:
            answer = send(client, url, sparql, accept, args.method)
        except httpx.TransportError as e:
            mode.failure = f"{e.__class__.__name__} after {time.perf_counter() - started:.1f} s"
            return mode, None
        seconds = time.perf_counter() - started
        mode.warmup.append(seconds)
        if answer.status_code != 200:
            mode.failure = _failure(answer, seconds)
            return mode, None
        if i == 0:
            body = answer.content
    begun = time.perf_counter()
    for i in range(args.repeat):
        if i >= MIN_RUNS and time.perf_counter() - begun > args.budget:
            break
        started = time.perf_counter()
        sent.append(f"{tag}:run")
        answer = send(client, url, sparql, accept, args.method)
        seconds = time.perf_counter() - started
        if answer.status_code != 200:
            mode.failure = _failure(answer, seconds)
            break
        mode.runs.append(seconds)
    return mode, body


def run_concurrent(url: str, sparql: str, accept: str, args: argparse.Namespace) -> Concurrent:
    """``--clients`` threads, each with its own keep-alive connection, sending the query at the same time."""
    outcome = Concurrent(args.clients)
    barrier = threading.Barrier(args.clients)
    lock = threading.Lock()
    begun: list[float] = []

    def one_client() -> None:
        mine: list[tuple[float, int]] = []
        with httpx.Client(timeout=args.limit + 60) as client:
            point_query(client, url, timeout=args.limit + 60)  # open the connection before the start
            if barrier.wait() == 0:
                begun.append(time.perf_counter())
            started_all = time.perf_counter()
            for i in range(args.repeat):
                if i >= MIN_RUNS and time.perf_counter() - started_all > args.budget:
                    break
                started = time.perf_counter()
                try:
                    status = send(client, url, sparql, accept, args.method).status_code
                except httpx.TransportError:
                    status = 0
                mine.append((time.perf_counter() - started, status))
        with lock:
            for seconds, status in mine:
                outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
                if status == 200:
                    outcome.latencies.append(seconds)

    threads = [threading.Thread(target=one_client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - begun[0] if begun else 0.0
    return outcome


# ------------------------------------------------------------------------------------------------ checks


def describe_answer(kind: str, body: bytes) -> str:
    if kind in ("select", "ask"):
        data = json.loads(body)
        return str(data["boolean"]).lower() if "boolean" in data else str(len(data["results"]["bindings"]))
    return str(sum(1 for line in body.splitlines() if line.strip()))


def same_answer(kind: str, local: bytes, remote: bytes) -> str:
    """'ok', or what differs between the answer in process and the one over HTTP."""
    if kind in ("select", "ask"):
        a, b = json.loads(local), json.loads(remote)
        if "boolean" in a or "boolean" in b:
            return (
                "ok" if a.get("boolean") == b.get("boolean") else f"MISMATCH {a.get('boolean')} vs {b.get('boolean')}"
            )
        rows_a, rows_b = a["results"]["bindings"], b["results"]["bindings"]
        if len(rows_a) != len(rows_b):
            return f"MISMATCH {len(rows_a)} vs {len(rows_b)} rows"
        if sorted(a["head"].get("vars", [])) != sorted(b["head"].get("vars", [])):
            return "MISMATCH variables"
        if any(v.get("type") == "bnode" for row in rows_a for v in row.values()):
            return "ok (rows; blank nodes)"
        canonical_a = sorted(json.dumps(r, sort_keys=True) for r in rows_a)
        canonical_b = sorted(json.dumps(r, sort_keys=True) for r in rows_b)
        return "ok" if canonical_a == canonical_b else "MISMATCH row values"
    lines_a = sorted(line for line in local.splitlines() if line.strip())
    lines_b = sorted(line for line in remote.splitlines() if line.strip())
    if len(lines_a) != len(lines_b):
        return f"MISMATCH {len(lines_a)} vs {len(lines_b)} triples"
    if b"_:" not in local and b"_:" not in remote:
        return "ok" if lines_a == lines_b else "MISMATCH triples"
    if len(lines_a) > ISOMORPHISM_LIMIT:
        return "ok (size; blank nodes)" if len(local) == len(remote) else "MISMATCH bytes"
    from rdflib import Graph
    from rdflib.compare import isomorphic

    graphs = [Graph().parse(data=body, format="nt") for body in (local, remote)]
    return "ok (isomorphic)" if isomorphic(*graphs) else "MISMATCH graphs"


# ------------------------------------------------------------------------------------------------ context


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "python": sys.version.split()[0]}


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def checkout() -> dict[str, Any]:
    """The commit and the files changed since, in the code that is measured (the server runs the work tree)."""

    def git(*argv: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *argv], capture_output=True, text=True)
        return done.stdout.rstrip("\n") if done.returncode == 0 else ""

    changed = [line[3:] for line in git("status", "--porcelain", "--", "gzg_graph", "api").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD"), "changed": changed}


def versions() -> dict[str, str]:
    import fastapi
    import pyoxigraph
    import uvicorn

    return {
        "gzg_graph": __version__,
        "pyoxigraph": pyoxigraph.__version__,
        "fastapi": fastapi.__version__,
        "uvicorn": uvicorn.__version__,
        "httpx": httpx.__version__,
    }


# ------------------------------------------------------------------------------------------------ main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, help="a built store directory (default: build the real graph)")
    where.add_argument("--generated", type=int, metavar="N", help="add about N generated triples to the real graph")
    parser.add_argument("--synthetic-only", action="store_true", help="with --generated: the generated triples alone")
    parser.add_argument("--base", help="the base the --store was built with (default: read from its graph names)")
    parser.add_argument("--repeat", type=int, help="measured runs per query and mode (default 50; 10 with --generated)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs per query and mode, not counted (1)")
    parser.add_argument("--clients", type=int, default=1, help="also measure N concurrent HTTP clients (threads)")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds one query may run (GZG_QUERY_TIMEOUT: 30)")
    parser.add_argument("--budget", type=float, help="seconds of repeats per query and mode (default 20; 10 generated)")
    parser.add_argument("--method", choices=("get", "post"), default="get", help="GET ?query= or POST direct")
    parser.add_argument(
        "--server-log-level",
        default="INFO",
        help="the server's GZG_LOG_LEVEL (INFO, its default, logs each request: the 'server' column; WARNING: none)",
    )
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these example ids")
    parser.add_argument("--out", type=Path, help="the JSON file (default: benchmarks/out/example-queries-*.json)")
    args = parser.parse_args()
    if args.synthetic_only and not args.generated:
        parser.error("--synthetic-only needs --generated N")
    if args.repeat is None:
        args.repeat = 10 if args.generated else 50
    if args.budget is None:
        args.budget = 10.0 if args.generated else 20.0
    if args.warmup < 1:
        parser.error("--warmup must be at least 1 (the first run is the warm-up, and its answer is checked)")
    return args


def main() -> None:
    args = parse_args()
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    load_before = uptime()
    work = Path(tempfile.mkdtemp(prefix="gzg-bench-examples-"))
    server: Server | None = None
    setup: dict[str, Any] = {}
    try:
        if args.store:
            store_dir = args.store.resolve()
            label = "store"
            setup["store"] = str(store_dir)
        else:
            store_dir = work / "store"
            base = GENERATED_BASE  # generate.py writes its IRIs under this base; the real graph is built with it
            setup["build_s"] = build_real_graph(store_dir, base) if not args.synthetic_only else 0.0
            label = "real"
            if args.generated:
                setup["generated"] = add_generated(store_dir, base, args.generated, args.synthetic_only)
                label = f"generated-{args.generated}" + ("-only" if args.synthetic_only else "")
        started = time.perf_counter()
        store = EmbeddedStore(store_dir, create=False)
        setup["open_s"] = time.perf_counter() - started
        base = args.base or detect_base(store) or ""
        if not base:
            raise SystemExit("cannot tell the base the store was built with; give --base")
        graphs = store.graphs()
        setup["triples"] = sum(g.triples for g in graphs)
        setup["graphs"] = {g.name: g.triples for g in graphs}
        chosen = [e for e in examples(base) if not args.only or e.id in args.only]
        if args.only and len(chosen) != len(set(args.only)):
            known = {e.id for e in examples()}
            raise SystemExit(f"unknown example id(s): {', '.join(sorted(set(args.only) - known))}")
        print(
            f"store: {label}, {setup['triples']:,} triples in {len(graphs)} named graphs, base {base}; "
            + (f"build {setup['build_s']:.1f} s, " if setup.get("build_s") else "")
            + (
                f"generate {setup['generated']['generate_s']:.1f} s"
                + (" (file reused)" if setup["generated"]["cached"] else "")
                + f" + load {setup['generated']['load_s']:.1f} s, "
                if "generated" in setup
                else ""
            )
            + f"open {setup['open_s']:.1f} s",
            flush=True,
        )

        client = httpx.Client(timeout=args.limit + 60)
        server = Server(store_dir, base, work, args.limit, args.server_log_level)
        setup["server_start_s"] = server.wait_ready(client, 900)
        server.settle(client)
        sent = ["ready"] * server.point_queries  # the requests so far (start, settling)
        print(f"server: pid {server.process.pid}, up in {setup['server_start_s']:.1f} s, {server.url}", flush=True)

        outcomes: list[Outcome] = []
        first_request: dict[str, int] = {}  # where each query's requests start in ``sent``
        for example in chosen:
            kind = detect_query_kind(example.sparql)
            keyword = re.search(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", example.sparql, re.I | re.M)
            outcome = Outcome(example.id, keyword.group(1).lower() if keyword else kind)
            fmt: Any = RdfFormat.NTRIPLES if kind == "graph" else ResultFormat.JSON
            accept = ACCEPT_GRAPH if kind == "graph" else ACCEPT[kind]
            print(f"  {example.id} ...", end=" ", flush=True)
            outcome.in_process, local = run_in_process(store, example.sparql, fmt, f"{base}/sparql", args)
            print(f"in process {ms(p50(outcome.in_process.runs))} ms,", end=" ", flush=True)
            first_request[example.id] = len(sent)
            outcome.http, remote = run_http(client, server.url, example.sparql, accept, args, sent, example.id)
            print(f"HTTP {ms(p50(outcome.http.runs))} ms", flush=True)
            if outcome.http.failure:
                before = server.point_queries
                server.settle(client)
                sent.extend(["settle"] * (server.point_queries - before))
            answer = remote if remote is not None else local
            if answer is not None:
                outcome.rows, outcome.bytes = describe_answer(kind, answer), len(answer)
            if local is not None and remote is not None:
                outcome.check = same_answer(kind, local, remote)
            else:
                outcome.check = "n/a (no answer to compare)"
            if args.clients > 1 and not outcome.http.failure:
                outcome.concurrent = run_concurrent(server.url, example.sparql, accept, args)
                calls = sum(outcome.concurrent.statuses.values()) + args.clients
                sent.extend([f"{example.id}:concurrent"] * calls)
            outcomes.append(outcome)

        time.sleep(0.5)  # the server logs a request after its last byte is sent
        logged = server.request_times()
        paired = len(logged) == len(sent)
        if not paired and args.server_log_level.upper() in ("INFO", "DEBUG"):
            print(f"note: {len(logged)} request lines in the server log for {len(sent)} requests; no server column")
        for outcome in outcomes:
            if paired:
                first = first_request[outcome.id]
                stop = first + args.warmup + len(outcome.http.runs)
                outcome.server_ms = [
                    took
                    for tag, (status, took) in zip(sent[first:stop], logged[first:stop], strict=True)
                    if tag.endswith(":run") and status == 200
                ]
        load_after = uptime()
        report(args, command, label, base, setup, outcomes, load_before, load_after, server)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(
    args: argparse.Namespace,
    command: str,
    label: str,
    base: str,
    setup: dict[str, Any],
    outcomes: list[Outcome],
    load_before: str,
    load_after: str,
    server: Server,
) -> None:
    info, code = machine(), checkout()
    concurrent = args.clients > 1
    print()
    print(f"command:  {command}")
    print(f"machine:  nproc {info['nproc']}, CPU {info['cpu']}, Python {info['python']}")
    print(f"load:     before: {load_before}")
    print(f"          after:  {load_after}")
    print(
        f"code:     {code['commit']}"
        + (f" + uncommitted changes in {', '.join(code['changed'])}" if code["changed"] else " (clean)")
    )
    print(
        f"store:    {label}, {setup['triples']:,} triples; server: {server.workers} query workers, "
        f"GZG_QUERY_TIMEOUT {args.limit:g} s, GZG_LOG_LEVEL {args.server_log_level}; HTTP {args.method.upper()}, keep-alive, 1 client"
        + (f" (and {args.clients} at once)" if concurrent else "")
    )
    print(
        f"runs:     {args.warmup} warm-up + up to {args.repeat} measured per query and mode "
        f"(fewer past {args.budget:g} s, at least {MIN_RUNS}); times in ms; 'server' = the server's own time "
        "per request (its log)"
    )
    head = (
        f"{'query':<30} {'kind':<9} {'rows':>7} {'bytes':>10} | {'n':>3} {'in p50':>8} {'in p99':>8} | "
        f"{'n':>3} {'HTTP p50':>8} {'HTTP p99':>8} | {'HTTP/in':>7} {'server':>8}"
    )
    if concurrent:
        head += f" | {f'{args.clients}cl p50':>8} {f'{args.clients}cl p99':>8} {'req/s':>7}"
    head += " | check"
    print(head)
    print("-" * len(head))
    for o in outcomes:
        ratio = o.ratio()
        line = (
            f"{o.id:<30} {o.kind:<9} {o.rows:>7} {o.bytes if o.bytes is not None else '-':>10} | "
            f"{len(o.in_process.runs):>3} {ms(p50(o.in_process.runs)):>8} {ms(percentile(o.in_process.runs, 0.99)):>8} | "
            f"{len(o.http.runs):>3} {ms(p50(o.http.runs)):>8} {ms(percentile(o.http.runs, 0.99)):>8} | "
            f"{f'{ratio:.2f}x' if ratio else '-':>7} {ms(p50([t / 1000 for t in o.server_ms])):>8}"
        )
        if concurrent:
            c = o.concurrent
            if c is None:
                line += f" | {'-':>8} {'-':>8} {'-':>7}"
            else:
                rate = c.summary()["requests_per_s"]
                line += (
                    f" | {ms(p50(c.latencies)):>8} {ms(percentile(c.latencies, 0.99)):>8} "
                    f"{f'{rate:.1f}' if rate else '-':>7}"
                )
        print(line + f" | {o.check}")
    failures = [
        (o.id, mode, m.failure)
        for o in outcomes
        for mode, m in (("in process", o.in_process), ("HTTP", o.http))
        if m.failure
    ]
    for query, mode, failure in failures:
        print(f"stopped:  {query}, {mode}: {failure}")
    for o in outcomes:
        if o.concurrent and set(o.concurrent.statuses) - {200}:
            print(f"errors:   {o.id}, {args.clients} clients: statuses {o.concurrent.statuses}")
    both = [o for o in outcomes if o.in_process.runs and o.http.runs]
    if both:
        local = [p50(o.in_process.runs) or 0 for o in both]
        remote = [p50(o.http.runs) or 0 for o in both]
        overhead = [r - a for a, r in zip(local, remote, strict=True)]
        print(
            f"summary:  {len(both)} queries measured both ways: sum of p50 in process {ms(sum(local))} ms, over HTTP "
            f"{ms(sum(remote))} ms; HTTP - in process p50: median {ms(statistics.median(overhead))} ms "
            f"(min {ms(min(overhead))}, max {ms(max(overhead))})"
        )
        logged = [o for o in both if o.server_ms]
        if logged:
            inside = [p50([t / 1000 for t in o.server_ms]) or 0 for o in logged]
            outside = [(p50(o.http.runs) or 0) - s for o, s in zip(logged, inside, strict=True)]
            app = [s - (p50(o.in_process.runs) or 0) for o, s in zip(logged, inside, strict=True)]
            print(
                f"split:    median over queries of p50 differences: client + uvicorn (HTTP - server) "
                f"{ms(statistics.median(outside))} ms; inside the app, beyond the engine (server - in process) "
                f"{ms(statistics.median(app))} ms"
            )

    def slowness(o: Outcome) -> float:
        return float("inf") if o.in_process.failure or o.http.failure else p50(o.http.runs) or 0.0

    def took(o: Outcome) -> str:
        if o.in_process.failure or o.http.failure:
            return "did not finish; " + ", ".join(
                f"{mode}: {m.failure.split(':')[0]}"
                for mode, m in (("in process", o.in_process), ("over HTTP", o.http))
                if m.failure
            )
        return f"{ms(p50(o.http.runs))} ms HTTP, {ms(p50(o.in_process.runs))} ms in process"

    for o in sorted(outcomes, key=slowness, reverse=True)[:5]:
        print(f"slowest:  {o.id} ({took(o)})")

    OUT.mkdir(exist_ok=True)
    path = args.out or OUT / f"example-queries-{label}-{datetime.now().strftime('%Y%m%dT%H%M%S')}.json"
    document = {
        "command": command,
        "machine": {**info, "load_before": load_before, "load_after": load_after},
        "code": code,
        "versions": versions(),
        "store": {"label": label, "base": base, **setup},
        "settings": {
            "repeat": args.repeat,
            "warmup": args.warmup,
            "budget_s": args.budget,
            "limit_s": args.limit,
            "method": args.method,
            "clients": args.clients,
            "query_workers": server.workers,
            "server_log_level": args.server_log_level,
        },
        "queries": [
            {
                "id": o.id,
                "kind": o.kind,
                "rows": o.rows,
                "bytes": o.bytes,
                "check": o.check,
                "in_process": o.in_process.summary(),
                "http": o.http.summary(),
                "http_over_in_process_p50": o.ratio(),
                "server_ms": o.server_ms,
                "concurrent": o.concurrent.summary() if o.concurrent else None,
            }
            for o in outcomes
        ],
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"written:  {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


if __name__ == "__main__":
    main()
