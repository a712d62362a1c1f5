"""The output of ``benchmarks/compare.py``: one table per workload with ratios to each baseline, the issue's targets
checked (PASS/MISS), the machine, and every figure as JSON."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
LABELS = {"gzg": "gzg-graph", "oxigraph": "Oxigraph server", "virtuoso": "Virtuoso", "rdflib": "rdflib-endpoint"}
LOADS = {
    "oxigraph": "Oxigraph server: oxigraph load",
    "virtuoso": "Virtuoso: Graph Store POST",
    "rdflib": "rdflib-endpoint: rdflib parse",
}
#: The scale the issue's targets are stated for, and the one of the memory target.
TARGET_SCALE, MEMORY_SCALE = 1_000_000, 10_000_000
GIB = 1024**3


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}" if value < 10 else f"{value:.0f}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def loads(scale: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every load of the scale by name, the servers' included: {name: {seconds, ...}}."""
    rows = dict(scale["load"])
    for system, label in LOADS.items():
        seconds = scale["systems"].get(system, {}).get("load_s")
        if seconds is not None:
            rows[label] = {"seconds": seconds}
    return rows


def throughput(row: dict[str, Any], triples: int) -> float | None:
    return triples / row["seconds"] if row.get("seconds") and not row.get("error") else None


def rate_text(row: dict[str, Any], triples: int, limit: float | None) -> str:
    """Triples/s, or the bound a load stopped at its time limit gives ("< N/s")."""
    rate = throughput(row, triples)
    if rate is not None:
        return f"{rate:,.0f}/s"
    return f"< {triples / limit:,.0f}/s" if row.get("timed_out") and limit else "-"


def sparql(scale: dict[str, Any], system: str) -> dict[str, Any]:
    return scale["systems"].get(system, {}).get("sparql") or {}


def check(status: str, ok: bool | None) -> str:
    return f"{'n/a ' if ok is None else 'PASS' if ok else 'MISS'}  {status}"


def targets(scale: dict[str, Any]) -> list[str]:
    """The issue's targets, each PASS, MISS or n/a (a figure missing) with the figures it was judged on."""
    lines = []
    floor, gzg, ox = scale["floor"], sparql(scale, "gzg"), sparql(scale, "oxigraph")
    point = next(iter(floor))
    p50, floor50 = gzg.get("per_query", {}).get(point, {}).get("p50"), floor[point]["p50"]
    ok = None if p50 is None else p50 - floor50 <= 1.0
    lines.append(check(f"point lookup p50 within 1 ms of pyoxigraph in process: {ms(p50)} vs {ms(floor50)} ms", ok))
    p99 = gzg.get("point_lookup_8", {}).get("p99")
    lines.append(check(f"point lookup p99 < 10 ms at 8 clients: {ms(p99)} ms", None if p99 is None else p99 < 10))
    slower = []
    for query, ours in gzg.get("per_query", {}).items():
        theirs = ox.get("per_query", {}).get(query, {}).get("p50")
        if ours.get("p50") is None or theirs is None or ours["p50"] > 1.3 * theirs:
            slower.append(f"{query} {ratio(ours.get('p50'), theirs)}")
    ok = None if not gzg or not ox else not slower
    lines.append(check(f"every mix query p50 <= 1.3x the Oxigraph server's; over: {', '.join(slower) or 'none'}", ok))
    rdf = sparql(scale, "rdflib")
    for clients, ours in gzg.get("mix", {}).items():
        theirs = rdf.get("mix", {}).get(clients, {}).get("requests/s")
        ok = None if not theirs else ours["requests/s"] >= 20 * theirs
        text = f"mix throughput >= 20x rdflib-endpoint's at {clients} clients: {ratio(ours['requests/s'], theirs)}"
        if theirs == 0:
            text += " (rdflib-endpoint completed no request)"
            ok = ours["requests/s"] > 0
        lines.append(check(text, ok))
    phases = scale["systems"].get("gzg", {}).get("jsonld", {}).get("phases", {})
    distinct = next((v for k, v in phases.items() if k.startswith("documents")), {})
    at8 = distinct.get(8) or distinct.get("8") or {}
    ok = None if not at8 else at8["p99"] is not None and at8["p99"] < 20 and at8["requests/s"] >= 500
    text = f"JSON-LD documents (distinct) at 8 clients p99 < 20 ms and >= 500 req/s: {ms(at8.get('p99'))} ms, "
    lines.append(check(text + f"{at8.get('requests/s', 0):.0f} req/s", ok))
    rows, triples = scale["load"], scale["triples"]
    validated = throughput(rows.get("gzg validated (parse + validate + store)", {}), triples)
    bulk = throughput(rows.get("pyoxigraph bulk_load", {}), triples)
    ok = None if bulk is None else validated is not None and validated >= 0.5 * bulk
    lines.append(check(f"load with validation >= 50% of pyoxigraph bulk_load: {ratio(validated, bulk)}", ok))
    if scale["target"] >= MEMORY_SCALE:
        rss = scale["systems"].get("gzg", {}).get("peak_rss")
        ok = None if rss is None else rss < 2 * GIB
        lines.append(check(f"server memory < 2 GiB: {rss / GIB if rss else 0:.2f} GiB", ok))
    return lines


