"""Reconciliation: every organisation our data names (participations.csv, penhouders included, and partners.csv)
linked to its LBLOD unit by KBO number, then NIS code, then name, with what matched by which key.

A participation names its organisation once, by one key; the build resolves it with
:class:`~gzg_graph.mapping.organisations.OrganisationIndex`, and this report uses that very index, so what it
says is what the graph holds. It adds what a data steward needs to check the links: the other units the key
matched (a Gemeente and its OCMW share a name; the 2019 and 2025 mergers leave one name on several units over
time), the rule that chose (Gemeente over OCMW, the unit active on the project's date, the current one), units
known by a former name (renamed on a merger) and units that ended, with their successors. A partner is linked
to an LBLOD unit when its KBO number is one's; otherwise it is our own organisation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AmbiguousOrganisation, UnknownOrganisation
from ..mapping.organisations import LOCAL_GOVERNMENTS, OrganisationIndex, Resolution, name_key
from ..sources import (
    PARTICIPATIONS,
    PARTNERS,
    PROJECTS,
    Partner,
    read_participations,
    read_partners,
    read_projects,
)
from ..sources.lblod import NAME_HISTORY, LocalGovernment, read_local_governments

LINKED, PARTNER, AMBIGUOUS, UNMATCHED = "linked", "partner", "ambiguous", "unmatched"


@dataclass(frozen=True)
class Link:
    """One organisation reference of our data and what it links to."""

    file: str
    line: int
    reference: str
    role: str  # the participation's role, or "partner" for a row of partners.csv
    status: str  # linked (to an LBLOD unit), partner (our own organisation), ambiguous, unmatched
    key: str = ""  # kbo, nis, name, former name, uri, partner id
    uri: str = ""
    name: str = ""
    candidates: tuple[str, ...] = ()  # every unit the key matched when more than one: "name (kind, period) <uri>"
    notes: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """The key matched several units (resolved by a rule) or could not be resolved."""
        return self.status == AMBIGUOUS or len(self.candidates) > 1


@dataclass
class Reconciliation:
    links: list[Link] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many references are linked, partners, ambiguous (unresolved) and unmatched; by key for links."""
        counted = Counter(link.status for link in self.links)
        keys = Counter(f"by {link.key}" for link in self.links if link.status == LINKED)
        return {s: counted[s] for s in (LINKED, PARTNER, AMBIGUOUS, UNMATCHED)} | dict(sorted(keys.items()))

    @property
    def complete(self) -> bool:
        """Every reference links to one organisation (an LBLOD unit or a partner of ours)."""
        return all(link.status in (LINKED, PARTNER) for link in self.links)

    def as_json(self) -> dict[str, Any]:
        return {"complete": self.complete, "counts": self.counts(), "links": [asdict(link) for link in self.links]}


def reconcile(data_dir: Path, lblod_dir: Path | None = None) -> Reconciliation:
    """Link what ``data_dir`` names to the units of ``lblod_dir`` (default: ``data_dir/lblod``, what the build uses)."""
    folder = lblod_dir or data_dir / LOCAL_GOVERNMENTS.parent
    history = folder / NAME_HISTORY
    index = OrganisationIndex.from_files(
        folder / LOCAL_GOVERNMENTS.name, data_dir / PARTNERS, history if history.is_file() else None
    )
    units = read_local_governments(folder / LOCAL_GOVERNMENTS.name)
    successors: dict[str, list[LocalGovernment]] = {}
    for unit in units:
        for predecessor in unit.derived_from:
            successors.setdefault(predecessor, []).append(unit)
    by_kbo = {unit.kbo: unit for unit in units if unit.kbo}
    result = Reconciliation()
    for partner in read_partners(data_dir / PARTNERS):
        result.links.append(_partner_link(partner, by_kbo, index))
    dates = {p.id: p.start_date or p.end_date for p in read_projects(data_dir / PROJECTS)}
    for row in read_participations(data_dir / PARTICIPATIONS):
        line = row.origin.line if row.origin else 0
        try:
            resolution = index.resolution(row.organisation, dates.get(row.project))
        except AmbiguousOrganisation as e:
            result.links.append(Link(PARTICIPATIONS, line, row.organisation, row.role, AMBIGUOUS, notes=(str(e),)))
            continue
        except UnknownOrganisation as e:
            result.links.append(Link(PARTICIPATIONS, line, row.organisation, row.role, UNMATCHED, notes=(str(e),)))
            continue
        result.links.append(_link(PARTICIPATIONS, line, row.organisation, row.role, resolution, successors))
    return result


