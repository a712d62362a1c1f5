#!/usr/bin/env python3
"""Derive ``data/lblod/`` from the reference copies in ``../shared`` (LBLOD, REFNIS, Statbel crosswalk).

Usage::

    python scripts/derive_lblod_data.py [--shared ../shared] [--out data/lblod]

Why a script: the graph must not need ``../shared`` at run time, yet every fact in ``data/lblod/`` has to be
traceable to a public source. This script is that trace. It is deterministic (sorted rows, sorted Turtle), so
``tests/test_lblod.py`` re-runs it into a temporary directory and compares byte for byte.

What it writes (see ``data/lblod/SOURCES.md`` for the upstream origin of every input):

* ``local-governments.csv``: one row per LBLOD bestuurseenheid of ``lblod/bestuurseenheden-vlaanderen.csv``
  plus district Borsbeek (2025), with the current (2025) name, NIS 2019/2025 codes of the werkingsgebied,
  validity dates where a source gives them and the predecessors of merged units;
* ``name-history.csv``: the names of the units LBLOD renamed on the 2025 mergers while keeping their URI;
* ``refnis-flanders.ttl``: the Flemish subset of REFNIS 2019 and 2025;
* ``bestuurseenheid-classificatiecodes.ttl``: the classification concepts of the three LBLOD code lists;
* verbatim copies of ``gzg-subsidiemaatregel-loket.ttl`` and ``lblod-op-fusies-2025-change-events.ttl``.

Province rule (the CSV's ``province`` column): the province of the unit's werkingsgebied by its NIS code, taken
from REFNIS 2025 for units that still exist in 2025 and from REFNIS 2019 otherwise; units without a municipal or
provincial NIS code keep LBLOD's province. So Zwijndrecht (ended 2024-12-31) stays in Antwerpen while
Beveren-Kruibeke-Zwijndrecht (from 2025-01-01) is in Oost-Vlaanderen. Every disagreement with LBLOD's own
``ext:inProvincie`` / ``org:hasSubOrganization`` is printed and listed in ``data/lblod/SOURCES.md``.

Corrections (facts of LBLOD that its own data contradicts; removed, never replaced by a guess) are listed in
``CORRECTIONS`` below. Any other inconsistency makes the script fail instead of writing a doubtful file.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import rdflib
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from gzg_graph import sources
from gzg_graph.sources import lblod as lblod_sources

REPO = Path(__file__).resolve().parents[1]
rdflib.NORMALIZE_LITERALS = False  # keep the sources' lexical forms (e.g. "...T00:00:00.000+01:00") in the subsets

EXT = Namespace("http://mu.semte.ch/vocabularies/ext/")
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
LBLOD_ORG = Namespace("http://lblod.data.gift/vocabularies/organisatie/")
SCHEMA_HTTPS = Namespace("https://schema.org/")  # REFNIS uses https://schema.org/ for its dates
REFNIS2019 = "http://vocab.belgif.be/auth/refnis2019/"
REFNIS2025 = "http://vocab.belgif.be/auth/refnis2025/"
REFNIS1995 = "http://vocab.belgif.be/auth/refnis1995/"
CLASSIFICATION_SCHEME = URIRef("http://data.vlaanderen.be/id/conceptscheme/BestuurseenheidClassificatieCode")
CLASS = "http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/"
GEMEENTE = CLASS + "5ab0e9b8a3b2ca7c5e000001"
PROVINCIE = CLASS + "5ab0e9b8a3b2ca7c5e000000"
STATUS_INACTIVE = URIRef("http://lblod.data.gift/concepts/d02c4e12bf88d2fdf5123b07f29c9311")
STATUS_ACTIVE = URIRef("http://lblod.data.gift/concepts/63cc561de9188d64ba5840a42ae8f0d6")
FLANDERS_CODE = "2000"  # REFNIS notation of Vlaams Gewest (written 02000 in some lists)
PROVINCE_CODES = ("10000", "20001", "30000", "40000", "70000")
FORMATS = (("kbo", r"\d{10}"), ("ovo", r"OVO\d{6}"), ("nis_2019", r"\d{5}"), ("nis_2025", r"\d{5}"))
DISTRICT_BORSBEEK = "http://data.lblod.info/id/bestuurseenheden/4b44e6f1-113b-4692-b149-44a889b215f2"

#: The output's headers are the reader's contract (gzg_graph.sources.lblod), written in one place.
COLUMNS = list(lblod_sources.COLUMNS)
HISTORY_COLUMNS = list(lblod_sources.HISTORY_COLUMNS)

# Files of ../shared/lblod used as sources; their upstream repo:path@commit is in data/lblod/SOURCES.md.
S_CSV_2023 = "bestuurseenheden-lpdc-2023.ttl"
S_FUSIES = "bestuurseenheden-fusies-2025.ttl"
S_WG = "werkingsgebieden.ttl"
S_NIS2019 = "bestuurseenheden-werkingsgebieden-to-refnis2019.ttl"
S_OP_NEW = "lblod-op-fusies-2025-nieuwe-gemeenten-ocmws.ttl"
S_LMB = "lblod-lmb-fusies-2025-nieuwe-bestuurseenheden.ttl"
S_NUTS = "lblod-lpdc-fusies-2025-werkingsgebieden-nuts.ttl"
S_WG2025 = "lblod-op-fusies-2025-werkingsgebieden-refnis2025.ttl"
S_EVENTS = "lblod-op-fusies-2025-change-events.ttl"
S_BORSBEEK = "lblod-lpdc-district-borsbeek-2025.ttl"
S_SUBSIDIEPUNT = "lblod-subsidiepunt-fusies-2025-kbo-ovo.ttl"
S_R2019, S_R2025 = "refnis2019.ttl", "refnis2025.ttl"

# Upstream migrations read through the public code index (not copied to ../shared); small enough to cite inline.
S_RENAME_UNITS = (
    "lblod/app-organization-portal:config/migrations-triggering-indexing/2024/"
    "20241126155527-rename-merged-municipalities-and-ocmws.sparql@017b6c572ce7ffe69076fff0b082fc8a098e593f"
)
S_RENAME_LOCATIONS = (
    "lblod/app-organization-portal:config/migrations-triggering-indexing/2025/"
    "20250619113048-fix--rename-locations-merged-municipalities-that-kept-uri.sparql"
    "@413139515936fab9b9007c45bca6fad9ae2164d5"
)
_U = "http://data.lblod.info/id/bestuurseenheden/"
_W = "http://data.lblod.info/id/werkingsgebieden/"
#: the VALUES table of S_RENAME_UNITS: units that kept their URI and were renamed by the 2025 mergers.
RENAMED_UNITS = {
    _U + "99da98a7a0087d3429b084ebfc4eb5d488c593790d4d5af7253982a2e21a6a5f": "Bilzen-Hoeselt",
    _U + "9ae900a5447b7d727ca6496910220d4389aba7f1869923f1bbf9729bdeca28e2": "Bilzen-Hoeselt",
    _U + "05099fa1f6524b8b994d86f61549455d2c00b2a956d5308683ac2d1f810fc729": "Tessenderlo-Ham",
    _U + "42a43591e0db1dca9432f480f0f49f9bd4056c2b131e2fc997497130f5e099d0": "Tessenderlo-Ham",
    _U + "104f32d7fb8d4b8b61b71717301656f136fe046eabaf126fb3325896b5c2d625": "Tongeren-Borgloon",
    _U + "ab684633d605d93dbbe6b9ea40667e2bcf03a0856cafe1825e95b7829ed502a3": "Tongeren-Borgloon",
}
#: the VALUES table of S_RENAME_LOCATIONS: the werkingsgebieden of those units, renamed alike.
RENAMED_LOCATIONS = {
    _W + "1f5dd7043ad54d07751da8689d5b47ad9ae0e52dccce8f00cc8debab35f8e2b2": "Bilzen-Hoeselt",
    _W + "fc34bb0a1dbf157ac5e5f8e657dd774210f03d2efa21370dd3b9a6342906c7ab": "Tessenderlo-Ham",
    _W + "fabec9e745fc9efa32afadd8b7268938805b9679dcf3b032c9b9a9a3530d6b59": "Tongeren-Borgloon",
}

#: LBLOD statements that LBLOD's own data contradicts; the field is left blank (reason in SOURCES.md).
CORRECTIONS = {
    # Gemeente Nevele: prov:wasDerivedFrom Lovendegem, Waarschoot, Zomergem (the predecessors of Lievegem, cf.
    # OCMW Lievegem); Nevele itself is a predecessor of Deinze (2019) and has no REFNIS-2019 code.
    (_U + "8ed14ecd083fb231f9af0f2698de728bba3f11deb0f4ea4caf9d5c1f9e3a771b", "derived_from"): "",
    # Vlaamse Gemeenschapscommissie (Brussels): werkingsgebied Ieper (West-Vlaanderen) yet ext:inProvincie Limburg.
    (_U + "9e6b6eb3-2f0b-4723-876b-178dfaecfddf", "werkingsgebied"): "",
    (_U + "9e6b6eb3-2f0b-4723-876b-178dfaecfddf", "werkingsgebied_label"): "",
    (_U + "9e6b6eb3-2f0b-4723-876b-178dfaecfddf", "nis_2019"): "",
    (_U + "9e6b6eb3-2f0b-4723-876b-178dfaecfddf", "province"): "",
}

TURTLE_HEADER = "# DERIVED FILE, written by scripts/derive_lblod_data.py; origin and licence: data/lblod/SOURCES.md\n"


class DerivationError(Exception):
    """The inputs contradict each other in a way no documented rule resolves."""


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def read_csv(path: Path) -> list[dict[str, str]]:
    """Every row as {column: stripped value}, read by the library's one CSV reader (errors name file and line)."""
    return [row.values for row in sources.read_csv(path, (), allow_extra=True)]


