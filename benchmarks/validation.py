"""Benchmark: validating a 1,000-triple change incrementally vs validating everything with pyshacl.

The state is the real graph (data/) grown to the target size with seeded synthetic projects that follow
docs/model.md and conform to the shapes (real calls and their maxima, real LBLOD municipalities as
consortium members). The change is a batch of new synthetic projects of about 1,000 triples, once
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
import dataclasses
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gzg_graph import queries  # noqa: E402
from gzg_graph.build import assemble  # noqa: E402
from gzg_graph.config import Settings  # noqa: E402
from gzg_graph.namespaces import LBLOD_SUBSIDIE, M8G, PROV, SCHEMA, SUBSIDIE, TRANSACTIE  # noqa: E402
from gzg_graph.store import EmbeddedStore  # noqa: E402
from gzg_graph.uris import UriPolicy  # noqa: E402
from gzg_graph.validation import load_shapes, validate, validate_change  # noqa: E402
from gzg_graph.validation.engine import focused_validator  # noqa: E402

MEASURE = URIRef("http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff")
THEME = URIRef("http://lblod.data.gift/concepts/446ac005-7342-4f3a-b7a0-2b3c929d73ba")
SOURCE = URIRef("https://example.org/benchmark/synthetic")
BUSIEST_ORGANISATION = """
    SELECT ?organisation (COUNT(?participation) AS ?roles)
    WHERE { ?organisation <http://data.europa.eu/m8g/playsRole> ?participation }
    GROUP BY ?organisation ORDER BY DESC(?roles) LIMIT 1"""


class SyntheticProjects:
    """Seeded projects of realistic shape: request, granted amount, a consortium of ~6.5 municipalities."""

    def __init__(self, uris: UriPolicy, calls: list[tuple[URIRef, float]], municipalities: list[URIRef], seed: int):
        self.uris, self.calls, self.municipalities = uris, calls, municipalities
        self.rng = random.Random(seed)
        self.ns = uris.ns

    def project(self, key: str, graph: Graph, over_maximum: bool = False) -> None:
        u, ns, rng = self.uris, self.ns, self.rng
        project = u.id("project", key)
        call, maximum = rng.choice(self.calls)
        granted = maximum * (1.5 if over_maximum else rng.uniform(0.2, 0.9))
        requested = max(granted, maximum * rng.uniform(0.5, 1.0)) if not over_maximum else granted
        request = u.id("aanvraag", key)
        add = graph.add
        for p, o in (
            (RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie),
            (TRANSACTIE.isInstantieVan, MEASURE),
            (ns.oproep, call),
            (DCTERMS.title, Literal(f"Synthetisch project {key}", lang="nl")),
            (LBLOD_SUBSIDIE.projectName, Literal(f"Synthetisch project {key}")),
            (DCTERMS.description, Literal("Gegenereerd voor een benchmark.", lang="nl")),
            (DCTERMS.subject, THEME),
            (LBLOD_SUBSIDIE.projectType, THEME),
            (DCTERMS.source, SOURCE),
            (PROV.wasGeneratedBy, request),
        ):
            add((project, p, o))
        add((request, RDF.type, SUBSIDIE.Aanvraag))
        add((request, SUBSIDIE.aanvraagdatum, Literal("2022-01-15", datatype=XSD.date)))
        self._amount(graph, request, SUBSIDIE.aangevraagdBedrag, u.id("bedrag", f"{key}-aangevraagd"), requested)
        self._amount(graph, project, ns.toegekendBedrag, u.id("bedrag", f"{key}-toegekend"), granted)
        size = max(2, min(16, round(rng.gauss(6.5, 3))))
        for index, unit in enumerate(rng.sample(self.municipalities, size)):
            participation = u.id("deelname", f"{key}--{index}")
            role = u.concept("consortiumrol", "penhouder" if index == 0 else "partner")
            add((project, M8G.hasParticipation, participation))
            add((participation, RDF.type, M8G.Participation))
            add((participation, M8G.role, role))
            add((participation, DCTERMS.description, Literal("Deelnemer.", lang="nl")))
            add((participation, DCTERMS.source, SOURCE))
            add((unit, M8G.playsRole, participation))
            if index:
                add((project, LBLOD_SUBSIDIE.collaborator, unit))

    @staticmethod
    def _amount(graph: Graph, owner: URIRef, link: URIRef, node: URIRef, value: float) -> None:
        graph.add((owner, link, node))
        graph.add((node, RDF.type, SCHEMA.MonetaryAmount))
        graph.add((node, SCHEMA.value, Literal(f"{value:.2f}", datatype=XSD.decimal)))
        graph.add((node, SCHEMA.currency, Literal("EUR")))


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
    settings = dataclasses.replace(Settings.from_env(), base_uri="http://127.0.0.1:8000")
    uris = UriPolicy(settings.base_uri)
    graphs = assemble(settings)
    state = Graph()
    for name, graph in graphs.items():
        if name != "ontology":
            state += graph
    store = EmbeddedStore()
    for name, graph in graphs.items():
        store.add(str(uris.graph(name)), graph.serialize(format="nt", encoding="utf-8"))
    rows = store.select(queries.load("calls"))
    calls = [(URIRef(r["call"]), float(r["maxAmount"])) for r in rows if "maxAmount" in r]  # calls with a maximum
    municipalities = [URIRef(r["unit"]) for r in store.select(queries.load("municipalities-2025"))]
    synthetic = SyntheticProjects(uris, calls, municipalities, seed=42)
    extra, n = Graph(), 0
    while len(state) + len(extra) < target:
        n += 1
        synthetic.project(f"synthetic-{n}", extra)
    state += extra
    store.add(str(uris.graph("benchmark")), extra.serialize(format="nt", encoding="utf-8"))
    changes = {}
    for label, bad in (("conforming", False), ("one project over its call's maximum", True)):
        change, k = Graph(), 0
        while len(change) < 1000:
            k += 1
            synthetic.project(f"change-{int(bad)}-{k}", change, over_maximum=bad and k == 1)
        changes[label] = change
    shapes = load_shapes(settings.shapes, uris)
    print(
        f"state: {len(state):,} triples ({n:,} synthetic projects on the real graph); "
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