def _partner_link(partner: Partner, by_kbo: dict[str, LocalGovernment], index: OrganisationIndex) -> Link:
    line = partner.origin.line if partner.origin else 0
    unit = by_kbo.get(partner.kbo or "")
    if unit is not None:
        note = "an LBLOD unit: name it as a local government in participations.csv"
        return Link(PARTNERS, line, partner.id, "partner", LINKED, "kbo", unit.uri, unit.name, notes=(note,))
    notes = [f"KBO {partner.kbo} is no LBLOD unit's"] if partner.kbo else []
    try:
        same = index.resolution(partner.name)
    except (UnknownOrganisation, AmbiguousOrganisation):
        same = None
    if same is not None and same.key == "name" and len(same.candidates) == 1:
        unit = same.candidates[0]
        notes.append(
            f"the LBLOD unit of that name ({unit.classification or 'no classification'}); the graph keeps {partner.id}'s own URI"
        )
        return Link(PARTNERS, line, partner.id, "partner", LINKED, "name", unit.uri, unit.name, notes=tuple(notes))
    notes.append("no LBLOD unit: our own organisation")
    return Link(PARTNERS, line, partner.id, "partner", PARTNER, "partner id", "", partner.name, notes=tuple(notes))


def _link(file: str, line: int, reference: str, role: str, resolution: Resolution, successors: dict[str, list]) -> Link:
    organisation = resolution.organisation
    if not organisation.local_government:
        return Link(file, line, reference, role, PARTNER, resolution.key, "", organisation.label)
    uri = organisation.lblod_uri or ""
    chosen = next(c for c in resolution.candidates if c.uri == uri)
    candidates = tuple(_describe(c) for c in resolution.candidates) if len(resolution.candidates) > 1 else ()
    notes = _notes(reference, resolution, chosen, successors.get(uri, []))
    return Link(file, line, reference, role, LINKED, resolution.key, uri, organisation.label, candidates, notes)


def _notes(reference: str, resolution: Resolution, chosen: LocalGovernment, successors: list) -> tuple[str, ...]:
    notes = []
    others = [c for c in resolution.candidates if c.uri != chosen.uri]
    if any(c.classification != chosen.classification for c in others):
        kinds = sorted({c.classification for c in others if c.classification != chosen.classification})
        notes.append(f"shares the name with the {', '.join(kinds)}: the {chosen.classification} is meant")
    if any(c.classification == chosen.classification for c in others):
        notes.append(f"several {chosen.classification}s bore it over time: the one of {_period(chosen)}")
    if resolution.key == "former name" and name_key(reference) != name_key(chosen.name):
        notes.append(f"a former name: the unit is now called {chosen.name}")
    if chosen.active_until:
        names = ", ".join(f"{s.name} <{s.uri}>" for s in successors) or "none in LBLOD"
        notes.append(f"ended on {chosen.active_until}; successor: {names} (finds this unit's projects)")
    return tuple(notes)


def _describe(unit: LocalGovernment) -> str:
    return f"{unit.name} ({unit.classification}, {_period(unit)}) <{unit.uri}>"


def _period(unit: LocalGovernment) -> str:
    return f"{unit.active_from or '…'} – {unit.active_until or '…'}"
