"""Where a person starts: the programme (the subsidy measure), its calls and its projects, with their names.

Read with the store's pattern reads (as ``describe`` is): the instances of the three classes, then their own
triples. The home page (``/``) shows it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..namespaces import LBLOD_SUBSIDIE, SUBSIDIE
from ..store.base import Store
from ..uris import UriPolicy
from .labels import name_of, pick


@dataclass(frozen=True)
class Item:
    uri: URIRef
    name: str
    description: str | None = None
    number: int | None = None


@dataclass(frozen=True)
class Overview:
    programmes: list[Item]
    calls: list[Item]  # by call number
    projects: list[Item]  # by name


def _instances(store: Store, kind: URIRef) -> list[URIRef]:
    return sorted({s for s, _, _ in store.triples_to([kind], [RDF.type]) if isinstance(s, URIRef)})


def _items(graph: Graph, subjects: Iterable[URIRef], lang: str, number: URIRef | None = None) -> list[Item]:
    found = []
    for subject in subjects:
        description = pick(graph.objects(subject, DCTERMS.description), lang)
        count = graph.value(subject, number) if number is not None else None
        found.append(
            Item(
                subject,
                name_of(graph, subject, lang) or str(subject),
                str(description) if description is not None else None,
                int(count) if isinstance(count, Literal) and str(count).isdigit() else None,
            )
        )
    return found


def overview(store: Store, uris: UriPolicy, lang: str) -> Overview:
    """The programme(s), calls and projects the store holds, named in ``lang`` (else another language)."""
    programmes = _instances(store, SUBSIDIE.SubsidiemaatregelAanbod)
    calls = _instances(store, LBLOD_SUBSIDIE.SubsidiemaatregelAanbodReeks)
    projects = _instances(store, SUBSIDIE.SubsidiemaatregelConsumptie)
    graph = Graph()
    for triple in store.triples_from(programmes + calls + projects):
        graph.add(triple)
    number = uris.ns.oproepnummer
    return Overview(
        programmes=_items(graph, programmes, lang),
        calls=sorted(_items(graph, calls, lang, number), key=lambda i: (i.number is None, i.number or 0, i.name)),
        projects=sorted(_items(graph, projects, lang), key=lambda i: i.name.lower()),
    )
