"""Names of things and terms in a language, for pages people read: from the data, never from templates.

A thing's name is its ``skos:prefLabel``, ``dct:title`` or ``rdfs:label`` in the description; a term's
(a property's or class's) is the ``rdfs:label`` of our ontology (the store's ontology graph), else the name
the official vocabularies give it (``vocabulary_labels.json``, written by ``scripts/vocabulary_labels.py``
from the OSLO, LBLOD and EU files). Every lookup asks the page's language first, then the other one, then a
text without language; the caller falls back to the prefixed name or the URI.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node

#: The properties that name a thing, most specific first.
NAME_PROPERTIES = (SKOS.prefLabel, DCTERMS.title, RDFS.label)
LANGUAGES = ("nl", "en")


def preference(lang: str) -> tuple[str | None, ...]:
    """The languages to try for a page in ``lang``: it, the other one, then none."""
    return (lang, *(other for other in LANGUAGES if other != lang), None)


def pick(literals: Iterable[Node], lang: str) -> Literal | None:
    """The literal in the best language for ``lang`` (ties: the smallest, so a page is stable)."""
    candidates = [n for n in literals if isinstance(n, Literal)]
    for wanted in preference(lang):
        matching = sorted(str(n) for n in candidates if n.language == wanted)
        if matching:
            return next(n for n in candidates if n.language == wanted and str(n) == matching[0])
    others = sorted(candidates, key=str)  # languages other than ours (e.g. @fr) come last
    return others[0] if others else None


def name_of(graph: Graph, node: Node, lang: str) -> str | None:
    """A thing's name in the description ``graph``: the best language first, then the most specific property."""
    names = [(prop, n) for prop in NAME_PROPERTIES for n in graph.objects(node, prop) if isinstance(n, Literal)]
    for wanted in preference(lang):
        for prop in NAME_PROPERTIES:
            found = pick((n for p, n in names if p == prop and n.language == wanted), lang)
            if found is not None:
                return str(found)
    found = pick((n for _, n in names), lang)  # only other languages (e.g. @fr)
    return str(found) if found is not None else None


@cache
def vocabulary_labels() -> dict[str, dict[str, str]]:
    """``{iri: {lang: label}}`` of the official vocabularies' terms (shipped JSON, read once)."""
    text = resources.files(__package__).joinpath("vocabulary_labels.json").read_text(encoding="utf-8")
    return {
        iri: {lang: entry["label"] for lang, entry in langs.items()}
        for iri, langs in json.loads(text)["labels"].items()
    }


class TermLabels:
    """Names of properties and classes: our ontology's labels first, then the official vocabularies'."""

    def __init__(self, ontology: Graph):
        self._ontology: dict[str, dict[str | None, str]] = {}
        for term, label in ontology.subject_objects(RDFS.label):
            if isinstance(term, URIRef) and isinstance(label, Literal):
                self._ontology.setdefault(str(term), {}).setdefault(label.language, str(label))

    def label(self, term: URIRef | str, lang: str) -> str | None:
        """The term's name for a page in ``lang`` (or the other language), or None."""
        ours = self._ontology.get(str(term), {})
        official = vocabulary_labels().get(str(term), {})
        for wanted in preference(lang):
            found = ours.get(wanted) or (official.get(wanted) if wanted else None)
            if found:
                return found
        return None
