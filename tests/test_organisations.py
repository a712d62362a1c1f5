"""Resolving the organisation references of participations.csv: partner ids, KBO numbers, NIS codes and names
of local governments, with the Gemeente/OCMW choice and the mergers of 2019 and 2025 decided by date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gzg_graph.errors import AmbiguousOrganisation, SourceError, UnknownOrganisation
from gzg_graph.mapping.organisations import LOCAL_GOVERNMENTS, OrganisationIndex, organisation_of, participant_slug
from gzg_graph.sources.lblod import read_local_governments
from gzg_graph.uris import UriPolicy

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "local-governments.csv"
LBLOD = "http://data.lblod.info/id/bestuurseenheden/"
MECHELEN = LBLOD + "be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
MECHELEN_OCMW = LBLOD + "68e8c071ddfe1957b9c7b0ccd269f6776f4863a5f5bf4fed636f0e76427200ac"
NIJLEN = LBLOD + "fb4ab93def093fcefdcbafe1055941c02bb109290fffb9cd9012d549aed480b8"
GEEL = LBLOD + "764278b3ceac360476b418c108d1b022b6e0cc8fb676f3f6b6b9faf78a2375ba"
AALTER = LBLOD + "5116efa8-e96e-46a2-aba6-c077e9056a96"  # since 2019
AALTER_BEFORE_2019 = LBLOD + "9b93ff5308590c7d03c97c3b892910f912e695ad45c82465934996fb04dac859"
ANTWERPEN = LBLOD + "670db1d66c0de3b931962e1044033ccfa9d6e3023aa9828a5f252c3bc69bd32c"
BORSBEEK = LBLOD + "e41ffa04f94bb450a79793020e70d55b5fee5033a5280277998608a9d0913117"


@pytest.fixture(scope="module")
def index() -> OrganisationIndex:
    return OrganisationIndex.from_files(FIXTURE, REPO / "data" / "partners.csv")


def uri(index: OrganisationIndex, reference: str, on: date | None = None) -> str:
    return index.resolve(reference, on).lblod_uri


@pytest.mark.parametrize(
    "reference",
    [
        "Mechelen",
        "Stad Mechelen",
        "stad  mechelen",
        "Gemeente Mechelen",
        "lokaal bestuur Mechelen",
        "MÉCHELEN",
        "0207.499.430",
        "0207499430",
        "207499430",
        "12025",
    ],
)
def test_mechelen_means_the_gemeente(index, reference):
    assert uri(index, reference) == MECHELEN


def test_ocmw_only_when_asked(index):
    assert uri(index, "OCMW Mechelen") == MECHELEN_OCMW
    assert uri(index, "0212.196.111") == MECHELEN_OCMW


def test_partner_id_resolves_to_our_uri(index):
    vvsg = index.resolve("vvsg")
    assert (vvsg.local_government, vvsg.label) == (False, "VVSG")
    assert str(vvsg.uri(UriPolicy("https://example.org/gzg"))) == "https://example.org/gzg/id/organisatie/vvsg"


def test_local_government_keeps_its_lblod_uri(index):
    nijlen = index.resolve("Nijlen")
    assert (nijlen.local_government, str(nijlen.uri(UriPolicy("https://example.org")))) == (True, NIJLEN)
    assert nijlen.key == NIJLEN.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    ("name", "kind", "slug"),
    [
        ("Mechelen", "", "mechelen"),
        ("Sint-Niklaas", "", "sint-niklaas"),
        ("Mechelen", "OCMW", "ocmw-mechelen"),
        ("Limburg", "Provincie", "provincie-limburg"),
        ("Antwerpen", "District", "district-antwerpen"),
        ("Aalter (voor fusie)", "OCMW", "ocmw-aalter-voor-fusie"),
        ("Autonoom gemeentebedrijf Arendonk", "Autonoom gemeentebedrijf", "autonoom-gemeentebedrijf-arendonk"),
        ("POLITIEZONE : KAPELLEN - STABROEK", "Politiezone", "politiezone-kapellen-stabroek"),
        ("Ons Huis", "OCMW vereniging", "ocmw-vereniging-ons-huis"),
    ],
)
def test_participant_slug_is_the_name_after_the_kind(name, kind, slug):
    assert participant_slug(name, kind) == slug


def test_a_gemeente_and_its_ocmw_get_different_slugs(index):
    """Participation URIs name a participant by its slug; a partner's id is one already, the key stays the old id."""
    assert (index.resolve("Mechelen").slug, index.resolve("OCMW Mechelen").slug) == ("mechelen", "ocmw-mechelen")
    assert index.resolve("Mechelen").key == MECHELEN.rsplit("/", 1)[1]
    assert (index.resolve("vvsg").slug, index.resolve("vvsg").key) == ("vvsg", "vvsg")


