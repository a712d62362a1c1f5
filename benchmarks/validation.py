"""Benchmark: validating a 1,000-triple change incrementally vs validating everything with pyshacl.

The state is the real graph (data/) grown to the target size with the projects of benchmarks/generate.py (the
one seeded generator: real calls and their maxima, real LBLOD municipalities as consortium members; they
conform to the shapes). The change is a batch of further generated projects of about 1,000 triples, once
conforming and once with one project above its call's maximum. Printed, in one run:
  * full validation of the state (pyshacl over everything),
  * the change validated incrementally (``validate_change`` against the embedded store): the first run
    and the median of five more (preparing the shapes, once per process, is timed apart),
  * the baseline: state + change validated in full with plain pyshacl,
and the verdicts of both, which must agree. Run: ``python benchmarks/validation.py [triples]``;
``--full-limit 0`` skips the (slow) full validations. Last, a one-triple correction to the organisation
that plays the most roles: a hub whose hundreds of projects the change cannot affect.
Nothing is written outside ``benchmarks/out/``; the real store is not touched.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generate import BASE, GRAPH, Generator, generate  # noqa: E402
from generator_reference import real_graphs, reference, settings  # noqa: E402

from gzg_graph.store import EmbeddedStore  # noqa: E402
from gzg_graph.uris import UriPolicy  # noqa: E402
from gzg_graph.validation import load_shapes, validate, validate_change  # noqa: E402
from gzg_graph.validation.engine import focused_validator  # noqa: E402

CHANGE_SEED = 43  # the changes' projects: a stream of their own, with URIs of their own (change-*)
BUSIEST_ORGANISATION = """
    SELECT ?organisation (COUNT(?participation) AS ?roles)
    WHERE { ?organisation <http://data.europa.eu/m8g/playsRole> ?participation }
    GROUP BY ?organisation ORDER BY DESC(?roles) LIMIT 1"""


class SyntheticProjects:
    """The former interface of this module (benchmarks/stores.py uses it): projects of the one generator,
    added to an rdflib graph by key. ``calls`` and ``municipalities`` are not used any more: the generator
    reads the real calls and the municipalities valid at each project's date from the real graph itself."""

    def __init__(self, uris: UriPolicy, calls: object, municipalities: object, seed: int) -> None:
        self.generator = Generator(reference(uris.base), seed)

    def project(self, key: str, graph: Graph, over_maximum: bool = False) -> None:
        graph.parse(data="\n".join(self.generator.named(key, over_maximum)), format="nt")


def change_batch(generator: Generator, numbers: Iterator[int], over_maximum: bool) -> Graph:
    """Generated projects up to about 1,000 triples; the first one above its call's maximum if asked."""
    lines: list[str] = []
    while len(lines) < 1000:
        lines += generator.project(next(numbers), over_maximum=over_maximum and not lines)
    return Graph().parse(data="\n".join(lines), format="nt")


def _full_in_child(graph: Graph, shapes: Graph, queue) -> None:
    start = time.perf_counter()
    report = validate(graph, shapes)
    queue.put((time.perf_counter() - start, report.conforms, report.summary()))


def timed_full(label: str, graph: Graph, shapes: Graph, limit: float):
    """Full pyshacl validation in a child process, given up after ``limit`` seconds (it grows fast)."""
    if limit <= 0:
        print(f"  {label:<58} skipped (--full-limit 0)", flush=True)
        return None, None, None
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_full_in_child, args=(graph, shapes, queue))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        print(f"  {label:<58} > {limit:6.0f} s (did not finish; stopped)", flush=True)
        return None, None, None
    seconds, conforms, summary = queue.get()
    print(f"  {label:<58} {seconds:8.2f} s", flush=True)
    return seconds, conforms, summary


