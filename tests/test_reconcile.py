"""Reconciliation of the organisations our data names with LBLOD: by KBO number, NIS code or name, with the
ambiguous cases (a Gemeente and its OCMW share a name; renamed and merged units) reported, on the real data/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, copy_own_data
from typer.testing import CliRunner

from gzg_graph.cli import app
from gzg_graph.lblod_sync.reconcile import AMBIGUOUS, LINKED, PARTNER, UNMATCHED, Link, reconcile

U = "http://data.lblod.info/id/bestuurseenheden/"
MECHELEN = U + "be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
MECHELEN_OCMW = U + "68e8c071ddfe1957b9c7b0ccd269f6776f4863a5f5bf4fed636f0e76427200ac"
BILZEN_HOESELT = U + "99da98a7a0087d3429b084ebfc4eb5d488c593790d4d5af7253982a2e21a6a5f"
TESSENDERLO_HAM = U + "05099fa1f6524b8b994d86f61549455d2c00b2a956d5308683ac2d1f810fc729"
KRUISHOUTEM = U + "db046b577b77c00cc82b51b1cdf14396364cbe1ebc0f4cfee09619bec9b0bd5e"
KRUISEM = U + "52cc723a-9717-496d-9897-c6774cf124e4"
ABB = U + "141d9d6b-54af-4d17-b313-8d1c30bc3f5b"


def by_reference(links: list[Link]) -> dict[str, Link]:
    return {link.reference: link for link in links}


def test_every_organisation_of_our_data_links():
    """100 %: every participation (penhouders included) and every partner links to one organisation."""
    result = reconcile(REPO / "data")
    assert result.complete and result.counts()[AMBIGUOUS] == result.counts()[UNMATCHED] == 0
    participations = [link for link in result.links if link.file == "participations.csv"]
    assert len(participations) == 10 and {link.role for link in participations} >= {"penhouder", "partner"}
    local = {link.reference: link for link in participations if link.status == LINKED}
    assert set(local) == {"Stad Mechelen", "Nijlen", "lokaal bestuur Aalter"}
    assert all(link.key == "name" and link.uri.startswith(U) for link in local.values())
    assert local["Stad Mechelen"].uri == MECHELEN


def test_a_gemeente_and_its_ocmw_share_a_name():
    mechelen = by_reference(reconcile(REPO / "data").links)["Stad Mechelen"]
    assert mechelen.ambiguous and mechelen.status == LINKED
    assert len(mechelen.candidates) == 2 and any(MECHELEN_OCMW in c for c in mechelen.candidates)
    assert "shares the name with the OCMW: the Gemeente is meant" in mechelen.notes


def test_a_partner_that_is_an_lblod_unit_links_by_name():
    """ABB is one of our partners and an LBLOD bestuurseenheid (OVO001835): linked by name, reported."""
    abb = next(
        link for link in reconcile(REPO / "data").links if link.file == "partners.csv" and link.reference == "abb"
    )
    assert (abb.status, abb.key, abb.uri) == (LINKED, "name", ABB)
    vvsg = next(link for link in reconcile(REPO / "data").links if link.reference == "vvsg")
    assert vvsg.status == PARTNER


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> Path:
    """Our data with participations that name units by every key, and the hard cases."""
    data = copy_own_data(tmp_path_factory.mktemp("data"))
    (data / "lblod").symlink_to(REPO / "data" / "lblod")
    rows = [
        "0207.499.430",  # KBO: Gemeente Mechelen
        "0212.196.111",  # KBO: OCMW Mechelen
        "12025",  # NIS: Mechelen
        "OCMW Mechelen",  # name, the OCMW asked for
        "Bilzen",  # a former name: Bilzen-Hoeselt kept Bilzen's URI
        "Ham",  # a former name of a Gemeente and its OCMW (Tessenderlo-Ham)
        "Kruishoutem",  # merged into Kruisem in 2019
        "Projectvereniging Regionaal Landschap Schelde-Durme",  # two LBLOD units of one name
        "Nergensdorp",
    ]
    lines = ["project,organisation,role,description,source"]
    lines += [f'burgerloket,"{r}",partner,,https://example.org/bron' for r in rows]
    (data / "participations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def tricky_links(tricky) -> dict[str, Link]:
    return by_reference(reconcile(tricky).links)


def test_kbo_then_nis_then_name(tricky_links):
    assert (tricky_links["0207.499.430"].key, tricky_links["0207.499.430"].uri) == ("kbo", MECHELEN)
    assert (tricky_links["0212.196.111"].key, tricky_links["0212.196.111"].uri) == ("kbo", MECHELEN_OCMW)
    assert (tricky_links["12025"].key, tricky_links["12025"].uri) == ("nis", MECHELEN)
    assert (tricky_links["OCMW Mechelen"].key, tricky_links["OCMW Mechelen"].uri) == ("name", MECHELEN_OCMW)
    assert not tricky_links["0207.499.430"].ambiguous


def test_renamed_units_match_by_their_former_name(tricky_links):
    bilzen = tricky_links["Bilzen"]
    assert (bilzen.status, bilzen.key, bilzen.uri) == (LINKED, "former name", BILZEN_HOESELT)
    assert "a former name: the unit is now called Bilzen-Hoeselt" in bilzen.notes
    ham = tricky_links["Ham"]
    assert (ham.key, ham.uri, ham.ambiguous) == ("former name", TESSENDERLO_HAM, True)
    assert "shares the name with the OCMW: the Gemeente is meant" in ham.notes


def test_a_merged_unit_is_linked_and_names_its_successor(tricky_links):
    kruishoutem = tricky_links["Kruishoutem"]
    assert (kruishoutem.status, kruishoutem.uri) == (LINKED, KRUISHOUTEM)
    assert any(n.startswith("ended on 2018-12-31; successor: Kruisem") and KRUISEM in n for n in kruishoutem.notes)


def test_unresolved_and_unknown_are_reported(tricky, tricky_links):
    twin = tricky_links["Projectvereniging Regionaal Landschap Schelde-Durme"]
    assert twin.status == AMBIGUOUS and "matches 2 local governments" in twin.notes[0]
    assert tricky_links["Nergensdorp"].status == UNMATCHED
    lines = sorted(link.line for link in tricky_links.values() if link.file == "participations.csv")
    assert lines == list(range(2, 11)) and tricky_links["Nergensdorp"].line == 10
    result = CliRunner().invoke(app, ["lblod", "reconcile", "--data", str(tricky), "--json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["complete"] is False and body["counts"][AMBIGUOUS] == 1 and body["counts"][UNMATCHED] == 1


def test_the_command_on_the_real_data():
    result = CliRunner().invoke(app, ["lblod", "reconcile", "--data", str(REPO / "data")])
    assert result.exit_code == 0, result.output
    assert "0 ambiguous, 0 unmatched" in result.output.replace("\n", " ")