def report(scale: dict[str, Any], args: Any) -> None:
    triples, systems = scale["triples"], [s for s in LABELS if s in scale["systems"]]
    print(f"\n#### {triples:,} triples ({scale['target']:,} asked), measured in {scale['seconds']:.0f} s")
    for system in systems:
        if "error" in scale["systems"][system]:
            print(f"  {LABELS[system]}: {scale['systems'][system]['error']}")
    print("\n1. Load (triples/s; ratio to pyoxigraph's bulk_load in process)")
    bulk = throughput(scale["load"].get("pyoxigraph bulk_load", {}), triples)
    for name, row in loads(scale).items():
        rate = throughput(row, triples)
        extra = row.get("error") or " ".join(f"{k} {v:.1f} s" for k, v in row.get("steps", {}).items())
        seconds = f"{row['seconds']:8.1f} s" if "seconds" in row else f"{'-':>10}"
        rates = rate_text(row, triples, args.validation_limit)
        print(f"  {name:<44} {seconds} {rates:>12} {ratio(rate, bulk):>7}  {extra}")
    print("\n2a. SPARQL, one query at a time, 1 client (ms; ratios of p50 to the Oxigraph server and to the floor)")
    print(f"  {'query / system':<34} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'x ox':>7} {'x floor':>8}  answer")
    floor = scale["floor"]
    for query, base in floor.items():
        ox50 = sparql(scale, "oxigraph").get("per_query", {}).get(query, {}).get("p50")
        print(f"  {query} ({base['count']} results)")
        rows = [("pyoxigraph in process", base, None)]
        rows += [(LABELS[s], sparql(scale, s).get("per_query", {}).get(query, {}), s) for s in systems]
        for label, f, system in rows:
            if system and not sparql(scale, system):
                continue
            c = sparql(scale, system).get("checks", {}).get(query, {}) if system else {}
            answer = "" if not system else "same" if c.get("same") else f"DIFFERS: {c.get('status')} {c.get('count')}"
            timeouts = f" {f.get('timeouts')} timeouts" if f.get("timeouts") else ""
            print(
                f"    {label:<32} {f.get('requests', 0):>6} {ms(f.get('p50')):>8} {ms(f.get('p95')):>8} "
                f"{ms(f.get('p99')):>8} {ratio(f.get('p50'), ox50):>7} {ratio(f.get('p50'), base['p50']):>8}  "
                f"{answer}{timeouts} {f.get('note', '')}"
            )
    print("\n2b. SPARQL: the point lookup at 8 clients, and the whole mix (req/s; gzg-graph's req/s over each)")
    gzg = sparql(scale, "gzg")
    header = f"  {'system':<20} {'clients':>7} {'req/s':>9} {'p50':>8} {'p95':>8} {'p99':>8} {'timeouts':>8}"
    print(header + f" {'errors':>6} {'gzg/this':>9}")
    for phase in ("point lookup", "mix"):
        for system in systems:
            s = sparql(scale, system)
            items = [(8, s.get("point_lookup_8"))] if phase == "point lookup" else list(s.get("mix", {}).items())
            for clients, f in items:
                if not f:
                    continue
                ours = gzg.get("point_lookup_8") if phase == "point lookup" else gzg.get("mix", {}).get(clients)
                print(
                    f"  {phase + ': ' + LABELS[system]:<34} {clients:>3} {f['requests/s']:>9.1f} {ms(f['p50']):>8} "
                    f"{ms(f['p95']):>8} {ms(f['p99']):>8} {f['timeouts']:>8} {f['errors']:>6} "
                    f"{ratio(ours['requests/s'] if ours else None, f['requests/s']):>9}"
                    + (f"  statuses {f['statuses']}" if f.get("statuses") else "")
                )
    jsonld = scale["systems"].get("gzg", {}).get("jsonld")
    if scale["systems"].get("gzg", {}).get("jsonld_error"):
        print(f"\n3. JSON-LD API of gzg-graph: {scale['systems']['gzg']['jsonld_error']}")
    if jsonld:
        print(
            "\n3. JSON-LD API of gzg-graph (GZG_RESPONSE_CACHE_MB default: answers kept while the store is unchanged)"
        )
        for name, by_clients in jsonld["phases"].items():
            status = jsonld["checks"][name]["status"]
            print(f"  {name} (first URL answered {status})")
            for clients, f in by_clients.items():
                print(
                    f"    {clients:>3} clients {f['requests']:>8} requests {f['requests/s']:>9.1f} req/s  p50 "
                    f"{ms(f['p50']):>6}  p95 {ms(f['p95']):>6}  p99 {ms(f['p99']):>6} ms  "
                    f"{f['timeouts']} timeouts {f['errors']} errors"
                    + (f" {f['statuses']}" if f.get("statuses") else "")
                )
    print("\n4. Validation")
    validated = scale["load"].get("gzg validated (parse + validate + store)", {})
    full = validated.get("steps", {}).get("validate")
    verdict = f"conforms={validated.get('conforms')} {validated.get('summary', '')}"[:160]
    print(
        f"  full validation of the dataset (pyshacl)   {f'{full:.1f} s' if full else validated.get('error')}  {verdict}"
    )
    inc = scale.get("incremental", {})
    if "error" in inc:
        print(f"  1,000-triple change, incremental: {inc['error']}")
    else:
        print(
            f"  {inc['triples']:,}-triple change, incremental: first {inc['first_s']:.2f} s, median "
            f"{inc['median_s']:.2f} s (shapes prepared once: {inc['prepare_shapes_s']:.2f} s), conforms={inc['conforms']}"
        )
    print("\n   Peak RSS of each server's process tree while loaded and queried (in-process floor excluded)")
    for system in systems:
        rss = scale["systems"][system].get("peak_rss")
        if rss:
            print(f"  {LABELS[system]:<20} {rss / 2**20:>8,.0f} MiB")
    label = "" if scale["target"] == TARGET_SCALE else f" (stated for {TARGET_SCALE:,}; shown at this scale)"
    print(f"\n   Targets of issue 12{label}")
    for line in targets(scale):
        print(f"  {line}")


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "unknown"


