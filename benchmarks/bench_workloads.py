"""The workloads of ``benchmarks/compare.py``: the dataset, the loads and validations (in child processes with a
time limit), the SPARQL query mix and its phases against one server, and the JSON-LD API phases of gzg-graph."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox
from bench_load import Request, time_in_process, wrk
from bench_servers import READY_QUERY, Running
from generate import BASE, generate
from rdflib import Graph

from gzg_graph.build import assemble
from gzg_graph.config import Settings
from gzg_graph.queries.examples import examples
from gzg_graph.store import EmbeddedStore, detect_query_kind
from gzg_graph.uris import UriPolicy

OUT = Path(__file__).parent / "out"
#: The query mix: (what it stands for, example id of gzg_graph/queries/examples); the first is the point lookup.
MIX = [
    ("point lookup", "is-consortium-member"),
    ("consortium join", "project-consortium"),
    ("join: building blocks", "building-blocks-per-project"),
    ("aggregate per province", "participation-per-province"),
    ("aggregate per call and theme", "projects-per-call-and-theme"),  # call-figures: 41 s at 100k in pyoxigraph
    ("join: partners elsewhere", "non-local-partners"),
    ("text filter", "municipality-name-on-date"),
    ("calls and windows", "calls-and-windows"),
    ("themes per call", "call-themes"),
    ("support sessions", "support-sessions"),
    ("CONSTRUCT of a project", "project-as-graph"),
    ("DESCRIBE", "describe-building-block"),
]
ACCEPT = {"select": "application/sparql-results+json", "ask": "application/sparql-results+json"}
ACCEPT_GRAPH = "application/n-triples"
JSONLD = "application/ld+json"
#: rdflib's parser for each graph media type a server may answer with.
RDF_PARSERS = {
    ACCEPT_GRAPH: "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    JSONLD: "json-ld",
    "text/n3": "n3",
}
KINDS = {
    "project": "http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie",
    "local government": "http://data.vlaanderen.be/ns/besluit#Bestuurseenheid",
}
PROVINCES = ["antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen"]


@dataclass(frozen=True)
class MixQuery:
    label: str
    id: str
    sparql: str
    kind: str  # select, ask or graph

    @property
    def accept(self) -> str:
        return ACCEPT.get(self.kind, ACCEPT_GRAPH)

    def request(self, path: str) -> Request:
        return Request(f"{path}?query={quote(self.sparql, safe='')}", self.accept)


def query_mix() -> list[MixQuery]:
    """The mix, its text taken from the example files (written with our default base, the dataset's)."""
    known = {e.id: e for e in examples()}
    return [MixQuery(label, i, known[i].sparql, detect_query_kind(known[i].sparql)) for label, i in MIX]


# ------------------------------------------------------------------------------------------------ the dataset


def dataset(target: int, seed: int) -> tuple[dict[str, bytes], Path, int]:
    """{graph IRI: N-Triples} of the real graph (as ``gzg build`` assembles it) plus the generated triples in
    their own graph, up to about ``target``; the same as one N-Quads file (for the loaders that read files);
    and the number of triples."""
    settings = dataclasses.replace(Settings.from_env(), base_uri=BASE)
    uris = UriPolicy(BASE)
    graphs = assemble(settings)
    payload = {str(uris.graph(n)): g.serialize(format="nt", encoding="utf-8") for n, g in graphs.items()}
    real = sum(len(g) for g in graphs.values())
    payload[str(uris.graph("benchmark"))] = generate(max(target - real, 0), seed).read_bytes()
    OUT.mkdir(exist_ok=True)
    nquads = OUT / f"compare-{target}-seed{seed}.nq"
    triples = 0
    with nquads.open("wb") as out:
        for graph, data in payload.items():
            suffix = f" <{graph}> .\n".encode()
            for line in data.splitlines():
                line = line.rstrip()
                if line.endswith(b" .") and not line.startswith(b"#"):
                    out.write(line[:-2] + suffix)
                    triples += 1
    return payload, nquads, triples


# ------------------------------------------------------------------------------------------------ children


def in_child(work: Callable[[], dict[str, Any]], limit: float) -> dict[str, Any]:
    """``work()`` in a forked child, stopped past ``limit`` seconds: its figures, or what went wrong."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def run() -> None:
        try:
            queue.put(work())
        except Exception as error:  # reported in the figures, the run goes on
            queue.put({"error": f"{type(error).__name__}: {error}"[:500]})

    child = context.Process(target=run)
    child.start()
    try:
        result = queue.get(timeout=limit)
    except Exception:
        result = {"error": f"stopped after {limit:.0f} s (time limit)", "timed_out": True}
    child.kill()
    child.join()
    return result


def gzg_raw_load(payload: dict[str, bytes], store_dir: Path) -> dict[str, Any]:
    """The store's write without validation: ``replace_graphs`` of the whole dataset (what a build stores)."""
    started = time.perf_counter()
    EmbeddedStore(store_dir).replace_graphs(payload, drop_others=True)
    return {"seconds": time.perf_counter() - started}


def gzg_validated_load(payload: dict[str, bytes], store_dir: Path, ontology_graph: str) -> dict[str, Any]:
    """What ``gzg build`` does with the assembled graphs, from N-Triples: parse into rdflib (the validator's
    input), validate everything but the ontology against the shapes with the ontology, then ``replace_graphs``."""
    from gzg_graph.validation import load_shapes, validate

    steps: dict[str, float] = {}
    started = time.perf_counter()
    data, ontology = Graph(), Graph()
    for name, nt in payload.items():
        (ontology if name == ontology_graph else data).parse(data=nt.decode("utf-8"), format="nt")
    steps["parse"] = time.perf_counter() - started
    begin = time.perf_counter()
    report = validate(data, load_shapes(Settings.from_env().shapes, UriPolicy(BASE)), ontology=ontology)
    steps["validate"] = time.perf_counter() - begin
    begin = time.perf_counter()
    EmbeddedStore(store_dir).replace_graphs(payload, drop_others=True)
    steps["store"] = time.perf_counter() - begin
    total = time.perf_counter() - started
    return {"seconds": total, "steps": steps, "conforms": report.conforms, "summary": report.summary("en")}


def incremental_validation(store_dir: Path, repeats: int = 5) -> dict[str, Any]:
    """A ~1,000-triple change of new generated projects (``benchmarks/validation.py``'s batch) validated against
    the loaded store with ``validate_change``: preparing the shapes, the first run, the median of the next runs."""
    from itertools import count

    from generate import Generator
    from generator_reference import reference
    from validation import CHANGE_SEED, change_batch

    from gzg_graph.validation import load_shapes, validate_change
    from gzg_graph.validation.engine import focused_validator

    store, uris = EmbeddedStore(store_dir), UriPolicy(BASE)
    change = change_batch(Generator(reference(BASE), CHANGE_SEED, prefix="change"), count(1), over_maximum=False)
    shapes = load_shapes(Settings.from_env().shapes, uris)
    started = time.perf_counter()
    focused_validator(shapes)
    prepare = time.perf_counter() - started
    runs = []
    for _ in range(1 + repeats):
        begin = time.perf_counter()
        report = validate_change(change, None, store, shapes)
        runs.append(time.perf_counter() - begin)
    return {
        "triples": len(change),
        "prepare_shapes_s": prepare,
        "first_s": runs[0],
        "median_s": statistics.median(runs[1:]),
        "conforms": report.conforms,
    }


# ------------------------------------------------------------------------------------------------ SPARQL


def count_answer(kind: str, content_type: str, body: bytes) -> str:
    """What the comparison compares: the number of rows, the boolean, or the number of triples."""
    if kind in ACCEPT:
        answer = json.loads(body)
        return str(answer["boolean"]).lower() if "boolean" in answer else str(len(answer["results"]["bindings"]))
    mime = content_type.split(";")[0].strip() or ACCEPT_GRAPH
    if mime not in RDF_PARSERS:
        return f"unreadable ({mime})"
    return str(len(Graph().parse(data=body.decode("utf-8"), format=RDF_PARSERS[mime])))


def floor_store(directory: Path, nquads: Path, payload: dict[str, bytes]) -> tuple[ox.Store, dict[str, float]]:
    """pyoxigraph on disk with the dataset: the N-Quads bulk-loaded (the load baseline), then the RDF merge of the
    named graphs bulk-loaded into the default graph, which the floor's queries read: the SPARQL default graph
    as a set, as gzg-graph's store keeps it (pyoxigraph's own union default graph is a bag, its issue 1919)."""
    store, seconds = ox.Store(str(directory)), {}
    started = time.perf_counter()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    seconds["bulk_load"] = time.perf_counter() - started
    started = time.perf_counter()
    for data in payload.values():
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    seconds["merge"] = time.perf_counter() - started
    return store, seconds


def floor_answers(store: ox.Store, mix: list[MixQuery], seconds: float) -> dict[str, dict[str, Any]]:
    """Each query in this process on :func:`floor_store`, its answer serialised as a server sends it: latency
    and the count every server's answer is checked against."""
    figures = {}
    for q in mix:

        def run(q: MixQuery = q) -> bytes:
            answer = store.query(q.sparql)
            if isinstance(answer, ox.QueryTriples):
                return answer.serialize(format=ox.RdfFormat.N_TRIPLES)
            return answer.serialize(format=ox.QueryResultsFormat.JSON)

        figures[q.id] = {**time_in_process(run, seconds), "count": count_answer(q.kind, q.accept, run())}
    return figures


def settle(server: Running, seconds: float = 30) -> float | None:
    """Wait until the server answers again (requests abandoned at a phase's end may still be running): the
    seconds waited, or None when it still did not answer."""
    started = time.perf_counter()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.query_url, params={"query": READY_QUERY}, timeout=10).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(1)
    return None


