"""A client's walk through the API, following only the links the answers give: from the home page to the calls,
a call, its projects, a project, its penhouder and back to the project.

* In JSON-LD, as a program would: each answer is expanded with pyld (contexts from the package, nothing fetched),
  so the walk reads the OSLO, Hydra and m8g IRIs, never our JSON keys; a URI minted elsewhere (the Loket's call,
  LBLOD's local government) is looked up through the entry point's IRI template (``/resource{?uri}``).
* In HTML, as a person would: Debian's Chromium at phone width clicks the links, and every page on the way
  renders without script errors, policy violations, requests elsewhere or sideways scrolling.

The walk goes through call 6 and its project "Slimme raadpleegomgeving", whose penhouder is Aalter: the real data's
one project with both a call and a consortium.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from browser import Visit, chromium
from conftest import BASE
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from live_server import Server, start_server
from pyld import jsonld as pyld

from gzg_graph.publishing.jsonld import document_loader
from gzg_graph.uris import UriPolicy

HYDRA = "http://www.w3.org/ns/hydra/core#"
M8G = "http://data.europa.eu/m8g/"
DCT = "http://purl.org/dc/terms/"
CALL_TYPE = "http://lblod.data.gift/vocabularies/subsidie/SubsidiemaatregelAanbodReeks"
PROJECT_TYPE = "http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie"
LOCAL_GOVERNMENT = "http://data.vlaanderen.be/ns/besluit#Bestuurseenheid"
PENHOUDER = f"{BASE}/id/concept/consortiumrol/penhouder"
CALL_NUMBER = f"{BASE}/ns/gzg#oproepnummer"
IN_CALL = f"{BASE}/ns/gzg#oproep"
PROJECT = f"{BASE}/id/project/slimme-raadpleegomgeving"
PHONE = {"width": 360, "height": 740}


# ------------------------------------------------------------------------------------------------ JSON-LD


class Client:
    """Gets a URL as JSON-LD and expands it; knows nothing of the API but the entry point's URL."""

    def __init__(self, http: TestClient):
        self.http = http
        self.options = {"documentLoader": document_loader(UriPolicy(BASE))}
        self.visited: list[str] = []

    def get(self, url: str) -> list[dict[str, Any]]:
        answer = self.http.get(url, headers={"accept": "application/ld+json"}, follow_redirects=True)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
        assert answer.headers["content-type"].startswith("application/ld+json")
        self.visited.append(url)
        return pyld.expand(answer.json(), self.options)

    def describe(self, template: dict[str, Any], uri: str) -> list[dict[str, Any]]:
        """The document of ``uri``: itself when it is ours (``/id/`` answers 303), else the IRI template's."""
        if uri.startswith(f"{BASE}/id/"):
            return self.get(uri)
        pattern = template[HYDRA + "template"][0]["@value"]
        (variable,) = [m[HYDRA + "variable"][0]["@value"] for m in template[HYDRA + "mapping"]]
        return self.get(pattern.replace(f"{{?{variable}}}", "?" + urlencode({variable: uri})))


