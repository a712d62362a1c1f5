"""No request takes the service down, and none reaches past it: a bad-input corpus against a live server.

Every answer must be 2xx or 4xx (503 only for overload, which a sequential corpus never causes), no body
may carry a traceback, the server must still answer a point query after each request, and the memory of
the server with its query workers must stay under ``MEMORY_BOUND``. The corpus is built here, from
families of bad input; the figures are printed (``pytest -s``) for the issue notes.
"""

from __future__ import annotations

import collections
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_server import POINT_QUERY, Server, start_server, tree_rss
from write_corpus import TOKEN, Case, dataset_quads, write_cases

# In a parallel run this module is part of tests/conftest.py's TIMING unit: the bounds below (a point query under
# a second beside forty slow queries, a runaway stopped between 3 and 10 s) must not depend on another timing
# test keeping the cores busy at the same moment.
pytestmark = pytest.mark.slow

MEMORY_BOUND = 1536 * 1024 * 1024
CALL_1 = "http://lblod.data.info/id/subsidy-measure-offer-series/9a40c72c-4761-4cbd-8a85-96c30c3f829c"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def server(built, tmp_path_factory) -> Iterator[Server]:
    running = start_server(
        built[0].store_dir, tmp_path_factory.mktemp("hardening"), GZG_QUERY_TIMEOUT="3", GZG_WRITE_TOKEN=TOKEN
    )
    yield running
    running.stop()


# --------------------------------------------------------------------------------------------- the corpus


def _query_everywhere(family: str, query: str, **params: Any) -> list[Case]:
    """The same query by GET, POST form and POST direct (GET only when the URL stays reasonable)."""
    cases = [
        Case(family, "POST", "/sparql", {"data": {"query": query, **params}}),
        Case(
            family,
            "POST",
            "/sparql",
            {
                "content": query.encode("utf-8"),
                "params": params,
                "headers": {"content-type": "application/sparql-query"},
            },
        ),
    ]
    if len(query) < 6000:
        cases.append(Case(family, "GET", "/sparql", {"params": {"query": query, **params}}))
    return cases


MALFORMED = [
    "",
    " ",
    "SELECT",
    "SELECT *",
    "SELECT * WHERE",
    "SELECT * WHERE {",
    "SELECT * WHERE { ?s ?p }",
    "ASK {",
    "SELECT * WHERE { ?s ?p ?o } LIMIT -1",
    "SELECT * WHERE { ?s ?p ?o } ORDER BY",
    "PREFIX : SELECT * {}",
    "SELECT ?x WHERE { ?s ?p ?o } GROUP BY",
    "SELECT (COUNT(*) ?n) WHERE { ?s ?p ?o }",
    "CONSTRUCT WHERE",
    "DESCRIBE",
    "SELECT * WHERE { ?s ?p 'unterminated }",
    'SELECT * WHERE { ?s ?p """open }',
    "SELECT * { <a> }",
    "SELECT * WHERE { ?s ?p ?o FILTER( }",
    "\x00SELECT * {}",
    "SELECT * WHERE { ?s <http://e/ x> ?o }",
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "DROP ALL",
    "LOAD <http://127.0.0.1:1/x>",
    "SELECT * WHERE { ?s ?p ?o } VALUES",
    "SELECT * FROM <not an iri> WHERE { ?s ?p ?o }",
]


def _nesting() -> list[Case]:
    cases = []
    for depth in (101, 500, 2500, 5000, 20000, 100000):
        cases += _query_everywhere("deep nesting", "SELECT * WHERE " + "{" * depth + "?s ?p ?o" + "}" * depth)
        cases += _query_everywhere(
            "deep nesting", "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "?o" + ")" * depth + ") }"
        )
    for size in (2500, 10000, 50000):
        cases += _query_everywhere(
            "long chains", "SELECT * WHERE { ?s ?p ?o FILTER(" + " && ".join(["?o"] * size) + ") }"
        )
        cases += _query_everywhere("long chains", "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * size) + " }")
        cases += _query_everywhere("long chains", "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * size + "}")
    return cases


