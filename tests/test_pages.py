"""The HTML pages people read: a resource's page, the home page, over the real graph (TestClient).

What a person must find on them is checked on real data (Burgerloket's estimated cost of 2,000,000 EUR, its
consortium with Stad Mechelen as penhouder, Mechelen's LBLOD URI), in Dutch and in English; every download
link answers in its format; nothing from the data reaches a page unescaped; pages run no script.
"""

from __future__ import annotations

import json
import re
import runpy
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from browser import Visit, chromium
from conftest import BASE, REPO
from fastapi.testclient import TestClient
from gzg_api import formatting
from gzg_api.app import create_app
from gzg_api.html import render_description
from live_server import Server, start_server
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from starlette.requests import Request

from gzg_graph.formats import RdfFormat
from gzg_graph.publishing import describe
from gzg_graph.uris import UriPolicy

BURGERLOKET = "/doc/project/burgerloket"
MECHELEN = "http://data.lblod.info/id/bestuurseenheden/be278471a2a318edba32e7ac4294c0eafbe4c8077a34dcbb9c2e43211d4a78a6"
MEASURE = "http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff"
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def client(built):
    settings, store, _ = built
    return TestClient(create_app(settings, store))


class Page(HTMLParser):
    """A page's links, alternates, scripts and text, as a client reads them."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.alternates: dict[str, str] = {}  # media type -> href
        self.scripts = 0
        self.text: list[str] = []
        self._href: str | None = None
        self._anchor: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates[attributes["type"]] = attributes["href"]
        if tag == "a" and "href" in attributes:
            self._href, self._anchor = attributes["href"], []

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._anchor).split())))
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            self._anchor.append(data)

    def link_to(self, text: str) -> str:
        return next(href for href, shown in self.links if shown == text)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(client, path: str, **headers: str) -> Page:
    response = client.get(path, headers={**HTML, **headers})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def row(page_text: str, *cells: str) -> bool:
    """Whether the page's text has ``cells`` one after another (a table row read as text)."""
    return re.search(r"\s*".join(re.escape(c) for c in cells), page_text) is not None


def test_a_project_in_dutch_by_default(client):
    burgerloket = page(client, BURGERLOKET)
    text = burgerloket.plain
    assert "Burgerloket" in text
    assert "€ 2.000.000,00" in text  # gzg:geraamdeKost, schema:value 2000000, currency EUR
    assert "geraamde kost" in text and "estimated cost" not in text  # the ontology's nl label
    assert "Subsidiemaatregel consumptie" in text  # the type, named by OSLO's Besluit Subsidie
    assert "beschrijving" in text  # dct:description, named by OSLO
    assert row(text, "Mechelen", "Penhouder")  # the consortium: Stad Mechelen leads
    assert row(text, "Nijlen", "Partner")
    assert "deelname/burgerloket--" not in " ".join(shown for _, shown in burgerloket.links)  # no opaque links
    assert burgerloket.link_to("Mechelen") == f"/resource?uri={quote(MECHELEN, safe='')}"
    assert burgerloket.link_to("Mijn Burgerprofiel") == "/doc/bouwsteen/mijn-burgerprofiel"
    assert burgerloket.link_to("geraamde kost") == "/ns/gzg#geraamdeKost"


@pytest.mark.parametrize("how", [{"accept-language": "en-GB,en;q=0.9,nl;q=0.5"}, {"lang": "en"}])
def test_a_project_in_english(client, how):
    path = BURGERLOKET + ("?lang=en" if "lang" in how else "")
    headers = {k: v for k, v in how.items() if k != "lang"}
    response = client.get(path, headers={**HTML, **headers})
    assert response.headers["content-language"] == "en"
    text = Page(response.text).plain
    assert "€2,000,000.00" in text and "estimated cost" in text
    assert row(text, "Mechelen", "Lead applicant") and row(text, "Nijlen", "Partner")
    assert '<html lang="en">' in response.text


def test_dates_and_periods_in_the_pages_language(client, store):
    call = store.select(
        "SELECT ?c WHERE { ?c <http://127.0.0.1:8000/ns/gzg#uiterlijkeEinddatum> "
        '"2025-12-31"^^<http://www.w3.org/2001/XMLSchema#date> } LIMIT 1'
    )[0]["c"]
    path = f"/resource?uri={call}"
    assert "31 december 2025" in page(client, path).plain
    english = page(client, path + "&lang=en").plain
    assert "31 December 2025" in english
    assert re.search(r"\d{1,2} \w+ 20\d\d( \d\d:\d\d)? – \d{1,2} \w+ 20\d\d", english)  # the submission period


