"""The embedded store and the remote store over a real Virtuoso, on the same ~1M-triple dataset, in one run.

The dataset is the real graph (``data/``, assembled as ``gzg build`` does) plus projects and participations of
the seeded generator (``benchmarks/generate.py``) up to ``--triples`` in all, written as the graph
``{base}/id/dataset/benchmark``. The Virtuoso is started here (``tests/virtuoso.py``'s server, from
``scripts/virtuoso.ini`` with bench settings: a larger page cache and query memory, a longer time limit; the
row cap ``ResultSetMaxRows`` stays at Virtuoso's default of 10,000 unless ``--row-cap`` says otherwise, so
the remote store's paging shows). Three workloads, on both stores:

1. **load**: ``replace_graphs(..., drop_others=True)`` of the whole dataset, as ``gzg build`` does: triples/s;
   the remote store split into its Graph Store POSTs (staging graphs) and the one update that switches them in.
   Baselines: pyoxigraph's own ``bulk_load`` in process, and raw Graph Store POSTs to Virtuoso (plus the raw
   ``MOVE`` and ``INSERT ... WHERE`` of the switch, timed apart).
2. **queries**: five example queries (a point lookup, a consortium join, an aggregate per province, a text
   filter, a CONSTRUCT of a project) and one whose answer is larger than the row cap: p50/p95 through
   ``Store.query`` after warm-up; the baseline is Virtuoso's endpoint answering the same request (same text,
   same dataset parameters) to a keep-alive client, its answer not read back.
3. **changes**: a 1,000-triple ``add_validated`` (validation apart from the commit), and ``update_validated``
   with an ``INSERT DATA`` (the remote store copies only what it needs) and a ``DELETE/INSERT ... WHERE``
   (the remote store copies the whole dataset).

Tables on stdout; every figure in ``benchmarks/out/stores-*.json``. Run:
``python benchmarks/stores.py [--triples 1000000] [--repeat 20] [--row-cap 10000]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from example_queries import checkout, machine, percentile, uptime
from generate import generate
from rdflib import Graph, URIRef
from stores_setup import BenchVirtuoso, Meter, remote_store
from validation import SyntheticProjects

from gzg_graph import queries
from gzg_graph.build import assemble
from gzg_graph.config import Settings
from gzg_graph.errors import GzgError
from gzg_graph.queries.examples import examples
from gzg_graph.store import EmbeddedStore, RdfFormat, ResultFormat, Store, detect_query_kind
from gzg_graph.store import remote_answers as answers
from gzg_graph.store import remote_layout as layout
from gzg_graph.store.remote import RemoteStore
from gzg_graph.uris import GRAPH_STEWARDS, UriPolicy
from gzg_graph.validation import load_shapes, validate_change
from gzg_graph.validation.engine import focused_validator
from gzg_graph.writes import add_validated, update_validated

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
BASE = "http://127.0.0.1:8000"
#: (what it stands for, example id); the last one answers more rows than Virtuoso's default cap.
QUERIES = [
    ("point lookup", "is-consortium-member"),
    ("consortium join", "project-consortium"),  # penhouder-ranking: minutes per run in pyoxigraph at 1M
    ("aggregate per province", "participation-per-province"),
    ("text filter", "municipality-name-on-date"),
    ("CONSTRUCT of a project", "project-as-graph"),
    ("past the row cap", "project-amounts"),
]
RENAME = """PREFIX dct: <http://purl.org/dc/terms/>
DELETE { GRAPH ?g { ?project dct:title ?old } }
INSERT { GRAPH ?g { ?project dct:title "Burgerloket (benchmark)"@nl } }
WHERE { VALUES ?project { <http://127.0.0.1:8000/id/project/burgerloket> } GRAPH ?g { ?project dct:title ?old } }"""


def seconds_of(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f}" if value < 10 else f"{value * 1000:.0f}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "-"


# ------------------------------------------------------------------------------------------------ the dataset


def dataset(settings: Settings, target: int) -> tuple[dict[str, bytes], int]:
    """{graph IRI: N-Triples} of the real graph plus generated triples up to ``target``; and the triple count."""
    uris = UriPolicy(settings.base_uri)
    graphs = assemble(settings)
    payload = {str(uris.graph(n)): g.serialize(format="nt", encoding="utf-8") for n, g in graphs.items()}
    real = sum(len(g) for g in graphs.values())
    payload[str(uris.graph("benchmark"))] = generate(max(target - real, 0)).read_bytes()
    return payload, sum(data.count(b"\n") for data in payload.values())


# ------------------------------------------------------------------------------------------------ 1. load


def load(payload: dict[str, bytes], total: int, embedded: EmbeddedStore, remote: RemoteStore, server) -> dict:
    figures: dict[str, Any] = {"triples": total}

    def bulk() -> None:
        store = ox.Store()
        for name, data in payload.items():
            store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))

    figures["pyoxigraph_bulk_load_s"], _ = seconds_of(bulk)
    figures["embedded_in_memory_s"], _ = seconds_of(lambda: EmbeddedStore().replace_graphs(payload, drop_others=True))
    figures["embedded_s"], _ = seconds_of(lambda: embedded.replace_graphs(payload, drop_others=True))
    meter = Meter(remote.client)
    marks: list[float] = []
    seen: set[int] = set()
    remote.progress = lambda done, all_: marks.append(time.perf_counter()) or _progress(done, all_, seen)
    started = time.perf_counter()
    remote.replace_graphs(payload, drop_others=True)
    figures["remote_s"] = time.perf_counter() - started
    figures["remote_until_staged_s"] = marks[-1] - started
    figures["remote_post"] = meter.summary("post_graph")
    figures["remote_switch_s"] = meter.calls["update"][-1]  # the last update: the switch
    figures["remote_requests"] = meter.counts()
    meter.detach()
    figures.update(raw_virtuoso(payload, server, remote.client.endpoints.row_cap))
    sizes = ({g.name: g.triples for g in s.graphs()} for s in (embedded, remote))
    figures["same_graphs"] = next(sizes) == next(sizes)
    return figures


