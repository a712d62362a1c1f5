"""The JSON-LD API over HTTP: a resource document and a filtered collection, against DESCRIBE in process.

For the real graph (``gzg build``) and, with ``--generated N``, the real graph plus about N generated triples
(``benchmarks/generate.py``, seeded), it starts ``gzg serve`` and loads it from a separate process with ``wrk``
(Debian package ``wrk``; ``make bench`` installs it as root) at 1 and 8 connections, and prints requests per
second and p50/p99 latency for:

* ``document (same)``: one project's JSON-LD document, asked again and again (what a popular page sees: after the
  first answer it comes from the answers kept for the store's generation, ``api/answer_cache.py``);
* ``documents (distinct, nothing kept)``: a different document on every request (projects, then local
  governments), on a server that keeps no answers (the cold path: description reads,
  nesting and JSON-LD compaction each time);
* ``collection ...``: each filtered, paged collection of ``--collection`` (default: West Flanders' local
  governments searched for "kerke", and projects searched for "digitaal"), asked again and again;
* ``collection (distinct, nothing kept)``: the first of them with a different page size on every request (1 to
  100), on a server that keeps no answers (``GZG_RESPONSE_CACHE_MB=0``): the members are read each time;

next to the baseline measured in the same run on the same store: the same resource's ``DESCRIBE`` in process on
pyoxigraph (the engine's floor for "the triples about it") and our description plus JSON-LD in process (the
cold path without HTTP).

    python benchmarks/api_documents.py [--generated 1000000] [--seconds 10] [--clients 1 8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from example_queries import GZG, add_generated, build_real_graph, free_port  # noqa: E402

from gzg_graph.formats import RdfFormat, ResultFormat  # noqa: E402
from gzg_graph.publishing import describe, jsonld  # noqa: E402
from gzg_graph.store import EmbeddedStore  # noqa: E402
from gzg_graph.uris import UriPolicy  # noqa: E402

BASE = "http://127.0.0.1:8000"
REAL_DOCUMENT = "/doc/project/burgerloket"
DEFAULT_COLLECTIONS = ["/local-governments?province=west-vlaanderen&q=kerke", "/projects?q=digitaal"]
JSONLD = "application/ld+json"
LOCAL_GOVERNMENT = "http://data.vlaanderen.be/ns/besluit#Bestuurseenheid"
#: wrk's script: the paths in turn, one per request; at the end one JSON line with the figures (times in ms).
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "%s"})
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format('\\nRESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p99": %%f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
"""


def wrk(url: str, paths: list[str], accept: str, clients: int, seconds: float, work: Path) -> dict[str, float]:
    script = work / "paths.lua"
    script.write_text(WRK_SCRIPT % (", ".join(json.dumps(p) for p in paths), accept))
    done = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["requests/s"] = figures["requests"] / figures["seconds"]
    return figures


def in_process(store_dir: Path, uri: str, repeat: int) -> dict[str, dict[str, float]]:
    """p50/p99 (ms) of DESCRIBE on pyoxigraph and of our description + JSON-LD, in this process."""
    store = EmbeddedStore(store_dir)
    uris = UriPolicy(BASE)

    def pyoxigraph_describe() -> None:
        store.query(f"DESCRIBE <{uri}>", RdfFormat.NTRIPLES)

    def our_document() -> None:
        graph = describe.document(store, uri, uris, uris.doc_for(uri))
        jsonld.serialise(jsonld.to_jsonld(graph, uri, uris))

    results = {}
    for name, run in (("DESCRIBE (pyoxigraph)", pyoxigraph_describe), ("description + JSON-LD", our_document)):
        run()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            times.append(1000 * (time.perf_counter() - started))
        times.sort()
        results[name] = {"p50": statistics.median(times), "p99": times[int(0.99 * (len(times) - 1))]}
    return results