def nodes(expanded: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every node object in an expanded document, embedded and reverse ones included."""
    todo = list(expanded)
    while todo:
        node = todo.pop()
        if not isinstance(node, dict):
            continue
        if "@value" not in node:
            yield node
        for key, values in node.items():
            if key == "@reverse":
                todo.extend(v for vs in values.values() for v in vs)
            elif isinstance(values, list):
                todo.extend(values)


def node(expanded: list[dict[str, Any]], uri: str) -> dict[str, Any]:
    """The node about ``uri`` with the most statements (it may also appear as a bare reference)."""
    found = [n for n in nodes(expanded) if n.get("@id") == uri]
    assert found, f"{uri} is not in the document"
    return max(found, key=len)


def ids(values: list[dict[str, Any]]) -> list[str]:
    return [v["@id"] for v in values]


def literal(n: dict[str, Any], predicate: str) -> str:
    return str(n[predicate][0]["@value"])


@pytest.fixture(scope="module")
def client(built) -> Iterator[Client]:
    with TestClient(create_app(built[0]), base_url=BASE) as http:
        yield Client(http)


def test_a_program_follows_links_from_the_entry_point_to_a_penhouder_and_back(client):
    entry = node(client.get(f"{BASE}/"), f"{BASE}/")
    assert entry["@type"] == [HYDRA + "EntryPoint"]
    template = entry[HYDRA + "search"][0]
    collections = {c["@id"]: c for c in entry[HYDRA + "collection"]}
    calls_url = next(
        url for url, c in collections.items() if HYDRA + "Collection" in c["@type"] and url.endswith("/calls")
    )

    # the calls: a Hydra collection whose members are the Loket's calls (OSLO/LBLOD class, our call number)
    calls = node(client.get(calls_url), calls_url)
    assert calls[HYDRA + "totalItems"][0]["@value"] == 7
    members = calls[HYDRA + "member"]
    assert {m["@type"][0] for m in members} == {CALL_TYPE}
    call = next(m for m in members if m.get(CALL_NUMBER) and m[CALL_NUMBER][0]["@value"] == 6)

    # the call's own document names its projects (the projects link to their call: gzg:oproep)
    call_document = client.describe(template, call["@id"])
    in_call = [n for n in nodes(call_document) if call["@id"] in ids(n.get(IN_CALL, []))]
    in_call += [
        p for n in nodes(call_document) if n.get("@id") == call["@id"] for p in n.get("@reverse", {}).get(IN_CALL, [])
    ]
    assert PROJECT in {n["@id"] for n in in_call}

    # the project: its type, its title and its consortium, each participation with its role and organisation
    project_document = client.describe(template, PROJECT)
    project = node(project_document, PROJECT)
    assert project["@type"] == [PROJECT_TYPE]
    assert literal(project, DCT + "title").startswith("Slimme raadpleegomgeving")
    assert call["@id"] in ids(project[IN_CALL])
    participations = [node(project_document, i) for i in ids(project[M8G + "hasParticipation"])]
    (lead,) = [p for p in participations if PENHOUDER in ids(p[M8G + "role"])]
    playing = [n for n in nodes(project_document) if lead["@id"] in ids(n.get(M8G + "playsRole", []))]
    playing += [o for o in lead.get("@reverse", {}).get(M8G + "playsRole", [])]
    (penhouder_uri,) = {n["@id"] for n in playing}

    # the penhouder: an LBLOD local government, named Aalter, whose document leads back to the project
    penhouder_document = client.describe(template, penhouder_uri)
    penhouder = node(penhouder_document, penhouder_uri)
    assert LOCAL_GOVERNMENT in penhouder["@type"]
    assert "Aalter" in {v["@value"] for v in penhouder["http://www.w3.org/2004/02/skos/core#prefLabel"]}
    back = {
        p["@id"]
        for n in nodes(penhouder_document)
        for p in n.get("@reverse", {}).get(M8G + "hasParticipation", []) + n.get(M8G + "hasParticipation", [])
    } | {n["@id"] for n in nodes(penhouder_document) if n.get("@type") == [PROJECT_TYPE]}
    assert PROJECT in back
    assert client.describe(template, PROJECT) == project_document  # and back: the same document
    assert len(client.visited) == 6


def test_the_entry_point_says_where_everything_is(client):
    entry = node(client.get(f"{BASE}/"), f"{BASE}/")
    urls = sorted(c["@id"].removeprefix(BASE) for c in entry[HYDRA + "collection"])
    assert urls == ["/building-blocks", "/calls", "/local-governments", "/organisations", "/projects", "/themes"]
    for collection in entry[HYDRA + "collection"]:
        titles = {t["@language"]: t["@value"] for t in collection[HYDRA + "title"]}
        assert set(titles) == {"nl", "en"}
        assert client.http.get(collection["@id"], headers={"accept": "application/ld+json"}).status_code == 200
    assert ids(entry["http://rdfs.org/ns/void#sparqlEndpoint"]) == [f"{BASE}/sparql"]
    for described in ids(entry["http://www.w3.org/2000/01/rdf-schema#seeAlso"]):
        assert client.http.get(described, follow_redirects=True).status_code == 200, described
    programme = ids(entry["http://xmlns.com/foaf/0.1/primaryTopic"])
    assert programme == ["http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff"]


# ------------------------------------------------------------------------------------------------ HTML

browser = pytest.fixture(scope="module")(chromium)


@pytest.fixture(scope="module")
def server(built, tmp_path_factory) -> Iterator[Server]:
    live = start_server(built[0].store_dir, tmp_path_factory.mktemp("walkthrough"))
    yield live
    live.stop()


def test_a_person_follows_links_from_home_to_a_penhouder_and_back_on_a_phone(server, browser):
    visit = Visit(browser, "nl-BE")
    console: list[str] = []
    visit.page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    visit.page.set_viewport_size(PHONE)
    page = visit.page
    seen: list[str] = []

    def follow(link: Any) -> None:
        with page.expect_navigation():
            link.click()

    def arrived(heading: str) -> None:
        assert heading in page.locator("h1").first.inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide at phone width"
        seen.append(page.url.removeprefix(server.url))

    try:
        page.goto(server.url + "/")
        arrived("Gemeente")
        follow(page.locator("header.site nav").get_by_role("link", name="Oproepen", exact=True))
        arrived("Oproepen")
        follow(page.locator("main").get_by_role("link", name="Oproep 6", exact=True))
        arrived("Oproep 6")
        follow(page.locator("main").get_by_role("link", name="Slimme raadpleegomgeving", exact=False).first)
        arrived("Slimme raadpleegomgeving")
        project_url = page.url
        follow(page.locator("main").get_by_role("link", name="Aalter", exact=True).first)
        arrived("Aalter")
        follow(page.locator("main").get_by_role("link", name="Slimme raadpleegomgeving", exact=False).first)
        arrived("Slimme raadpleegomgeving")
        assert page.url == project_url
        with page.expect_navigation():
            page.go_back()
        arrived("Aalter")
        assert visit.errors == [] and console == [] and visit.violations() == [] and visit.elsewhere() == []
        assert all(status < 400 for status in visit.responses.values()), visit.responses
        assert len(seen) == 7, seen
    finally:
        visit.close()