def _progress(done: int, total: int, seen: set[int]) -> None:
    """A line per quarter of the load staged."""
    quarter = done * 4 // total
    if quarter not in seen:
        seen.add(quarter)
        print(f"  remote store: {done:,} of {total:,} triples staged", flush=True)


def raw_virtuoso(payload: dict[str, bytes], server, cap: int) -> dict[str, Any]:
    """The remote baselines: the same triples POSTed straight to the Graph Store in 50,000-line batches, then
    the switch's two heavy steps on their own (MOVE of all to another graph, an INSERT ... WHERE copy of all)."""
    raw, moved, copied = (f"urn:x-bench:{n}" for n in ("raw", "moved", "copied"))
    with httpx.Client(auth=server.auth, timeout=600) as client:

        def update(text: str) -> float:
            seconds, response = seconds_of(lambda: client.post(server.update_url, data={"update": text}))
            response.raise_for_status()
            return seconds

        posted = 0.0
        for data in payload.values():
            lines = data.splitlines(keepends=True)
            for start in range(0, len(lines), 50_000):
                body = b"".join(lines[start : start + 50_000])
                seconds, response = seconds_of(
                    lambda body=body: client.post(
                        server.graph_store_url,
                        params={"graph": raw},
                        content=body,
                        headers={"content-type": "application/n-triples"},
                    )
                )
                response.raise_for_status()
                posted += seconds
        figures = {
            "raw_post_s": posted,
            "raw_move_s": update(f"MOVE <{raw}> TO <{moved}>"),
            "raw_insert_where_s": update(
                f"INSERT {{ GRAPH <{copied}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{moved}> {{ ?s ?p ?o }} }}"
            ),
        }
        figures["raw_drop_s"] = update(f"DROP SILENT GRAPH <{moved}> ; DROP SILENT GRAPH <{copied}>")
    return figures