def serve(store_dir: Path, work: Path, cache_mb: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GZG_STORE_DIR": str(store_dir), "GZG_BASE_URI": BASE, "GZG_LOG_LEVEL": "WARNING"}
    env["GZG_RESPONSE_CACHE_MB"] = str(cache_mb)
    with open(work / "server.log", "wb") as log:  # the child keeps its own copy of the handle
        process = subprocess.Popen([GZG, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/", headers={"accept": "application/json"}, timeout=60).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit((work / "server.log").read_text(errors="replace")[-3000:])


def documents(store_dir: Path, limit: int) -> list[str]:
    """Paths of up to ``limit`` documents for the distinct-documents workload, in a seeded random order: the
    projects, then the local governments (LBLOD URIs, described at ``/resource?uri=``)."""
    store = EmbeddedStore(store_dir)
    found: list[str] = []
    for kind in ("http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie", LOCAL_GOVERNMENT):
        sparql = f"SELECT DISTINCT ?r WHERE {{ ?r a <{kind}> }} ORDER BY ?r LIMIT {limit - len(found)}"
        for row in json.loads(store.query(sparql, ResultFormat.JSON).body)["results"]["bindings"]:
            uri = row["r"]["value"]
            found.append(
                uri.removeprefix(BASE).replace("/id/", "/doc/", 1)
                if uri.startswith(BASE)
                else f"/resource?uri={quote(uri, safe='')}"
            )
    random.Random(42).shuffle(found)
    return found


def run(label: str, store_dir: Path, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    distinct = documents(store_dir, 5000)
    one = REAL_DOCUMENT if REAL_DOCUMENT in distinct else next(d for d in distinct if d.startswith("/doc/project/"))
    floor = in_process(store_dir, BASE + one.replace("/doc/", "/id/", 1), args.repeat)
    # the same URL again: answered from the kept answers after the first time (the server as configured)
    same = {"document (same)": [one], **{f"collection {path}": [path] for path in args.collection}}
    # a different URL each time, on a server that keeps no answers: every request is computed
    distinct_urls = {
        "documents (distinct, nothing kept)": distinct,
        "collection (distinct, nothing kept)": [f"{args.collection[0]}&pageSize={n}" for n in range(1, 101)],
    }
    http: dict[str, Any] = {}
    for workloads, cache_mb in ((same, 64), (distinct_urls, 0)):
        process, url = serve(store_dir, work, cache_mb)
        try:
            for path in args.collection:
                checked = httpx.get(url + path, headers={"accept": JSONLD}, timeout=60)
                if checked.status_code != 200:
                    raise SystemExit(f"{path} answered {checked.status_code}: {checked.text[:500]}")
            for name, paths in workloads.items():
                http[name] = {c: wrk(url, paths, JSONLD, c, args.seconds, work) for c in args.clients}
        finally:
            process.terminate()
            process.wait(timeout=60)
    return {"graph": label, "document": one, "distinct documents": len(distinct), "in process": floor, "http": http}


def report(result: dict[str, Any]) -> None:
    print(f"\n== {result['graph']} ({result['distinct documents']} distinct documents; the same: {result['document']})")
    for name, figures in result["in process"].items():
        print(f"in process  {name:<48} p50 {figures['p50']:8.2f} ms   p99 {figures['p99']:8.2f} ms")
    floor = result["in process"]["DESCRIBE (pyoxigraph)"]["p50"]
    print(
        f"{'over HTTP':<11} {'workload':<48} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50/DESCRIBE':>13}"
    )
    for name, by_clients in result["http"].items():
        for clients, f in by_clients.items():
            print(
                f"{'':<11} {name:<48} {clients:>7} {f['requests/s']:>8.0f} {f['p50']:>8.2f} {f['p99']:>8.2f} "
                f"{f['p50'] / floor:>12.1f}x" + (f"  ({f['errors']} errors)" if f["errors"] else "")
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--generated", type=int, metavar="N", help="also measure the real graph plus N generated triples"
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--repeat", type=int, default=200, help="in-process runs per baseline")
    parser.add_argument(
        "--collection", nargs="+", default=DEFAULT_COLLECTIONS, help="filtered collections: path and query"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench installs it as root)")
    work = Path(tempfile.mkdtemp(prefix="gzg-api-bench-"))
    results = []
    try:
        store_dir = work / "store"
        build_real_graph(store_dir, BASE)
        results.append(run("real graph", store_dir, args, work))
        report(results[-1])
        if args.generated:
            add_generated(store_dir, BASE, args.generated, alone=False)
            results.append(run(f"real graph + {args.generated:,} generated triples", store_dir, args, work))
            report(results[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    path = out / f"api-documents-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nfigures written to {path}")


if __name__ == "__main__":
    main()