def day_before(iso_date: str) -> str:
    return (date.fromisoformat(iso_date) - timedelta(days=1)).isoformat()


def add_source(row: dict, *tokens: str) -> None:
    """Append source tokens once each, in order (deterministic)."""
    present = row["source"].split()
    row["source"] = " ".join(present + [t for t in tokens if t not in present])


# --------------------------------------------------------------------------------------------------- REFNIS


@dataclass
class Refnis:
    """One REFNIS version: concepts by notation, with their Flemish province."""

    graph: Graph
    namespace: str

    def concept(self, code: str) -> URIRef:
        return URIRef(self.namespace + code)

    def has(self, code: str) -> bool:
        return (self.concept(code), RDF.type, SKOS.Concept) in self.graph

    def label_nl(self, code: str) -> str:
        labels = [str(lit) for lit in self.graph.objects(self.concept(code), SKOS.prefLabel) if lit.language == "nl"]
        return labels[0] if labels else ""

    def chain(self, code: str) -> list[str]:
        """The notations on the skos:broader path from ``code`` up to the top (inclusive).

        Falls back to the inverse of skos:narrower: REFNIS 2025 gives Wingene (37021) no skos:broader.
        """
        path, node = [], self.concept(code)
        while node is not None and len(path) < 10:
            path.append(str(node)[len(self.namespace) :])
            node = self.graph.value(node, SKOS.broader) or self.graph.value(None, SKOS.narrower, node)
        return path

    def province(self, code: str) -> str | None:
        """The Flemish province (REFNIS code) a municipality or province code lies in, else None."""
        return next((c for c in self.chain(code) if c in PROVINCE_CODES), None)

    def is_flemish(self, code: str) -> bool:
        return FLANDERS_CODE in self.chain(code)


