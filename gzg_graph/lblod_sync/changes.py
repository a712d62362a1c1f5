"""What an LBLOD import changes, unit by unit: new, ended, removed and renamed units, changed identifiers
(KBO, OVO, NIS 2019, NIS 2025) and new change events; read from two LBLOD graphs as our mapping writes them
(``mapping/lblod.py``), so the store's graph and a newly derived one are compared alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS
from rdflib.term import Node

from ..namespaces import ADMS, BESLUIT, GENERIEK, M8G, REFNIS2019, REFNIS2025
from ..uris import UriPolicy

#: identifier scheme -> how reports name it.
SCHEMES = {"kbo": "KBO", "ovo": "OVO", "nis_2019": "NIS 2019", "nis_2025": "NIS 2025"}
_NOTATIONS = {"KBO nummer": "kbo", "OVO-nummer": "ovo"}
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Unit:
    """One unit as the LBLOD graph says it: its name, kind, identifiers, end (if it ended) and predecessors."""

    uri: str
    name: str
    classification: str
    identifiers: dict[str, str]
    ended: str
    predecessors: frozenset[str]


@dataclass(frozen=True)
class Renamed:
    uri: str
    classification: str
    old: str
    new: str


@dataclass(frozen=True)
class Ended:
    uri: str
    name: str
    classification: str
    last_day: str
    successors: list[dict[str, str]]  # [{uri, name}]


@dataclass(frozen=True)
class IdentifierChange:
    uri: str
    name: str
    scheme: str  # KBO, OVO, NIS 2019, NIS 2025
    old: str
    new: str


@dataclass(frozen=True)
class ChangeEvent:
    uri: str
    date: str
    description: str


@dataclass
class LblodChanges:
    """The differences between the store's LBLOD graph and a new one, as a data steward reads them."""

    new_units: list[dict[str, str]] = field(default_factory=list)  # [{uri, name, classification}]
    ended_units: list[Ended] = field(default_factory=list)
    removed_units: list[dict[str, str]] = field(default_factory=list)  # gone from the export altogether
    renamed_units: list[Renamed] = field(default_factory=list)
    identifiers: list[IdentifierChange] = field(default_factory=list)
    change_events: list[ChangeEvent] = field(default_factory=list)
    triples_added: int = 0
    triples_removed: int = 0

    def __bool__(self) -> bool:
        return bool(self.triples_added or self.triples_removed)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in _LISTS}

    def as_json(self) -> dict[str, Any]:
        return {**{name: [_plain(i) for i in getattr(self, name)] for name in _LISTS}, **self.triples()}

    def triples(self) -> dict[str, int]:
        return {"triples_added": self.triples_added, "triples_removed": self.triples_removed}


_LISTS = ("new_units", "ended_units", "removed_units", "renamed_units", "identifiers", "change_events")


def _plain(item: Any) -> Any:
    return asdict(item) if hasattr(item, "__dataclass_fields__") else item


def compare(old: Iterable[Triple], new: Iterable[Triple], uris: UriPolicy) -> LblodChanges:
    """The unit-level differences between two LBLOD graphs' triples (``triples_*`` are left to the caller)."""
    old_facts, new_facts = Facts(old), Facts(new)
    before, after = units(old_facts, uris), units(new_facts, uris)
    changes = LblodChanges()
    for uri in sorted(after.keys() - before.keys()):
        changes.new_units.append(_brief(after[uri]))
    for uri in sorted(before.keys() - after.keys()):
        changes.removed_units.append(_brief(before[uri]))
    for uri in sorted(before.keys() & after.keys()):
        _compare_unit(before[uri], after[uri], after, changes)
    known = set(change_events(old_facts))
    changes.change_events = [e for uri, e in sorted(change_events(new_facts).items()) if uri not in known]
    return changes


def _compare_unit(old: Unit, new: Unit, after: dict[str, Unit], changes: LblodChanges) -> None:
    newly_ended = bool(new.ended) and new.ended != old.ended
    if newly_ended:
        successors = [{"uri": u.uri, "name": u.name} for u in after.values() if old.uri in u.predecessors]
        changes.ended_units.append(
            Ended(new.uri, new.name, new.classification, new.ended, sorted(successors, key=lambda s: s["uri"]))
        )
    if old.name != new.name:
        changes.renamed_units.append(Renamed(new.uri, new.classification, old.name, new.name))
    for scheme, label in SCHEMES.items():
        was, now = old.identifiers.get(scheme, ""), new.identifiers.get(scheme, "")
        if was != now and not (newly_ended and scheme == "nis_2025" and not now):  # an ended unit's code lapses
            changes.identifiers.append(IdentifierChange(new.uri, new.name, label, was, now))


