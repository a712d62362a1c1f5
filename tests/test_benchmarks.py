"""The pure parts of the comparison benchmark (``benchmarks/compare.py``, ``make bench``), so they cannot rot
unseen: percentiles, the query mix resolving to real example files, answer counting, the targets' verdicts and
the tables, and wrk's script against a real little HTTP server. The comparison itself is never run here."""

from __future__ import annotations

import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_load import Request, lua_string, percentile, summary_ms, time_in_process, wrk  # noqa: E402
from bench_report import report, targets  # noqa: E402
from bench_workloads import MIX, collection_paths, count_answer, query_mix  # noqa: E402
from compare import parse_args  # noqa: E402

from gzg_graph.queries.examples import examples  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "gzg_graph" / "queries" / "examples"


def test_percentiles_are_nearest_rank():
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([7.0], 99) == 7
    assert percentile([], 50) is None
    figures = summary_ms([0.001, 0.002, 0.003, 0.004], 2.0)
    assert (figures["p50"], figures["p99"], figures["requests/s"]) == (2.0, 4.0, 2.0)


def test_in_process_timing_runs_at_least_three_times_unless_one_run_is_slow():
    calls: list[int] = []
    figures = time_in_process(lambda: calls.append(1), seconds=0.01)
    assert figures["requests"] >= 3 and len(calls) == figures["requests"] + 1  # one warm-up, not counted
    calls.clear()
    figures = time_in_process(lambda: calls.append(1), seconds=0)  # the warm-up took longer than 0 s
    assert figures["requests"] == 1 and len(calls) == 2


def test_the_query_mix_is_ten_or_more_real_local_example_queries():
    mix = query_mix()
    assert len(mix) >= 10 and len({q.id for q in mix}) == len(mix)
    known = {e.id: e for e in examples()}
    for q in mix:
        assert (EXAMPLES / f"{q.id}.rq").is_file()
        assert not known[q.id].services, f"{q.id} is federated"
        assert q.sparql == known[q.id].sparql
    kinds = {q.kind for q in mix}
    assert {"select", "ask", "graph"} <= kinds
    assert any("DESCRIBE" in q.sparql for q in mix) and any("CONSTRUCT" in q.sparql for q in mix)
    assert MIX[0][0] == "point lookup"
    request = mix[0].request("/sparql")
    assert request.path.startswith("/sparql?query=") and request.path.isascii()
    assert request.accept == "application/sparql-results+json"


def test_collections_are_distinct_urls():
    paths = collection_paths()
    assert len(paths) == len(set(paths)) > 50


def test_answers_are_counted_by_kind():
    select = b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": "1"}}, {}]}}'
    assert count_answer("select", "application/sparql-results+json", select) == "2"
    assert count_answer("ask", "application/sparql-results+json", b'{"head": {}, "boolean": true}') == "true"
    triples = b"<http://a> <http://b> <http://c> .\n<http://a> <http://b> <http://d> .\n"
    assert count_answer("graph", "application/n-triples; charset=utf-8", triples) == "2"
    assert (
        count_answer("graph", "application/sparql-results+xml", b"<x/>")
        == "unreadable (application/sparql-results+xml)"
    )


def test_lua_strings_refuse_what_wrk_would_mangle():
    assert lua_string('/q?a="b"') == '"/q?a=\\"b\\""'
    with pytest.raises(ValueError):
        lua_string("/café")


def _phase(rate: float, p50: float, p99: float) -> dict:
    return {"requests": 100, "ok": 100, "requests/s": rate, "p50": p50, "p95": p99, "p99": p99, "timeouts": 0}


def _scale(gzg_p50: float, ox_p50: float, documents_p99: float) -> dict:
    floor = {"is-consortium-member": {**_phase(1000, 0.3, 0.5), "count": "true"}}
    per_query = {"is-consortium-member": _phase(500, gzg_p50, 3)}
    sparql = {"checks": {}, "per_query": per_query, "point_lookup_8": _phase(900, 2, 6), "mix": {8: _phase(400, 5, 9)}}
    ox = {**sparql, "per_query": {"is-consortium-member": _phase(900, ox_p50, 2)}}
    rdflib = {**sparql, "mix": {8: {**_phase(4, 900, 2000), "errors": 0}}}
    documents = {8: {**_phase(800, 3, documents_p99), "errors": 0, "statuses": {}}}
    jsonld = {
        "phases": {"documents (distinct: 10 URLs in turn)": documents},
        "checks": {"documents (distinct: 10 URLs in turn)": {"status": 200}},
    }
    for phase in (sparql, ox, rdflib):
        phase["mix"] = {c: {**f, "errors": 0} for c, f in phase["mix"].items()}
        phase["point_lookup_8"] = {**phase["point_lookup_8"], "errors": 0}
    return {
        "target": 1_000_000,
        "triples": 1_000_000,
        "seconds": 1.0,
        "floor": floor,
        "load": {"pyoxigraph bulk_load": {"seconds": 10}, "gzg validated (parse + validate + store)": {"seconds": 15}},
        "incremental": {"triples": 1000, "first_s": 1, "median_s": 0.5, "prepare_shapes_s": 2, "conforms": True},
        "systems": {
            "gzg": {"sparql": sparql, "jsonld": jsonld, "peak_rss": 2**30, "load_s": None},
            "oxigraph": {"sparql": ox, "peak_rss": 2**28, "load_s": 5},
            "rdflib": {"sparql": rdflib, "peak_rss": 2**29, "load_s": 60},
        },
    }


def test_targets_pass_and_miss_on_the_figures():
    passed = targets(_scale(gzg_p50=1.0, ox_p50=0.9, documents_p99=10))
    assert all(line.startswith("PASS") for line in passed), passed
    missed = targets(_scale(gzg_p50=2.0, ox_p50=0.9, documents_p99=30))
    verdicts = {line.split("  ", 1)[1].split(":")[0]: line[:4] for line in missed}
    assert verdicts["point lookup p50 within 1 ms of pyoxigraph in process"] == "MISS"
    assert verdicts["every mix query p50 <= 1.3x the Oxigraph server's; over"] == "MISS"
    assert verdicts["JSON-LD documents (distinct) at 8 clients p99 < 20 ms and >= 500 req/s"] == "MISS"
    assert verdicts["load with validation >= 50% of pyoxigraph bulk_load"] == "PASS"  # 66,667/s vs 100,000/s
    assert verdicts["point lookup p99 < 10 ms at 8 clients"] == "PASS"


def test_the_tables_print_every_workload(capsys):
    report(_scale(gzg_p50=2.0, ox_p50=0.9, documents_p99=30), parse_args([]))
    printed = capsys.readouterr().out
    for heading in ("1. Load", "2a. SPARQL", "2b. SPARQL", "3. JSON-LD", "4. Validation", "Peak RSS", "Targets"):
        assert heading in printed
    assert "2.22x" in printed  # gzg's point lookup p50 over the Oxigraph server's


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        status = 503 if self.path.endswith("busy") else 200
        self.send_response(status)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make bench installs it)")
def test_wrk_rotates_requests_and_counts_refusals():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.handle_error = lambda *args: None  # wrk drops its connections at the end: broken pipes
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        figures = wrk(url, [Request("/a", "text/plain"), Request("/busy", "text/plain")], 2, 1, 5)
    finally:
        server.shutdown()
    assert figures["requests"] > 10
    assert 0 < figures["statuses"]["503"] < figures["requests"]
    assert figures["ok"] + figures["statuses"]["503"] == figures["requests"]
    assert figures["errors"] >= figures["statuses"]["503"]
    assert figures["p50"] is not None and figures["p50"] <= figures["p99"]