def environment() -> dict[str, Any]:
    """The machine, its load and the versions measured."""
    from importlib.metadata import version

    bin_dir = Path(sys.executable).parent
    versions = {name: version(name) for name in ("gzg-graph", "pyoxigraph", "rdflib", "rdflib-endpoint", "uvicorn")}
    versions["oxigraph server"] = _version([str(bin_dir / "oxigraph"), "--version"])
    versions["virtuoso"] = _version(["dpkg-query", "-W", "-f=${Version}", "virtuoso-opensource"])
    versions["wrk"] = _version(["wrk", "-v"])
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.machine(),
    )
    commit = _version(["git", "-C", str(Path(__file__).resolve().parents[1]), "rev-parse", "--short", "HEAD"])
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "load_average": os.getloadavg(),
        "versions": versions,
        "commit": commit,
    }


def write_json(scales: list[dict[str, Any]], args: Any, seconds: float) -> Path:
    env = environment()
    print(
        f"\nmachine: {env['cores']} cores ({env['cpu']}), load average {', '.join(f'{x:.2f}' for x in env['load_average'])}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()) + f"; commit {env['commit']}")
    OUT.mkdir(exist_ok=True)
    path = OUT / f"compare-{time.strftime('%Y%m%dT%H%M%S')}.json"
    document = {
        "command": " ".join(sys.argv),
        "arguments": vars(args),
        "environment": env,
        "seconds": seconds,
        "scales": scales,
        "targets": {str(s["target"]): targets(s) for s in scales},
    }
    path.write_text(json.dumps(document, indent=2, default=str))
    return path
