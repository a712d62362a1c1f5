"""Bad writes for the bad-input corpus (``test_hardening.py``): updates and Graph Store requests without a
token, with a wrong one, and with the right one but input that must be refused (malformed, writes to the
default graph, LOAD, SERVICE outside the allow-list, oversized, bombs, data that violates the shapes).

None may change the store: the corpus test compares the whole dataset before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

TOKEN = "hardening-token"
GZG_GRAPH = "http://127.0.0.1:8000/id/dataset/gzg"
BURGERLOKET = "http://127.0.0.1:8000/id/project/burgerloket"
UPDATE = {"content-type": "application/sparql-update"}


@dataclass
class Case:
    family: str
    method: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)


def dataset_quads(client: Any) -> set[str]:
    """Every quad the server holds (graph names included), read through its own Graph Store Protocol: what
    must be the same before and after a refused write. ``client`` is an httpx or a Starlette test client."""
    quads = set()
    for graph in client.get("/", headers={"accept": "application/json"}).json()["graphs"]:
        answer = client.get(
            "/graph-store", params={"graph": graph["graph"]}, headers={"accept": "application/n-triples"}
        )
        quads |= {f"{line} <{graph['graph']}>" for line in answer.text.splitlines()}
    return quads


def _auth(token: str | None) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"} if token else {}


BAD_UPDATES = [
    "INSERT DATA {",
    "DELETE WHERE",
    "CLEAR",
    "CLEAR ALL ; ;",
    'INSERT DATA { GRAPH <urn:x> { <http://e/s> <http://e/p> "unterminated } }',
    "SELECT * WHERE { ?s ?p ?o }",
    "LOAD <http://169.254.169.254/latest/meta-data>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:x>",
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "CLEAR DEFAULT",
    "DROP DEFAULT",
    "MOVE DEFAULT TO <urn:x>",
    f'DELETE DATA {{ <{BURGERLOKET}> <http://purl.org/dc/terms/title> "Burgerloket"@nl }}',
    "INSERT { GRAPH <urn:x> { ?s ?p ?o } } WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "INSERT { GRAPH <urn:x> { ?s ?p ?o } } WHERE " + "{" * 3000 + "}" * 3000,
    "DROP GRAPH <not an iri>",
    # the shapes: a project without a title is refused with the report (422)
    f"DELETE WHERE {{ GRAPH ?g {{ <{BURGERLOKET}> <http://purl.org/dc/terms/title> ?title }} }}",
]


def write_cases(bomb: bytes) -> list[Case]:
    """The write family of the corpus; ``bomb`` is an XML entity bomb (from the corpus)."""
    graph = f"/graph-store?graph={quote(GZG_GRAPH, safe='')}"
    turtle = {"content-type": "text/turtle"}
    cases = [
        Case("writes without a token", "POST", "/sparql", {"content": b"CLEAR ALL", "headers": UPDATE}),
        Case("writes without a token", "POST", "/sparql", {"data": {"update": "DROP ALL"}}),
        Case("writes without a token", "PUT", graph, {"content": b"", "headers": turtle}),
        Case("writes without a token", "DELETE", graph),
        Case("writes without a token", "POST", graph, {"content": b"<http://e/s> <http://e/p> 1 .", "headers": turtle}),
        Case(
            "writes with a wrong token",
            "POST",
            "/sparql",
            {"content": b"CLEAR ALL", "headers": {**UPDATE, **_auth("x")}},
        ),
        Case(
            "writes with a wrong token",
            "POST",
            "/sparql",
            {"data": {"update": "DROP ALL"}, "headers": _auth(TOKEN + "x")},
        ),
        Case("writes with a wrong token", "PUT", graph, {"content": b"", "headers": {**turtle, **_auth("")}}),
        Case("writes with a wrong token", "DELETE", graph, {"headers": {"authorization": f"Basic {TOKEN}"}}),
        Case("writes with a wrong token", "DELETE", graph, {"headers": _auth(TOKEN[:-1])}),
        Case("updates by GET", "GET", "/sparql", {"params": {"update": "CLEAR ALL"}, "headers": _auth(TOKEN)}),
    ]
    for number, update in enumerate(BAD_UPDATES):  # by POST direct and POST form in turn
        if number % 2:
            cases.append(Case("bad updates", "POST", "/sparql", {"data": {"update": update}, "headers": _auth(TOKEN)}))
        else:
            direct = {"content": update.encode(), "headers": {**UPDATE, **_auth(TOKEN)}}
            cases.append(Case("bad updates", "POST", "/sparql", direct))
    authorised = _auth(TOKEN)
    cases += [
        Case(
            "bad updates",
            "POST",
            "/sparql",
            {"data": {"update": "CLEAR ALL", "query": "ASK {}"}, "headers": authorised},
        ),
        Case(
            "bad updates",
            "POST",
            "/sparql",
            {"content": b"DROP ALL", "params": {"using-graph-uri": "not an iri"}, "headers": {**UPDATE, **authorised}},
        ),
        Case(
            "bad updates",
            "POST",
            "/sparql",
            {"content": "CLEAR ALL".encode("utf-16"), "headers": {**UPDATE, **authorised}},
        ),
        Case(
            "bad updates",
            "POST",
            "/sparql",
            {"content": b"#" * (11 * 1024 * 1024), "headers": {**UPDATE, **authorised}},
        ),
        Case(
            "bad graph store writes",
            "PUT",
            "/graph-store?default",
            {"content": b"", "headers": {**turtle, **authorised}},
        ),
        Case("bad graph store writes", "DELETE", "/graph-store?default", {"headers": authorised}),
        Case(
            "bad graph store writes", "PUT", graph + "&default", {"content": b"", "headers": {**turtle, **authorised}}
        ),
        Case(
            "bad graph store writes",
            "PUT",
            "/graph-store?graph=not%20an%20iri",
            {"content": b"", "headers": {**turtle, **authorised}},
        ),
        Case("bad graph store writes", "DELETE", "/graph-store?graph=urn%3Ano%3Asuch%3Agraph", {"headers": authorised}),
        Case(
            "bad graph store writes",
            "PUT",
            graph,
            {"content": b"<http://e/s> <http://e/p> .", "headers": {**turtle, **authorised}},
        ),
        Case(
            "bad graph store writes",
            "PUT",
            graph,
            {"content": b"{}", "headers": {"content-type": "image/png", **authorised}},
        ),
        Case(
            "bad graph store writes",
            "POST",
            graph,
            {"content": bomb, "headers": {"content-type": "application/rdf+xml", **authorised}},
        ),
        Case(
            "bad graph store writes",
            "POST",
            graph,
            {
                "content": b"--x\r\n\r\n--x--",
                "headers": {"content-type": "multipart/form-data; boundary=y", **authorised},
            },
        ),
        Case(
            "bad graph store writes",
            "POST",
            graph,
            {"content": b"#" * (11 * 1024 * 1024), "headers": {**turtle, **authorised}},
        ),
        # the shapes: Burgerloket given a second title in Dutch (sh:uniqueLang) is refused with the report (422)
        Case(
            "bad graph store writes",
            "POST",
            graph,
            {
                "content": f'<{BURGERLOKET}> <http://purl.org/dc/terms/title> "Nog een titel"@nl .'.encode(),
                "headers": {**turtle, **authorised},
            },
        ),
    ]
    return cases
