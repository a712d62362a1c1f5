"""The W3C SPARQL 1.1 Protocol tests, read from their manifest in ``../shared`` (not copied into test code).

Each ``mf:ProtocolTest`` describes HTTP requests (method, path, headers, body) and the expected responses
(status class, boolean result, result format); its ``ut:graphData`` are loaded as named graphs of a fresh
store first. The manifest's ``/sparql/`` paths are sent to our ``/sparql``. Tests of the update operation
are skipped with the reason: SPARQL Update is not offered yet.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import SHARED
from fastapi.testclient import TestClient
from gzg_api.app import create_app
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

from gzg_graph.store import EmbeddedStore

MANIFEST = SHARED / "w3c-sparql11-tests" / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS_CLASSES = {f"http://www.w3.org/2011/http-statusCodes#StatusCode{n}xx": n for n in range(1, 6)}
FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"},
}
UPDATE_NOT_OFFERED = "SPARQL 1.1 Update is not offered yet: the update operation is the next part of issue 9"


def _manifest() -> Graph | None:
    if not MANIFEST.is_file():
        return None
    return Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())


def _entries() -> list[str]:
    manifest = _manifest()
    if manifest is None:
        return []
    (root,) = manifest.subjects(RDF.type, MF.Manifest)
    return [str(entry) for entry in Collection(manifest, manifest.value(root, MF.entries))]


@dataclasses.dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]
    boolean: bool | None
    format: str | None


def _requests(manifest: Graph, test: URIRef) -> list[Request]:
    connection = manifest.value(test, MF.action)
    found = []
    for request in Collection(manifest, manifest.value(connection, HT.requests)):
        headers = {}
        header_list = manifest.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(manifest, header_list):
                headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
        body = manifest.value(request, HT.body)
        content = None
        if body is not None:
            encoding = str(manifest.value(body, CNT.characterEncoding) or "UTF-8")
            content = str(manifest.value(body, CNT.chars)).encode(encoding)
        response = manifest.value(request, HT.resp)
        boolean = manifest.value(response, MF.expectedBoolean)
        expected_format = manifest.value(response, MF.expectedFormat)
        found.append(
            Request(
                method=str(manifest.value(request, HT.methodName)),
                path=str(manifest.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                headers=headers,
                body=content,
                statuses={STATUS_CLASSES[str(s)] for s in manifest.objects(response, MF.expectedStatus)},
                boolean=None if boolean is None else bool(boolean.toPython()),
                format=None if expected_format is None else str(expected_format),
            )
        )
    return found


def _is_update(request: Request) -> bool:
    text = unquote(request.path) + (request.body or b"").decode("utf-8", errors="replace")
    return (
        "update=" in text
        or "sparql-update" in request.headers.get("content-type", "")
        or (
            request.method == "POST" and request.headers.get("content-type", "").startswith("application/sparql-update")
        )
    )


@pytest.fixture(scope="module")
def manifest() -> Graph:
    loaded = _manifest()
    if loaded is None:
        pytest.skip("../shared/w3c-sparql11-tests is not beside the clone")
    return loaded


@pytest.mark.parametrize("test_id", _entries() or ["(no manifest)"], ids=lambda t: t.rsplit("#", 1)[-1])
def test_w3c_protocol_case(test_id, manifest, built, tmp_path):
    test = URIRef(test_id)
    requests = _requests(manifest, test)
    name = str(manifest.value(test, MF.name))
    if any(_is_update(r) for r in requests) or "update" in test_id.rsplit("#", 1)[-1]:
        pytest.skip(UPDATE_NOT_OFFERED)
    store = EmbeddedStore(tmp_path / "store")
    graphs = {}
    for data in manifest.objects(test, UT.graphData):
        source = Path(str(manifest.value(data, UT.graph)).removeprefix("file://"))
        graphs[str(manifest.value(data, RDFS.label))] = source.read_bytes()
    store.replace_graphs(graphs or {"urn:gzg:empty": b""}, drop_others=True)
    settings = dataclasses.replace(built[0], store_dir=tmp_path / "store", query_workers=1)
    with TestClient(create_app(settings, store)) as client:
        for request in requests:
            answer = client.request(request.method, request.path, content=request.body, headers=request.headers)
            assert answer.status_code // 100 in request.statuses, f"{name}: {answer.status_code} {answer.text[:300]}"
            media_type = answer.headers.get("content-type", "").split(";")[0]
            if request.format is not None:
                assert media_type in FORMATS[request.format], f"{name}: {media_type}"
            if request.boolean is not None:
                assert _boolean(answer.content, media_type) is request.boolean, name


def _boolean(body: bytes, media_type: str) -> bool:
    if "json" in media_type:
        return bool(json.loads(body)["boolean"])
    return b"<boolean>true</boolean>" in body
