"""The SPARQL query page at ``GET /sparql`` (``api/query_page.py``): negotiated against the service description,
nl or en, locked down by its Content-Security-Policy, and used as a person would in a real browser.

The browser is Debian's Chromium (``/usr/bin/chromium``, installed by ``scripts/ensure-system-packages.sh``) driven
by Playwright's Python client; Playwright's own browser downloads are never used. Without that Chromium the
browser tests are skipped on a developer's machine and fail on CI (``CI`` set), where it must be there.

The live server serves a graph built with the base ``http://127.0.0.1:8000`` on another port, so following one of
our IRIs from the results table only lands on our page when the page links it to this server: it must.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

import httpx
import pytest
from browser import Visit, chromium
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api import query_page
from gzg_api.app import create_app
from live_server import Server, start_server

from gzg_graph.queries.examples import examples
from gzg_graph.store import detect_query_kind

pytestmark = pytest.mark.slow

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
#: An example whose results hold our own IRIs (projects), with a title column to find on their pages.
EXAMPLE = "project-amounts"

# --- in process: negotiation, languages, headers, assets -------------------------------------------------------


@pytest.fixture(scope="module")
def client(built) -> TestClient:
    settings, store, _ = built
    return TestClient(create_app(settings, store))


@pytest.mark.parametrize(
    "accept",
    [BROWSER, "text/html", "text/html, */*", "text/html, application/sparql-results+json;q=0.5"],
)
def test_a_browser_gets_the_query_page(client, accept):
    response = client.get("/sparql", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="yasgui"' in response.text and 'id="examples"' in response.text
    assert "Accept" in response.headers["vary"] and "Accept-Language" in response.headers["vary"]


@pytest.mark.parametrize(
    "accept, status, media_type",
    [
        (None, 200, "text/turtle"),  # no preference: the service description, as before
        ("*/*", 200, "text/turtle"),
        ("text/turtle", 200, "text/turtle"),
        ("application/ld+json, text/html;q=0.5", 200, "application/ld+json"),
        ("text/html, text/turtle", 200, "text/turtle"),  # no preference between them: the description
        ("application/sparql-results+json", 400, "application/json"),  # no query, and no description in JSON
    ],
)
def test_other_clients_keep_the_service_description_or_the_400(client, accept, status, media_type):
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(media_type)


def test_a_query_from_a_browser_still_runs(client):
    response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"accept": BROWSER})
    assert response.status_code == 200 and response.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    "accept_language, param, lang",
    [
        (None, None, "nl"),
        ("en", None, "en"),
        ("en-GB,en;q=0.9", None, "en"),
        ("fr-BE, nl;q=0.4, en;q=0.8", None, "en"),
        ("nl-BE, en;q=0.5", None, "nl"),
        ("de", None, "nl"),
        ("en", "nl", "nl"),
        (None, "en", "en"),
    ],
)
def test_the_page_speaks_dutch_unless_english_is_preferred(client, accept_language, param, lang):
    headers = {"accept": "text/html"}
    if accept_language:
        headers["accept-language"] = accept_language
    response = client.get("/sparql", params={"lang": param} if param else {}, headers=headers)
    assert response.headers["content-language"] == lang
    assert f'<html lang="{lang}">' in response.text
    heading = "SPARQL-query&#x27;s" if lang == "nl" else "SPARQL queries"
    assert f"<h1>{heading}</h1>" in response.text
    for example in examples(BASE):  # the menu, in that language; no federated example (no SERVICE allowed)
        assert (f'<option value="{example.id}">' in response.text) is not example.services
        assert (escape(example.title[lang]) in response.text) is not example.services


def test_the_policy_allows_this_origin_only(client):
    response = client.get("/sparql", headers={"accept": "text/html"})
    policy = dict((d.split(" ", 1) + [""])[:2] for d in response.headers["content-security-policy"].split("; "))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["connect-src"] == "'self'"
    assert (
        "unsafe-inline" not in policy["style-src"] and "unsafe-eval" not in response.headers["content-security-policy"]
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    # nothing on the page names another host, but for the IRIs in its data (prefixes, example queries)
    external = re.findall(r'(?:src|href)="(?:https?:)?//', response.text)
    assert external == []


def test_the_page_data_cannot_close_its_script_element(client):
    page = client.get("/sparql", headers={"accept": "text/html"}).text
    data = page.split('<script type="application/json" id="gzg-query-config">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data  # every < and > of the queries is escaped as \u003c / \u003e


def test_head_answers_like_get(client):
    response = client.head("/sparql", headers={"accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")


def test_the_assets_are_served_and_nothing_else_of_node_modules(client):
    client.get("/sparql", headers={"accept": "text/html"})  # the first page mounts the assets
    for path, media_type in [
        ("/static/yasgui/yasgui.min.js", "text/javascript"),
        ("/static/yasgui/yasgui.min.css", "text/css"),
        ("/static/query/query_page.js", "text/javascript"),
        ("/static/query/query_page.css", "text/css"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith(media_type)
    for path in [
        "/static/yasgui/yasgui.html",  # YASGUI's demo page, which loads fonts from a CDN
        "/static/yasgui/../package.json",
        "/static/yasgui/%2e%2e/package.json",
        "/static/query/../query_page.py",
        "/static/query/",
    ]:
        assert client.get(path).status_code == 404, path


def test_without_yasgui_the_page_says_how_to_install_it(built, monkeypatch, tmp_path):
    monkeypatch.setenv("GZG_YASGUI_DIR", str(tmp_path))  # an empty folder: YASGUI is not installed
    settings, store, _ = built
    client = TestClient(create_app(settings, store))
    response = client.get("/sparql", headers={"accept": "text/html", "accept-language": "en"})
    assert response.status_code == 200
    assert "make install" in response.text and "yasgui.min.js" not in response.text
    assert '<form method="get" action="/sparql">' in response.text  # a query still runs, without the editor
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 404
    assert query_page.yasgui_dir() is None


# --- in a browser, against a live server -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built, tmp_path_factory) -> Iterator[Server]:
    live = start_server(built[0].store_dir, tmp_path_factory.mktemp("query-page"))
    yield live
    live.stop()


browser = pytest.fixture(scope="module")(chromium)


@pytest.fixture()
def visit(browser) -> Iterator[list[Visit]]:
    opened: list[Visit] = []
    yield opened
    for each in opened:
        each.close()


def open_page(browser, visits: list[Visit], server: Server, locale: str) -> Visit:
    visit = Visit(browser, locale)
    visits.append(visit)
    response = visit.page.goto(f"{server.url}/sparql")
    assert response is not None and response.status == 200
    visit.page.wait_for_selector(".tabPanel.active .yasqe .CodeMirror", timeout=20_000)
    return visit


def test_choose_an_example_run_it_and_follow_an_iri_to_its_page(browser, visit, server):
    here = open_page(browser, visit, server, "nl-BE")
    page = here.page
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "SPARQL-query's"

    example = next(e for e in examples(BASE) if e.id == EXAMPLE)
    page.select_option("#examples", EXAMPLE)
    assert page.locator("#example-description").inner_text() == example.description["nl"]
    page.wait_for_function("(title) => window.yasgui.getTab().getName() === title", arg=example.title["nl"])
    assert page.evaluate("window.yasgui.getTab().getQuery()") == example.sparql
    assert page.evaluate("window.yasgui.getTab().getEndpoint()") == f"{server.url}/sparql"

    page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=20_000)
    expected = httpx.post(
        f"{server.url}/sparql", data={"query": example.sparql}, headers={"accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    assert rows.count() == min(len(expected), 50) > 0  # YASR shows 50 rows a page

    # our IRIs link to this server (the graph's base names port 8000), shown prefixed or not, the IRI as title
    link = page.locator('.tabPanel.active .yasr a.iri[href^="/id/"]').first
    iri = link.get_attribute("title")
    assert iri is not None and iri.startswith(f"{BASE}/id/")
    assert link.get_attribute("href") == iri[len(BASE) :]
    titles = {
        b["title"]["value"]
        for b in httpx.post(
            f"{server.url}/sparql",
            data={"query": f"SELECT ?title WHERE {{ <{iri}> <http://purl.org/dc/terms/title> ?title }}"},
            headers={"accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"]
    }
    with here.context.expect_page() as opened:
        link.click(position={"x": 8, "y": 6})  # on its first characters: a long IRI is cut off in its cell
    resource = opened.value
    resource.wait_for_load_state()
    assert resource.url == f"{server.url}/doc/{iri[len(BASE) + len('/id/') :]}"  # /id/... answered 303 to /doc/...
    assert here.responses[f"{server.url}{iri[len(BASE) :]}"] == 303
    assert here.responses[resource.url] == 200
    assert resource.locator("h1").inner_text() in titles
    assert resource.title().split(" – ")[0] in titles  # "<its title> – <the site's name>"

    assert here.elsewhere() == []
    assert here.violations() == [] and here.violations(resource) == []
    assert here.errors == []


def test_the_english_page_and_prefix_completion(browser, visit, server):
    here = open_page(browser, visit, server, "en-GB")
    page = here.page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "SPARQL queries"
    menu = page.locator("#examples option")
    assert menu.all_inner_texts()[1:] == [e.title["en"] for e in examples(BASE) if not e.services]

    # an ASK example answers in YASR's boolean view
    ask = next(e for e in examples(BASE) if detect_query_kind(e.sparql) == "ask")
    page.select_option("#examples", ask.id)
    assert page.locator("#example-description").inner_text() == ask.description["en"]
    page.wait_for_function("(title) => window.yasgui.getTab().getName() === title", arg=ask.title["en"])
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.locator(".tabPanel.active .yasr .booleanResult").wait_for(timeout=20_000)

    # our prefixes complete (YASGUI would ask prefix.cc), in an empty editor
    page.evaluate("window.yasgui.getTab().getYasqe().setValue('')")
    page.locator(".tabPanel.active .CodeMirror-code").click()
    page.keyboard.type("PREFIX gz")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for(timeout=10_000)
    assert f"gzg: <{BASE}/ns/gzg#>" in hints.all_inner_texts()

    assert here.elsewhere() == []
    assert here.violations() == []
    assert here.errors == []
