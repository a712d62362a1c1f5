"""SPARQL over HTTP: a point query's latency and the throughput at N concurrent clients, with a baseline.

Starts ``gzg serve`` on a store (default: builds the real graph into a temporary store), then fires point
queries from a separate load process (an asyncio/httpx client) and prints p50/p99 latency and requests per
second, next to the same query run in process on pyoxigraph (the floor). ``--compare DIR`` runs the same
load against another checkout of the project (for example the commit before a change) in the same run and
prints the ratios.

    python benchmarks/http_endpoint.py [--clients 1 32] [--seconds 10] [--store DIR] [--compare DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
POINT_QUERY = (
    "SELECT ?label WHERE { <http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff>"
    " <http://purl.org/dc/terms/title> ?label }"
)
#: Serves a checkout's app without the installed entry point (for --compare): argv = checkout, store, port.
#: The checkout's own web layer is imported as ``gzg_api`` from its ``api/`` folder: a plain import would find the
#: editable install's mapping to this checkout's ``api/`` and measure the same web code twice.
SERVE_CHECKOUT = """
import importlib.util, os, sys
sys.path.insert(0, sys.argv[1])
os.environ["GZG_STORE_DIR"] = sys.argv[2]
web = os.path.join(sys.argv[1], "api")
spec = importlib.util.spec_from_file_location("gzg_api", os.path.join(web, "__init__.py"), submodule_search_locations=[web])
sys.modules["gzg_api"] = module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import uvicorn
from gzg_api.app import create_app
assert create_app.__code__.co_filename.startswith(sys.argv[1]), create_app.__code__.co_filename
uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(checkout: Path, store: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GZG_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-c", SERVE_CHECKOUT, str(checkout), str(store), str(port)], env=env)
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, params={"query": POINT_QUERY}, timeout=30).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server of {checkout} did not start")


async def _load(url: str, clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one_client() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                answer = await client.get(
                    url, params={"query": POINT_QUERY}, headers={"accept": "application/sparql-results+json"}
                )
                if answer.status_code == 200:
                    latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(one_client() for _ in range(clients)))
    return latencies


def measure(url: str, clients: int, seconds: float) -> dict[str, float]:
    """Run the load in a separate process, so the client's own work does not slow the server's process."""
    code = (
        f"import asyncio, json, sys; sys.path.insert(0, {str(REPO / 'benchmarks')!r}); import http_endpoint as h; "
        f"print(json.dumps(asyncio.run(h._load({url!r}, {clients}, {seconds}))))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    import json

    latencies = sorted(json.loads(output))
    return {
        "requests/s": len(latencies) / seconds,
        "p50 ms": 1000 * statistics.median(latencies),
        "p99 ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "requests": len(latencies),
    }


def in_process(store: Path) -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    from gzg_graph.formats import ResultFormat
    from gzg_graph.store import EmbeddedStore

    embedded = EmbeddedStore(store)
    times = []
    for _ in range(2000):
        started = time.perf_counter()
        embedded.query(POINT_QUERY, ResultFormat.JSON)
        times.append(time.perf_counter() - started)
    times.sort()
    return {"p50 ms": 1000 * statistics.median(times), "p99 ms": 1000 * times[int(0.99 * (len(times) - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--store", type=Path, help="a built store (default: build the real graph)")
    parser.add_argument("--compare", type=Path, help="another checkout of the project, measured as the baseline")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gzg-bench-"))
    store = args.store
    if store is None:
        store = work / "store"
        subprocess.run(
            [str(Path(sys.executable).parent / "gzg"), "build", "--store-dir", str(store)],
            check=True,
            capture_output=True,
        )
    floor = in_process(store)
    print(
        f"in process (pyoxigraph, this checkout): point query p50 {floor['p50 ms']:.3f} ms, p99 {floor['p99 ms']:.3f} ms"
    )
    checkouts = [("this checkout", REPO)] + ([("baseline", args.compare)] if args.compare else [])
    results: dict[str, dict[int, dict[str, float]]] = {}
    for name, checkout in checkouts:
        copy = work / f"store-{name.replace(' ', '-')}"
        shutil.copytree(store, copy)
        process, url = start(checkout, copy)
        try:
            results[name] = {clients: measure(url, clients, args.seconds) for clients in args.clients}
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    print(f"{'server':<14} {'clients':>7} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8}")
    for name, by_clients in results.items():
        for clients, figures in by_clients.items():
            print(
                f"{name:<14} {clients:>7} {figures['requests/s']:>11.0f} {figures['p50 ms']:>8.2f} "
                f"{figures['p99 ms']:>8.2f}"
            )
    if "baseline" in results:
        for clients in args.clients:
            now, before = results["this checkout"][clients], results["baseline"][clients]
            print(
                f"ratio at {clients} client(s): throughput {now['requests/s'] / before['requests/s']:.2f}x, "
                f"p50 {now['p50 ms'] / before['p50 ms']:.2f}x"
            )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