BAD_GRAPH_IRIS = ["not an iri", "", " ", "<http://e/g>", "http://e/ g", "http://e/\u0000", "relative/graph", '"x"']
UNKNOWN_FUNCTIONS = [
    "SELECT * WHERE { BIND(<http://e/f>(1) AS ?x) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(<urn:x>(?o)) }",
    "PREFIX f: <http://e/> SELECT (f:g(1) AS ?x) WHERE {}",
    "SELECT * WHERE { BIND(<java:java.lang.Runtime>() AS ?x) }",
    "SELECT (<http://www.w3.org/2005/xpath-functions#unknown>(1) AS ?x) WHERE {}",
]
SERVICES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:1/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:1/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { sErViCe <http://169.254.169.254/latest> { ?s ?p ?o } }",
]


def _bomb(levels: int) -> bytes:
    entities = ['<!ENTITY e0 "laugh">'] + [f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, levels)]
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{"".join(entities)}]>'
        f'<rdf:RDF xmlns:rdf="{RDF}"><rdf:Description rdf:about="http://e/x"><rdf:value>&e{levels - 1};'
        "</rdf:value></rdf:Description></rdf:RDF>"
    ).encode()


RDFXML_OK = (
    f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="{RDF}" xmlns:dct="http://purl.org/dc/terms/">'
    f'<rdf:Description rdf:about="{CALL_1}"><dct:description xml:lang="nl">Een toelichting.</dct:description>'
    "</rdf:Description></rdf:RDF>"
).encode()