def print_load(f: dict[str, Any]) -> None:
    n = f["triples"]

    def row(label: str, seconds: float, versus: str = "") -> None:
        print(f"  {label:<58} {seconds:8.2f} s {n / seconds:>11,.0f} triples/s  {versus}")

    print(f"\nload: replace_graphs(..., drop_others=True) of {n:,} triples (same graphs on both: {f['same_graphs']})")
    row("baseline: pyoxigraph bulk_load, in memory", f["pyoxigraph_bulk_load_s"])
    row("embedded store, ephemeral (no snapshot written)", f["embedded_in_memory_s"])
    row(
        "embedded store, on disk (as gzg build)",
        f["embedded_s"],
        f"{ratio(f['embedded_s'], f['pyoxigraph_bulk_load_s'])} the bulk load",
    )
    row("remote store (Virtuoso), all", f["remote_s"], f"{ratio(f['remote_s'], f['embedded_s'])} embedded")
    row("  parse, then staging graphs filled (Graph Store POSTs)", f["remote_until_staged_s"])
    post = f["remote_post"]
    row(f"    of which in {post['n']} POSTs (HTTP, Virtuoso parsing and indexing)", post["total_s"])
    row("  the switch: one update (MOVE, remerge, state)", f["remote_switch_s"])
    row(
        "baseline: raw Graph Store POSTs (httpx, keep-alive)",
        f["raw_post_s"],
        f"remote POSTs {ratio(post['total_s'], f['raw_post_s'])} this",
    )
    row("baseline: raw MOVE of all to another graph", f["raw_move_s"])
    row("baseline: raw INSERT ... WHERE copy of all (the remerge)", f["raw_insert_where_s"])


# ------------------------------------------------------------------------------------------------ 2. queries


def query_latencies(stores: dict[str, Store], remote: RemoteStore, server, runs: tuple[int, int, float]) -> list:
    menu = {e.id: e.sparql for e in examples()}
    dataset = {"default-graph-uri": [layout.MERGE], "named-graph-uri": [g.name for g in remote.graphs()]}
    results = []
    with httpx.Client(timeout=600) as client:
        for label, key in QUERIES:
            results.append(one_query(label, key, menu[key], stores, (client, server.public_url, dataset), runs))
            print(f"  {key}: done", flush=True)
    return results


def one_query(label: str, key: str, sparql: str, stores: dict[str, Store], raw_endpoint: tuple, runs: tuple) -> dict:
    """One query on each store, and on Virtuoso's endpoint as the remote store asks it (same text and dataset)."""
    client, url, dataset = raw_endpoint
    graph = detect_query_kind(sparql) == "graph"
    fmt: ResultFormat | RdfFormat = RdfFormat.NTRIPLES if graph else ResultFormat.JSON
    entry: dict[str, Any] = {"label": label, "id": key}
    for name, store in stores.items():
        entry[name] = _repeat(lambda store=store: store.query(sparql, fmt).body, *runs)
    form = {"query": sparql, **dataset}
    accept = answers.TRIPLES_MEDIA_TYPE if graph else answers.SOLUTIONS_MEDIA_TYPE

    def raw() -> bytes:
        response = client.post(url, data=form, headers={"accept": accept})
        response.raise_for_status()
        return response.content

    entry["virtuoso_raw"] = _repeat(raw, *runs)
    entry["rows"] = _size(entry["embedded"]["answer"], graph)
    entry["same_answer"] = entry["rows"] == _size(entry["remote"]["answer"], graph)
    for mode in ("embedded", "remote", "virtuoso_raw"):
        entry[mode].pop("answer")
    return entry


def _repeat(run: Callable[[], bytes], repeat: int, warmup: int, budget: float) -> dict[str, Any]:
    """p50/p95 after warm-up; a store's refusal (say, an ordered answer past the row cap) is recorded."""
    answer = b""
    try:
        for _ in range(warmup):
            answer = run()
    except GzgError as error:
        refused = {"n": 0, "p50_s": None, "p95_s": None, "bytes": 0, "answer": None}
        return {**refused, "failed": f"{type(error).__name__}: {error}"[:300]}
    samples: list[float] = []
    begun = time.perf_counter()
    while len(samples) < repeat and (len(samples) < 3 or time.perf_counter() - begun < budget):
        seconds, answer = seconds_of(run)
        samples.append(seconds)
    return {
        "n": len(samples),
        "p50_s": statistics.median(samples),
        "p95_s": percentile(samples, 0.95),
        "bytes": len(answer),
        "answer": answer,
    }


def _size(body: bytes | None, graph: bool) -> int | None:
    if body is None:
        return None
    if graph:
        return len([line for line in body.splitlines() if line.strip()])
    document = json.loads(body)
    return len(document["results"]["bindings"]) if "results" in document else int(document["boolean"])