def province_label(refnis: Refnis, province_code: str) -> str:
    """'Provincie Vlaams-Brabant' -> 'Vlaams-Brabant' (LBLOD's labels of the province units)."""
    return refnis.label_nl(province_code).removeprefix("Provincie ")


def code_2025_for(r2019: Refnis, r2025: Refnis, code: str) -> str | None:
    """The REFNIS-2025 code that continues a 2019 code: an exact match, or the same code re-scoped.

    Same-code re-scoping: Antwerpen 11002 (+ Borsbeek) and the provinces 10000 / 40000 (Zwijndrecht moved)
    keep their code while REFNIS 2025 links it with narrowMatch / broadMatch instead of exactMatch.
    """
    old = r2019.concept(code)
    exact = [s for s in r2025.graph.subjects(SKOS.exactMatch, old) if str(s).startswith(r2025.namespace)]
    if len(exact) == 1:
        return str(exact[0])[len(r2025.namespace) :]
    same = r2025.concept(code)
    if (same, SKOS.narrowMatch, old) in r2025.graph or (same, SKOS.broadMatch, old) in r2025.graph:
        return code
    return None


# --------------------------------------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    """Everything read from ../shared, parsed once."""

    shared: Path
    units: list[dict[str, str]]
    flemish: list[dict[str, str]]
    fusies: Graph
    lpdc_2023: Graph
    op_new: Graph
    lmb: Graph
    nuts: Graph
    wg2025: Graph
    events: Graph
    borsbeek: Graph
    subsidiepunt: Graph
    r2019: Refnis
    r2025: Refnis
    classifications: list[Graph] = field(default_factory=list)

    @classmethod
    def read(cls, shared: Path) -> Inputs:
        lblod = shared / "lblod"
        return cls(
            shared=shared,
            units=read_csv(lblod / "bestuurseenheden-vlaanderen.csv"),
            flemish=read_csv(shared / "data-sources" / "flemish_municipalities_2019_2024_to_2025.csv"),
            fusies=parse(lblod / S_FUSIES),
            lpdc_2023=parse(lblod / S_CSV_2023),
            op_new=parse(lblod / S_OP_NEW),
            lmb=parse(lblod / S_LMB),
            nuts=parse(lblod / S_NUTS),
            wg2025=parse(lblod / S_WG2025),
            events=parse(lblod / S_EVENTS),
            borsbeek=parse(lblod / S_BORSBEEK),
            subsidiepunt=parse(lblod / S_SUBSIDIEPUNT),
            r2019=Refnis(parse(lblod / S_R2019), REFNIS2019),
            r2025=Refnis(parse(lblod / S_R2025), REFNIS2025),
            classifications=[parse(lblod / name) for name in CLASSIFICATION_FILES],
        )