def check(server: Running, q: MixQuery, expected: str, timeout: float) -> dict[str, Any]:
    """One request: its status, seconds and answer count against pyoxigraph's in process."""
    started = time.perf_counter()
    try:
        answer = httpx.get(server.query_url, params={"query": q.sparql}, headers={"accept": q.accept}, timeout=timeout)
    except httpx.TimeoutException:
        return {"status": None, "seconds": timeout, "timed_out": True, "same": False, "count": None}
    seconds = time.perf_counter() - started
    count = None
    if answer.status_code == 200:
        try:
            count = count_answer(q.kind, answer.headers.get("content-type", ""), answer.content)
        except Exception as error:  # a malformed answer is a finding, not a crash
            count = f"unreadable: {type(error).__name__}"
    same = answer.status_code == 200 and count == expected
    return {"status": answer.status_code, "seconds": seconds, "count": count, "same": same}


def sparql_phases(server: Running, mix: list[MixQuery], floor: dict, args: Any) -> dict[str, Any]:
    """Per query at 1 client, the point lookup at 8, and the whole mix at each of ``args.clients``. A server
    still busy with an abandoned request after :func:`settle` (rdflib-endpoint runs a query on its event loop)
    gets no further per-query checks: they are reported as not measured, and the mix phases still run."""
    out: dict[str, Any] = {"checks": {}, "per_query": {}, "mix": {}, "settle_s": []}
    busy = False
    for q in mix:
        if busy:
            out["per_query"][q.id] = {"requests": 0, "note": "not measured: the server was still busy"}
            continue
        out["checks"][q.id] = checked = check(server, q, floor[q.id]["count"], args.timeout)
        if checked.get("timed_out"):
            out["per_query"][q.id] = {"requests": 0, "timeouts": 1, "note": f"check timed out ({args.timeout:g} s)"}
            busy = settle(server) is None
        elif checked["seconds"] > args.seconds:  # one answer is all a phase would get
            out["per_query"][q.id] = {"requests": 1, "p50": 1000 * checked["seconds"], "note": "one (slow) request"}
        else:
            out["per_query"][q.id] = wrk(server.origin, [q.request(server.path)], 1, args.seconds, args.timeout)
    point = mix[0].request(server.path)
    out["point_lookup_8"] = wrk(server.origin, [point], 8, args.seconds, args.timeout)
    requests = [q.request(server.path) for q in mix]
    for clients in args.clients:
        out["settle_s"].append(settle(server))
        out["mix"][clients] = wrk(server.origin, requests, clients, args.mix_seconds, args.timeout)
    return out


