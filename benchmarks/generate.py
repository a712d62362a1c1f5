"""A seeded generator of GZG-shaped data at any size, for benchmarks only (never loaded into the real graph).

It follows docs/model.md: calls, projects with a request and amounts, consortia of participations with
roles, local governments with identifiers. ``python benchmarks/generate.py 1000000`` writes
``benchmarks/out/synthetic-1000000.nt``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

BASE = "http://127.0.0.1:8000"
NS = f"{BASE}/ns/gzg#"
OUT = Path(__file__).parent / "out"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
P = {
    "title": "http://purl.org/dc/terms/title",
    "prefLabel": "http://www.w3.org/2004/02/skos/core#prefLabel",
    "oproep": NS + "oproep",
    "hasParticipation": "http://data.europa.eu/m8g/hasParticipation",
    "role": "http://data.europa.eu/m8g/role",
    "playsRole": "http://data.europa.eu/m8g/playsRole",
    "amount": NS + "toegekendBedrag",
    "value": "http://schema.org/value",
    "currency": "http://schema.org/currency",
    "classificatie": "http://data.vlaanderen.be/ns/besluit#classificatie",
    "instance": "http://data.vlaanderen.be/ns/transactie#isInstantieVan",
    "max": NS + "maximumbedragPerProject",
    "number": NS + "oproepnummer",
    "subject": "http://purl.org/dc/terms/subject",
}
C = {
    "project": "http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie",
    "participation": "http://data.europa.eu/m8g/Participation",
    "amount": "http://schema.org/MonetaryAmount",
    "unit": "http://data.vlaanderen.be/ns/besluit#Bestuurseenheid",
    "call": "http://lblod.data.gift/vocabularies/subsidie/SubsidiemaatregelAanbodReeks",
}
GEMEENTE = "http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/5ab0e9b8a3b2ca7c5e000001"
ROLES = [f"{BASE}/id/concept/consortiumrol/{r}" for r in ("penhouder", "partner", "ondersteunende-partner")]
THEMES = [
    "http://lblod.data.gift/concepts/446ac005-7342-4f3a-b7a0-2b3c929d73ba",
    "http://lblod.data.gift/concepts/6eca0908-de74-400e-9f6b-2ea0202ac05b",
    "http://lblod.data.gift/concepts/9fb0732f-e779-4d2b-b53d-159e7088c678",
]
MEASURE = "http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff"
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text + (f"^^<{datatype}>" if datatype else f"@{lang}" if lang else "")


def triples(target: int, seed: int = 42):
    """Yield N-Triples lines until about ``target`` triples: ~18 triples per project of ~6.5 partners."""
    rng = random.Random(seed)
    units = [f"http://data.lblod.info/id/bestuurseenheden/synthetic-{i:05d}" for i in range(300)]
    calls = [f"{BASE}/id/oproep/synthetic-{i}" for i in range(1, 8)]
    count = 0
    for i, unit in enumerate(units):
        for line in (
            f"{_iri(unit)} {_iri(RDF_TYPE)} {_iri(C['unit'])} .",
            f"{_iri(unit)} {_iri(P['prefLabel'])} {_lit(f'Gemeente {i}')} .",
            f"{_iri(unit)} {_iri(P['classificatie'])} {_iri(GEMEENTE)} .",
        ):
            count += 1
            yield line
    for n, call in enumerate(calls, start=1):
        amount = f"{call}/maximumbedrag"
        for line in (
            f"{_iri(call)} {_iri(RDF_TYPE)} {_iri(C['call'])} .",
            f"{_iri(call)} {_iri(P['number'])} {_lit(str(n), INTEGER)} .",
            f"{_iri(call)} {_iri(P['max'])} {_iri(amount)} .",
            f"{_iri(amount)} {_iri(P['value'])} {_lit('500000', DECIMAL)} .",
        ):
            count += 1
            yield line
    project = 0
    while count < target:
        project += 1
        pid = f"{BASE}/id/project/synthetic-{project}"
        call = rng.choice(calls)
        amount = f"{pid}/toegekend"
        lines = [
            f"{_iri(pid)} {_iri(RDF_TYPE)} {_iri(C['project'])} .",
            f"{_iri(pid)} {_iri(P['title'])} {_lit(f'Project {project}', lang='nl')} .",
            f"{_iri(pid)} {_iri(P['instance'])} {_iri(MEASURE)} .",
            f"{_iri(pid)} {_iri(P['oproep'])} {_iri(call)} .",
            f"{_iri(pid)} {_iri(P['subject'])} {_iri(rng.choice(THEMES))} .",
            f"{_iri(pid)} {_iri(P['amount'])} {_iri(amount)} .",
            f"{_iri(amount)} {_iri(RDF_TYPE)} {_iri(C['amount'])} .",
            f"{_iri(amount)} {_iri(P['value'])} {_lit(str(rng.randrange(20_000, 500_000)), DECIMAL)} .",
            f"{_iri(amount)} {_iri(P['currency'])} {_lit('EUR')} .",
        ]
        size = max(1, min(16, int(rng.gauss(6.5, 3))))
        for k, unit in enumerate(rng.sample(units, size)):
            part = f"{BASE}/id/deelname/synthetic-{project}-{k}"
            lines += [
                f"{_iri(pid)} {_iri(P['hasParticipation'])} {_iri(part)} .",
                f"{_iri(part)} {_iri(RDF_TYPE)} {_iri(C['participation'])} .",
                f"{_iri(part)} {_iri(P['role'])} {_iri(ROLES[0] if k == 0 else ROLES[1])} .",
                f"{_iri(unit)} {_iri(P['playsRole'])} {_iri(part)} .",
            ]
        count += len(lines)
        yield from lines


def generate(target: int, seed: int = 42) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"synthetic-{target}-seed{seed}.nt"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for line in triples(target, seed):
                handle.write(line + "\n")
        tmp.replace(path)
    return path


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