CLASSIFICATION_FILES = (
    "bestuurseenheid-classificatiecode-2018.ttl",
    "bestuurseenheid-classificatiecode-2020.ttl",
    "bestuurseenheid-classificatiecode-op-2021.ttl",
)


# --------------------------------------------------------------------------------------------------- change events


@dataclass
class Mergers2025:
    """What LBLOD's 2025 change events say: who ended, who began, who came from whom."""

    ended: dict[str, str] = field(default_factory=dict)  # unit -> last day
    started: dict[str, str] = field(default_factory=dict)  # unit -> first day
    originals: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # result -> originals
    kept: set[str] = field(default_factory=set)  # results that are also originals


def read_mergers(events: Graph) -> Mergers2025:
    m = Mergers2025()
    for event in events.subjects(RDF.type, ORG.ChangeEvent):
        day = str(events.value(event, DCTERMS.date))[:10]
        originals = {str(o) for o in events.objects(event, ORG.originalOrganization)}
        results = {str(r) for r in events.objects(event, ORG.resultingOrganization)}
        for result in events.objects(event, LBLOD_ORG.veranderingsgebeurtenisResultaat):
            unit = str(events.value(result, EXT.resultingOrganization))
            status = events.value(result, LBLOD_ORG.resulterendeStatus)
            if status == STATUS_INACTIVE:
                if unit not in originals or unit in results:
                    raise DerivationError(f"{unit} is made inactive by {event} but is no (sole) original")
                m.ended[unit] = day_before(day)
            elif status == STATUS_ACTIVE and unit not in originals:
                m.started[unit] = day
        for result in results:
            m.originals[result] |= originals - {result}
            if result in originals:
                m.kept.add(result)
    return m


# --------------------------------------------------------------------------------------------------- units


def new_units(inp: Inputs) -> dict[str, dict]:
    """District Borsbeek, the one unit of 2025 missing from bestuurseenheden-vlaanderen.csv."""
    g = inp.borsbeek
    uri = URIRef(DISTRICT_BORSBEEK)
    kbo = {str(o) for source in (inp.subsidiepunt, g) for o in source.objects(uri, EXT.kbonummer)}
    if len(kbo) != 1:
        raise DerivationError(f"district Borsbeek: KBO numbers {kbo}")
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        uri=DISTRICT_BORSBEEK,
        name=str(g.value(uri, SKOS.prefLabel)),
        classification_uri=str(g.value(uri, BESLUIT.classificatie)),
        kbo=kbo.pop(),
        source=" ".join([S_BORSBEEK, S_SUBSIDIEPUNT, S_LMB]),
    )
    return {DISTRICT_BORSBEEK: row}


