"""gzg-graph against the engines users would pick instead, on the same data and queries, in one run (``make bench``).

Per scale (``--scales``, default 100k and 1M triples): the real graph (``data/``, as ``gzg build`` assembles it)
plus generated data (``benchmarks/generate.py``, seeded) in its own named graph, loaded into every system:

* pyoxigraph in process: the floor (no HTTP, no server; its memory is not measured);
* the Oxigraph server, Virtuoso, rdflib-endpoint and ``gzg serve`` (``benchmarks/bench_servers.py``: how each
  is loaded and how its default graph is the union of the named graphs), one at a time, each alone on the machine;

and four workloads: 1. load, with and without validation (triples/s); 2. SPARQL over HTTP: the query mix of
``bench_workloads.MIX`` (example queries, the same text to every server) one query at a time at 1 client, the
point lookup at 8 clients, the whole mix at ``--clients``; every answer checked once against pyoxigraph's count;
3. the JSON-LD API of gzg-graph at ``--clients``; 4. validation: full, and a 1,000-triple change. The load comes
from wrk in a separate process (``bench_load.py``). Each server's peak RSS (its whole process tree) is sampled
while it is loaded and queried. Tables on stdout (``bench_report.py``), with the issue's targets checked; every
figure in ``benchmarks/out/compare-<timestamp>.json``.

    python benchmarks/compare.py [--scales 100000 1000000] [--seconds 3] [--mix-seconds 5] [--clients 1 8 32]
        [--timeout 20]
        [--systems gzg oxigraph virtuoso rdflib] [--validation-limit 150]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import report, write_json  # noqa: E402
from bench_servers import PeakRss, Running, gzg_server, oxigraph_server, rdflib_server, virtuoso_server  # noqa: E402
from bench_workloads import (  # noqa: E402
    BASE,
    dataset,
    document_paths,
    floor_answers,
    floor_store,
    gzg_raw_load,
    gzg_validated_load,
    in_child,
    incremental_validation,
    jsonld_phases,
    query_mix,
    sparql_phases,
)

from gzg_graph.config import Settings  # noqa: E402
from gzg_graph.uris import GRAPH_ONTOLOGY, UriPolicy  # noqa: E402

SYSTEMS = ("gzg", "oxigraph", "virtuoso", "rdflib")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[100_000, 1_000_000], help="triples per dataset")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seconds", type=float, default=3, help="length of each load phase but the mix's")
    parser.add_argument("--mix-seconds", type=float, default=5, help="length of each phase of the whole mix")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--timeout", type=float, default=20, help="seconds one HTTP request may take")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--documents", type=int, default=5000, help="distinct JSON-LD documents in turn")
    parser.add_argument("--validation-limit", type=float, default=150, help="seconds a validated load may take")
    parser.add_argument("--virtuoso-buffers", type=int, default=170_000, help="NumberOfBuffers (8 KB pages)")
    parser.add_argument("--virtuoso-row-cap", type=int, default=1_000_000, help="ResultSetMaxRows")
    return parser.parse_args(argv)


def measured(server: Running, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``work()`` against a started server with its process tree's peak RSS sampled, then the server stopped."""
    try:
        with PeakRss(server.pid) as rss:
            try:
                figures = work()
            except Exception as error:  # reported with what was measured of the others; the run goes on
                traceback.print_exc()
                figures = {"name": server.name, "error": f"{type(error).__name__}: {error}"[:2000]}
        return {**figures, "load_s": server.load_seconds, "peak_rss": rss.peak, "notes": server.notes}
    finally:
        server.stop()


def run_scale(target: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    started = time.perf_counter()
    payload, nquads, triples = dataset(target, args.seed)
    print(f"\n== scale {target:,}: {triples:,} triples in {len(payload)} graphs", flush=True)
    result: dict[str, Any] = {"target": target, "triples": triples, "graphs": len(payload), "systems": {}, "load": {}}
    mix = query_mix()
    # 1. load, and the floor in process on the store pyoxigraph loaded
    floor_dir = work / f"pyoxigraph-{target}"
    floor, seconds = floor_store(floor_dir, nquads, payload)
    result["load"]["pyoxigraph bulk_load"] = {"seconds": seconds["bulk_load"]}
    result["load"]["pyoxigraph: + merge into the default graph"] = {"seconds": seconds["bulk_load"] + seconds["merge"]}
    result["floor"] = floor_answers(floor, mix, args.seconds)
    del floor
    gc.collect()
    print(f"floor measured ({time.perf_counter() - started:.0f} s)", flush=True)
    gzg_dir = work / f"gzg-{target}"
    limit = args.validation_limit
    result["load"]["gzg replace_graphs (no validation)"] = in_child(lambda: gzg_raw_load(payload, gzg_dir), limit)
    ontology = str(UriPolicy(BASE).graph(GRAPH_ONTOLOGY))
    checked_dir = work / f"gzg-validated-{target}"
    result["load"]["gzg validated (parse + validate + store)"] = in_child(
        lambda: gzg_validated_load(payload, checked_dir, ontology), limit
    )
    shutil.rmtree(checked_dir, ignore_errors=True)
    result["incremental"] = in_child(lambda: incremental_validation(gzg_dir), limit)
    print(f"loads and validation measured ({time.perf_counter() - started:.0f} s)", flush=True)
    # 2 and 3: each server alone
    starters: dict[str, Callable[[], Running]] = {
        "gzg": lambda: gzg_server(gzg_dir, work, BASE),
        "oxigraph": lambda: oxigraph_server(nquads, work / f"ox-{target}", args.timeout),
        "virtuoso": lambda: virtuoso_server(payload, args.virtuoso_buffers, args.virtuoso_row_cap),
        "rdflib": lambda: rdflib_server(nquads, work, max(600.0, target / 1000)),
    }
    for system in args.systems:
        (work / f"ox-{target}").mkdir(exist_ok=True)
        try:
            server = starters[system]()
        except Exception as error:  # a baseline that cannot start is reported, the others still run
            result["systems"][system] = {"error": f"did not start: {error}"[:2000]}
            print(f"{system}: did not start: {error}", flush=True)
            continue

        def work_of(server: Running = server, system: str = system) -> dict[str, Any]:
            documents = document_paths(server, args.documents) if system == "gzg" else []
            figures = {"name": server.name, "sparql": sparql_phases(server, mix, result["floor"], args)}
            if system == "gzg":
                try:
                    figures["jsonld"] = jsonld_phases(server, documents, args)
                except Exception as error:  # the SPARQL figures are kept
                    traceback.print_exc()
                    figures["jsonld_error"] = f"{type(error).__name__}: {error}"[:2000]
                figures["query_workers"] = Settings.from_env().query_workers
            return figures

        result["systems"][system] = measured(server, work_of)
        print(f"{system} measured ({time.perf_counter() - started:.0f} s)", flush=True)
        shutil.rmtree(work / f"ox-{target}", ignore_errors=True)
    shutil.rmtree(gzg_dir, ignore_errors=True)
    shutil.rmtree(floor_dir, ignore_errors=True)
    result["seconds"] = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows under make too
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="gzg-compare-"))
    scales: list[dict[str, Any]] = []
    try:
        for target in args.scales:
            try:
                scales.append(run_scale(target, args, work))
            except Exception:  # a broken scale is shown; the next one still runs
                traceback.print_exc()
                continue
            report(scales[-1], args)
    except KeyboardInterrupt:
        print("\ninterrupted: the servers were stopped; the scales measured so far are written", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if scales:
            path = write_json(scales, args, time.perf_counter() - started)
            print(f"\nevery figure: {path} (the run took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
