"""An LBLOD export -> the files of ``data/lblod/``: one implementation for ``scripts/derive_lblod_data.py``
(which writes ``data/lblod/``) and ``gzg lblod import`` (which maps them straight into the store).

Deterministic (sorted rows, sorted Turtle): the same export gives the same bytes, which is how the import tells
that nothing changed and how ``tests/test_lblod.py`` checks that ``data/lblod/`` is reproducible.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..sources.lblod import (
    CHANGE_EVENTS,
    CLASSIFICATION_CODES,
    COLUMNS,
    HISTORY_COLUMNS,
    LOCAL_GOVERNMENTS,
    NAME_HISTORY,
    REFNIS,
)
from . import events, rules
from .export import (
    FLANDERS_CODE,
    PROVINCE_CODES,
    REFNIS2019,
    REFNIS2025,
    S_EVENTS,
    SCHEMA_HTTPS,
    DerivationError,
    Inputs,
    Refnis,
)
from .rules import CLASS, GEMEENTE, Row

CLASSIFICATION_SCHEME = URIRef("http://data.vlaanderen.be/id/conceptscheme/BestuurseenheidClassificatieCode")
TURTLE_HEADER = "# DERIVED FILE, written by scripts/derive_lblod_data.py; origin and licence: data/lblod/SOURCES.md\n"
#: The files of data/lblod/ that make the LBLOD graph (mapping/lblod.py reads them); REFNIS is a graph of its own.
LBLOD_GRAPH_FILES = (LOCAL_GOVERNMENTS, NAME_HISTORY, CLASSIFICATION_CODES, CHANGE_EVENTS)


@dataclass(frozen=True)
class Derived:
    """The derived files (name -> bytes) and the notes on where the sources disagree (resolved by the rules)."""

    files: dict[str, bytes]
    notes: list[str]


def derive(inp: Inputs) -> Derived:
    """Every file of data/lblod/ that comes from the export (the Loket's measure is copied by the script)."""
    rows = rules.base_rows(inp)
    rows.update(rules.new_units(inp))
    rules.check_corrections_apply(rows)
    events.apply_mergers_2019(inp, rows)  # before 2025 adds predecessors to kept-URI units
    rules.apply_new_unit_details(inp, rows)
    mergers = events.read_mergers(inp.events)
    history = events.apply_renames(inp, rows, mergers)
    events.apply_mergers(rows, mergers)
    rules.apply_nis_2025(inp, rows)
    rules.apply_classification_labels(inp, rows)
    notes = rules.apply_provinces(inp, rows)
    rules.check_formats(rows)
    if inp.crosswalk is not None:
        check_against_statbel(inp.crosswalk, rows, history)
    texts = {
        LOCAL_GOVERNMENTS: csv_text([rows[u] for u in sorted(rows)], COLUMNS),
        NAME_HISTORY: csv_text(sorted(history, key=lambda h: (h["uri"], h["valid_from"])), HISTORY_COLUMNS),
        REFNIS: turtle(refnis_subset(inp), TURTLE_HEADER),
        CLASSIFICATION_CODES: turtle(classification_codes(inp), TURTLE_HEADER),
    }
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    files[CHANGE_EVENTS] = inp.files.paths[S_EVENTS].read_bytes()  # imported as it is, copied byte for byte
    return Derived(files, notes)


def check_against_statbel(crosswalk: list[dict[str, str]], rows: dict[str, Row], history: list[Row]) -> None:
    """The municipalities agree with the Statbel-based crosswalk: 300 in 2019-2024, 285 in 2025, all mergers."""
    gemeenten = [r for r in rows.values() if r["classification_uri"] == GEMEENTE]
    by_2019 = {r["nis_2019"]: r for r in gemeenten if r["nis_2019"]}
    by_2025 = {r["nis_2025"]: r for r in gemeenten if r["nis_2025"]}
    expected_2019 = {r["nis_2019_2024"]: r for r in crosswalk}
    expected_2025 = {r["nis_2025"] for r in crosswalk}
    if sum(1 for r in gemeenten if r["nis_2019"]) != 300 or set(by_2019) != set(expected_2019):
        raise DerivationError("the Gemeenten with a NIS 2019 code are not the 300 of the crosswalk")
    if sum(1 for r in gemeenten if r["nis_2025"]) != 285 or set(by_2025) != expected_2025:
        raise DerivationError("the Gemeenten with a NIS 2025 code are not the 285 of the crosswalk")
    old_names = {h["uri"]: h["name"] for h in history if h["valid_until"]}
    for nis, row in expected_2019.items():
        _check_municipality(nis, row, by_2019[nis], by_2025, old_names)
    for nis_2025, successor in by_2025.items():
        group = {by_2019[r["nis_2019_2024"]]["uri"] for r in crosswalk if r["nis_2025"] == nis_2025}
        own = {successor["uri"]} if successor["nis_2019"] else set()
        if set(successor["derived_from"].split()) | own != group | own and len(group) > 1:
            raise DerivationError(f"{successor['name']}: predecessors do not match the crosswalk")


def _check_municipality(nis: str, crosswalk: dict[str, str], unit: Row, by_2025: dict[str, Row], old: dict) -> None:
    if old.get(unit["uri"], unit["name"]) != crosswalk["name_nl"]:
        raise DerivationError(f"NIS {nis}: name {unit['name']} vs crosswalk {crosswalk['name_nl']}")
    if unit["nis_2025"] not in ("", crosswalk["nis_2025"]):
        raise DerivationError(f"NIS {nis}: NIS 2025 {unit['nis_2025']} vs crosswalk {crosswalk['nis_2025']}")
    if (unit["nis_2025"] == "") != bool(unit["active_until"]):
        raise DerivationError(f"NIS {nis}: ended units and only they lack a NIS 2025 code")
    successor = by_2025[crosswalk["nis_2025"]]
    if successor["name"] != crosswalk["name_2025"]:
        raise DerivationError(f"NIS 2025 {crosswalk['nis_2025']}: name {successor['name']} vs {crosswalk['name_2025']}")
    if unit is not successor and unit["uri"] not in successor["derived_from"].split():
        raise DerivationError(f"{successor['name']} is not derived from {unit['name']}")
    if crosswalk["province_nl"] != unit["province"] and not unit["active_until"]:
        raise DerivationError(f"NIS {nis}: province {unit['province']} vs {crosswalk['province_nl']}")


# --------------------------------------------------------------------------------------------------- Turtle outputs


def refnis_subset(inp: Inputs) -> Graph:
    """REFNIS 2019 + 2025 concepts of Flemish municipalities, the 5 provinces and Vlaams Gewest, with their links."""
    out = Graph()
    keep_links = (SKOS.exactMatch, SKOS.narrowMatch, SKOS.broadMatch)
    for refnis in (inp.r2019, inp.r2025):
        g = refnis.graph
        scheme = URIRef(refnis.namespace.rstrip("/"))
        out.add((scheme, RDF.type, SKOS.ConceptScheme))
        for p in (DCTERMS.title, DCTERMS.license):
            for o in g.objects(scheme, p):
                if not isinstance(o, Literal) or o.language in ("nl", "en"):
                    out.add((scheme, p, o))
        for concept in g.subjects(SKOS.inScheme, scheme):
            code = str(concept)[len(refnis.namespace) :]
            if not in_flemish_subset(refnis, code):
                continue
            out.add((concept, RDF.type, SKOS.Concept))
            for p in (SKOS.notation, SKOS.inScheme, SKOS.broader, SCHEMA_HTTPS.startDate, SCHEMA_HTTPS.endDate):
                for o in g.objects(concept, p):
                    out.add((concept, p, o))
            for o in g.objects(concept, SKOS.prefLabel):
                if isinstance(o, Literal) and o.language == "nl":
                    out.add((concept, SKOS.prefLabel, o))
            for p in keep_links:
                for o in g.objects(concept, p):
                    if str(o).startswith((REFNIS2019, REFNIS2025)):
                        out.add((concept, p, o))
    return out


def in_flemish_subset(refnis: Refnis, code: str) -> bool:
    if code == FLANDERS_CODE or code in PROVINCE_CODES:
        return True
    return re.fullmatch(r"\d{5}", code) is not None and not code.endswith("000") and refnis.is_flemish(code)


def classification_codes(inp: Inputs) -> Graph:
    """The concepts of the three classification code lists: type, prefLabel and scheme only."""
    out = Graph()
    out.add((CLASSIFICATION_SCHEME, RDF.type, SKOS.ConceptScheme))
    for concept, label in rules.classification_labels(inp).items():
        out.add((URIRef(concept), RDF.type, SKOS.Concept))
        out.add((URIRef(concept), SKOS.prefLabel, Literal(label)))
        out.add((URIRef(concept), SKOS.inScheme, CLASSIFICATION_SCHEME))
    return out


def turtle(graph: Graph, header: str) -> str:
    """Deterministic Turtle: rdflib sorts subjects and predicates; prefixes are fixed here."""
    for prefix, ns in (
        ("skos", SKOS),
        ("dct", DCTERMS),
        ("schema", SCHEMA_HTTPS),
        ("refnis2019", REFNIS2019),
        ("refnis2025", REFNIS2025),
        ("bcc", CLASS),
    ):
        graph.bind(prefix, ns, override=True)
    return header + graph.serialize(format="turtle")


def csv_text(rows: list[Row], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