def test_a_call_lists_its_projects(client, store):
    call = store.select(
        "SELECT ?c WHERE { <http://127.0.0.1:8000/id/project/slimme-raadpleegomgeving> "
        "<http://127.0.0.1:8000/ns/gzg#oproep> ?c }"
    )[0]["c"]
    found = page(client, f"/resource?uri={call}")
    assert "Projecten in deze oproep" in found.plain
    assert (
        found.link_to("Slimme raadpleegomgeving in de broekzak van de burger")
        == "/doc/project/slimme-raadpleegomgeving"
    )


def test_a_local_government_with_its_participations_and_its_original(client):
    mechelen = page(client, f"/resource?uri={MECHELEN}")
    text = mechelen.plain
    assert "Mechelen" in text and row(text, "Burgerloket", "Penhouder")
    assert mechelen.link_to("Burgerloket") == BURGERLOKET
    assert mechelen.link_to("origineel bij LBLOD") == MECHELEN
    assert "KBO nummer 0207499430" in text  # an identifier as people write it
    english = page(client, f"/resource?uri={MECHELEN}&lang=en")
    assert english.link_to("original at LBLOD") == MECHELEN
    assert page(client, f"/resource?uri={MEASURE}").link_to("origineel in het Loket voor Lokale Besturen") == MEASURE


def test_every_alternate_answers_in_its_format(client):
    for path in (BURGERLOKET, f"/resource?uri={MECHELEN}"):
        alternates = page(client, path).alternates
        assert set(alternates) == {"text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"}
        for media_type, href in alternates.items():
            response = client.get(href)  # no Accept: the ?format= of the link decides
            assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
            body = response.text
            if media_type == "application/ld+json":  # its context by URL, fetched from the server as a client does
                document = response.json()
                document["@context"] = client.get("/ns/context.jsonld").json()["@context"]
                body = json.dumps(document)
            assert len(Graph().parse(data=body, format=RdfFormat(media_type).rdflib)) > 10


def test_pages_run_no_script_and_escape_the_data(client, built):
    for path in (BURGERLOKET, "/", f"/resource?uri={MECHELEN}", "/ns/gzg"):
        assert page(client, path).scripts == 0
    settings, store, _ = built
    uris = UriPolicy(BASE)
    graph = describe.document(store, f"{BASE}/id/project/burgerloket", uris)
    graph.add(
        (URIRef(f"{BASE}/id/project/burgerloket"), DCTERMS.title, Literal("<script>alert(1)</script>", lang="nl"))
    )
    scope = {
        "type": "http",
        "app": client.app,
        "method": "GET",
        "path": BURGERLOKET,
        "query_string": b"",
        "headers": [],
    }
    html = render_description(Request(scope), graph, f"{BASE}/id/project/burgerloket", store, uris).body.decode()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_home_page_starts_a_person_off(client):
    home = page(client, "/")
    text = home.plain
    assert "Gemeente zonder Gemeentehuis" in text and "Oproep 1" in text
    assert home.link_to("Burgerloket") == BURGERLOKET
    assert (
        home.link_to("Gemeenten zonder Gemeentehuis") == f"/resource?uri={quote(MEASURE, safe='')}"
    )  # the Loket's name
    assert '<form class="search" method="get" action="/projects"' in client.get("/", headers=HTML).text
    for target in ("/sparql?lang=nl", "/docs", "/.well-known/void", "/ns/gzg?lang=nl", "/doc/dataset/gzg"):
        assert target in dict(home.links), target
    assert "Calls" in page(client, "/?lang=en").plain


def test_the_home_page_json_is_unchanged(client):
    overview = client.get("/", headers={"accept": "application/json"}).json()
    assert set(overview) == {"sparql", "graph_store", "void", "openapi", "graphs", "queries"}


def test_following_the_home_page_links_as_a_reader(client):
    """From the home page to a project, its penhouder and back, as a person clicks."""
    home = page(client, "/")
    project = page(client, home.link_to("Burgerloket"))
    penhouder = page(client, project.link_to("Mechelen"))
    assert page(client, penhouder.link_to("Burgerloket")).plain == project.plain


