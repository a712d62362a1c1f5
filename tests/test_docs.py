"""The API's documentation (``api/docs.py``): Swagger UI at ``/docs`` served by the app itself (nothing from another
host, in a real browser too), an ``operationId`` per method, and examples that are the real answers of today's data.

The browser is Debian's Chromium driven by Playwright, as in ``tests/test_query_page.py``: skipped without it on a
developer's machine, a failure on CI.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import warnings
from collections.abc import Iterator

import pytest
from browser import Visit, chromium
from conftest import REPO
from fastapi.testclient import TestClient
from gzg_api import docs
from gzg_api.app import create_app
from live_server import Server, start_server


def _script():
    spec = importlib.util.spec_from_file_location("openapi_examples", REPO / "scripts" / "openapi_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app(built):
    settings, store, _ = built
    return create_app(settings, store)


@pytest.fixture(scope="module")
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


# --- the OpenAPI document ----------------------------------------------------------------------------------------


def test_the_document_is_built_without_warnings_and_each_operation_has_its_own_id(built):
    settings, store, _ = built
    app = create_app(settings, store)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        schema = app.openapi()
    assert [str(w.message) for w in caught] == []
    ids = [operation["operationId"] for item in schema["paths"].values() for operation in item.values()]
    assert len(ids) == len(set(ids)) > 10
    # a bad parameter is a 400 here (create_app's handler): FastAPI's own 422 "Validation Error" is not documented
    assert "HTTPValidationError" not in json.dumps(schema)
    for path in ["/", "/sparql", "/graph-store", "/id/{path}", "/doc/{path}", "/resource", "/.well-known/void"]:
        item = schema["paths"][path]
        assert list(item)[:2] == ["get", "head"], path
        assert item["get"]["operationId"].endswith("_get") and item["head"]["operationId"].endswith("_head")


def test_a_shared_id_is_split_by_method_and_a_real_duplicate_still_warns():
    schema = {
        "paths": {
            "/a": {"head": {"operationId": "a_a_head"}, "get": {"operationId": "a_a_head"}},
            "/b": {"post": {"operationId": "same"}},
            "/c": {"post": {"operationId": "same"}},
        }
    }
    with pytest.warns(UserWarning, match="Duplicate Operation ID same"):
        docs.one_id_per_method(schema)
    assert schema["paths"]["/a"] == {"get": {"operationId": "a_a_get"}, "head": {"operationId": "a_a_head"}}


def test_every_example_is_attached_where_it_came_from(client):
    found = docs.examples()
    assert len(found) >= 10
    schema = client.get("/openapi.json").json()
    for example in found:
        method, path = example["operation"].split(" ", 1)
        content = schema["paths"][path][method.lower()]["responses"][str(example["status"])]["content"]
        attached = content[example["media_type"]]["examples"][example["name"]]
        assert attached == {"summary": example["summary"], "value": example["value"]}
    assert docs.attach_examples(json.loads(json.dumps(schema)), found) == []
    # the operations the brief names have real answers: a query, a resource document, VoID, an error
    names = {(e["operation"], e["status"], e["media_type"]) for e in found}
    assert ("GET /sparql", 200, "application/sparql-results+json") in names
    assert ("GET /doc/{path}", 200, "application/ld+json") in names
    assert ("GET /doc/{path}", 200, "text/turtle") in names
    assert ("GET /.well-known/void", 200, "text/turtle") in names
    assert ("GET /sparql", 400, "application/json") in names


#: Answers in RDF: their statements and blank nodes come in no fixed order, so the example (cut to its first few)
#: is compared by its triples, each of which must be in today's answer, and by its counts (in its summary).
RDF_SYNTAXES = {"text/turtle": "turtle", "application/ld+json": "json-ld"}


def _ground_triples(value: object, syntax: str, client: TestClient, base: str) -> set:
    """The triples without blank nodes of an RDF answer; a JSON-LD context of this server is read from the app."""
    from rdflib import BNode, Graph

    if isinstance(value, str) and syntax == "json-ld":
        value = json.loads(value)
    if isinstance(value, dict) and isinstance(value.get("@context"), str) and value["@context"].startswith(base):
        context = client.get(value["@context"][len(base) :], headers={"accept": "application/ld+json"})
        value = {**value, "@context": context.json()["@context"]}  # parsed offline, as the app answers it
    text = value if isinstance(value, str) else json.dumps(value)
    graph = Graph().parse(data=text, format=syntax)
    return {triple for triple in graph if not any(isinstance(term, BNode) for term in triple)}


def test_the_examples_are_todays_real_answers(client):
    """Replays each example's request: the file must hold what the app answers now (else rerun the script)."""
    script = _script()
    base = json.loads(docs.EXAMPLES.read_text(encoding="utf-8"))["base"]
    requests = {r.name: r for r in script.requests(base)}
    stored = {e["name"]: e for e in docs.examples()}
    assert set(stored) == set(requests), "rerun .venv/bin/python scripts/openapi_examples.py"
    stale = []
    for name, request in requests.items():
        response = script.send(client, request)
        now, then = script.example(request, response), stored[name]
        syntax = RDF_SYNTAXES.get(then["media_type"])
        fresh = now == then  # SPARQL results, CSV, JSON bodies, the JSON-LD context: exactly
        if not fresh and syntax is not None:
            fresh = {k: v for k, v in now.items() if k != "value"} == {k: v for k, v in then.items() if k != "value"}
            example = _ground_triples(then["value"], syntax, client, base)
            fresh = fresh and len(example) > 0 and example <= _ground_triples(response.text, syntax, client, base)
        if not fresh:
            stale.append(name)
    assert stale == [], f"stale examples {stale}: rerun .venv/bin/python scripts/openapi_examples.py"


