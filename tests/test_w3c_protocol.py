"""The W3C SPARQL 1.1 Protocol tests, read from their manifest in ``../shared``, against a live ``gzg serve``.

For each ``mf:ProtocolTest`` the store is emptied (``DROP ALL``) and its ``ut:graphData`` are PUT as named
graphs through our Graph Store Protocol; then its requests are sent over HTTP and the expected status
class, boolean and result format are checked. The manifest's ``/sparql/`` paths go to our ``/sparql``.
Update requests carry the write token: the manifest tests the protocol, not authorisation (that is
``test_writes.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import w3c_manifest as w3c
from rdflib import RDFS, URIRef

MANIFEST = w3c.W3C / "protocol" / "manifest.ttl"
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


@pytest.fixture(scope="module")
def manifest():
    return w3c.required(MANIFEST)


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def server(request, tmp_path_factory):
    """A server over an empty store of each kind: the embedded store, and the remote store on Virtuoso."""
    virtuoso = request.getfixturevalue("virtuoso") if request.param == "virtuoso" else None
    yield from w3c.empty_server(tmp_path_factory.mktemp("w3c-protocol"), virtuoso)


@pytest.mark.parametrize(
    "test_id", w3c.entries(w3c.load(MANIFEST)) or ["(no manifest)"], ids=lambda t: t.rsplit("#", 1)[-1]
)
def test_w3c_protocol_case(test_id, manifest, server):
    test = URIRef(test_id)
    name = str(manifest.value(test, w3c.MF.name))
    w3c.reset(server)
    for data in manifest.objects(test, w3c.UT.graphData):
        source = Path(str(manifest.value(data, w3c.UT.graph)).removeprefix("file://"))
        graph = str(manifest.value(data, RDFS.label))
        answer = httpx.put(
            f"{server.url}/graph-store?graph={quote(graph, safe='')}",
            content=source.read_bytes(),
            headers={"content-type": "application/n-triples", "authorization": f"Bearer {w3c.TOKEN}"},
        )
        assert answer.status_code in (201, 204), answer.text
    for request in w3c.requests(manifest, test):
        headers = {**request.headers, "authorization": f"Bearer {w3c.TOKEN}"}
        path = request.path.replace("/sparql/", "/sparql", 1)
        answer = httpx.request(request.method, server.url + path, content=request.body, headers=headers, timeout=30)
        expected = request.expected
        assert expected.accepts(answer.status_code), f"{name}: {answer.status_code} {answer.text[:300]}"
        media_type = answer.headers.get("content-type", "").split(";")[0]
        if expected.format is not None:
            assert media_type in FORMATS[expected.format], f"{name}: {media_type}"
        if expected.boolean is not None:
            assert _boolean(answer.content, media_type) is expected.boolean, name


def _boolean(body: bytes, media_type: str) -> bool:
    if "json" in media_type:
        return bool(json.loads(body)["boolean"])
    return b"<boolean>true</boolean>" in body