def _validate_cases() -> list[Case]:
    def body(family: str, content: bytes, media_type: str) -> Case:
        return Case(family, "POST", "/validate", {"content": content, "headers": {"content-type": media_type}})

    rdfxml = "application/rdf+xml"
    cases = [body("XML entity bombs", _bomb(levels), rdfxml) for levels in (3, 6, 9, 12)]
    cases += [
        body(
            "XML entity bombs",
            (
                f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<rdf:RDF xmlns:rdf="{RDF}"><rdf:Description rdf:about="http://e/x"><rdf:value>&x;'
                "</rdf:value></rdf:Description></rdf:RDF>"
            ).encode(),
            rdfxml,
        ),
        body("XML entity bombs", b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:1/x.dtd"><r/>', rdfxml),
    ]
    cases += [body("truncated RDF/XML", RDFXML_OK[:cut], rdfxml) for cut in range(0, len(RDFXML_OK), 23)]
    cases += [
        body("empty documents", b"", media_type)
        for media_type in ("text/turtle", "application/n-triples", "application/ld+json", rdfxml)
    ]
    cases += [body("empty documents", b"@prefix dct: <http://purl.org/dc/terms/> .\n", "text/turtle")]
    for document in (
        "null",
        "1",
        '"text"',
        "[]",
        "{}",
        "[" * 100000 + "]" * 100000,
        '{"@context": "http://127.0.0.1:1/context.jsonld", "@id": "http://e/x", "p": "v"}',
        '{"@context": {"@import": "http://127.0.0.1:1/c"}, "@id": "http://e/x"}',
        '{"@id": "http://e/x", "http://e/p": ' + '{"http://e/p": ' * 5000 + "1" + "}" * 5000 + "}",
    ):
        cases.append(body("JSON-LD oddities", document.encode(), "application/ld+json"))
    turtle = "text/turtle"
    cases += [
        body("non-UTF-8 bodies", '<http://e/x> <http://e/p> "café" .'.encode("latin-1"), turtle),
        body("non-UTF-8 bodies", b'<http://e/x> <http://e/p> "\xff\xfe" .', "application/n-triples"),
        body("non-UTF-8 bodies", '{"@id": "http://e/x", "http://e/p": "café"}'.encode("utf-16"), "application/ld+json"),
        body(
            "huge literal",
            (f'<{CALL_1}> <http://purl.org/dc/terms/description> "' + "a" * 5_000_000 + '"@nl .').encode(),
            turtle,
        ),
        body("oversized bodies", b"#" * (11 * 1024 * 1024), turtle),
        body("truncated Turtle", b'<http://e/x> <http://e/p> "open', turtle),
        body("truncated Turtle", b"<http://e/x> <http://e/p> [ <http://e/q> ", turtle),
        body("bad media types", b"<http://e/x> <http://e/p> <http://e/o> .", "text/csv"),
        body("bad media types", b"<http://e/x> <http://e/p> <http://e/o> .", "application/x-unknown; charset=utf-8"),
    ]
    cases += [
        Case(
            "bad parameters",
            "POST",
            "/validate",
            {
                "params": params,
                "content": b"<http://e/x> <http://e/p> 1 .",
                "headers": {"content-type": "application/n-triples"},
            },
        )
        for params in ({"mode": "everything"}, {"lang": "xx"}, {"lang": ""}, {"mode": ["alone", "change"]})
    ]
    return cases


def _sparql_bodies() -> list[Case]:
    direct = {"content-type": "application/sparql-query"}
    return [
        Case(
            "non-UTF-8 bodies",
            "POST",
            "/sparql",
            {"content": "SELECT * WHERE { ?s ?p 'é' }".encode("latin-1"), "headers": direct},
        ),
        Case(
            "non-UTF-8 bodies",
            "POST",
            "/sparql",
            {
                "content": b"query=SELECT%20*%20%7B%7D%FF\xff",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
        ),
        Case(
            "non-UTF-8 bodies",
            "POST",
            "/sparql",
            {"content": b"SELECT * {}", "headers": {"content-type": "application/sparql-query; charset=iso-8859-1"}},
        ),
        Case("non-UTF-8 bodies", "POST", "/sparql", {"content": "SELECT * {}".encode("utf-16"), "headers": direct}),
        Case("oversized bodies", "POST", "/sparql", {"content": b"#" * (11 * 1024 * 1024), "headers": direct}),
        Case("oversized bodies", "POST", "/sparql", {"data": {"query": "SELECT * {} #" + "x" * (11 * 1024 * 1024)}}),
        Case("long URLs", "GET", "/sparql", {"params": {"query": "SELECT * {} #" + "x" * 60_000}}),
        Case(
            "bad media types", "POST", "/sparql", {"content": b"SELECT * {}", "headers": {"content-type": "text/plain"}}
        ),
        Case("bad media types", "POST", "/sparql", {"content": b"SELECT * {}"}),
        Case("odd headers", "GET", "/sparql", {"params": {"query": POINT_QUERY}, "headers": {"accept": "image/png"}}),
        Case("odd headers", "GET", "/sparql", {"params": {"query": POINT_QUERY}, "headers": {"accept": "*/*;q=abc"}}),
        Case(
            "odd headers",
            "GET",
            "/sparql",
            {
                "params": {"query": POINT_QUERY},
                "headers": {"accept": ",".join(f"text/x{i};q=0.{i % 9}" for i in range(2000))},
            },
        ),
        Case("odd headers", "GET", "/sparql", {"params": {"query": POINT_QUERY}, "headers": {"accept": ";;;,,,/"}}),
        Case(
            "odd headers", "GET", "/sparql", {"params": {"query": POINT_QUERY}, "headers": {"x-filler": "y" * 60_000}}
        ),
        Case("odd headers", "GET", "/", {"headers": {"accept": "text/html;level=1;q=0.5, */*;q=0"}}),
        Case(
            "odd headers", "GET", "/doc/dataset/gzg", {"headers": {"accept": "application/json;q=0, text/turtle;q=0"}}
        ),
        Case("odd headers", "GET", "/doc/dataset/gzg", {"headers": {"accept-language": "x" * 5000}}),
        Case("odd headers", "GET", "/doc/dataset/gzg", {"params": {"format": "../../etc/passwd"}}),
        Case("odd headers", "GET", "/doc/dataset/gzg", {"params": {"format": "nq"}}),
        Case("odd headers", "POST", "/sparql", {"content": b"SELECT * {}", "headers": {"content-type": ";;;"}}),
    ]


PATH_TRICKS = [
    "/id/../../etc/passwd",
    "/doc/../../etc/passwd",
    "/doc/..%2f..%2fetc%2fpasswd",
    "/id/%2e%2e/%2e%2e/etc/passwd",
    "/doc/%00",
    "/doc/project/burgerloket%00.ttl",
    "/doc/" + "a/" * 2000,
    "//etc/passwd",
    "/docs/../../etc/passwd",
    "/resource?uri=file:///etc/passwd",
    "/resource?uri=../../etc/passwd",
    "/resource?uri=http://127.0.0.1:1/",
    "/resource?uri=%3Cscript%3Ealert(1)%3C/script%3E",
    "/resource?uri=",
    "/resource",
    "/resource?uri=javascript:alert(1)",
    "/resource?uri=http://e/%0d%0aSet-Cookie:x=1",
    "/doc/project/burgerloket?format=html&format=ttl",
    "/sparql/../validate",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/nothing-here",
    "/docs?url=http://127.0.0.1:1/evil.json",
    "/openapi.json?x=%00",
    "/docs/oauth2-redirect?state=%3Cscript%3E",
    "/doc/",
    "/id/",
]
WRONG_METHODS = [
    ("PUT", "/sparql"),
    ("DELETE", "/sparql"),
    ("PATCH", "/sparql"),
    ("GET", "/validate"),
    ("DELETE", "/"),
    ("PUT", "/doc/dataset/gzg"),
    ("POST", "/doc/dataset/gzg"),
    ("DELETE", "/id/x"),
    ("TRACE", "/sparql"),
    ("PUT", "/validate"),
]


def corpus() -> list[Case]:
    cases: list[Case] = []
    for query in MALFORMED:
        cases += _query_everywhere("malformed SPARQL", query)
    cases += _nesting()
    for value in BAD_GRAPH_IRIS:
        cases += [
            Case("bad dataset IRIs", "GET", "/sparql", {"params": {"query": POINT_QUERY, name: value}})
            for name in ("default-graph-uri", "named-graph-uri")
        ]
        cases.append(
            Case("bad dataset IRIs", "POST", "/sparql", {"data": {"query": POINT_QUERY, "default-graph-uri": value}})
        )
    for query in UNKNOWN_FUNCTIONS:
        cases += _query_everywhere("unknown functions", query)
    for query in SERVICES:
        cases += _query_everywhere("SERVICE outside the allow-list", query)
    cases += _validate_cases() + _sparql_bodies()
    cases += [Case("path tricks", "GET", path) for path in PATH_TRICKS]
    cases += [Case("wrong methods", method, path) for method, path in WRONG_METHODS]
    cases += write_cases(_bomb(9))
    return cases


# --------------------------------------------------------------------------------------------- the tests


def test_the_bad_input_corpus_never_breaks_the_server(server):
    cases = corpus()
    assert len(cases) >= 250
    statuses: collections.Counter[int] = collections.Counter()
    by_family: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    failures, peak, started = [], tree_rss(server.pid), time.perf_counter()
    with httpx.Client(base_url=server.url, timeout=120) as client:
        before = dataset_quads(client)
        for case in cases:
            answer = client.request(case.method, case.path, **case.options)
            statuses[answer.status_code] += 1
            by_family[case.family][answer.status_code] += 1
            problem = _problem(answer)
            if problem:
                failures.append(f"{case.family} {case.method} {case.path[:60]}: {problem}")
            point = server.point_query()
            if point.status_code != 200 or not server.alive():
                failures.append(f"after {case.family} {case.method} {case.path[:60]}: point query {point.status_code}")
            peak = max(peak, tree_rss(server.pid))
        assert dataset_quads(client) == before, "a refused write changed the store"
    print(
        f"\ncorpus: {len(cases)} requests in {time.perf_counter() - started:.1f} s; statuses "
        f"{dict(sorted(statuses.items()))}; server restarts 0 (PID {server.pid} alive), query worker restarts "
        f"{server.worker_restarts()}; peak memory (server + workers) {peak / 2**20:.0f} MiB"
    )
    for family, counts in sorted(by_family.items()):
        print(f"  {family}: {dict(sorted(counts.items()))}")
    assert failures == []
    assert server.alive()
    assert peak < MEMORY_BOUND


def _problem(answer: httpx.Response) -> str | None:
    if not (200 <= answer.status_code < 300 or 400 <= answer.status_code < 500):
        return f"status {answer.status_code}: {answer.text[:300]}"
    if "Traceback" in answer.text or 'File "/' in answer.text:
        return "a traceback in the body"
    if answer.status_code >= 400 and "json" in answer.headers.get("content-type", ""):
        detail = answer.json().get("detail")
        if not detail:
            return f"an error without a message: {answer.text[:200]}"
    return None


def test_error_messages_say_where(server):
    """A SPARQL syntax error gives line and column; a refused document its line."""
    answer = httpx.get(f"{server.url}/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert answer.status_code == 400 and "2:" in answer.json()["detail"]
    answer = httpx.post(f"{server.url}/validate", content=_bomb(9), headers={"content-type": "application/rdf+xml"})
    assert answer.status_code == 400 and answer.json()["line"] == 1 and "DTD" in answer.json()["detail"]
    answer = httpx.post(f"{server.url}/validate", content=b"null", headers={"content-type": "application/ld+json"})
    assert answer.status_code == 400 and "JSON-LD" in answer.json()["detail"]


def test_a_runaway_query_stops_at_the_timeout_and_gives_its_memory_back(server):
    before = tree_rss(server.pid)
    started = time.perf_counter()
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answer = httpx.get(f"{server.url}/sparql", params={"query": runaway}, timeout=60)
    seconds = time.perf_counter() - started
    assert answer.status_code == 400 and "longer than 3 s" in answer.json()["detail"]
    assert 3 <= seconds < 10
    time.sleep(1)  # the replacement worker loads the store
    after = tree_rss(server.pid)
    print(
        f"\nrunaway query stopped after {seconds:.1f} s; memory before {before / 2**20:.0f} MiB, "
        f"after {after / 2**20:.0f} MiB"
    )
    assert after < before + 200 * 2**20
    assert server.point_query().status_code == 200


def test_forty_slow_queries_do_not_freeze_a_point_query(server):
    """With 40 slow queries in flight, a point query answers in under a second, or gets 503 at once."""
    import concurrent.futures

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    # One client for all: httpx.get makes a client per call (~35 ms of CPU, mostly its TLS context), and forty
    # of those in this process's threads would be timed with the point query instead of the server.
    with (
        httpx.Client(base_url=server.url, timeout=60) as client,
        concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool,
    ):
        pending = [pool.submit(client.get, "/sparql", params={"query": slow}) for _ in range(40)]
        time.sleep(0.5)
        started = time.perf_counter()
        point = client.get(
            "/sparql", params={"query": POINT_QUERY}, headers={"accept": "application/sparql-results+json"}
        )
        seconds = time.perf_counter() - started
        answers = [future.result() for future in pending]
    codes = collections.Counter(a.status_code for a in answers)
    print(f"\n40 slow queries: {dict(codes)}; point query {point.status_code} in {seconds * 1000:.0f} ms")
    assert point.status_code in (200, 503) and seconds < 1.0
    if point.status_code == 503:
        assert point.headers["retry-after"]
    assert set(codes) <= {200, 400, 503} and codes[503] > 0
    assert all(a.headers.get("retry-after") for a in answers if a.status_code == 503)
    assert server.point_query().status_code == 200


def test_the_json_bodies_of_errors_are_json(server):
    answer = httpx.post(f"{server.url}/sparql", content=b"\xff", headers={"content-type": "application/sparql-query"})
    assert answer.status_code == 400 and "UTF-8" in json.loads(answer.text)["detail"]