def test_slugs_of_real_local_governments_differ_but_for_lblods_own_duplicate():
    """Across all 1,297 real units only LBLOD's one duplicated name (two KBO numbers) shares a slug."""
    slugs: dict[str, list[str]] = {}
    for unit in read_local_governments(REPO / "data" / LOCAL_GOVERNMENTS):
        slugs.setdefault(organisation_of(unit).slug, []).append(unit.name)
    shared = {slug: names for slug, names in slugs.items() if len(names) > 1}
    assert shared == {
        "projectvereniging-regionaal-landschap-schelde-durme": 2
        * ["Projectvereniging Regionaal Landschap Schelde-Durme"]
    }


def test_name_resolves_by_date_across_the_2019_merger(index):
    assert uri(index, "lokaal bestuur Aalter", date(2022, 6, 20)) == AALTER
    assert uri(index, "Aalter", date(2018, 6, 1)) == AALTER_BEFORE_2019
    assert uri(index, "Aalter") == AALTER  # no date: the one active today


def test_merged_municipality_is_unknown_after_its_merger(index):
    assert uri(index, "Borsbeek", date(2022, 1, 1)) == BORSBEEK
    assert uri(index, "Borsbeek") == BORSBEEK  # the only one of that name
    with pytest.raises(UnknownOrganisation, match="no matching local government was active on 2025-06-01.*Borsbeek"):
        index.resolve("Borsbeek", date(2025, 6, 1))


def test_nis_codes_follow_the_2025_renumbering(index):
    assert uri(index, "11007", date(2022, 1, 1)) == BORSBEEK
    assert uri(index, "11002", date(2022, 1, 1)) == ANTWERPEN
    assert uri(index, "11002", date(2025, 6, 1)) == ANTWERPEN
    assert uri(index, "11002") == ANTWERPEN  # Borsbeek's 2025 code is Antwerpen's; today only Antwerpen exists
    with pytest.raises(UnknownOrganisation):
        index.resolve("11007", date(2025, 6, 1))
    assert uri(index, "13008") == GEEL


def test_unknown_name_suggests_close_names(index):
    with pytest.raises(UnknownOrganisation, match="'Mechlen'.*did you mean 'Mechelen'"):
        index.resolve("Mechlen")
    with pytest.raises(UnknownOrganisation, match="KBO number"):
        index.resolve("0999.999.999")
    with pytest.raises(UnknownOrganisation):
        index.resolve("99999")


def test_ambiguous_name_lists_the_candidates(index):
    with pytest.raises(AmbiguousOrganisation) as caught:
        index.resolve("Synthetisch Dubbeldorp", date(2022, 1, 1))
    message = str(caught.value)
    assert "matches 2 local governments" in message
    assert "dubbel-1" in message and "dubbel-2" in message


def test_errors_are_lookup_errors(index):
    with pytest.raises(LookupError):
        index.resolve("Nergensdorp")


def test_bad_local_governments_row(tmp_path):
    path = tmp_path / "local-governments.csv"
    text = FIXTURE.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("0206636526", "06636526x")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="KBO") as caught:
        read_local_governments(path)
    assert caught.value.line == 4


def test_missing_local_governments_file(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        OrganisationIndex.from_data_dir(tmp_path)


def test_real_local_governments_when_present():
    """Against the real LBLOD export once it is in data/: the names our data uses resolve as intended."""
    path = REPO / "data" / LOCAL_GOVERNMENTS
    if not path.is_file():
        pytest.skip(f"{path} not produced yet")
    index = OrganisationIndex.from_data_dir(REPO / "data")
    assert uri(index, "Stad Mechelen") == MECHELEN
    assert uri(index, "Nijlen") == NIJLEN
    assert uri(index, "lokaal bestuur Aalter") == AALTER
    assert uri(index, "lokaal bestuur Aalter", date(2022, 6, 20)) == AALTER