def base_rows(inp: Inputs) -> dict[str, dict]:
    """Rows of bestuurseenheden-vlaanderen.csv in the output's columns (before 2025 facts are applied)."""
    rows: dict[str, dict] = {}
    fusies_units = {str(s) for s in inp.fusies.subjects(RDF.type, BESLUIT.Bestuurseenheid)}
    for src in inp.units:
        if src["uri"] in rows:
            raise DerivationError(f"duplicate URI {src['uri']} in bestuurseenheden-vlaanderen.csv")
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            uri=src["uri"],
            name=src["label"],
            classification=src["classification_label"],
            classification_uri=src["classification_uri"],
            kbo=src["kbo"],
            ovo=src["ovo"],
            province=src["province_label"],
            werkingsgebied=src["werkingsgebied"],
            werkingsgebied_label=src["werkingsgebied_label"],
            nis_2019=src["nis_refnis2019"],
            derived_from=" ".join(sorted(filter(None, src["was_derived_from"].split(";")))),
        )
        for (uri, column), value in CORRECTIONS.items():
            if uri == row["uri"]:
                row[column] = value
        row["source"] = S_FUSIES if src["uri"] in fusies_units else S_CSV_2023
        if row["werkingsgebied_label"]:
            add_source(row, S_WG)
        if row["nis_2019"]:
            add_source(row, S_NIS2019)
        rows[src["uri"]] = row
    return rows


def check_corrections_apply(rows: dict[str, dict]) -> None:
    """Fail when a correction names a unit that is gone (the upstream data changed: review the correction)."""
    for uri, _ in CORRECTIONS:
        if uri not in rows:
            raise DerivationError(f"correction for unknown unit {uri}")


def apply_new_unit_details(inp: Inputs, rows: dict[str, dict]) -> None:
    """Werkingsgebieden of the 2025 units (LMB labels, LPDC links for OCMWs) and a KBO/OVO cross-check with OP."""
    wg_of = {str(s): str(o) for g in (inp.lmb, inp.nuts) for s, o in g.subject_objects(BESLUIT.werkingsgebied)}
    for unit, wg in sorted(wg_of.items()):
        row = rows.get(unit)
        if row is None:
            continue
        if row["werkingsgebied"] and row["werkingsgebied"] != wg:
            raise DerivationError(f"{unit}: werkingsgebied {row['werkingsgebied']} vs {wg}")
        row["werkingsgebied"] = wg
        row["werkingsgebied_label"] = str(inp.lmb.value(URIRef(wg), RDFS.label) or "")
        add_source(row, S_LMB if (URIRef(unit), None, URIRef(wg)) in inp.lmb else S_NUTS)
    check_new_identifiers(inp, rows)


def check_new_identifiers(inp: Inputs, rows: dict[str, dict]) -> None:
    """The KBO / OVO numbers of the 2025 units agree between LPDC (CSV), OP and Subsidiepunt."""
    gen = Namespace("https://data.vlaanderen.be/ns/generiek#")
    adms = Namespace("http://www.w3.org/ns/adms#")
    for unit in sorted(set(inp.op_new.subjects(adms.identifier, None))):
        numbers = {
            str(inp.op_new.value(inp.op_new.value(i, gen.gestructureerdeIdentificator), gen.lokaleIdentificator))
            for i in inp.op_new.objects(unit, adms.identifier)
        } - {"None"}
        sub = {str(o) for o in inp.subsidiepunt.objects(unit, DCTERMS.identifier)}
        row = rows[str(unit)]
        expected = {row["kbo"], row["ovo"]} - {""}
        if numbers != expected or (sub and sub != expected):
            raise DerivationError(f"{unit}: identifiers OP {numbers}, Subsidiepunt {sub}, LPDC {expected}")
        add_source(row, S_OP_NEW, S_SUBSIDIEPUNT)