def print_queries(results: list[dict[str, Any]], cap: int) -> None:
    print("\nqueries: p50 / p95 in ms; Store.query in process (JSON results, N-Triples graphs); raw = Virtuoso's")
    print(
        f"  endpoint answering the remote store's request to a keep-alive client (capped at {cap:,} rows, not read back)"
    )
    print(f"  {'query':<44} {'rows':>6} | {'embedded':>15} | {'remote':>15} | {'raw Virtuoso':>15} | rem/emb | rem/raw")
    for e in results:
        cells = [f"{ms(e[m]['p50_s']):>7} / {ms(e[m]['p95_s']):>5}" for m in ("embedded", "remote", "virtuoso_raw")]
        failed = [f"{m} refused: {e[m]['failed'][:120]}" for m in ("embedded", "remote") if "failed" in e[m]]
        check = "  " + "; ".join(failed) if failed else "" if e["same_answer"] else "  ANSWERS DIFFER"
        print(
            f"  {e['label'] + ' (' + e['id'] + ')':<44} {e['rows']:>6} | {' | '.join(cells)} | "
            f"{ratio(e['remote']['p50_s'], e['embedded']['p50_s']):>7} | {ratio(e['remote']['p50_s'], e['virtuoso_raw']['p50_s']):>7}{check}"
        )


# ------------------------------------------------------------------------------------------------ 3. changes


def changes(stores: dict[str, Store], settings: Settings) -> dict[str, Any]:
    uris = UriPolicy(settings.base_uri)
    shapes = load_shapes(settings.shapes, uris)
    prepared, _ = seconds_of(lambda: focused_validator(shapes))
    reference = stores["embedded"]
    rows = reference.select(queries.load("calls"))
    calls = [(URIRef(r["call"]), float(r["maxAmount"])) for r in rows if "maxAmount" in r]  # calls with a maximum
    units = [URIRef(r["unit"]) for r in reference.select(queries.load("municipalities-2025"))]
    synthetic = SyntheticProjects(uris, calls, units, seed=11)
    added, large, small = Graph(), Graph(), Graph()
    for graph, prefix, size in ((added, "bench-add", 1000), (large, "bench-insert", 1000), (small, "bench-small", 200)):
        k = 0
        while len(graph) < size:
            k += 1
            synthetic.project(f"{prefix}-{k}", graph)
    target = str(uris.graph(GRAPH_STEWARDS))
    updates = {
        f"INSERT DATA, {len(large):,} triples": insert_data(target, large),
        f"INSERT DATA, {len(small):,} triples": insert_data(target, small),
        "DELETE/INSERT ... WHERE (one title)": RENAME,
    }
    figures: dict[str, Any] = {"prepare_shapes_s": prepared, "add_triples": len(added)}
    for name, store in stores.items():
        meter = Meter(store.client) if isinstance(store, RemoteStore) else None
        validated, report = seconds_of(lambda store=store: validate_change(added, None, store, shapes))
        total, commit = timed_add_validated(store, target, added, shapes)
        entry = {
            "validate_only_s": validated,
            "conforms": report.conforms,
            "add_validated_s": total,
            "commit_s": commit,
        }
        entry["updates"] = {label: timed_update(store, sparql, shapes, meter) for label, sparql in updates.items()}
        if meter:
            meter.detach()
        figures[name] = entry
    return figures


def insert_data(graph: str, data: Graph) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{data.serialize(format='nt', encoding='utf-8').decode()}}} }}"


def timed_update(store: Store, sparql: str, shapes: Graph, meter: Meter | None) -> dict[str, Any]:
    """update_validated's seconds and change; a refusal by the store is recorded, not raised."""
    if meter:
        meter.reset()
    started = time.perf_counter()
    try:
        change, _ = update_validated(store, sparql, shapes)
    except GzgError as error:
        return {"s": time.perf_counter() - started, "failed": str(error)[:300]}
    figures: dict[str, Any] = {"s": time.perf_counter() - started, "added": len(change.added)}
    figures["removed"] = len(change.removed)
    if meter:
        figures["http"] = meter.counts()
    return figures