# --- /docs, its files, its fallback --------------------------------------------------------------------------------


def test_the_docs_page_loads_only_files_of_this_server(client):
    response = client.get("/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = dict((d.split(" ", 1) + [""])[:2] for d in response.headers["content-security-policy"].split("; "))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert "<script>" not in response.text  # no inline script: the init script is a file
    assert re.findall(r'(?:src|href)="(?:https?:)?//', response.text) == []
    for path in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        assert client.get(path).status_code == 200, path
    assert client.head("/docs").status_code == 200


def test_the_files_are_served_and_nothing_else_of_swagger_ui_dist(client):
    for path, media_type in [
        ("/static/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
        ("/static/swagger-ui/swagger-ui.css", "text/css"),
        ("/static/swagger-ui/favicon-32x32.png", "image/png"),
        ("/static/docs/init.js", "text/javascript"),
    ]:
        response = client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media_type), path
    for path in [
        "/static/swagger-ui/index.html",  # the demo page, which loads the petstore from the internet
        "/static/swagger-ui/swagger-initializer.js",
        "/static/swagger-ui/swagger-ui-bundle.js.map",
        "/static/swagger-ui/../package.json",
        "/static/swagger-ui/",
        "/redoc",  # not offered
        "/docs/oauth2-redirect",
    ]:
        assert client.get(path).status_code == 404, path


def test_without_swagger_ui_the_page_says_how_to_install_it(built, monkeypatch, tmp_path):
    monkeypatch.setenv("GZG_SWAGGER_UI_DIR", str(tmp_path))  # an empty folder: not installed
    settings, store, _ = built
    client = TestClient(create_app(settings, store))
    response = client.get("/docs")
    assert response.status_code == 200
    assert "make install" in response.text and "swagger-ui-bundle.js" not in response.text
    assert '<a href="/openapi.json">' in response.text and "<code>GET /sparql</code>" in response.text
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 404
    assert docs.swagger_ui_dir() is None


# --- in a browser, against a live server -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built, tmp_path_factory) -> Iterator[Server]:
    live = start_server(built[0].store_dir, tmp_path_factory.mktemp("docs"))
    yield live
    live.stop()


browser = pytest.fixture(scope="module")(chromium)


@pytest.mark.slow
def test_swagger_ui_lists_the_operations_with_nothing_from_elsewhere(browser, server):
    visit = Visit(browser)
    try:
        page = visit.page
        response = page.goto(f"{server.url}/docs")
        assert response is not None and response.status == 200
        page.locator(".opblock-tag", has_text="SPARQL").first.wait_for(timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/sparql" in [p.replace("\u200b", "") for p in paths]
        tags = [t.strip() for t in page.locator(".opblock-tag h3, .opblock-tag > a").all_inner_texts()]
        assert {"SPARQL", "Resources", "Graph Store", "Validation", "Service"} <= {t.split("\n")[0] for t in tags}

        # an operation opens with its real examples: the first is the calls query's result
        operation = page.locator("#operations-SPARQL-sparql_get_sparql_get")
        operation.locator(".opblock-summary").click()
        ok = operation.locator('.responses-wrapper tr.response[data-code="200"]')
        ok.locator("select.content-type").select_option("application/sparql-results+json")
        options = ok.locator(".examples-select-element option")
        options.first.wait_for(state="attached", timeout=10_000)
        calls = next(e for e in docs.examples() if e["name"] == "calls-and-windows")
        assert calls["summary"] in options.all_inner_texts()
        shown = ok.locator(".example").first.inner_text()
        assert calls["value"]["results"]["bindings"][0]["call"]["value"] in shown

        assert visit.elsewhere() == []
        assert visit.violations() == []
        assert visit.errors == []
        assert f"{server.url}/openapi.json" in visit.requests
        assert sum(1 for status in visit.responses.values() if status == 200) >= 4
    finally:
        visit.close()