def apply_renames(inp: Inputs, rows: dict[str, dict], mergers: Mergers2025) -> list[dict]:
    """Current names of the renamed kept-URI units; returns their name-history rows."""
    history = []
    for unit, new_name in sorted(RENAMED_UNITS.items()):
        row = rows[unit]
        events = list(inp.events.subjects(ORG.resultingOrganization, URIRef(unit)))
        described = [str(inp.events.value(e, DCTERMS.description)) for e in events]
        if unit not in mergers.kept or not any(d.endswith(f" {new_name}") for d in described):
            raise DerivationError(f"{unit}: rename to {new_name} not confirmed by the change events {described}")
        days = {str(inp.events.value(e, DCTERMS.date))[:10] for e in events}
        if len(days) != 1:
            raise DerivationError(f"{unit}: change events dated {days}")
        start = days.pop()
        old_name = row["name"]
        history.append(
            dict(
                uri=unit,
                name=old_name,
                valid_from="",
                valid_until=day_before(start),
                source=" ".join([S_CSV_2023, S_EVENTS]),
            )
        )
        history.append(
            dict(uri=unit, name=new_name, valid_from=start, valid_until="", source=" ".join([S_RENAME_UNITS, S_EVENTS]))
        )
        row["name"] = new_name
        add_source(row, S_RENAME_UNITS)
    for row in rows.values():
        if row["werkingsgebied"] in RENAMED_LOCATIONS:
            row["werkingsgebied_label"] = RENAMED_LOCATIONS[row["werkingsgebied"]]
            add_source(row, S_RENAME_LOCATIONS)
    return history


def apply_mergers_2025(rows: dict[str, dict], mergers: Mergers2025) -> None:
    """Validity dates and predecessors from LBLOD's 2025 change events."""
    for unit, last_day in mergers.ended.items():
        rows[unit]["active_until"] = last_day
        add_source(rows[unit], S_EVENTS)
    for unit, first_day in mergers.started.items():
        rows[unit]["active_from"] = first_day
        add_source(rows[unit], S_EVENTS)
    for unit, originals in mergers.originals.items():
        row = rows[unit]
        derived = set(row["derived_from"].split())
        if unit in mergers.kept:
            derived |= originals
            add_source(row, S_EVENTS)
        elif unit != DISTRICT_BORSBEEK and derived != originals:
            raise DerivationError(f"{unit}: prov:wasDerivedFrom {derived} differs from the change event {originals}")
        row["derived_from"] = " ".join(sorted(derived))


def apply_mergers_2019(inp: Inputs, rows: dict[str, dict]) -> None:
    """Dates of the 2019 mergers, where REFNIS 2019 shows a code that replaced as many 1995 codes as predecessors.

    A unit with prov:wasDerivedFrom whose REFNIS-2019 concept (valid from 2019-01-01) has no refnis1995 exact match
    but skos:narrowMatch to exactly that many refnis1995 codes began on 2019-01-01, and its predecessors (which
    have no REFNIS-2019 code) ended on 2018-12-31.
    """
    g = inp.r2019.graph
    for row in rows.values():
        if not row["derived_from"] or not row["nis_2019"] or row["active_from"]:
            continue
        concept = inp.r2019.concept(row["nis_2019"])
        old_codes = [o for o in g.objects(concept, SKOS.narrowMatch) if str(o).startswith(REFNIS1995)]
        exact_old = [o for o in g.objects(concept, SKOS.exactMatch) if str(o).startswith(REFNIS1995)]
        start = str(g.value(concept, SCHEMA_HTTPS.startDate))[:10]
        predecessors = row["derived_from"].split()
        if exact_old or len(old_codes) != len(predecessors) or start != "2019-01-01":
            continue
        if any(rows[p]["nis_2019"] for p in predecessors):
            raise DerivationError(f"{row['uri']}: a 2019 predecessor has a REFNIS-2019 code")
        row["active_from"] = start
        add_source(row, S_R2019)
        for p in predecessors:
            rows[p]["active_until"] = day_before(start)
            add_source(rows[p], S_R2019)


def apply_nis_2025(inp: Inputs, rows: dict[str, dict]) -> None:
    """NIS 2025 of each werkingsgebied: OP's explicit link for merged municipalities, else REFNIS 2025's mapping."""
    explicit = {str(s): str(o)[len(REFNIS2025) :] for s, o in inp.wg2025.subject_objects(SKOS.exactMatch)}
    for row in rows.values():
        if row["active_until"] or not row["werkingsgebied"]:
            continue
        if row["werkingsgebied"] in explicit:
            row["nis_2025"] = explicit[row["werkingsgebied"]]
            add_source(row, S_WG2025)
        elif row["nis_2019"]:
            code = code_2025_for(inp.r2019, inp.r2025, row["nis_2019"])
            if code:
                row["nis_2025"] = code
                add_source(row, S_R2025)


