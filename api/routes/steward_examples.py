"""Example bodies for the stewards' routes in the OpenAPI document (and for the tests, which send them).

A project of call 1 with Gent as penhouder and Mechelen as partner: real calls, themes, roles and local
governments of the graph, under the default base (``GZG_BASE_URI`` unset)."""

from __future__ import annotations

from typing import Any

BASE = "http://127.0.0.1:8000"
CALL_1 = "http://lblod.data.info/id/subsidy-measure-offer-series/9a40c72c-4761-4cbd-8a85-96c30c3f829c"
INNOVATIVE_SERVICES = "http://lblod.data.gift/concepts/446ac005-7342-4f3a-b7a0-2b3c929d73ba"
GENT = "http://data.lblod.info/id/bestuurseenheden/353234a365664e581db5c2f7cc07add2534b47b8e1ab87c821fc6e6365e6bef5"
MECHELEN = "http://data.lblod.info/id/bestuurseenheden/be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
SOURCE = "https://www.vlaanderen.be/lokaal-bestuur/digitale-transformatie/gemeente-zonder-gemeentehuis/projecten"
ROLE = f"{BASE}/id/concept/consortiumrol/"

TURTLE = f"""@prefix dct: <http://purl.org/dc/terms/> .
@prefix gzg: <{BASE}/ns/gzg#> .
@prefix m8g: <http://data.europa.eu/m8g/> .
@prefix schema: <http://schema.org/> .
@prefix subsidie: <http://data.vlaanderen.be/ns/subsidie#> .

<{BASE}/id/project/slim-loket> a subsidie:SubsidiemaatregelConsumptie ;
    dct:title "Slim loket"@nl ;
    dct:description "Een loket dat de vragen van burgers naar de juiste dienst leidt."@nl ;
    gzg:oproep <{CALL_1}> ;
    dct:subject <{INNOVATIVE_SERVICES}> ;
    gzg:geraamdeKost [ a schema:MonetaryAmount ; schema:value 180000.0 ; schema:currency "EUR" ] ;
    dct:source <{SOURCE}> ;
    m8g:hasParticipation _:gent, _:mechelen .

_:gent a m8g:Participation ; m8g:role <{ROLE}penhouder> ;
    dct:description "Penhouder."@nl ; dct:source <{SOURCE}> .
<{GENT}> m8g:playsRole _:gent .

_:mechelen a m8g:Participation ; m8g:role <{ROLE}partner> ;
    dct:description "Partner."@nl ; dct:source <{SOURCE}> .
<{MECHELEN}> m8g:playsRole _:mechelen .
"""

JSONLD: dict[str, Any] = {
    "@context": f"{BASE}/ns/context.jsonld",
    "@id": f"{BASE}/id/project/slim-loket",
    "@type": "SubsidiemaatregelConsumptie",
    "naam": {"nl": "Slim loket"},
    "beschrijving": {"nl": "Een loket dat de vragen van burgers naar de juiste dienst leidt."},
    "oproep": CALL_1,
    "heeftOnderwerp": [INNOVATIVE_SERVICES],
    "geraamdeKost": {"@type": "Geldbedrag", "waarde": "180000", "valuta": "EUR"},
    "bron": [SOURCE],
    "heeftParticiperende": [
        {
            "@type": "Participatie",
            "rol": f"{ROLE}{role}",
            "beschrijving": {"nl": text},
            "bron": [SOURCE],
            "deelnemer": [{"@id": organisation}],
        }
        for role, text, organisation in (("penhouder", "Penhouder.", GENT), ("partner", "Partner.", MECHELEN))
    ],
}

EXAMPLES: dict[str, Any] = {
    "turtle": TURTLE,
    "jsonld": JSONLD,
    "created": {"projects": [f"{BASE}/id/project/slim-loket"], "created": [True], "added": 27},
}
