"""Reading the W3C SPARQL 1.1 test manifests in ``../shared`` and replaying their HTTP requests on a live server.

The protocol and Graph Store manifests describe each test as ``ht:Request``s (method, path, headers, body)
with the expected ``ht:Response`` (status codes or classes, a boolean, a result format, a Location, a body).
The runners in ``test_w3c_protocol.py`` and ``test_w3c_graph_store.py`` use these to talk to a real ``gzg
serve`` over HTTP; nothing of the manifests is copied into test code.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import SHARED
from live_server import Server, start_server
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from test_remote_api import remote_endpoints, remote_settings
from virtuoso import VirtuosoServer

from gzg_graph.store import EmbeddedStore, Store
from gzg_graph.store.remote import RemoteStore

W3C = SHARED / "w3c-sparql11-tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
#: The reason phrases of the http-statusCodes vocabulary that the manifests use, by status code.
STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
TOKEN = "w3c-test-token"


@dataclasses.dataclass
class Expected:
    statuses: set[int]  # exact codes (>= 100) or classes (1..5)
    boolean: bool | None = None
    format: str | None = None
    location: str | None = None  # the template variable to bind to the Location header
    content_type: str | None = None
    body: str | None = None

    def accepts(self, status: int) -> bool:
        return status in self.statuses or status // 100 in self.statuses


@dataclasses.dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@functools.cache
def load(path: Path) -> Graph | None:
    """A manifest with the manifests it includes (``mf:include``), or None when ``../shared`` is absent.
    Read once per run: the test parameters and the fixture share it."""
    if not path.is_file():
        return None
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    for root in list(graph.subjects(RDF.type, MF.Manifest)):
        included = graph.value(root, MF.include)
        for child in Collection(graph, included) if included is not None else []:
            graph += Graph().parse(Path(str(child).removeprefix("file://")), format="turtle", publicID=str(child))
    return graph


def entries(graph: Graph | None) -> list[str]:
    if graph is None:
        return []
    found: list[str] = []
    for root in graph.subjects(RDF.type, MF.Manifest):
        listed = graph.value(root, MF.entries)
        found.extend(str(entry) for entry in Collection(graph, listed) if listed is not None)
    return found


def requests(graph: Graph, test: URIRef) -> list[Request]:
    connection = graph.value(test, MF.action)
    return [_request(graph, node) for node in Collection(graph, graph.value(connection, HT.requests))]


def _request(graph: Graph, node) -> Request:
    response = graph.value(node, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    expected_format = graph.value(response, MF.expectedFormat)
    location = graph.value(response, MF.expectedLocation)
    response_headers = _headers(graph, graph.value(response, HT.headers))
    response_body = graph.value(response, HT.body)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, graph.value(node, HT.headers)),
        body=_body(graph, graph.value(node, HT.body)),
        expected=Expected(
            statuses={_status(str(s)) for s in graph.objects(response, MF.expectedStatus)},
            boolean=None if boolean is None else bool(boolean.toPython()),
            format=None if expected_format is None else str(expected_format),
            location=None if location is None else str(location),
            content_type=response_headers.get("content-type"),
            body=None if response_body is None else str(graph.value(response_body, CNT.chars)),
        ),
    )


def _headers(graph: Graph, listed) -> dict[str, str]:
    if listed is None:
        return {}
    return {
        str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue)) for h in Collection(graph, listed)
    }


def _body(graph: Graph, node) -> bytes | None:
    if node is None:
        return None
    encoding = str(graph.value(node, CNT.characterEncoding) or "UTF-8")
    return str(graph.value(node, CNT.chars)).encode(encoding)


def _status(iri: str) -> int:
    name = iri.rsplit("#", 1)[-1]
    if name.startswith("StatusCode"):
        return int(name[len("StatusCode")])  # a class: StatusCode2xx -> 2
    return STATUS_NAMES[name]


def required(path: Path) -> Graph:
    """The manifest at ``path``, or the test is skipped when ``../shared`` is not beside the clone."""
    loaded = load(path)
    if loaded is None:
        pytest.skip("../shared/w3c-sparql11-tests is not beside the clone")
    return loaded


def empty_server(work: Path, virtuoso: VirtuosoServer | None = None) -> Iterator[Server]:
    """:func:`start_empty_server` for a module's fixture: stopped when the module is done."""
    running = start_empty_server(work, virtuoso)
    yield running
    running.stop()


def start_empty_server(work: Path, virtuoso: VirtuosoServer | None = None, **settings: str) -> Server:
    """``gzg serve`` over a store that holds nothing yet, with writes allowed by :data:`TOKEN`: the embedded
    store, or the remote store on ``virtuoso`` (emptied first).

    The server validates writes against no shapes: the test data (``foaf:Document`` without a title, say)
    are not GZG data and rightly violate the GZG shapes; these runs test the protocols, and
    ``test_writes.py`` tests that writes are validated."""
    seed = work / "seed"
    store: Store = EmbeddedStore(seed)
    if virtuoso is not None:
        virtuoso.clear()
        store = RemoteStore(remote_endpoints(virtuoso), lock_directory=seed)
        settings = {**remote_settings(virtuoso), **settings}
    store.replace_graphs({"urn:gzg:test:empty": b""})  # a first generation to serve
    store.close()
    no_shapes = work / "no-shapes"
    no_shapes.mkdir()
    (no_shapes / "none.ttl").write_text("# no shapes: the W3C protocol tests run on data that is not GZG data\n")
    return start_server(
        seed, work, GZG_WRITE_TOKEN=TOKEN, GZG_QUERY_WORKERS="1", GZG_SHAPES_DIR=str(no_shapes), **settings
    )


def reset(server: Server) -> None:
    """Empty the server's store through its own update operation."""
    answer = httpx.post(
        f"{server.url}/sparql",
        content=b"DROP ALL",
        headers={"content-type": "application/sparql-update", "authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