def hierarchy_provinces(inp: Inputs) -> dict[str, str]:
    """unit -> province unit, from LBLOD's org:hasSubOrganization (2023 export and 2025 mergers)."""
    provinces = {r["uri"] for r in inp.units if r["classification_uri"] == PROVINCIE}
    parent: dict[str, str] = {}
    for g in (inp.lpdc_2023, inp.fusies):
        for p, child in g.subject_objects(ORG.hasSubOrganization):
            if str(p) in provinces:
                parent[str(child)] = str(p)
    return parent


def apply_provinces(inp: Inputs, rows: dict[str, dict]) -> list[str]:
    """Province label (by NIS code, 2025 for current units) and province unit; returns the disagreements found."""
    province_units = {row["name"]: uri for uri, row in rows.items() if row["classification_uri"] == PROVINCIE}
    parent = hierarchy_provinces(inp)
    notes = []
    for uri in sorted(rows):
        row = rows[uri]
        lblod_label = row["province"]
        by_code = province_by_code(inp, row)
        if row["classification_uri"] == PROVINCIE:
            by_code = row["name"]
        if by_code:
            row["province"] = by_code
            add_source(row, S_R2025 if row["nis_2025"] and not row["active_until"] else S_R2019)
        if uri in parent:
            row["province_uri"] = parent[uri]
            add_source(row, S_FUSIES if (None, ORG.hasSubOrganization, URIRef(uri)) in inp.fusies else S_CSV_2023)
            hierarchy_label = rows[parent[uri]]["name"]
            if hierarchy_label != row["province"]:
                raise DerivationError(f"{uri}: province {row['province']} but sub-organisation of {hierarchy_label}")
        if lblod_label and by_code and lblod_label != by_code:
            notes.append(
                f"{row['name']} ({row['classification']}, {uri}): LBLOD ext:inProvincie {lblod_label}, "
                f"werkingsgebied NIS {row['nis_2025'] or row['nis_2019']} lies in {by_code}"
            )
        if row["province"] and row["province"] not in province_units:
            raise DerivationError(f"{uri}: unknown province {row['province']}")
    return notes


def province_by_code(inp: Inputs, row: dict) -> str:
    if row["nis_2025"] and not row["active_until"]:
        code = inp.r2025.province(row["nis_2025"])
        return province_label(inp.r2025, code) if code else ""
    if row["nis_2019"]:
        code = inp.r2019.province(row["nis_2019"])
        return province_label(inp.r2019, code) if code else ""
    return ""


def classification_labels(inp: Inputs) -> dict[str, str]:
    labels: dict[str, str] = {}
    for g in inp.classifications:
        for concept, label in g.subject_objects(SKOS.prefLabel):
            if labels.setdefault(str(concept), str(label)) != str(label):
                raise DerivationError(f"{concept}: labels {labels[str(concept)]!r} and {label!r}")
    return labels


def apply_classification_labels(inp: Inputs, rows: dict[str, dict]) -> None:
    labels = classification_labels(inp)
    for row in rows.values():
        label = labels.get(row["classification_uri"], "")
        if row["classification"] and row["classification"] != label:
            raise DerivationError(f"{row['uri']}: classification {row['classification']} vs code list {label}")
        row["classification"] = label


# --------------------------------------------------------------------------------------------------- checks