def timed_add_validated(store: Store, graph: str, data: Graph, shapes: Graph) -> tuple[float, float]:
    """add_validated's seconds, and of them the commit's (the store's own add, timed around the real call)."""
    commits: list[float] = []
    original = store.add

    def timed_add(graph: str, ntriples: bytes) -> None:
        commits.append(seconds_of(lambda: original(graph, ntriples))[0])

    store.add = timed_add  # type: ignore[method-assign]
    try:
        total, _ = seconds_of(lambda: add_validated(store, graph, data, shapes))
    finally:
        del store.add
    return total, commits[0]


def print_changes(f: dict[str, Any]) -> None:
    e, r = f["embedded"], f["remote"]
    print(f"\nchanges (shapes prepared once per process: {f['prepare_shapes_s']:.2f} s, not counted)")
    print(f"  {'':<62} {'embedded':>9} {'remote':>9} {'rem/emb':>8}")

    def row(label: str, a: float, b: float) -> None:
        print(f"  {label:<62} {a:8.2f}s {b:8.2f}s {ratio(b, a):>8}")

    row(
        f"add_validated, {f['add_triples']:,} triples (conforms: {e['conforms']}/{r['conforms']})",
        e["add_validated_s"],
        r["add_validated_s"],
    )
    row("  validation alone (validate_change against the store)", e["validate_only_s"], r["validate_only_s"])
    row("  commit (store.add inside add_validated)", e["commit_s"], r["commit_s"])
    for label, remote in r["updates"].items():
        local = e["updates"][label]
        row(f"update_validated {label}", local["s"], remote["s"])
        for name, figures in (("embedded", local), ("remote", remote)):
            if "failed" in figures:
                print(f"    {name} FAILED: {figures['failed'][:160]}")
        if "http" in remote:
            print(f"    remote HTTP requests: {remote['http']}")


# ------------------------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the dataset (default 1M)")
    parser.add_argument("--repeat", type=int, default=20, help="measured runs per query and store")
    parser.add_argument("--warmup", type=int, default=2, help="runs before measuring")
    parser.add_argument("--budget", type=float, default=15, help="seconds one query may be repeated for (min 3 runs)")
    parser.add_argument("--row-cap", type=int, default=10_000, help="Virtuoso's ResultSetMaxRows (default: its own)")
    parser.add_argument("--buffers", type=int, default=170_000, help="Virtuoso's NumberOfBuffers (8 KB pages)")
    args = parser.parse_args()
    settings = dataclasses.replace(Settings.from_env(), base_uri=BASE, data_dir=REPO / "data")
    begun = time.perf_counter()
    payload, total = dataset(settings, args.triples)
    print(f"dataset: {total:,} triples in {len(payload)} graphs ({time.perf_counter() - begun:.1f} s to assemble)")
    server = BenchVirtuoso.with_settings(buffers=args.buffers, row_cap=args.row_cap)
    print(f"virtuoso: {server.settings_text()} (log {server.log})", flush=True)
    document: dict[str, Any] = {"command": sys.argv, "machine": {**machine(), "load": uptime()}, "code": checkout()}
    document["virtuoso"] = server.settings
    try:
        with tempfile.TemporaryDirectory(prefix="gzg-bench-stores-") as tmp:
            embedded = EmbeddedStore(Path(tmp) / "store")
            remote = remote_store(server, Path(tmp) / "lock", args.row_cap)
            document["load"] = load(payload, total, embedded, remote, server)
            print_load(document["load"])
            stores: dict[str, Store] = {"embedded": embedded, "remote": remote}
            print(f"\nqueries: {args.warmup} warm-up runs, then up to {args.repeat} (or {args.budget:.0f} s) per store")
            document["queries"] = query_latencies(stores, remote, server, (args.repeat, args.warmup, args.budget))
            print_queries(document["queries"], args.row_cap)
            document["changes"] = changes(stores, settings)
            print_changes(document["changes"])
    finally:
        server.stop()
    document["total_s"] = time.perf_counter() - begun
    OUT.mkdir(exist_ok=True)
    path = OUT / f"stores-{total}-{datetime.now().strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten: {path.relative_to(REPO)} (whole run {document['total_s']:.0f} s)")


if __name__ == "__main__":
    main()