def _brief(unit: Unit) -> dict[str, str]:
    return {"uri": unit.uri, "name": unit.name, "classification": unit.classification}


class Facts:
    """Triples indexed by subject and predicate: all the comparison reads, without building an rdflib Graph
    (a store's LBLOD graph is tens of thousands of triples; indexing them in rdflib takes seconds)."""

    def __init__(self, triples: Iterable[Triple]):
        self._out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self._out[s][p].append(o)

    def objects(self, subject: Node | None, predicate: Node) -> list[Node]:
        found = self._out.get(subject) if subject is not None else None
        return list(found.get(predicate, ())) if found else []

    def value(self, subject: Node | None, predicate: Node) -> Node | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def of_type(self, cls: URIRef) -> list[URIRef]:
        return [s for s, po in self._out.items() if isinstance(s, URIRef) and cls in po.get(RDF.type, ())]


def units(facts: Facts, uris: UriPolicy) -> dict[str, Unit]:
    """Every besluit:Bestuurseenheid of an LBLOD graph, read as ``mapping/lblod.py`` writes it."""
    return {str(subject): _unit(facts, subject, uris) for subject in facts.of_type(BESLUIT.Bestuurseenheid)}


def _unit(g: Facts, unit: URIRef, uris: UriPolicy) -> Unit:
    classification = g.value(unit, BESLUIT.classificatie)
    label = g.value(classification, SKOS.prefLabel)
    return Unit(
        uri=str(unit),
        name=str(g.value(unit, SKOS.prefLabel) or ""),
        classification=str(label or classification or ""),
        identifiers={**_identifiers(g, unit), **_nis_codes(g, unit)},
        ended=_last_day(g, unit, uris),
        predecessors=frozenset(str(p) for p in g.objects(unit, PROV.wasDerivedFrom)),
    )


def _identifiers(g: Facts, unit: URIRef) -> dict[str, str]:
    found = {}
    for identifier in g.objects(unit, ADMS.identifier):
        scheme = _NOTATIONS.get(str(g.value(identifier, SKOS.notation)))
        value = g.value(g.value(identifier, GENERIEK.gestructureerdeIdentificator), GENERIEK.lokaleIdentificator)
        if scheme and value is not None:
            found[scheme] = str(value)
    return found


def _nis_codes(g: Facts, unit: URIRef) -> dict[str, str]:
    found = {}
    for area in g.objects(unit, BESLUIT.werkingsgebied):
        for code in g.objects(area, SKOS.exactMatch):
            for scheme, namespace in (("nis_2019", str(REFNIS2019)), ("nis_2025", str(REFNIS2025))):
                if str(code).startswith(namespace):
                    found[scheme] = str(code)[len(namespace) :]
    return found


def _last_day(g: Facts, unit: URIRef, uris: UriPolicy) -> str:
    """The unit's last day: the latest end of its names when every name has ended, else "" (it is current)."""
    ends = []
    for name in g.objects(unit, uris.ns.benaming):
        end = g.value(g.value(name, DCTERMS.temporal), M8G.endTime)
        if end is None:
            return ""
        ends.append(str(end))
    return max(ends, default="")


def change_events(facts: Facts) -> dict[str, ChangeEvent]:
    """The org:ChangeEvents of an LBLOD graph by URI, with their date and description."""
    return {
        str(event): ChangeEvent(
            str(event),
            str(facts.value(event, DCTERMS.date) or "")[:10],
            str(facts.value(event, DCTERMS.description) or ""),
        )
        for event in facts.of_type(ORG.ChangeEvent)
    }


def triple_key(triple: Triple) -> tuple:
    """A triple as a store keeps it: literals by value, since stores write some in canonical form
    (``"1.0"^^xsd:decimal`` as ``"1"``); two graphs with the same keys say the same."""
    s, p, o = triple
    if isinstance(o, Literal) and o.value is not None:
        return s, p, (o.datatype, o.language, o.value)
    return s, p, o


def keyed(triples: Iterable[Triple]) -> dict[tuple, Triple]:
    """The triples by :func:`triple_key`."""
    return {triple_key(t): t for t in triples}
