"""The one seeded generator of GZG-shaped benchmark data (never loaded into the real graph).

Real entities are referred to by their real URIs, read from the graph of data/ (generator_reference.py): the
300 municipalities of 2019-2024 and the 285 of 2025 (LBLOD), the seven calls with their themes, windows and
maxima, the measure, the partner organisations and the building blocks. Generated are only what the programme
did not publish: projects (applications, selected or not), their consortia (m8g:Participation, one penhouder,
partners, sometimes supporting partners), amounts, periods and Dutch descriptions, with exactly the classes
and predicates the real projects have in the built graph (docs/model.md), so real graph + generated data
conform to shapes/gzg-shapes.ttl.

Published figures the distributions follow (copied here, as ../shared is not read at run time; source: the
seed text "Hefboomeffect in oproep 1", data/sources/000_b3ec58cab368c8df.txt, also the call-1 row of
shared/reference/gzg-facts.md section 2 and call 1's gzg:kerncijfers in the graph):
  * consortium size (local governments per project): mean 6.5, largest 16 among call 1's 11 projects. Sizes
    are 1 + a negative binomial (dispersion 2) with mean 5.5, cut at 40: mean 6.5, P(size >= 16) = 4.8 % (the
    largest of 11 draws is 16 or more in 42 % of samples), P(size > 30) = 0.08 % (Burgerloket: Mechelen and
    "meer dan 30 andere lokale besturen", data/projects.csv). From call 5 on a project has at least two local
    governments ("formele samenwerking met minstens één ander lokaal bestuur", gzg-facts.md, call 5).
  * selection: 11 of call 1's 28 applications were subsidised; a generated application is selected with that
    share and only then gets a granted amount and a project period.
  * subsidy = 80 % of the total cost (gzg-facts.md section 1): the estimated cost is the request / 0.8.
Amounts stay within the call's maximum (granted <= requested <= maximum); the application date falls in the
call's submission window; a project starts 1-5 months after the window closes and ends within the call's
maximum duration or by its latest end date. Descriptions are written by a word chain over the real Dutch
texts of data/, their length in words drawn from the real project and building-block descriptions.

``python benchmarks/generate.py 1000000 [--seed 42]`` writes ``benchmarks/out/gzg-v2-1000000-seed42.nt``
(git-ignored): about that many generated triples, streamed, to be loaded as the named graph ``GRAPH`` beside
the real graph.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator_reference import Call, Reference, reference  # noqa: E402

FORMAT = 2  # in the file name: bump whenever the output changes, so stale files are never reused
BASE = "http://127.0.0.1:8000"
GRAPH = f"{BASE}/id/dataset/benchmark"  # the named graph of the generated triples (UriPolicy(BASE).graph(...))
SOURCE = GRAPH  # every generated fact's dct:source: the benchmark dataset itself
OUT = Path(__file__).parent / "out"

# Published figures (see the docstring for their sources).
MEAN_CONSORTIUM = 6.5  # call 1: "gemiddelde grootte van een samenwerkingsverband: 6,5 lokale besturen"
LARGEST_PUBLISHED = 16  # call 1: "het meest uitgebreide samenwerkingsverband brengt 16 besturen samen"
LARGEST_GENERATED = 40  # Burgerloket: Mechelen + "meer dan 30 andere lokale besturen"
DISPERSION = 2.0  # negative-binomial shape: P(largest of 11 >= 16) = 0.42, a tail "up to 16 and beyond"
SELECTED_SHARE = 11 / 28  # call 1: 28 applications, 11 subsidised projects
SUBSIDY_SHARE = 0.8  # the subsidy is 80 % of the total cost
PAIRS_FROM_CALL = 5  # call 5 on: collaboration with at least one other local government

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
M8G = "http://data.europa.eu/m8g/"
SUBSIDIE = "http://data.vlaanderen.be/ns/subsidie#"
LBLOD_SUBSIDIE = "http://lblod.data.gift/vocabularies/subsidie/"
SCHEMA = "http://schema.org/"


def _iri(value: str) -> str:
    return f"<{value}>"


def _text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def consortium_weights(mean: float = MEAN_CONSORTIUM, cap: int = LARGEST_GENERATED) -> list[float]:
    """Cumulative weights of sizes 1..cap: 1 + a negative binomial cut at ``cap``, tuned to the mean."""

    def pmf(extra_mean: float) -> list[float]:
        p = DISPERSION / (DISPERSION + extra_mean)
        log = [
            math.lgamma(k + DISPERSION) - math.lgamma(k + 1) - math.lgamma(DISPERSION)
            + DISPERSION * math.log(p) + k * math.log1p(-p)
            for k in range(cap)
        ]  # fmt: skip
        weights = [math.exp(x) for x in log]
        return [w / sum(weights) for w in weights]

    low, high = 0.0, float(cap)
    for _ in range(60):  # bisection: the cut lowers the mean, so the uncut mean is tuned until it is ``mean``
        middle = (low + high) / 2
        if 1 + sum(k * w for k, w in enumerate(pmf(middle))) < mean:
            low = middle
        else:
            high = middle
    return list(accumulate(pmf((low + high) / 2)))


class Generator:
    """Writes generated projects as N-Triples lines; one seeded random stream, so a seed fixes every byte."""

    def __init__(self, ref: Reference, seed: int, prefix: str = "benchmark") -> None:
        self.ref, self.rng, self.prefix = ref, random.Random(seed), prefix
        self.sizes = range(1, LARGEST_GENERATED + 1)
        self.size_weights = consortium_weights()
        blocks = ref.building_blocks  # reuse is skewed: the first blocks (Zipf by rank) are used most
        self.blocks, self.block_weights = blocks, list(accumulate(1 / (i + 1) for i in range(len(blocks))))
        base = ref.base
        self.ns = f"{base}/ns/gzg#"
        self.role = {r: _iri(f"{base}/id/concept/consortiumrol/{r}") for r in ref.role_descriptions}
        self.role_texts = {r: [f"{_text(d)}@nl" for d in texts] for r, texts in ref.role_descriptions.items()}
        self.status = {s: _iri(f"{base}/id/concept/selectiestatus/{s}") for s in ("geselecteerd", "niet-geselecteerd")}
        self.p = {
            name: _iri(uri)
            for name, uri in {
                "type": RDF + "type",
                "title": DCT + "title",
                "description": DCT + "description",
                "subject": DCT + "subject",
                "source": DCT + "source",
                "measure": "http://data.vlaanderen.be/ns/transactie#isInstantieVan",
                "call": self.ns + "oproep",
                "name": LBLOD_SUBSIDIE + "projectName",
                "projectType": LBLOD_SUBSIDIE + "projectType",
                "start": LBLOD_SUBSIDIE + "projectStartDate",
                "end": LBLOD_SUBSIDIE + "projectEndDate",
                "collaborator": LBLOD_SUBSIDIE + "collaborator",
                "block": self.ns + "gebruiktBouwsteen",
                "generatedBy": "http://www.w3.org/ns/prov#wasGeneratedBy",
                "requested": SUBSIDIE + "aangevraagdBedrag",
                "applied": SUBSIDIE + "aanvraagdatum",
                "cost": self.ns + "geraamdeKost",
                "granted": self.ns + "toegekendBedrag",
                "status": self.ns + "status",
                "participation": M8G + "hasParticipation",
                "role": M8G + "role",
                "plays": M8G + "playsRole",
                "value": SCHEMA + "value",
                "currency": SCHEMA + "currency",
                "Project": SUBSIDIE + "SubsidiemaatregelConsumptie",
                "Aanvraag": SUBSIDIE + "Aanvraag",
                "Participation": M8G + "Participation",
                "MonetaryAmount": SCHEMA + "MonetaryAmount",
            }.items()
        }
        self.measure, self.source = _iri(ref.measure), _iri(SOURCE)

    def project(self, number: int, over_maximum: bool = False) -> list[str]:
        """The N-Triples lines of project ``{prefix}-{number}``; ``over_maximum``: its grant exceeds the maximum."""
        return self.named(f"{self.prefix}-{number}", over_maximum)

    def named(self, slug: str, over_maximum: bool = False) -> list[str]:
        """The N-Triples lines of one generated project, ``{base}/id/project/{slug}``."""
        rng, p, ref = self.rng, self.p, self.ref
        node = _iri(f"{ref.base}/id/project/{slug}")
        call = rng.choice(ref.calls)
        theme = _iri(rng.choice(call.themes))
        title = ref.text.title(rng)
        words = max(4, round(rng.choice(ref.description_lengths) * rng.uniform(0.8, 1.25)))
        lines = [
            f"{node} {p['type']} {p['Project']} .",
            f"{node} {p['measure']} {self.measure} .",
            f"{node} {p['call']} {_iri(call.uri)} .",
            f"{node} {p['title']} {_text(title)}@nl .",
            f"{node} {p['name']} {_text(title)} .",
            f"{node} {p['description']} {_text(ref.text.description(rng, words))}@nl .",
            f"{node} {p['subject']} {theme} .",
            f"{node} {p['projectType']} {theme} .",
            f"{node} {p['source']} {self.source} .",
        ]
        for block in sorted({self._block() for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))}):
            lines.append(f"{node} {p['block']} {_iri(block)} .")
        funding, day = self._funding(node, slug, call, over_maximum)
        return lines + funding + self._consortium(node, slug, call, day)

    def _funding(self, node: str, slug: str, call: Call, over_maximum: bool) -> tuple[list[str], dt.date]:
        """The application (date, request), estimated cost, selection, grant and period; and the project's date
        (its start, or the application's when not selected) on which its consortium is formed."""
        rng, p = self.rng, self.p
        applied = self._day_between(*call.window)
        selected = over_maximum or rng.random() < SELECTED_SHARE
        requested = round(call.maximum * rng.uniform(0.3, 1.0))
        granted = round(call.maximum * 1.5) if over_maximum else round(requested * rng.uniform(0.7, 1.0))
        requested = max(requested, granted)
        application = _iri(f"{self.ref.base}/id/aanvraag/{slug}")
        lines = [
            f"{node} {p['generatedBy']} {application} .",
            f"{application} {p['type']} {p['Aanvraag']} .",
            f"{application} {p['applied']} {_typed(applied.isoformat(), 'date')} .",
        ]
        lines += self._amount(application, p["requested"], f"{slug}-aangevraagd-bedrag", requested)
        lines += self._amount(node, p["cost"], f"{slug}-geraamde-kost", math.ceil(requested / SUBSIDY_SHARE))
        day = applied
        if selected:
            start, end = self._period(call)
            day = start
            lines += self._amount(node, p["granted"], f"{slug}-toegekend-bedrag", granted)
            lines.append(f"{node} {p['start']} {_typed(start.isoformat(), 'date')} .")
            if end is not None:
                lines.append(f"{node} {p['end']} {_typed(end.isoformat(), 'date')} .")
        lines.append(f"{node} {p['status']} {self.status['geselecteerd' if selected else 'niet-geselecteerd']} .")
        return lines, day

    def _block(self) -> str:
        return self.rng.choices(self.blocks, cum_weights=self.block_weights)[0]

    def _day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def _period(self, call: Call) -> tuple[dt.date, dt.date | None]:
        """Start 1-5 months after the window closes (selection); end within the duration or by the end date."""
        start = call.window[1] + dt.timedelta(days=self.rng.randint(30, 150))
        if call.max_years is not None:
            years = call.max_years
            return start, start + dt.timedelta(days=self.rng.randint(max(120, 365 * (years - 1)), 365 * years - 1))
        if call.latest_end is not None and call.latest_end > start:
            return start, self._day_between(min(start + dt.timedelta(days=365), call.latest_end), call.latest_end)
        return start, None

    def _amount(self, owner: str, link: str, key: str, euros: int) -> list[str]:
        node, p = _iri(f"{self.ref.base}/id/bedrag/{key}"), self.p
        return [
            f"{owner} {link} {node} .",
            f"{node} {p['type']} {p['MonetaryAmount']} .",
            f"{node} {p['value']} {_typed(euros, 'decimal')} .",
            f'{node} {p["currency"]} "EUR" .',
        ]

    def _consortium(self, node: str, slug: str, call: Call, day: dt.date) -> list[str]:
        """One penhouder and partners among the municipalities of ``day``; sometimes supporting partners."""
        rng, ref = self.rng, self.ref
        size = rng.choices(self.sizes, cum_weights=self.size_weights)[0]
        if call.number >= PAIRS_FROM_CALL:
            size = max(size, 2)
        members = rng.sample(ref.municipalities_on(day), size)
        lines: list[str] = []
        for index, (unit, unit_slug) in enumerate(members):
            lines += self._participation(node, slug, unit, unit_slug, "penhouder" if index == 0 else "partner")
        supporting = rng.choice((0, 0, 0, 1, 1, 2, 3))
        for partner, partner_slug in rng.sample(ref.partners, min(supporting, len(ref.partners))):
            lines += self._participation(node, slug, partner, partner_slug, "ondersteunende-partner")
        return lines

    def _participation(self, node: str, slug: str, organisation: str, participant: str, role: str) -> list[str]:
        p, org = self.p, _iri(organisation)
        participation = _iri(f"{self.ref.base}/id/deelname/{slug}--{participant}")
        texts = self.role_texts[role]
        description = texts[int(self.rng.random() * len(texts))]
        lines = [
            f"{node} {p['participation']} {participation} .",
            f"{participation} {p['type']} {p['Participation']} .",
            f"{participation} {p['role']} {self.role[role]} .",
            f"{participation} {p['description']} {description} .",
            f"{participation} {p['source']} {self.source} .",
            f"{org} {p['plays']} {participation} .",
        ]
        if role == "partner":
            lines.append(f"{node} {p['collaborator']} {org} .")
        return lines


def triples(target: int, seed: int = 42) -> Iterator[str]:
    """N-Triples lines (without newline) of generated projects until at least ``target`` triples (one more
    project at most); the real graph is not among them."""
    generator = Generator(reference(BASE), seed)
    count = number = 0
    while count < target:
        number += 1
        lines = generator.project(number)
        count += len(lines)
        yield from lines


def path(target: int, seed: int = 42) -> Path:
    """Where :func:`generate` keeps the file of ``target`` triples and ``seed`` (format-versioned)."""
    return OUT / f"gzg-v{FORMAT}-{target}-seed{seed}.nt"


def generate(target: int, seed: int = 42) -> Path:
    """The N-Triples file of about ``target`` generated triples, written once (streamed) and reused after."""
    OUT.mkdir(exist_ok=True)
    file = path(target, seed)
    if not file.exists():
        tmp = file.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            batch: list[str] = []
            for line in triples(target, seed):
                batch.append(line)
                if len(batch) == 10_000:
                    handle.write("\n".join(batch) + "\n")
                    batch.clear()
            if batch:
                handle.write("\n".join(batch) + "\n")
        tmp.replace(file)
    return file


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", nargs="?", type=int, default=1_000_000, help="generated triples (default 1M)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    started = time.perf_counter()
    written = generate(args.triples, args.seed)
    print(f"{written} ({written.stat().st_size / 1e6:,.1f} MB, {time.perf_counter() - started:,.1f} s)")
