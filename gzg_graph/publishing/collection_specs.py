"""The six collections: what each lists, the fields a page shows, its sort keys and its filters.

The member classes and fields are those of ``docs/model.md``; the filters' fragments are in
``queries/collections/``. A filter's ``property`` is what ``hydra:mapping`` tells a client it filters on.
"""

from __future__ import annotations

from functools import cache

from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, SKOS

from ..namespaces import BESLUIT, LBLOD_SUBSIDIE, M8G, SUBSIDIE
from ..uris import UriPolicy
from .collections import Collection, Field, Filter, SortKey

BY_NAME = (SortKey("name", "name"),)


@cache
def collections(base: str) -> dict[str, Collection]:
    """The collections of a graph built under ``base``, by name (their path)."""
    gzg = UriPolicy(base).ns
    province = Filter(
        "province",
        "option",
        ORG.subOrganizationOf,
        "A province: its URI, NIS code (e.g. 10000) or name (e.g. oost-vlaanderen).",
        ("filter-province",),
        "province",
        "provinces",
    )
    found = [
        Collection(
            "calls",
            LBLOD_SUBSIDIE.SubsidiemaatregelAanbodReeks,
            DCTERMS.title,
            (
                Field("number", gzg.oproepnummer),
                Field("projectType", gzg.projecttype, linked=True),
                Field("theme", DCTERMS.subject, linked=True),
                Field("latestEndDate", gzg.uiterlijkeEinddatum),
                Field("maximumDuration", gzg.maximaleLooptijd),
            ),
            (SortKey("number", "number", numeric=True), SortKey("title", "title"), SortKey("start", "start")),
            (
                Filter(
                    "theme",
                    "option",
                    DCTERMS.subject,
                    "A theme: its URI or name (e.g. digitale-democratie).",
                    ("filter-theme",),
                    "theme",
                    "themes",
                ),
                Filter(
                    "year",
                    "year",
                    M8G.startTime,
                    "The year the call's submission window opened (e.g. 2022).",
                    ("filter-call-year",),
                    "year",
                ),
            ),
        ),
        Collection(
            "projects",
            SUBSIDIE.SubsidiemaatregelConsumptie,
            DCTERMS.title,
            (
                Field("call", gzg.oproep, linked=True),
                Field("theme", DCTERMS.subject, linked=True),
                Field("buildingBlock", gzg.gebruiktBouwsteen, linked=True),
                Field("status", gzg.status, linked=True),
                Field("municipalitiesUsingResult", gzg.aantalGebruikendeGemeenten),
                Field("description", DCTERMS.description),
            ),
            (SortKey("title", "title"), SortKey("call", "number", numeric=True)),
            (
                Filter(
                    "call",
                    "option",
                    gzg.oproep,
                    "A call: its URI or number (1 to 7).",
                    ("filter-call",),
                    "call",
                    "calls",
                ),
                Filter(
                    "theme",
                    "option",
                    DCTERMS.subject,
                    "A theme: its URI or name (e.g. innovatieve-dienstverlening).",
                    ("filter-theme",),
                    "theme",
                    "themes",
                ),
                Filter(
                    "buildingBlock",
                    "option",
                    gzg.gebruiktBouwsteen,
                    "A building block: its URI or name (e.g. mijn-burgerprofiel).",
                    ("filter-building-block",),
                    "buildingBlock",
                    "building-blocks",
                ),
                Filter(
                    "localGovernment",
                    "local-government",
                    M8G.hasParticipation,
                    "A local government taking part (any role, or the one of role=): its LBLOD URI or NIS code. "
                    "A merged municipality also finds the projects of the units it was merged from.",
                    ("filter-local-government",),
                    "localGovernment",
                ),
                Filter(
                    "role",
                    "option",
                    M8G.role,
                    "With localGovernment: its role (penhouder, partner, ondersteunende-partner, or a URI).",
                    ("filter-role",),
                    "role",
                    "roles",
                    requires="localGovernment",
                ),
                Filter(
                    "province",
                    "option",
                    ORG.subOrganizationOf,
                    "A province in which a local government taking part lies: URI, NIS code or name.",
                    ("filter-project-province",),
                    "province",
                    "provinces",
                ),
                Filter(
                    "year",
                    "year",
                    M8G.startTime,
                    "The year the submission window of the project's call opened.",
                    ("filter-project-year",),
                    "year",
                ),
            ),
        ),
        Collection(
            "local-governments",
            BESLUIT.Bestuurseenheid,
            SKOS.prefLabel,
            (
                Field("kind", BESLUIT.classificatie, linked=True),
                Field("province", ORG.subOrganizationOf, linked=True),
            ),
            (SortKey("name", "name"), SortKey("kind", "kindName")),
            (
                province,
                Filter(
                    "kind",
                    "option",
                    BESLUIT.classificatie,
                    "A kind of local government: its classification URI or name (e.g. gemeente, ocmw).",
                    ("filter-kind",),
                    "kind",
                    "kinds",
                ),
                Filter(
                    "participates",
                    "yes-no",
                    M8G.playsRole,
                    "yes: takes part in a project (itself or a unit it was merged from); no: does not.",
                    ("filter-participating",),
                    negated=("filter-not-participating",),
                ),
            ),
        ),
        Collection(
            "organisations",
            ORG.Organization,
            SKOS.prefLabel,
            (
                Field("otherName", SKOS.altLabel),
                Field("kind", ORG.classification, linked=True),
                Field("homepage", FOAF.homepage),
            ),
            BY_NAME,
            (
                Filter(
                    "kind",
                    "option",
                    ORG.classification,
                    "A kind of organisation: its URI or name (e.g. vlaamse-overheid).",
                    ("filter-organisation-kind",),
                    "kind",
                    "organisation-kinds",
                ),
                Filter(
                    "participates",
                    "yes-no",
                    M8G.playsRole,
                    "yes: takes part in a project; no: does not.",
                    ("filter-participating",),
                    negated=("filter-not-participating",),
                ),
            ),
        ),
        Collection(
            "building-blocks",
            gzg.Bouwsteen,
            SKOS.prefLabel,
            (
                Field("publisher", DCTERMS.publisher, linked=True),
                Field("landingPage", DCAT.landingPage),
                Field("description", DCTERMS.description),
            ),
            BY_NAME,
            (
                Filter(
                    "publisher",
                    "option",
                    DCTERMS.publisher,
                    "The organisation publishing it: URI or name (e.g. digitaal-vlaanderen).",
                    ("filter-publisher",),
                    "publisher",
                    "publishers",
                ),
            ),
        ),
        Collection(
            "themes",
            SKOS.Concept,
            SKOS.prefLabel,
            (Field("definition", SKOS.definition),),
            BY_NAME,
            (),
        ),
    ]
    return {c.name: c for c in found}
