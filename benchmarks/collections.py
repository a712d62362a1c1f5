"""Latency of filtered collections, in process (the library: select, run, JSON-LD) and over HTTP (httpx against a
running ``gzg serve``), each request a selection not asked before (no order or answer kept from an earlier one).

    python benchmarks/collections.py STORE_DIR [URL] [--repeat N]

The selections name the real local governments, which are also the members of benchmarks/generate.py's
consortia: the same cases fit the real graph and one with generated data added.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator

import httpx

from gzg_graph.config import Settings
from gzg_graph.namespaces import PREFIXES
from gzg_graph.publishing import collection_jsonld, collections, jsonld
from gzg_graph.publishing.collection_specs import collections as specs
from gzg_graph.store import EmbeddedStore
from gzg_graph.uris import UriPolicy

Case = tuple[str, str, list[dict[str, str]]]  # label, collection, distinct selections


def cases(store: EmbeddedStore) -> list[Case]:
    rows = store.select(
        "SELECT ?unit ?name WHERE { ?unit a <http://data.vlaanderen.be/ns/besluit#Bestuurseenheid> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?unit"
    )
    kinds = ("gemeente", "ocmw", "politiezone", "autonoom-gemeentebedrijf", "hulpverleningszone")
    provinces = ("antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen")
    return [
        (
            "projects of a local government as penhouder",
            "projects",
            [{"localGovernment": r["unit"], "role": "penhouder"} for r in rows],
        ),
        (
            "local governments by province and kind",
            "local-governments",
            [{"province": p, "kind": k} for p in provinces for k in kinds],
        ),
        ("local governments, searched", "local-governments", [{"q": r["name"][:6]} for r in rows[::4]]),
        # over HTTP only the first is a new selection: the others (other page sizes) find its order kept
        ("all local governments, page 1", "local-governments", [{"pageSize": str(s)} for s in range(1, 101)]),
    ]


def timings(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {1000 * statistics.median(ordered):6.1f} ms  p99 {1000 * p99:6.1f} ms  (n={len(ordered)})"


def distinct(selections: list[dict[str, str]], repeat: int) -> Iterator[dict[str, str]]:
    for index in range(min(repeat, len(selections))):
        yield selections[index]


def in_process(store: EmbeddedStore, uris: UriPolicy, case: Case, repeat: int) -> str:
    _, name, selections = case
    collection = specs(uris.base)[name]
    took = []
    for params in distinct(selections, repeat):
        collections._ORDERS.clear()  # measure a selection's first request
        started = time.perf_counter()
        lookup = lambda option: collections.options(store, uris, option)  # noqa: E731
        page = collections.run(store, uris, collections.select(collection, list(params.items()), lookup))
        jsonld.serialise(collection_jsonld.to_jsonld(page, uris))
        took.append(time.perf_counter() - started)
    return timings(took)


def over_http(url: str, case: Case, repeat: int, fmt: str, half: int) -> str:
    """Each format asks its own half of the selections: the server keeps a selection's order once asked."""
    _, name, selections = case
    took = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for params in distinct(selections[half::2], repeat):
            started = time.perf_counter()
            answer = client.get(f"/{name}", params={**params, "format": fmt})
            took.append(time.perf_counter() - started)
            answer.raise_for_status()
    return timings(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("store", help="a built store directory")
    parser.add_argument("url", nargs="?", help="a gzg serve on that store, e.g. http://127.0.0.1:8000")
    parser.add_argument("--repeat", type=int, default=100, help="distinct selections per case (100)")
    args = parser.parse_args()
    uris = UriPolicy(Settings.from_env().base_uri)
    store = EmbeddedStore(args.store, prefixes={**PREFIXES, "gzg": str(uris.ns)}, create=False)
    print(f"{len(store):,} triples")
    for case in cases(store):
        print(f"{case[0]:45} in process (JSON-LD) {in_process(store, uris, case, args.repeat)}")
        if args.url:
            for half, fmt in enumerate(("jsonld", "csv")):
                print(f"{'':45} HTTP {fmt:6}             {over_http(args.url, case, args.repeat, fmt, half)}")


if __name__ == "__main__":
    main()
