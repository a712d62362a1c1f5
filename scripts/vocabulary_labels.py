"""Write gzg_graph/publishing/vocabulary_labels.json: Dutch and English names of the OSLO / LBLOD / EU terms
the graph uses, for the HTML pages (property names, type names). Run from the clone:

    .venv/bin/python scripts/vocabulary_labels.py [--shared ../shared]

The names come from the official files copied in ``shared/oslo/`` (their sources are in its SOURCES.md), in
this order, the first that has a name wins per term and language:

* Dutch: ``rdfs:label@nl`` of the vocabularies (OSLO Besluit, LBLOD Subsidie and Besluit), then the names the
  OSLO application profiles give a property (``sh:name`` of their SHACL shapes), then the term names of the
  OSLO JSON-LD contexts (classes and properties); the profiles' and contexts' camelCase names are written as
  words ("heeftParticiperende" -> "heeft participerende").
* English: ``rdfs:label@en`` (or without language) of the EU core vocabularies (m8g) and those vocabularies.

Only terms in the namespaces of ``gzg_graph.namespaces.PREFIXES`` are kept. The app never reads ``shared/``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from collections import Counter
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH

from gzg_graph.namespaces import PREFIXES

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "gzg_graph" / "publishing" / "vocabulary_labels.json"
#: Vocabularies with human labels (rdfs:label), most relevant first, with the namespace whose terms they name
#: (LBLOD's vocabularies label some foreign terms oddly, e.g. dct:source "application-form").
VOCABULARIES = {
    "oslo-besluit-vocabulary.ttl": "",
    "lblod-subsidie-vocabulary.ttl": "http://lblod.data.gift/vocabularies/",
    "lblod-besluit-vocabulary.ttl": "http://lblod.data.gift/vocabularies/",
    "m8g-core-vocabularies.ttl": "http://data.europa.eu/m8g/",
}
#: Our JSON-LD context's term names (OSLO's names, checked against OSLO's contexts, ambiguities resolved).
OUR_TERMS = REPO / "gzg_graph" / "publishing" / "contexts" / "terms.json"
#: OSLO application profiles (SHACL): Dutch property names (sh:name), most relevant first.
PROFILES = [
    "besluit-subsidie-ap-SHACL.ttl",
    "organisatie-basis-SHACL.ttl",
    "DCAT-AP-VL-20-SHACL.ttl",
    "besluit-publicatie-SHACL.ttl",
    "subsidieregister-SHACL.ttl",
    "mandatendatabank-SHACL.ttl",
]
#: OSLO JSON-LD contexts: Dutch names of classes and properties.
CONTEXTS = [
    "besluit-subsidie-ap.context.jsonld",
    "organisatie-basis-ap.context.jsonld",
    "besluit-publicatie.context.jsonld",
    "subsidieregister.context.jsonld",
    "mandatendatabank.context.jsonld",
]
LICENCES = {
    "oslo": "Modellicentie Gratis Hergebruik v1.0 (Informatie Vlaanderen)",
    "m8g": "SEMIC core vocabularies, CC BY 4.0 (European Commission)",
    "lblod": "LBLOD vocabularies as published at lblod.data.gift (redpencilio/data.gift)",
}
_WORD_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])")


def words(name: str) -> str:
    """A camelCase term name as words: 'heeftParticiperende' -> 'heeft participerende' (acronyms kept)."""
    if " " in name:
        return name
    parts = _WORD_BREAK.split(name.split(".")[-1])
    return " ".join([parts[0]] + [p if p.isupper() else p.lower() for p in parts[1:]])


def ours(iri: str) -> bool:
    return any(iri.startswith(ns) for ns in PREFIXES.values())


def parse(path: Path) -> Graph:
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # DCAT-AP-VL types a maxCount "n" as integer
    return Graph().parse(path)


def vocabulary_labels(shared: Path) -> dict[str, dict[str, tuple[str, str]]]:
    found: dict[str, dict[str, tuple[str, str]]] = {}

    def offer(iri: str, lang: str, label: str, source: str) -> None:
        if ours(iri) and label.strip() and not label.startswith("^"):
            found.setdefault(iri, {}).setdefault(lang, (label.strip(), source))

    for name, namespace in VOCABULARIES.items():
        graph = parse(shared / "oslo" / name)
        for subject, label in sorted(graph.subject_objects(RDFS.label)):
            if isinstance(subject, URIRef) and isinstance(label, Literal) and str(subject).startswith(namespace):
                if label.language == "nl" and not name.startswith("m8g"):
                    offer(str(subject), "nl", words(str(label)), name)
                elif label.language in ("en", None) and (label.language or name.startswith("m8g")):
                    offer(str(subject), "en", words(str(label)), name)
    spec = json.loads(OUR_TERMS.read_text(encoding="utf-8"))
    for entry in spec["classes"] + spec["properties"]:
        if "reverse" not in entry:
            prefix, _, local = entry["iri"].partition(":")
            offer(PREFIXES.get(prefix, "") + local, "nl", words(entry["term"]), "contexts/terms.json")
    for name in PROFILES:
        graph = parse(shared / "oslo" / name)
        named: dict[str, Counter[str]] = {}
        for shape, path in graph.subject_objects(SH.path):
            for label in graph.objects(shape, SH.name):
                named.setdefault(str(path), Counter())[str(label)] += 1
        for iri, counts in sorted(named.items()):
            best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
            offer(iri, "nl", words(best), name)
    named_in_contexts: dict[str, set[str]] = {}
    for name in CONTEXTS:
        context = json.loads((shared / "oslo" / name).read_text(encoding="utf-8"))["@context"]
        for term, definition in context.items():
            iri = definition if isinstance(definition, str) else definition.get("@id", "")
            named_in_contexts.setdefault(iri, set()).add(words(term))
    for iri, names in sorted(named_in_contexts.items()):
        if len(names) == 1:  # a class IRI several contexts name differently (skos:Concept) gets none
            offer(iri, "nl", names.pop(), "OSLO contexts")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    found = vocabulary_labels(args.shared)
    document = {
        "about": "Names of OSLO / LBLOD / EU vocabulary terms for the HTML pages, written by "
        "scripts/vocabulary_labels.py from shared/oslo/ (see its SOURCES.md); do not edit by hand.",
        "licences": LICENCES,
        "labels": {
            iri: {lang: {"label": label, "source": source} for lang, (label, source) in sorted(langs.items())}
            for iri, langs in sorted(found.items())
        },
    }
    TARGET.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(REPO)}: {len(found)} terms")


if __name__ == "__main__":
    main()
