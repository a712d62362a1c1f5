"""The readers of data/: the real files read as documented, and every kind of broken input is reported with
the file and the line a data steward has to fix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gzg_graph.errors import SourceError
from gzg_graph.sources import (
    PROJECT_COLUMNS,
    Context,
    parse_kbo,
    read_csv,
    read_participations,
    read_partners,
    read_projects,
    read_sources,
)
from gzg_graph.uris import UriPolicy

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
URIS = UriPolicy("http://127.0.0.1:8000")


@pytest.fixture(scope="module")
def real():
    return read_sources(DATA, URIS)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def expect_error(data_dir: Path, file: str, line: int | None = None, match: str = "") -> SourceError:
    with pytest.raises(SourceError, match=match) as caught:
        read_sources(data_dir, URIS)
    error = caught.value
    assert Path(error.file).name == file
    if line is not None:
        assert error.line == line, str(error)
    assert f"{file}:{line}" in str(error) if line is not None else file in str(error)
    return error


# -- the real data ---------------------------------------------------------------------------------------------


def test_seven_calls_with_loket_uris_and_types(real):
    assert [c.number for c in real.calls] == [1, 2, 3, 4, 5, 6, 7]
    assert all(c.uri.startswith("http://lblod.data.info/id/subsidy-measure-offer-series/") for c in real.calls)
    types = {c.number: c.project_type for c in real.calls}
    assert types == {
        1: "innovatieve-concepten",
        2: "thematische-projecten",
        3: "transformatieprojecten",
        4: "innovatieve-concepten",
        5: "thematische-projecten",
        6: "transformatieprojecten",
        7: "thematische-projecten",
    }
    call_1 = real.calls[0]
    assert (call_1.submitted_applications, call_1.unique_applicants) == (28, 109)
    assert call_1.key_figures.average_consortium_size == Decimal("6.5")


def test_programme_facts(real):
    p = real.programme
    assert (p.budget, p.approval_date, p.competent_authority) == (
        Decimal(35000000),
        date(2021, 7, 9),
        "vlaamse-regering",
    )
    assert (p.approved_projects, p.boost_projects, p.subsidy_rate) == (61, 5, Decimal(80))
    assert [c.id for c in p.criteria] == ["kennisdeling", "opschaalbaarheid", "interoperabiliteit"]
    sessions = {e.id: e.date for e in p.events if e.type == "ondersteuningssessie"}
    assert sessions == {
        "oproep-1-infosessie": date(2021, 9, 22),
        "oproep-1-mini-opleiding-templates": date(2021, 10, 7),
        "oproep-1-opleiding-bouwstenen-en-standaarden": None,
        "oproep-1-check-ins": None,
    }


def test_ten_principles_in_order(real):
    principles = real.programme.principles
    assert [p.number for p in principles] == list(range(1, 11))
    assert principles[0].label["nl"] == "Burger centraal"
    assert principles[-1].label["nl"] == "Digitale democratie is een evidentie"


def test_vocabulary_comes_from_concepts(real):
    assert real.vocabulary.roles == {"penhouder", "partner", "ondersteunende-partner"}
    assert (
        real.vocabulary.theme("digitale DEMOCRATIE")
        == "http://lblod.data.gift/concepts/6eca0908-de74-400e-9f6b-2ea0202ac05b"
    )
    assert (
        real.vocabulary.theme("Workplace of the future")
        == "http://lblod.data.gift/concepts/9fb0732f-e779-4d2b-b53d-159e7088c678"
    )


def test_every_record_has_a_source(real):
    records = (*real.calls, *real.partners, *real.building_blocks, *real.projects, *real.participations)
    assert all(record.source for record in records)


def test_burgerloket_published_reach_with_its_source(real):
    projects = {p.id: p for p in real.projects}
    burgerloket = projects["burgerloket"]
    assert burgerloket.municipalities_using_result == 38
    assert (
        "https://www.vlaanderen.be/digitaal-vlaanderen/nieuwsberichten/"
        "38-gemeenten-sturen-digitale-kiesbrief-via-mijn-burgerprofiel"
    ) in burgerloket.source
    assert projects["slimme-raadpleegomgeving"].municipalities_using_result is None


def test_partner_kbo_is_normalised(real):
    partners = {p.id: p for p in real.partners}
    assert partners["agentschap-informatie-vlaanderen"].kbo == "0316380841"
    assert parse_kbo("316380841") == parse_kbo("0316.380.841") == "0316380841"


def test_partner_names_are_those_of_their_sources(real):
    seed = (DATA / "sources" / "000_b3ec58cab368c8df.txt").read_text(encoding="utf-8")
    partners = {p.id: p for p in real.partners}
    # the official name, plus the seed's wording as an alternative label; the seed stays among the sources
    fod = partners["fod-mobiliteit-en-vervoer"]
    assert (fod.name, fod.alt_labels) == ("FOD Mobiliteit en Vervoer", ("FOD Mobiliteit en Transport",))
    assert "hefboomeffect-oproep-1" in fod.source and "FOD Mobiliteit en Transport" in seed
    # the seed's body, not equated with the Kenniscentrum Vlaamse Steden, and nothing the seed does not say
    kenniscentrum = partners["kenniscentrum-steden-en-gemeenten"]
    assert kenniscentrum.name == "Kenniscentrum Steden en Gemeenten" and kenniscentrum.name in seed
    assert (kenniscentrum.alt_labels, kenniscentrum.homepage, kenniscentrum.kbo, kenniscentrum.ovo) == (
        (),
        None,
        None,
        None,
    )
    assert (kenniscentrum.kind, kenniscentrum.source) == ("koepelorganisatie", ("hefboomeffect-oproep-1",))
    assert not [p.id for p in real.partners if "Vlaamse Steden" in " ".join((p.name, *p.alt_labels))]
    assert "kenniscentrum-vlaamse-steden" not in partners


def test_documents_point_to_the_seed_texts(real):
    files = {d.id: d.file for d in real.documents}
    assert files == {
        "hefboomeffect-oproep-1": "sources/000_b3ec58cab368c8df.txt",
        "eerste-oproep-2021": "sources/002_2ca8f9956f5ea0e7.txt",
    }
    assert all((DATA / f).is_file() for f in files.values())


# -- broken CSV --------------------------------------------------------------------------------------------------


def test_csv_row_with_too_many_cells_names_file_and_line(own_data_copy):
    projects = own_data_copy / "projects.csv"
    with projects.open("a", encoding="utf-8") as f:
        f.write("extra,Extra project,1,,a,b,c,d,e,f,g,h,i,j,k,https://example.org\n")
    last = len(projects.read_text(encoding="utf-8").splitlines())
    expect_error(own_data_copy, "projects.csv", last, match="cells but the header has 14 columns")


def test_impossible_date_and_bad_amount(tmp_path):
    path = tmp_path / "projects.csv"
    header = ",".join(PROJECT_COLUMNS) + "\n"
    path.write_text(header + "p1,P,,,,,,,2022-02-30,,,,,https://example.org\n", encoding="utf-8")
    with pytest.raises(SourceError, match="not an existing date") as caught:
        read_projects(path)
    assert caught.value.line == 2
    path.write_text(header + 'p1,P,,,,,"2.000.000",,,,,,,https://example.org\n', encoding="utf-8")
    with pytest.raises(SourceError, match="estimated_cost.*no thousands separators") as caught:
        read_projects(path)
    assert caught.value.line == 2


def test_line_numbers_are_physical_after_a_multiline_cell(tmp_path):
    path = tmp_path / "projects.csv"
    header = ",".join(PROJECT_COLUMNS) + "\n"
    path.write_text(
        header + 'p1,P,,,"first line\nsecond line\nthird",,,,,,,,,https://example.org\n\n'
        "p2,Q,,,,,,,,,,bogus-status,,https://example.org\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="unknown status 'bogus-status'") as caught:
        read_projects(path, Context(vocabulary=read_sources(DATA, URIS).vocabulary))
    assert caught.value.line == 6


#: One broken field per case: (file, text replaced, its replacement, the line (a number, or text on that line
#: after the change), what the message must say). Each is read with read_sources, as the build does.
BROKEN_FIELDS = {
    "csv: not a whole number": (
        "projects.csv",
        ",38,https",
        ",38 gemeenten,https",
        2,
        "municipalities_using_result.*not a whole number",
    ),
    "csv: date not ISO": (
        "projects.csv",
        'niet gekend.",,,,,,,,,https',
        'niet gekend.",,,,31/12/2022,,,,,https',
        "31/12/2022",
        "start_date.*YYYY-MM-DD",
    ),
    "csv: unknown call": (
        "projects.csv",
        "Slimme raadpleegomgeving in de broekzak van de burger,6,",
        "Slimme raadpleegomgeving in de broekzak van de burger,9,",
        3,
        "unknown call number 9",
    ),
    "csv: unknown theme lists the known": (
        "projects.csv",
        "Slimme raadpleegomgeving in de broekzak van de burger,6,,",
        "Slimme raadpleegomgeving in de broekzak van de burger,6,E-democratie,",
        3,
        "unknown theme 'E-democratie'.*digitale democratie",
    ),
    "csv: unknown building block": (
        "projects.csv",
        "mijn-burgerprofiel magda-documentendienst",
        "mijn-burgerprofiel magda-doc",
        2,
        "unknown building block 'magda-doc'",
    ),
    "csv: unknown role": (
        "participations.csv",
        "burgerloket,Nijlen,partner,",
        "burgerloket,Nijlen,trekker,",
        "trekker",
        "unknown role 'trekker'",
    ),
    "csv: unknown project": (
        "participations.csv",
        "burgerloket,Nijlen,",
        "burgerlokket,Nijlen,",
        "burgerlokket",
        "unknown project id",
    ),
    "csv: unknown organisation kind": (
        "partners.csv",
        "Möbius,,,privesector",
        "Möbius,,,bedrijf",
        "Möbius",
        "unknown organisation kind 'bedrijf'",
    ),
    "csv: a column name with a typo": (
        "building-blocks.csv",
        "landing_page",
        "landingpage",
        1,
        "missing column.*landing_page.*unknown column.*landingpage",
    ),
    "csv: source neither URL nor document": (
        "partners.csv",
        "privesector,,,,https://blog",
        "privesector,,,,blog-mobius https://blog",
        "blog-mobius",
        "'blog-mobius' is not a document id",
    ),
    "yaml: impossible date": (
        "programme.yaml",
        "approval_date: 2021-07-09",
        "approval_date: 2021-13-09",
        "approval_date",
        "not an existing date",
    ),
    "yaml: unknown key": (
        "calls.yaml",
        "    max_duration: P3Y\n    selected_projects: 9",
        "    max_duraton: P3Y\n    selected_projects: 9",
        "max_duraton",
        "unknown key 'max_duraton'",
    ),
    "yaml: inconsistent key figures": (
        "calls.yaml",
        "      subsidised_projects: 11",
        "      subsidised_projects: 12",
        "subsidised_projects: 12",
        "differs from selected_projects",
    ),
    "yaml: principles out of order": (
        "programme.yaml",
        "{number: 3, id: laagdrempelig",
        "{number: 4, id: laagdrempelig",
        "id: laagdrempelig",
        "out of order: expected 3",
    ),
    "turtle: a missing comma": (
        "concepts.ttl",
        'skos:prefLabel "Penhouder"@nl, "Lead applicant"@en ;',
        'skos:prefLabel "Penhouder"@nl "Lead applicant"@en ;',
        '"Penhouder"@nl "Lead',
        "invalid Turtle",
    ),
}


@pytest.mark.parametrize("case", BROKEN_FIELDS)
def test_a_broken_field_is_reported_at_its_file_and_line(case, own_data_copy):
    file, old, new, line, match = BROKEN_FIELDS[case]
    path = own_data_copy / file
    replace_in(path, old, new)
    expect_error(own_data_copy, file, line if isinstance(line, int) else line_of(path, line), match=match)


def test_duplicate_id_points_at_both_lines(own_data_copy):
    path = own_data_copy / "partners.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("vvsg,VVSG bis,,,,,,,https://example.org\n")
    last = len(path.read_text(encoding="utf-8").splitlines())
    first = line_of(path, "vvsg,VVSG,")
    expect_error(own_data_copy, "partners.csv", last, match=f"'vvsg' is already defined at line {first}")


def test_spreadsheet_export_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "participations.csv"
    path.write_bytes(
        "\ufeffproject;organisation;role;description;source\n"
        "p1;Stad Mechelen;penhouder;Een; beschrijving;https://example.org\n".encode()
    )
    with pytest.raises(SourceError, match="6 cells"):
        read_participations(path)
    path.write_bytes(
        "\ufeffproject;organisation;role;description;source\n"
        'p1;Stad Mechelen;penhouder;"Een; beschrijving";https://example.org\n'.encode()
    )
    (row,) = read_participations(path)
    assert (row.organisation, row.description, row.origin.line) == ("Stad Mechelen", "Een; beschrijving", 2)


def test_empty_and_missing_csv(tmp_path):
    (tmp_path / "partners.csv").write_text("", encoding="utf-8")
    with pytest.raises(SourceError, match="empty"):
        read_partners(tmp_path / "partners.csv")
    with pytest.raises(SourceError, match="file not found"):
        list(read_csv(tmp_path / "nope.csv", ("a",)))


# -- broken YAML and Turtle -------------------------------------------------------------------------------------


def test_yaml_syntax_error(own_data_copy):
    path = own_data_copy / "sources.yaml"
    replace_in(path, '    title: "Hefboomeffect in oproep 1"', '    title: "Hefboomeffect in oproep 1')
    error = expect_error(own_data_copy, "sources.yaml", match="invalid YAML")
    assert error.line is not None


def test_missing_document_file(own_data_copy):
    (own_data_copy / "sources" / "000_b3ec58cab368c8df.txt").unlink()
    expect_error(
        own_data_copy, "sources.yaml", line_of(own_data_copy / "sources.yaml", "000_b3ec"), match="does not exist"
    )


def test_role_removed_from_concepts_is_no_longer_allowed(own_data_copy):
    path = own_data_copy / "concepts.ttl"
    replace_in(
        path,
        "<id/concept/consortiumrol/ondersteunende-partner> a skos:Concept ;\n"
        "    skos:inScheme <id/conceptscheme/consortiumrol> ;",
        "<id/concept/consortiumrol/ondersteunende-partner> a skos:Concept ;",
    )
    expect_error(own_data_copy, "participations.csv", match="unknown role 'ondersteunende-partner'")
