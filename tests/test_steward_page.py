"""The stewards' page (``/steward``) through the app: upload, read the report, commit with a token.

Multipart uploads as a browser sends them (TestClient ``files=``), on a real copy of the store.
"""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from gzg_api.routes.steward_examples import GENT, MECHELEN, SOURCE, TURTLE
from write_corpus import dataset_quads

PROJECTS_CSV = (
    "id,title,call,theme,description,requested_amount,estimated_cost,granted_amount,start_date,end_date,"
    "building_blocks,status,municipalities_using_result,source\n"
    f"csv-proef,CSV-proef,1,Innovatieve dienstverlening,Een proef uit CSV.,,90000,,2023-01-01,2023-12-31,magda,,,{SOURCE}\n"
)
PARTICIPATIONS_CSV = (
    "project,organisation,role,description,source\n"
    f"csv-proef,Gent,penhouder,Penhouder.,{SOURCE}\n"
    f"csv-proef,{MECHELEN},partner,Partner.,{SOURCE}\n"
)


@pytest.fixture(scope="module")
def client(built, tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("steward-page") / "store"
    shutil.copytree(built[0].store_dir, store_dir)
    settings = dataclasses.replace(built[0], store_dir=store_dir, stewards="anna:anna-token", query_workers=1)
    with TestClient(create_app(settings)) as client:
        yield client


def _upload(client: TestClient, files: list[tuple[str, str]], lang: str = "en", **fields: str):
    parts = [("files", (name, text.encode("utf-8"), "application/octet-stream")) for name, text in files]
    return client.post(f"/steward?lang={lang}", files=parts, data={"action": "validate", **fields})


def test_the_page_is_a_form_without_script(client):
    page = client.get("/steward?lang=nl")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"] and "<script" not in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text
    assert "Projecten invoeren" in page.text and "Enter projects" in client.get("/steward?lang=en").text
    assert client.head("/steward").status_code == 200


def test_a_conforming_file_is_reported_and_nothing_is_written(client):
    before = dataset_quads(client)
    page = _upload(client, [("slim-loket.ttl", TURTLE)])
    assert page.status_code == 200, page.text
    assert "conforms: 0 violation(s)" in page.text and f"{BASE}/id/project/slim-loket" in page.text
    assert dataset_quads(client) == before


@pytest.mark.parametrize(
    "lang, words", [("nl", "penhouders in plaats van precies één"), ("en", "lead applicants instead")]
)
def test_violations_are_listed_with_links_to_their_focus_nodes(client, lang, words):
    two_partners = TURTLE.replace("consortiumrol/penhouder", "consortiumrol/partner")
    page = _upload(client, [("slim-loket.ttl", two_partners)], lang)
    assert page.status_code == 422
    assert words in page.text
    assert '<a href="/doc/project/slim-loket">' in page.text


def test_a_file_that_does_not_parse_shows_where(client):
    page = _upload(client, [("kapot.ttl", TURTLE.replace('"Slim loket"@nl ;', '"Slim loket"@nl'))], "nl")
    assert page.status_code == 400
    assert re.search(r"<strong>kapot\.ttl</strong>, regel 9, kolom \d+", page.text), page.text


def test_a_csv_file_is_read_with_the_builds_readers(client):
    page = _upload(client, [("projects.csv", PROJECTS_CSV.replace(",1,", ",99,"))])
    assert page.status_code == 400 and "<strong>projects.csv</strong>, line 2" in page.text
    alone = _upload(client, [("deelnames.csv", PARTICIPATIONS_CSV)])
    assert alone.status_code == 400 and "upload projects.csv with it" in alone.text


def test_commit_needs_a_token_and_writes_what_it_shows(client):
    files = [("mijn-projecten.csv", PROJECTS_CSV), ("mijn-deelnames.csv", PARTICIPATIONS_CSV)]
    before = dataset_quads(client)
    assert _upload(client, files, action="commit").status_code == 401
    assert _upload(client, files, action="commit", token="wrong").status_code == 403
    assert dataset_quads(client) == before
    page = _upload(client, files, action="commit", token="anna-token")
    assert page.status_code == 200, page.text
    assert '<a href="/doc/project/csv-proef">' in page.text and "triples added" in page.text
    assert "prov:wasAttributedTo" in page.text and "anna-token" not in page.text
    described = client.get("/doc/project/csv-proef", headers={"accept": "text/turtle"})
    assert described.status_code == 200 and GENT in described.text and f"{BASE}/id/steward/anna" in described.text


def test_an_upload_over_the_limit_is_refused(built):
    settings = dataclasses.replace(built[0], max_request_bytes=1000)  # refused before anything is read or written
    with TestClient(create_app(settings, built[1])) as small:
        page = _upload(small, [("slim-loket.ttl", TURTLE)])
    assert page.status_code == 413 and "1000 bytes" in page.text
