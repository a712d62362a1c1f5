"""Write ``api/openapi_examples.json``: real answers of the real app over the real graph, for the OpenAPI document.

    .venv/bin/python scripts/openapi_examples.py            # builds the graph from data/ into a temporary store
    .venv/bin/python scripts/openapi_examples.py STORE_DIR  # or uses a store already built (gzg build)

Each example is one request (:data:`REQUESTS`) sent to the application (``create_app`` over the store, through
Starlette's TestClient: no server, no network); its answer is kept as it came, or cut to :data:`MAX_CHARS`
characters (or, for JSON, to the first :data:`MAX_ITEMS` items of its longest list), which the example's summary
then says. ``api/docs.py`` attaches them to the operation and answer they came from, under the media type they
came in. The graph's base is ``GZG_BASE_URI`` (default ``http://127.0.0.1:8000``), as in the tests;
``tests/test_docs.py`` replays the requests and fails when the file no longer matches the data: rerun this script.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "api" / "openapi_examples.json"
MAX_CHARS = 1500
MAX_ITEMS = 3
MAX_TERMS = 12
BAD_TURTLE = '@prefix dct: <http://purl.org/dc/terms/> .\n<#x> dct:title "unterminated .\n'


@dataclass(frozen=True)
class Request:
    """One request and where its answer is documented: ``operation`` (``GET /sparql``), status and name."""

    name: str
    operation: str
    status: int
    summary: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    content: str | None = None

    @property
    def method(self) -> str:
        return self.operation.split(" ", 1)[0]


def requests(base: str) -> list[Request]:
    """The documented requests, with the queries of ``gzg_graph.queries.examples`` rebased on ``base``."""
    from gzg_graph.queries.examples import example

    calls = example("calls-and-windows", base)
    graphs = example("named-graphs", base)
    json_results = {"accept": "application/sparql-results+json"}
    return [
        Request("overview", "GET /", 200, "The service overview", "/", headers={"accept": "application/json"}),
        Request(
            "calls-and-windows",
            "GET /sparql",
            200,
            f"{calls.title['en']} (example query calls-and-windows)",
            "/sparql",
            params={"query": calls.sparql},
            headers=json_results,
        ),
        Request(
            "calls-and-windows-json",
            "GET /sparql",
            200,
            f"{calls.title['en']}, asked for as application/json (what Swagger UI asks for first)",
            "/sparql",
            params={"query": calls.sparql},
            headers={"accept": "application/json"},
        ),
        Request(
            "calls-and-windows-csv",
            "GET /sparql",
            200,
            f"{calls.title['en']}, as CSV",
            "/sparql",
            params={"query": calls.sparql},
            headers={"accept": "text/csv"},
        ),
        Request(
            "service-description",
            "GET /sparql",
            200,
            "Without a query: the SPARQL service description",
            "/sparql",
            headers={"accept": "text/turtle"},
        ),
        Request(
            "syntax-error",
            "GET /sparql",
            400,
            "A query that does not parse",
            "/sparql",
            params={"query": "SELECT * WHERE { ?s ?p }"},
            headers=json_results,
        ),
        Request(
            "named-graphs",
            "POST /sparql",
            200,
            f"{graphs.title['en']} (example query named-graphs, POSTed as a form)",
            "/sparql",
            headers=json_results,
            form={"query": graphs.sparql},
        ),
        Request(
            "update-without-token",
            "POST /sparql",
            403,
            "An update to a read-only server (no GZG_WRITE_TOKEN)",
            "/sparql",
            headers={"content-type": "application/sparql-update"},
            content=f"INSERT DATA {{ <{base}/id/x> <{base}/id/y> <{base}/id/z> }}",
        ),
        Request(
            "burgerloket-jsonld",
            "GET /doc/{path}",
            200,
            "The project Burgerloket, in JSON-LD",
            "/doc/project/burgerloket",
            headers={"accept": "application/ld+json"},
        ),
        Request(
            "burgerloket-turtle",
            "GET /doc/{path}",
            200,
            "The project Burgerloket, in Turtle",
            "/doc/project/burgerloket",
            headers={"accept": "text/turtle"},
        ),
        Request(
            "unknown",
            "GET /doc/{path}",
            404,
            "Nothing is known about this thing",
            "/doc/project/does-not-exist",
            headers={"accept": "text/turtle"},
        ),
        Request(
            "context",
            "GET /ns/context.jsonld",
            200,
            "The JSON-LD context of the resource documents",
            "/ns/context.jsonld",
        ),
        Request(
            "unknown-format",
            "GET /doc/{path}",
            400,
            "An unknown format",
            "/doc/project/burgerloket",
            params={"format": "pdf"},
        ),
        Request(
            "burgerloket",
            "GET /resource",
            200,
            "Any URI the graph knows, here the project Burgerloket, in Turtle",
            "/resource",
            params={"uri": f"{base}/id/project/burgerloket", "format": "ttl"},
        ),
        Request(
            "void",
            "GET /.well-known/void",
            200,
            "The VoID description of the dataset",
            "/.well-known/void",
            headers={"accept": "text/turtle"},
        ),
        Request(
            "conforms",
            "POST /validate",
            200,
            "A document that conforms, validated by itself",
            "/validate",
            params={"mode": "alone"},
            headers={"content-type": "text/turtle", "accept": "application/json"},
            content=f'<{base}/id/x> <http://purl.org/dc/terms/title> "x" .\n',
        ),
        Request(
            "does-not-parse",
            "POST /validate",
            400,
            "Turtle that does not parse: where",
            "/validate",
            params={"mode": "alone"},
            headers={"content-type": "text/turtle", "accept": "application/json"},
            content=BAD_TURTLE,
        ),
        Request(
            "unknown-graph",
            "GET /graph-store",
            404,
            "A graph the store does not hold",
            "/graph-store",
            params={"graph": f"{base}/id/graph/none"},
            headers={"accept": "text/turtle"},
        ),
        Request(
            "write-without-token",
            "PUT /graph-store",
            403,
            "A write to a read-only server (no GZG_WRITE_TOKEN)",
            "/graph-store",
            params={"graph": f"{base}/id/graph/new"},
            headers={"content-type": "text/turtle"},
            content="",
        ),
        Request(
            "entry-point",
            "GET /",
            200,
            "The API's entry point (Hydra): the collections and how to get the document of any URI",
            "/",
            headers={"accept": "application/ld+json"},
        ),
        Request(
            "projects-jsonld",
            "GET /projects",
            200,
            "The projects of call 6, as a Hydra collection",
            "/projects",
            params={"call": "6"},
            headers={"accept": "application/ld+json"},
        ),
        Request(
            "local-governments-csv",
            "GET /local-governments",
            200,
            "The local governments of West Flanders whose name has 'kerke', as CSV",
            "/local-governments",
            params={"province": "west-vlaanderen", "q": "kerke"},
            headers={"accept": "text/csv"},
        ),
        Request(
            "unknown-filter",
            "GET /projects",
            400,
            "A filter the collection does not have",
            "/projects",
            params={"colour": "blue"},
            headers={"accept": "application/ld+json"},
        ),
        Request(
            "ontology",
            "GET /ns/gzg",
            200,
            "Our own ontology, in Turtle",
            "/ns/gzg",
            headers={"accept": "text/turtle"},
        ),
        Request(
            "project-read-only",
            "PUT /projects/{project_id}",
            403,
            "A project written to a server that takes no stewards' writes (no GZG_STEWARDS, no GZG_WRITE_TOKEN)",
            "/projects/new-project",
            headers={"content-type": "text/turtle"},
            content="",
        ),
    ]


def send(client: Any, request: Request) -> Any:
    """The answer of ``client`` (a TestClient) to ``request``."""
    return client.request(
        request.method,
        request.path,
        params=request.params,
        headers=request.headers,
        data=request.form,
        content=request.content,
    )


def example(request: Request, response: Any) -> dict[str, Any]:
    """The example ``request`` gives with ``response`` (its answer), shortened when long (and saying so)."""
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code != request.status:
        raise RuntimeError(f"{request.name}: {request.operation} answered {response.status_code}: {response.text}")
    value: Any
    summary = request.summary
    if "json" in media_type:
        value, cut = shortened_json(response.json())
        if cut:
            summary += f" (shortened: {cut})"
    else:
        value = response.text
        if len(value) > MAX_CHARS:
            # Turtle is cut after a whole statement (blocks are separated by a blank line), anything else by line
            sep, unit = ("\n\n", "statements") if media_type == "text/turtle" else ("\n", "lines")
            parts = value.rstrip("\n").split(sep)
            kept = 2 if unit == "statements" else 1  # the prefixes and at least one statement
            while kept < len(parts) and len(sep.join(parts[: kept + 1])) <= MAX_CHARS:
                kept += 1
            what = (
                f"the first {kept - 1} of {len(parts) - 1}"
                if unit == "statements"
                else f"the first {kept} of {len(parts)}"
            )
            summary += f" ({what} {unit})"
            value = sep.join(parts[:kept]) + "\n"
    return {
        "name": request.name,
        "operation": request.operation,
        "status": request.status,
        "media_type": media_type,
        "summary": summary,
        "request": {k: v for k, v in dataclasses.asdict(request).items() if k not in ("name", "summary", "status")},
        "value": value,
    }


def shortened_json(value: Any) -> tuple[Any, str]:
    """``value`` with each list of objects (SPARQL bindings, JSON-LD nodes) longer than :data:`MAX_ITEMS` cut to
    that many, a JSON-LD context to its first :data:`MAX_TERMS` terms, and what was cut (empty when nothing was).
    Lists of names (``vars``) are kept whole."""
    cut: list[str] = []

    def walk(node: Any, where: str) -> Any:
        if isinstance(node, list):
            if len(node) > MAX_ITEMS and all(isinstance(item, dict) for item in node):
                cut.append(f"{where or 'the list'}: {MAX_ITEMS} of {len(node)} items")
                node = node[:MAX_ITEMS]
            return [walk(item, where) for item in node]
        if isinstance(node, dict):
            if where == "@context" and len(node) > MAX_TERMS:
                cut.append(f"@context: {MAX_TERMS} of {len(node)} terms")
                node = dict(list(node.items())[:MAX_TERMS])
            return {key: walk(item, key) for key, item in node.items()}
        return node

    shortened = walk(value, "")
    return shortened, "; ".join(dict.fromkeys(cut))


def collect(client: Any, base: str) -> Iterator[dict[str, Any]]:
    for request in requests(base):
        yield example(request, send(client, request))


def main(argv: list[str]) -> int:
    import dataclasses as dc

    from fastapi.testclient import TestClient
    from gzg_api.app import create_app

    from gzg_graph.build import build
    from gzg_graph.config import Settings
    from gzg_graph.namespaces import PREFIXES
    from gzg_graph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env()
        store_dir = Path(argv[0]) if argv else Path(scratch) / "store"
        settings = dc.replace(settings, store_dir=store_dir, write_token=None)
        store = EmbeddedStore(store_dir, prefixes={**PREFIXES, "gzg": f"{settings.base_uri}/ns/gzg#"})
        if not argv:
            print(f"building the graph from {settings.require_data_dir()} ...", file=sys.stderr)
            build(settings, store)
        with TestClient(create_app(settings, store)) as client:
            examples = list(collect(client, settings.base_uri))
    document = {
        "about": "Real answers of the API, for its OpenAPI document (api/docs.py). Written by "
        "scripts/openapi_examples.py from the real graph: rerun it, do not edit by hand.",
        "base": settings.base_uri,
        "examples": examples,
    }
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(REPO)}: {len(examples)} examples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