@pytest.mark.parametrize(
    ("node", "nl", "en"),
    [
        (Literal("2024-06-09", datatype=XSD.date), "9 juni 2024", "9 June 2024"),
        (Literal("2022-06-20T10:30:00", datatype=XSD.dateTime), "20 juni 2022 10:30", "20 June 2022 10:30"),
        (Literal("P1Y", datatype=XSD.duration), "1 jaar", "1 year"),
        (Literal("6.5", datatype=XSD.decimal), "6,5", "6.5"),
        (Literal("2000000", datatype=XSD.integer), "2.000.000", "2,000,000"),
        (Literal("true", datatype=XSD.boolean), "ja", "yes"),
        (Literal("not a date", datatype=XSD.date), "not a date", "not a date"),  # shown as written, never a 500
    ],
)
def test_values_as_people_read_them(node, nl, en):
    assert formatting.literal(node, "nl", ("ja", "nee")) == nl
    assert formatting.literal(node, "en", ("yes", "no")) == en


def test_a_calls_duration_in_words(client):
    call = "http://lblod.data.info/id/subsidy-measure-offer-series/48baa777-d460-436c-a0af-6b3ba80e6586"
    assert row(page(client, f"/resource?uri={call}").plain, "maximale looptijd", "gzg:maximaleLooptijd", "1 jaar")


def test_the_vocabulary_labels_are_what_the_script_writes(shared):
    """vocabulary_labels.json is generated from shared/oslo by scripts/vocabulary_labels.py, not edited."""
    script = runpy.run_path(str(REPO / "scripts" / "vocabulary_labels.py"))
    written = json.loads((REPO / "gzg_graph" / "publishing" / "vocabulary_labels.json").read_text(encoding="utf-8"))
    found = script["vocabulary_labels"](shared)
    assert {
        iri: {lang: entry["label"] for lang, entry in langs.items()} for iri, langs in written["labels"].items()
    } == {iri: {lang: label for lang, (label, _) in langs.items()} for iri, langs in found.items()}
    assert written["labels"]["http://data.europa.eu/m8g/role"]["nl"]["label"] == "rol"


# ---------------------------------------------------------------------------------------------------------------
# In a real browser at phone width (Debian's Chromium, tests/browser.py): pages render, nothing overflows
# sideways, no script errors or policy violations, and the links a reader follows work.
# ---------------------------------------------------------------------------------------------------------------

PHONE = {"width": 360, "height": 740}
browser = pytest.fixture(scope="module")(chromium)


@pytest.fixture(scope="module")
def server(built, tmp_path_factory) -> Iterator[Server]:
    live = start_server(built[0].store_dir, tmp_path_factory.mktemp("pages"))
    yield live
    live.stop()


@pytest.fixture()
def phone(browser) -> Iterator[tuple[Visit, list[str]]]:
    visit = Visit(browser, "nl-BE")
    visit.page.set_viewport_size(PHONE)
    console: list[str] = []
    visit.page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    yield visit, console
    visit.close()


def readable(visit: Visit, console: list[str]) -> None:
    """The page as loaded fits the phone's width and reported no error."""
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{visit.page.url} is {width} px wide"
    assert visit.errors == [] and console == [] and visit.violations() == []
    assert visit.elsewhere() == []


@pytest.mark.parametrize("path", ["/", BURGERLOKET, f"/resource?uri={quote(MECHELEN, safe='')}", "/ns/gzg"])
def test_pages_read_at_phone_width(server, phone, path):
    visit, console = phone
    response = visit.page.goto(server.url + path)
    assert response is not None and response.status == 200
    assert visit.page.locator("h1").first.is_visible()
    readable(visit, console)


def test_a_reader_follows_links_from_home_to_a_penhouder_and_back(server, phone):
    visit, console = phone
    visit.page.goto(server.url + "/")
    with visit.page.expect_navigation():
        visit.page.get_by_role("link", name="Burgerloket", exact=True).click()
    assert visit.page.url == server.url + BURGERLOKET
    assert visit.page.locator("h1").inner_text() == "Burgerloket"
    with visit.page.expect_navigation():
        visit.page.locator("#consortium").get_by_role("link", name="Mechelen", exact=True).click()
    assert visit.page.locator("h1").inner_text() == "Mechelen"
    readable(visit, console)
    with visit.page.expect_navigation():
        visit.page.get_by_role("link", name="Burgerloket", exact=True).click()
    assert visit.page.url == server.url + BURGERLOKET
    with visit.page.expect_navigation():
        visit.page.get_by_role("link", name="English", exact=True).click()
    assert visit.page.locator("html").get_attribute("lang") == "en" and "€2,000,000.00" in visit.page.content()
    readable(visit, console)
