"""The derivation rules for the units of ``local-governments.csv``: one row per LBLOD bestuurseenheid.

Province rule (the ``province`` column): the province of the unit's werkingsgebied by its NIS code, taken from
REFNIS 2025 for units that still exist in 2025 and from REFNIS 2019 otherwise; units without a municipal or
provincial NIS code keep LBLOD's province. Every disagreement with LBLOD's own ``ext:inProvincie`` /
``org:hasSubOrganization`` is returned as a note (and listed in ``data/lblod/SOURCES.md``).

Corrections (facts of LBLOD that its own data contradicts; removed, never replaced by a guess) are listed in
``CORRECTIONS``. Any other inconsistency raises :class:`~.export.DerivationError` rather than deriving a
doubtful row. The change events' rules (mergers, renames) are in :mod:`.events`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from ..sources.csv_files import CsvRow
from ..sources.lblod import COLUMNS
from .export import (
    BESLUIT,
    EXT,
    S_BORSBEEK,
    S_CSV_2023,
    S_FUSIES,
    S_LMB,
    S_NIS2019,
    S_NUTS,
    S_OP_NEW,
    S_R2019,
    S_R2025,
    S_SUBSIDIEPUNT,
    S_UNITS,
    S_WG,
    S_WG2025,
    DerivationError,
    Inputs,
    code_2025_for,
    province_label,
)

#: A row of local-governments.csv while it is derived: column -> value ("" when unknown).
Row = dict[str, str]

CLASS = "http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/"
GEMEENTE = CLASS + "5ab0e9b8a3b2ca7c5e000001"
PROVINCIE = CLASS + "5ab0e9b8a3b2ca7c5e000000"
DISTRICT_BORSBEEK = "http://data.lblod.info/id/bestuurseenheden/4b44e6f1-113b-4692-b149-44a889b215f2"
FORMATS = (("kbo", r"\d{10}"), ("ovo", r"OVO\d{6}"), ("nis_2019", r"\d{5}"), ("nis_2025", r"\d{5}"))
_SOURCE_FORMATS = (("kbo", r"\d{10}"), ("ovo", r"OVO\d{6}"), ("nis_refnis2019", r"\d{5}"))
_U = "http://data.lblod.info/id/bestuurseenheden/"

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


def day_before(iso_date: str) -> str:
    return (date.fromisoformat(iso_date) - timedelta(days=1)).isoformat()


def add_source(row: Row, *tokens: str) -> None:
    """Append source tokens once each, in order (deterministic)."""
    present = row["source"].split()
    row["source"] = " ".join(present + [t for t in tokens if t not in present])


def base_rows(inp: Inputs) -> dict[str, Row]:
    """Rows of bestuurseenheden-vlaanderen.csv in the output's columns (before 2025 facts are applied)."""
    rows: dict[str, Row] = {}
    fusies_units = {str(s) for s in inp.fusies.subjects(RDF.type, BESLUIT.Bestuurseenheid)}
    for record in inp.units:
        src = record.values
        _check_source_row(record, rows)
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


def _check_source_row(record: CsvRow, rows: dict[str, Row]) -> None:
    """A row of the export's CSV that no rule can use is the export's fault: say which line."""
    src, error = record.values, record.origin.error
    if not re.fullmatch(r"https?://\S+", src["uri"]):
        raise error(f"{S_UNITS}: uri {src['uri']!r} is not an http(s) IRI")
    if src["uri"] in rows:
        raise error(f"duplicate uri {src['uri']} in {S_UNITS}")
    if not src["label"]:
        raise error(f"label of {src['uri']} is empty")
    for column, pattern in _SOURCE_FORMATS:
        if src[column] and not re.fullmatch(pattern, src[column]):
            raise error(f"{column} {src[column]!r} of {src['uri']} does not match {pattern}")


def new_units(inp: Inputs) -> dict[str, Row]:
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


def check_corrections_apply(rows: dict[str, Row]) -> None:
    """Fail when a correction names a unit that is gone (the upstream data changed: review the correction)."""
    for uri, _ in CORRECTIONS:
        if uri not in rows:
            raise DerivationError(f"correction for unknown unit {uri}")


def apply_new_unit_details(inp: Inputs, rows: dict[str, Row]) -> None:
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


def check_new_identifiers(inp: Inputs, rows: dict[str, Row]) -> None:
    """The KBO / OVO numbers of the 2025 units agree between LPDC (CSV), OP and Subsidiepunt."""
    gen = Namespace("https://data.vlaanderen.be/ns/generiek#")
    adms = Namespace("http://www.w3.org/ns/adms#")
    for unit in sorted(set(inp.op_new.subjects(adms.identifier, None)), key=str):
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


def apply_nis_2025(inp: Inputs, rows: dict[str, Row]) -> None:
    """NIS 2025 of each werkingsgebied: OP's explicit link for merged municipalities, else REFNIS 2025's mapping."""
    explicit = {str(s): str(o)[len(inp.r2025.namespace) :] for s, o in inp.wg2025.subject_objects(SKOS.exactMatch)}
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
    provinces = {r.values["uri"] for r in inp.units if r.values["classification_uri"] == PROVINCIE}
    parent: dict[str, str] = {}
    for g in (inp.lpdc_2023, inp.fusies):
        for p, child in g.subject_objects(ORG.hasSubOrganization):
            if str(p) in provinces:
                parent[str(child)] = str(p)
    return parent


def apply_provinces(inp: Inputs, rows: dict[str, Row]) -> list[str]:
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


def province_by_code(inp: Inputs, row: Row) -> str:
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


def apply_classification_labels(inp: Inputs, rows: dict[str, Row]) -> None:
    labels = classification_labels(inp)
    for row in rows.values():
        label = labels.get(row["classification_uri"], "")
        if row["classification"] and row["classification"] != label:
            raise DerivationError(f"{row['uri']}: classification {row['classification']} vs code list {label}")
        row["classification"] = label


def check_formats(rows: dict[str, Row]) -> None:
    for row in rows.values():
        for column, pattern in FORMATS:
            if row[column] and not re.fullmatch(pattern, row[column]):
                raise DerivationError(f"{row['uri']}: bad {column} {row[column]!r}")
        for p in row["derived_from"].split():
            if p not in rows:
                raise DerivationError(f"{row['uri']}: predecessor {p} is not a known unit")
