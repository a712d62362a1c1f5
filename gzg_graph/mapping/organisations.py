"""Who is meant by an organisation reference in ``participations.csv``.

Data stewards write what they know: a partner id (``vvsg``), a KBO number (``0207.499.430``), a NIS code
(``12025``), the LBLOD URI or a name as it appears in a council decision (``Stad Mechelen``, ``lokaal bestuur Aalter``).
:class:`OrganisationIndex` turns each into one organisation, or explains why it cannot:
:class:`~gzg_graph.errors.UnknownOrganisation` (nothing matches; close names are suggested) or
:class:`~gzg_graph.errors.AmbiguousOrganisation` (several match; the candidates are listed).

A municipality's name is shared by its Gemeente and its OCMW (and by a province, a police zone ...), and the
2019 and 2025 mergers leave several Gemeenten with one name over time. A name or NIS code therefore resolves
to the *Gemeente* (the OCMW only with the prefix "OCMW") that was active on the project's date; without a
date, to the only one of that name, else to the one active today. A name a unit bore before (``name-history.csv``:
Bilzen, now Bilzen-Hoeselt under the same URI) resolves to that unit when no unit bears it today.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import URIRef

from ..errors import AmbiguousOrganisation, UnknownOrganisation
from ..namespaces import CLASSIFICATIE
from ..sources import PARTNERS, Partner, is_kbo, normalise, parse_kbo, read_partners
from ..sources.lblod import LOCAL_GOVERNMENTS as LOCAL_GOVERNMENTS_FILE
from ..sources.lblod import NAME_HISTORY, LocalGovernment, Name, read_local_governments, read_name_history
from ..uris import UriPolicy, last_segment, slugify

LOCAL_GOVERNMENTS = Path("lblod") / LOCAL_GOVERNMENTS_FILE

GEMEENTE = "gemeente"
OCMW = "ocmw"
_CLASSIFICATION_URIS = {
    str(CLASSIFICATIE["5ab0e9b8a3b2ca7c5e000001"]): GEMEENTE,
    str(CLASSIFICATIE["5ab0e9b8a3b2ca7c5e000002"]): OCMW,
}
#: Words people put before a municipality's name; "OCMW" also says which unit is meant.
_PREFIXES = re.compile(r"^(?:(?P<ocmw>ocmw)|stad|gemeente|lokaal bestuur|stadsbestuur|gemeentebestuur)\s+")
_NIS = re.compile(r"^\d{5}$")
NIS_2025_FROM = date(2025, 1, 1)


@dataclass(frozen=True)
class Organisation:
    """The organisation a reference resolved to: ``key`` identifies it (its URI's last segment, which the
    participation URIs used before readable slugs), ``slug`` names it in its participation URIs."""

    key: str
    slug: str
    label: str
    local_government: bool
    lblod_uri: str | None = None

    def uri(self, uris: UriPolicy) -> URIRef:
        """The LBLOD URI of a local government, our own URI for a partner."""
        return URIRef(self.lblod_uri) if self.lblod_uri else uris.id("organisatie", self.key)


@dataclass(frozen=True)
class Resolution:
    """How a reference resolved: the organisation, the key that matched (``partner id``, ``uri``, ``kbo``, ``nis``,
    ``name`` or ``former name``) and every local government that key matched before the rules chose one
    (Gemeente over OCMW, the one active on the date, the current one)."""

    organisation: Organisation
    key: str
    candidates: tuple[LocalGovernment, ...] = ()


def name_key(name: str) -> str:
    """Names compare without case, accents, hyphens or extra spaces: 'Sint-Niklaas' == 'sint niklaas'."""
    return normalise(name.replace("-", " "))


class OrganisationIndex:
    """Resolves participation references to local governments (LBLOD) and partners (partners.csv)."""

    def __init__(
        self,
        local_governments: Sequence[LocalGovernment],
        partners: Sequence[Partner] = (),
        names: Mapping[str, Sequence[Name]] | None = None,
    ):
        self._partners = {p.id: p for p in partners}
        self._by_uri = {unit.uri: unit for unit in local_governments}
        self._by_kbo: dict[str, LocalGovernment] = {}
        self._by_nis: dict[tuple[str, bool], list[LocalGovernment]] = defaultdict(list)  # (code, 2025?) -> units
        self._by_name: dict[str, list[LocalGovernment]] = defaultdict(list)
        for unit in local_governments:
            if unit.kbo:
                self._by_kbo[unit.kbo] = unit
            if unit.nis_2019:
                self._by_nis[unit.nis_2019, False].append(unit)
            if unit.nis_2025:
                self._by_nis[unit.nis_2025, True].append(unit)
            self._by_name[name_key(unit.name)].append(unit)
        #: names units bore before (name-history.csv): Bilzen is Bilzen-Hoeselt's URI before 2025
        self._by_former_name: dict[str, list[LocalGovernment]] = defaultdict(list)
        for uri, history in (names or {}).items():
            for former in {name_key(n.name) for n in history} - {name_key(self._by_uri[uri].name)}:
                self._by_former_name[former].append(self._by_uri[uri])

    @classmethod
    def from_files(
        cls, local_governments: Path, partners: Path | None = None, name_history: Path | None = None
    ) -> OrganisationIndex:
        units = read_local_governments(local_governments)
        names = read_name_history(name_history, {u.uri for u in units}) if name_history else None
        return cls(units, list(read_partners(partners)) if partners else [], names)

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> OrganisationIndex:
        """The index the build uses: ``data/lblod/local-governments.csv`` (with ``name-history.csv`` when there)
        plus ``data/partners.csv``."""
        history = data_dir / LOCAL_GOVERNMENTS.parent / NAME_HISTORY
        return cls.from_files(data_dir / LOCAL_GOVERNMENTS, data_dir / PARTNERS, history if history.is_file() else None)

    def resolve(self, reference: str, on: date | None = None) -> Organisation:
        """The one organisation ``reference`` means on day ``on`` (None: the only one, else today's)."""
        return self.resolution(reference, on).organisation

    def resolution(self, reference: str, on: date | None = None) -> Resolution:
        """Like :meth:`resolve`, also saying which key matched and which units it matched (for reconciliation)."""
        text = reference.strip()
        if text in self._partners:
            partner = self._partners[text]
            return Resolution(Organisation(partner.id, partner.id, partner.name, local_government=False), "partner id")
        if text in self._by_uri:  # the LBLOD URI itself (what `gzg stewards export` writes)
            return Resolution(organisation_of(self._by_uri[text]), "uri", (self._by_uri[text],))
        if is_kbo(text):
            unit = self._by_kbo.get(parse_kbo(text))
            if unit is None:
                raise UnknownOrganisation(f"no local government has KBO number {text!r}")
            return Resolution(organisation_of(unit), "kbo", (unit,))
        if _NIS.match(text):
            candidates = self._nis_candidates(text, on)
            return Resolution(organisation_of(self._choose(text, candidates, GEMEENTE, on)), "nis", tuple(candidates))
        key = name_key(text)
        match = _PREFIXES.match(key)
        wanted = OCMW if match and match["ocmw"] else GEMEENTE
        key = key[match.end() :] if match else key
        kind, found = ("name", self._by_name[key]) if key in self._by_name else ("former name", None)
        found = found or self._by_former_name.get(key)
        if not found:
            raise UnknownOrganisation(self._unknown_message(text, key))
        return Resolution(organisation_of(self._choose(text, found, wanted, on)), kind, tuple(found))

    def _nis_candidates(self, code: str, on: date | None) -> list[LocalGovernment]:
        """NIS codes were renumbered on 1 January 2025: a date picks the code list in force that day."""
        vintages = [False, True] if on is None else [on >= NIS_2025_FROM]
        return list(dict.fromkeys(u for vintage in vintages for u in self._by_nis.get((code, vintage), [])))

    def _choose(
        self, reference: str, candidates: list[LocalGovernment], wanted: str, on: date | None
    ) -> LocalGovernment:
        if not candidates:
            raise UnknownOrganisation(self._unknown_message(reference, None))
        candidates = [c for c in candidates if _classification(c) == wanted] or candidates
        if on is not None:
            active = [c for c in candidates if _active_on(c, on)]
            if not active:
                raise UnknownOrganisation(
                    f"{reference!r}: no matching local government was active on {on}; "
                    f"candidates: {_listing(candidates)}"
                )
            candidates = active
        elif len(candidates) > 1:
            current = [c for c in candidates if not c.active_until]
            candidates = current if len(current) == 1 else candidates
        if len(candidates) > 1:
            hint = "give a date, a KBO number or a NIS code" if on is None else "give a KBO number"
            raise AmbiguousOrganisation(
                f"{reference!r} matches {len(candidates)} local governments ({hint}): {_listing(candidates)}"
            )
        return candidates[0]

    def _unknown_message(self, reference: str, key: str | None) -> str:
        """Says what was tried and, for a name, suggests the closest known names (typos are the usual cause)."""
        close = difflib.get_close_matches(key, self._by_name.keys(), n=3, cutoff=0.8) if key else []
        names = sorted({u.name for name in close for u in self._by_name[name]})
        suggestion = f"; did you mean {' or '.join(repr(n) for n in names)}?" if names else ""
        return (
            f"{reference!r} is no partner id of {PARTNERS} and matches no local government's "
            f"name, KBO number or NIS code{suggestion}"
        )


def organisation_of(unit: LocalGovernment) -> Organisation:
    """A local government as a participant: its LBLOD URI, its old key and its readable slug."""
    slug = participant_slug(unit.name, "" if _classification(unit) == GEMEENTE else unit.classification)
    return Organisation(last_segment(unit.uri), slug, unit.name, True, unit.uri)


def participant_slug(name: str, kind: str = "") -> str:
    """A local government's slug in participation URIs: its name, after its kind unless it is a Gemeente.

    A Gemeente, its OCMW and a province or district can share a name; the kind tells them apart, unless the
    name already starts with it.

    >>> participant_slug("Mechelen"), participant_slug("Mechelen", "OCMW"), participant_slug("Limburg", "Provincie")
    ('mechelen', 'ocmw-mechelen', 'provincie-limburg')
    >>> participant_slug("POLITIEZONE : KAPELLEN - STABROEK", "Politiezone")
    'politiezone-kapellen-stabroek'
    """
    slug, prefix = slugify(name), slugify(kind) if kind.strip() else ""
    return slug if not prefix or slug == prefix or slug.startswith(f"{prefix}-") else f"{prefix}-{slug}"


def _classification(unit: LocalGovernment) -> str:
    """'gemeente', 'ocmw' or the normalised classification label: Gemeente and OCMW matter for names."""
    return _CLASSIFICATION_URIS.get(unit.classification_uri) or normalise(unit.classification)


def _active_on(unit: LocalGovernment, day: date) -> bool:
    """Whether the unit existed on ``day`` (empty active_from / active_until: open-ended)."""
    return (not unit.active_from or date.fromisoformat(unit.active_from) <= day) and (
        not unit.active_until or day <= date.fromisoformat(unit.active_until)
    )


def _listing(units: list[LocalGovernment]) -> str:
    return "; ".join(
        f"{u.name} ({u.classification}, {u.active_from or '…'} – {u.active_until or '…'}, kbo {u.kbo or '?'}) <{u.uri}>"
        for u in units
    )