# ------------------------------------------------------------------------------------------------ JSON-LD


def document_paths(server: Running, limit: int) -> list[str]:
    """Up to ``limit`` document paths (projects, then local governments), in a seeded random order."""
    found: list[str] = []
    for kind in KINDS.values():
        sparql = f"SELECT DISTINCT ?r WHERE {{ ?r a <{kind}> }} ORDER BY ?r LIMIT {limit - len(found)}"
        rows = httpx.get(server.query_url, params={"query": sparql}, headers={"accept": ACCEPT["select"]}, timeout=300)
        if rows.status_code != 200:
            raise RuntimeError(f"the documents' query answered {rows.status_code}: {rows.text[:300]}")
        for row in rows.json()["results"]["bindings"]:
            uri = row["r"]["value"]
            doc = uri.removeprefix(BASE).replace("/id/", "/doc/", 1)
            found.append(doc if uri.startswith(BASE) else f"/resource?uri={quote(uri, safe='')}")
    random.Random(42).shuffle(found)
    return found


def collection_paths() -> list[str]:
    """Filtered, paged collections: local governments per province and page size, projects searched."""
    paths = [f"/local-governments?province={p}&pageSize={n}" for p in PROVINCES for n in range(5, 25)]
    return paths + [f"/projects?q={q}&page={n}" for q in ("digitaal", "loket", "project") for n in (1, 2, 3)]


def jsonld_phases(server: Running, documents: list[str], args: Any) -> dict[str, Any]:
    """A document asked again and again, ``documents`` in turn, and filtered, paged collections in turn; the
    server keeps answers as it does by default (a URL asked again while the store is unchanged is not
    recomputed), so only the first round of a rotation is computed, and the report says how many URLs it has."""
    workloads = {
        "document (same URL: kept answer)": documents[:1],
        f"documents (distinct: {len(documents)} URLs in turn)": documents,
        f"collections (distinct: {len(collection_paths())} URLs in turn)": collection_paths(),
    }
    out: dict[str, Any] = {"checks": {}, "phases": {}, "distinct": {}}
    out["settle_s"] = settle(server)  # gzg-graph's workers may still run queries the mix phases abandoned
    for name, paths in workloads.items():
        try:
            answer = httpx.get(server.origin + paths[0], headers={"accept": JSONLD}, timeout=args.timeout)
            out["checks"][name] = {"path": paths[0], "status": answer.status_code}
        except httpx.TimeoutException:
            out["checks"][name] = {"path": paths[0], "status": f"no answer in {args.timeout:g} s"}
        requests = [Request(p, JSONLD) for p in paths]
        out["phases"][name] = {c: wrk(server.origin, requests, c, args.seconds, args.timeout) for c in args.clients}
        out["distinct"][name] = len(paths)
    return out