def check_against_statbel(inp: Inputs, rows: dict[str, dict], history: list[dict]) -> None:
    """The municipalities agree with the Statbel-based crosswalk: 300 in 2019-2024, 285 in 2025, all mergers."""
    gemeenten = [r for r in rows.values() if r["classification_uri"] == GEMEENTE]
    by_2019 = {r["nis_2019"]: r for r in gemeenten if r["nis_2019"]}
    by_2025 = {r["nis_2025"]: r for r in gemeenten if r["nis_2025"]}
    expected_2019 = {r["nis_2019_2024"]: r for r in inp.flemish}
    expected_2025 = {r["nis_2025"] for r in inp.flemish}
    if sum(1 for r in gemeenten if r["nis_2019"]) != 300 or set(by_2019) != set(expected_2019):
        raise DerivationError("the Gemeenten with a NIS 2019 code are not the 300 of the crosswalk")
    if sum(1 for r in gemeenten if r["nis_2025"]) != 285 or set(by_2025) != expected_2025:
        raise DerivationError("the Gemeenten with a NIS 2025 code are not the 285 of the crosswalk")
    old_names = {h["uri"]: h["name"] for h in history if h["valid_until"]}
    for nis, crosswalk in expected_2019.items():
        unit = by_2019[nis]
        if old_names.get(unit["uri"], unit["name"]) != crosswalk["name_nl"]:
            raise DerivationError(f"NIS {nis}: name {unit['name']} vs crosswalk {crosswalk['name_nl']}")
        if unit["nis_2025"] not in ("", crosswalk["nis_2025"]):
            raise DerivationError(f"NIS {nis}: NIS 2025 {unit['nis_2025']} vs crosswalk {crosswalk['nis_2025']}")
        if (unit["nis_2025"] == "") != bool(unit["active_until"]):
            raise DerivationError(f"NIS {nis}: ended units and only they lack a NIS 2025 code")
        successor = by_2025[crosswalk["nis_2025"]]
        if successor["name"] != crosswalk["name_2025"]:
            raise DerivationError(
                f"NIS 2025 {crosswalk['nis_2025']}: name {successor['name']} vs {crosswalk['name_2025']}"
            )
        if unit is not successor and unit["uri"] not in successor["derived_from"].split():
            raise DerivationError(f"{successor['name']} is not derived from {unit['name']}")
        if crosswalk["province_nl"] != unit["province"] and not unit["active_until"]:
            raise DerivationError(f"NIS {nis}: province {unit['province']} vs {crosswalk['province_nl']}")
    for nis_2025, successor in by_2025.items():
        group = {by_2019[r["nis_2019_2024"]]["uri"] for r in inp.flemish if r["nis_2025"] == nis_2025}
        own = {successor["uri"]} if successor["nis_2019"] else set()
        if set(successor["derived_from"].split()) | own != group | own and len(group) > 1:
            raise DerivationError(f"{successor['name']}: predecessors do not match the crosswalk")


def check_formats(rows: dict[str, dict]) -> None:
    for row in rows.values():
        for column, pattern in FORMATS:
            if row[column] and not re.fullmatch(pattern, row[column]):
                raise DerivationError(f"{row['uri']}: bad {column} {row[column]!r}")
        for p in row["derived_from"].split():
            if p not in rows:
                raise DerivationError(f"{row['uri']}: predecessor {p} is not a known unit")


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
                if o.language == "nl":
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
    for concept, label in classification_labels(inp).items():
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


# --------------------------------------------------------------------------------------------------- writing


def csv_text(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def derive(shared: Path) -> tuple[dict[str, bytes], list[str]]:
    """All output files (name -> content) and the notes on source disagreements."""
    inp = Inputs.read(shared)
    rows = base_rows(inp)
    rows.update(new_units(inp))
    check_corrections_apply(rows)
    apply_mergers_2019(inp, rows)  # before 2025 adds predecessors to kept-URI units
    apply_new_unit_details(inp, rows)
    mergers = read_mergers(inp.events)
    history = apply_renames(inp, rows, mergers)
    apply_mergers_2025(rows, mergers)
    apply_nis_2025(inp, rows)
    apply_classification_labels(inp, rows)
    notes = apply_provinces(inp, rows)
    check_formats(rows)
    check_against_statbel(inp, rows, history)
    texts = {
        "local-governments.csv": csv_text([rows[u] for u in sorted(rows)], COLUMNS),
        "name-history.csv": csv_text(sorted(history, key=lambda h: (h["uri"], h["valid_from"])), HISTORY_COLUMNS),
        "refnis-flanders.ttl": turtle(refnis_subset(inp), TURTLE_HEADER),
        "bestuurseenheid-classificatiecodes.ttl": turtle(classification_codes(inp), TURTLE_HEADER),
    }
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    for name in VERBATIM:
        files[name] = (shared / "lblod" / name).read_bytes()
    return files, notes


#: imported by the graph as they are, copied byte for byte.
VERBATIM = ("gzg-subsidiemaatregel-loket.ttl", S_EVENTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the reference folder (../shared)")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "lblod", help="where to write (data/lblod)")
    args = parser.parse_args(argv)
    try:
        files, notes = derive(args.shared)
    except DerivationError as e:
        print(f"derive_lblod_data: {e}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_bytes(content)
        print(f"wrote {args.out / name} ({len(content)} bytes)")
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