def timed_incremental(change: Graph, store: EmbeddedStore, shapes: Graph, repeats: int = 5):
    """The first run and the median of the next runs."""
    runs = []
    for _ in range(1 + repeats):
        start = time.perf_counter()
        report = validate_change(change, None, store, shapes)
        runs.append(time.perf_counter() - start)
    warm = statistics.median(runs[1:])
    print(f"  {'incremental validate_change against the store, first run':<58} {runs[0]:8.2f} s", flush=True)
    print(f"  {f'incremental, median of the next {repeats} runs':<58} {warm:8.2f} s", flush=True)
    return report, warm


def main(target: int, full_limit: float) -> None:
    uris = UriPolicy(BASE)
    graphs = real_graphs(BASE)
    store = EmbeddedStore()
    for name, graph in graphs.items():
        store.add(str(uris.graph(name)), graph.serialize(format="nt", encoding="utf-8"))
    real = sum(len(graph) for name, graph in graphs.items() if name != "ontology")
    generated = generate(max(target - real, 0)).read_bytes()
    store.add(GRAPH, generated)
    state = Graph()
    if full_limit > 0:  # the full validations need the state as one rdflib graph; the incremental one does not
        for name, graph in graphs.items():
            if name != "ontology":
                state += graph
        state.parse(data=generated, format="nt")
    generator, numbers = Generator(reference(BASE), CHANGE_SEED, prefix="change"), count(1)
    changes = {
        "conforming": change_batch(generator, numbers, over_maximum=False),
        "one project over its call's maximum": change_batch(generator, numbers, over_maximum=True),
    }
    shapes = load_shapes(settings(BASE).shapes, uris)
    lines = generated.count(b"\n")
    print(
        f"state: {real + lines:,} triples ({lines:,} generated on the real graph); "
        f"changes: {', '.join(f'{len(c):,} triples ({label})' for label, c in changes.items())}",
        flush=True,
    )
    start = time.perf_counter()
    focused_validator(shapes)
    print(
        f"  {'prepare the shapes for incremental validation (once per process)':<58} "
        f"{time.perf_counter() - start:8.2f} s",
        flush=True,
    )
    _, _, summary = timed_full("full validation of the state (pyshacl)", state, shapes, full_limit)
    if summary:
        print(f"    verdict: {summary}")
    for label, change in changes.items():
        print(f"change, {label}:")
        incremental, inc_seconds = timed_incremental(change, store, shapes)
        print(f"    incremental verdict: {incremental.summary()}")
        print(f"    target (under 1 s): {'met' if inc_seconds < 1 else 'NOT met'}")
        if full_limit <= 0:
            continue
        combined = Graph()
        combined += state
        combined += change
        base_seconds, conforms, _ = timed_full(
            "baseline: state + change in full with plain pyshacl", combined, shapes, full_limit
        )
        if base_seconds is None:
            print(f"    verdict: incremental conforms={incremental.conforms}; full validation gave no verdict in time")
            print(f"    speed-up: more than {full_limit / inc_seconds:,.0f}x")
            continue
        agree = "agree" if incremental.conforms == conforms else "DISAGREE"
        print(f"    verdicts: incremental conforms={incremental.conforms}, full conforms={conforms} ({agree})")
        print(f"    speed-up: {base_seconds / inc_seconds:,.1f}x")
    busiest = store.select(BUSIEST_ORGANISATION)[0]
    correction = Graph()
    correction.add((URIRef(busiest["organisation"]), SKOS.altLabel, Literal("Benchmarkgemeente", lang="nl")))
    print(
        f"change, one new alternative name of the organisation with the most roles ({busiest['roles']} "
        "participations; its projects need no re-check):"
    )
    report, _ = timed_incremental(correction, store, shapes)
    print(f"    incremental verdict: {report.summary()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", nargs="?", type=int, default=1_000_000, help="size of the state (default 1M)")
    parser.add_argument("--full-limit", type=float, default=1800, help="seconds a full validation may take")
    args = parser.parse_args()
    main(args.triples, args.full_limit)
