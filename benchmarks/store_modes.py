"""Benchmark: pyoxigraph in memory (the embedded store's mode) vs pyoxigraph on disk (RocksDB).

Prints load time and the time of a join + aggregate query for both, and the ratio on-disk / in-memory,
all measured in the same run on the same generated data. Run: ``python benchmarks/store_modes.py [triples]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

import pyoxigraph as ox
from generate import generate

JOIN_AGGREGATE = """
PREFIX m8g: <http://data.europa.eu/m8g/>
PREFIX gzg: <http://127.0.0.1:8000/ns/gzg#>
PREFIX schema: <http://schema.org/>
SELECT ?call (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?org) AS ?initiators)
       (AVG(?value) AS ?average) (MAX(?value) AS ?largest)
WHERE {
  ?project gzg:oproep ?call ; m8g:hasParticipation ?p ; gzg:toegekendBedrag/schema:value ?value .
  ?org m8g:playsRole ?p .
} GROUP BY ?call
"""


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(target: int) -> None:
    path = generate(target)
    print(f"data: {path.name}")
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for mode, store in (("in-memory", ox.Store()), ("on-disk", ox.Store(directory))):
            start = time.perf_counter()
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
            load = time.perf_counter() - start
            query = timed(lambda store=store: list(store.query(JOIN_AGGREGATE)))
            results[mode] = (len(store), load, query)
            print(
                f"{mode:>10}: {len(store):>9} triples, load {load:6.2f} s ({len(store) / load:,.0f} triples/s), "
                f"join+aggregate {query:6.3f} s (median of 3)"
            )
    memory, disk = results["in-memory"], results["on-disk"]
    print(f"ratio on-disk / in-memory: load {disk[1] / memory[1]:.2f}x, join+aggregate {disk[2] / memory[2]:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
