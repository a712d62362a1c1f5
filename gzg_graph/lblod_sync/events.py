"""The derivation rules that come from change events: the 2019 and 2025 mergers and the 2025 renames.

LBLOD's ``org:ChangeEvent``s say who ended (result status Niet Actief), who began and who came from whom; a
unit that kept its URI through a merger is both an original and the result. The units renamed on the 2025
mergers are confirmed against the events' descriptions; their names over time go to ``name-history.csv``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS

from .export import EXT, LBLOD_ORG, REFNIS1995, S_CSV_2023, S_EVENTS, S_R2019, SCHEMA_HTTPS, DerivationError, Inputs
from .rules import DISTRICT_BORSBEEK, Row, add_source, day_before

STATUS_INACTIVE = URIRef("http://lblod.data.gift/concepts/d02c4e12bf88d2fdf5123b07f29c9311")
STATUS_ACTIVE = URIRef("http://lblod.data.gift/concepts/63cc561de9188d64ba5840a42ae8f0d6")

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


@dataclass
class Mergers:
    """What LBLOD's change events say: who ended, who began, who came from whom."""

    ended: dict[str, str] = field(default_factory=dict)  # unit -> last day
    started: dict[str, str] = field(default_factory=dict)  # unit -> first day
    originals: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # result -> originals
    kept: set[str] = field(default_factory=set)  # results that are also originals


def read_mergers(events: Graph) -> Mergers:
    m = Mergers()
    for event in events.subjects(RDF.type, ORG.ChangeEvent):
        day = str(events.value(event, DCTERMS.date))[:10]
        originals = {str(o) for o in events.objects(event, ORG.originalOrganization)}
        results = {str(r) for r in events.objects(event, ORG.resultingOrganization)}
        for outcome in events.objects(event, LBLOD_ORG.veranderingsgebeurtenisResultaat):
            unit = str(events.value(outcome, EXT.resultingOrganization))
            status = events.value(outcome, LBLOD_ORG.resulterendeStatus)
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


def apply_renames(inp: Inputs, rows: dict[str, Row], mergers: Mergers) -> list[Row]:
    """Current names of the renamed kept-URI units; returns their name-history rows."""
    history = []
    for unit, new_name in sorted(RENAMED_UNITS.items()):
        row = _row(rows, unit)
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


def apply_mergers(rows: dict[str, Row], mergers: Mergers) -> None:
    """Validity dates and predecessors from LBLOD's change events."""
    for unit, last_day in mergers.ended.items():
        _row(rows, unit)["active_until"] = last_day
        add_source(rows[unit], S_EVENTS)
    for unit, first_day in mergers.started.items():
        _row(rows, unit)["active_from"] = first_day
        add_source(rows[unit], S_EVENTS)
    for unit, originals in mergers.originals.items():
        row = _row(rows, unit)
        derived = set(row["derived_from"].split())
        if unit in mergers.kept:
            derived |= originals
            add_source(row, S_EVENTS)
        elif unit != DISTRICT_BORSBEEK and derived != originals:
            raise DerivationError(f"{unit}: prov:wasDerivedFrom {derived} differs from the change event {originals}")
        row["derived_from"] = " ".join(sorted(derived))


def apply_mergers_2019(inp: Inputs, rows: dict[str, Row]) -> None:
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
        if any(_row(rows, p)["nis_2019"] for p in predecessors):
            raise DerivationError(f"{row['uri']}: a 2019 predecessor has a REFNIS-2019 code")
        row["active_from"] = start
        add_source(row, S_R2019)
        for p in predecessors:
            rows[p]["active_until"] = day_before(start)
            add_source(rows[p], S_R2019)


def _row(rows: dict[str, Row], unit: str) -> Row:
    """The row of a unit a change event or rule names; an unknown unit is the export's inconsistency."""
    if unit not in rows:
        raise DerivationError(f"{unit} is named by a change event or rule but is no unit of the export")
    return rows[unit]
