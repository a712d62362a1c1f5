"""Independent SPARQL clients against a live ``gzg serve`` get the answers pyoxigraph gives in process on the same data.

For every example query of the menu (``gzg_graph.queries.examples``) three clients that share no code with the
server ask the endpoint over HTTP:

* SPARQLWrapper (SELECT/ASK as SPARQL JSON results, CONSTRUCT/DESCRIBE as Turtle), by POSTed form;
* rdflib's ``SPARQLStore`` (SPARQL XML results, RDF/XML graphs: rdflib's parsers), by GET;
* Comunica (``@comunica/query-sparql``, a devDependency in ``package.json``), its ``comunica-sparql`` command with
  the endpoint as a ``sparql@`` source: a query engine of its own that sends the query (or parts of it) to the
  endpoint and serialises the answer itself (SPARQL JSON results, N-Triples). The command's own entry runs every
  example in one Node.js process (:data:`COMUNICA_IN_ONE_PROCESS`: 3 s instead of 40 s to 60 s for 22 starts of
  Node.js); the command itself runs twice and must print the same.

The reference is pyoxigraph in this process over an N-Quads export of the same store, loaded into a fresh
``pyoxigraph.Store`` with the dataset the endpoint promises: the named graphs as they are and, as the default
graph, their RDF merge (a set: a triple in two graphs counts once). It is the same engine as the server's, but
none of the server's dataset, pool, guard or HTTP code.

What is compared: SELECT rows as multisets (blank nodes as "a blank node", since labels are local to a result),
and, when the query ends in ``ORDER BY`` on projected variables, the sequence of those variables' values (so the
order is checked wherever the query defines it, ties left free); ASK booleans; CONSTRUCT and DESCRIBE graphs up to
blank-node renaming (``rdflib.compare.isomorphic``). DESCRIBE's answer is defined by each engine (SPARQL 1.1,
16.4), and it is compared for every client as long as each hands the whole query to the endpoint, as all do today.
Literals are compared by their lexical form as sent (rdflib's normalisation of lexical forms is switched off here).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from conftest import BASE, REPO
from live_server import Server, start_server
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from gzg_graph.formats import RdfFormat
from gzg_graph.queries.examples import Example, examples
from gzg_graph.store import detect_query_kind

pytestmark = pytest.mark.slow

COMUNICA = REPO / "node_modules" / ".bin" / "comunica-sparql"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
EXAMPLES = [e for e in examples(BASE) if not e.services]  # federated ones: tests/test_federation.py
CLIENTS = ("SPARQLWrapper", "SPARQLStore", "Comunica")

#: A term as compared: ("iri", value), ("bnode",) or ("literal", lexical form, datatype, language).
Term = tuple[str, ...]
Row = tuple[Term | None, ...]


class Answer:
    """A client's answer, in one form for all: rows (with their variables), a boolean or a graph."""

    def __init__(
        self, variables: list[str] | None = None, rows: list[Row] | None = None, boolean: bool | None = None
    ) -> None:
        self.variables = variables or []
        self.rows = rows or []
        self.boolean = boolean
        self.graph: Graph | None = None

    @classmethod
    def of_graph(cls, graph: Graph) -> Answer:
        answer = cls()
        answer.graph = graph
        return answer


# --- terms in one form ---------------------------------------------------------------------------------------


def literal(lexical: str, datatype: str | None, language: str | None) -> Term:
    if language:
        return ("literal", lexical, RDF_LANG_STRING, language.lower())
    return ("literal", lexical, datatype or XSD_STRING, "")


def from_json(binding: Mapping[str, str] | None) -> Term | None:
    """A term of SPARQL 1.1 JSON results (``typed-literal`` is the old spelling some clients still read)."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ("iri", binding["value"])
    if binding["type"] == "bnode":
        return ("bnode",)
    return literal(binding["value"], binding.get("datatype"), binding.get("xml:lang"))


def from_rdflib(term: Any) -> Term | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal), term
    return literal(str(term), str(term.datatype) if term.datatype else None, term.language)


def from_oxigraph(term: Any) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    assert isinstance(term, ox.Literal), term
    return literal(term.value, term.datatype.value, term.language)


def parse_graph(data: bytes | str, fmt: str) -> Graph:
    return Graph().parse(data=data, format=fmt)


@pytest.fixture(scope="module", autouse=True)
def literals_as_sent(built) -> Iterator[None]:
    """rdflib rewrites the lexical form of literals it parses by default ("2021-09-20T00:00:00Z"^^xsd:dateTime
    becomes "...+00:00"): here the forms on the wire are compared, so rdflib keeps them as they come. (After the
    build: pyshacl sets this switch back to True when it has validated.)"""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    yield
    rdflib.NORMALIZE_LITERALS = before


# --- the reference: pyoxigraph in process ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(store) -> ox.Store:
    """The store's data in a fresh pyoxigraph store: named graphs as exported, default graph their merge."""
    dataset = ox.Store()
    dataset.load(store.export(RdfFormat.NQUADS), format=ox.RdfFormat.N_QUADS)
    for graph in store.graphs():  # N-Quads cannot say that a graph exists empty (the stewards' graph)
        dataset.add_graph(ox.NamedNode(graph.name))
    quads = list(dataset)
    dataset.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    assert len(list(dataset.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == len(
        {(q.subject, q.predicate, q.object) for q in quads}
    )
    return dataset


def in_process(dataset: ox.Store, sparql: str) -> Answer:
    result = dataset.query(sparql, base_iri=f"{BASE}/sparql")
    if isinstance(result, ox.QueryBoolean):
        return Answer(boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [tuple(from_oxigraph(solution[v]) for v in variables) for solution in result]
        return Answer(variables, rows)
    return Answer.of_graph(parse_graph(result.serialize(format=ox.RdfFormat.N_TRIPLES), "nt"))


# --- the clients ----------------------------------------------------------------------------------------------


def sparqlwrapper(endpoint: str, sparql: str) -> Answer:
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(sparql)
    if detect_query_kind(sparql) == "graph":
        client.setReturnFormat(TURTLE)
        return Answer.of_graph(parse_graph(client.query().convert(), "turtle"))
    client.setReturnFormat(JSON)
    data = client.query().convert()
    if "boolean" in data:
        return Answer(boolean=data["boolean"])
    variables = data["head"]["vars"]
    return Answer(variables, [tuple(from_json(b.get(v)) for v in variables) for b in data["results"]["bindings"]])


def sparqlstore(endpoint: str, sparql: str) -> Answer:
    result = SPARQLStore(query_endpoint=endpoint, method="GET").query(sparql)
    if result.type == "ASK":
        return Answer(boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return Answer.of_graph(result.graph)
    variables = [str(v) for v in result.vars or []]
    rows = []
    for row in result:
        values = row.asdict()  # type: ignore[union-attr]
        rows.append(tuple(from_rdflib(values.get(v)) for v in variables))
    return Answer(variables, rows)


#: comunica-sparql's own entry (its bin script is ``runArgsInProcessStatic(require('../engine-default.js')())``)
#: run once per argument list in one Node.js process: the same engine, arguments and serialisers as the command,
#: without starting Node.js and building the engine 22 times (about 1.5 s of CPU each). Reads a JSON list of
#: argument lists on stdin, writes a JSON list of {stdout, stderr, ok}.
COMUNICA_IN_ONE_PROCESS = """
const actor = require("@comunica/query-sparql/engine-default.js")();
const collect = (stream) => new Promise((resolve, reject) => {
  if (!stream) return resolve("");
  const chunks = [];
  stream.on("data", (chunk) => chunks.push(Buffer.from(chunk)));
  stream.on("error", reject);
  stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
});
(async () => {
  const answers = [];
  for (const argv of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
    try {
      const result = await actor.run({ argv, env: process.env, stdin: process.stdin });
      const [stdout, stderr] = await Promise.all([collect(result.stdout), collect(result.stderr)]);
      answers.push({ stdout, stderr, ok: true });
    } catch (error) {
      answers.push({ stdout: "", stderr: String((error && error.stack) || error), ok: false });
    }
  }
  process.stdout.write(JSON.stringify(answers));
})();
"""


def comunica_arguments(endpoint: str, sparql: str) -> list[str]:
    """The command's arguments: the endpoint as a SPARQL source, the result syntax, the query."""
    graph = detect_query_kind(sparql) == "graph"
    return [f"sparql@{endpoint}", "-t", "application/n-triples" if graph else "application/sparql-results+json", sparql]


def comunica_answer(sparql: str, stdout: str) -> Answer:
    if detect_query_kind(sparql) == "graph":
        return Answer.of_graph(parse_graph(stdout, "nt"))
    data = json.loads(stdout)
    if "boolean" in data:
        return Answer(boolean=data["boolean"])
    variables = data["head"]["vars"]
    return Answer(variables, [tuple(from_json(b.get(v)) for v in variables) for b in data["results"]["bindings"]])


def without_request_count(output: str) -> str:
    """Comunica's JSON results end with the number of HTTP requests its process has made so far."""
    return re.sub(r'"metadata": \{ "httpRequests": \d+ \}', '"metadata": {}', output)


@pytest.fixture(scope="module")
def server(built, tmp_path_factory) -> Iterator[Server]:
    live = start_server(built[0].store_dir, tmp_path_factory.mktemp("clients"))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def comunica_outputs(server) -> dict[str, str]:
    """What Comunica printed for each example (its stdout), or a failure message."""
    if not COMUNICA.is_file():
        message = f"{COMUNICA} is missing: `make install-test` runs `npm ci`, which installs Comunica"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    started = time.monotonic()
    arguments = [comunica_arguments(f"{server.url}/sparql", e.sparql) for e in EXAMPLES]
    process = subprocess.run(
        ["node", "-e", COMUNICA_IN_ONE_PROCESS],
        input=json.dumps(arguments),
        capture_output=True,
        text=True,
        cwd=REPO,  # where node_modules is
        timeout=300,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    print(f"Comunica answered {len(EXAMPLES)} queries in {time.monotonic() - started:.1f} s")
    outputs = {}
    for example, printed in zip(EXAMPLES, json.loads(process.stdout), strict=True):
        outputs[example.id] = printed["stdout"] if printed["ok"] else f"Comunica failed: {printed['stderr'][-3000:]}"
    return outputs


def test_the_comunica_command_prints_what_its_entry_prints_in_one_process(server, comunica_outputs):
    """The command itself (``node_modules/.bin/comunica-sparql``), for a sorted SELECT and a CONSTRUCT: the same
    output as the one-process runs the comparisons below use."""
    chosen = [e for e in EXAMPLES if order_keys(e.sparql)][:1] + [
        e for e in EXAMPLES if detect_query_kind(e.sparql) == "graph" and not _is_describe(e)
    ][:1]
    assert len(chosen) == 2

    def command(example: Example) -> subprocess.CompletedProcess:
        arguments = comunica_arguments(f"{server.url}/sparql", example.sparql)
        return subprocess.run([str(COMUNICA), *arguments], capture_output=True, text=True, timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(command, chosen))
    for example, run in zip(chosen, runs, strict=True):
        assert run.returncode == 0, run.stderr[-3000:]
        assert without_request_count(run.stdout) == without_request_count(comunica_outputs[example.id]), example.id


# --- comparing -------------------------------------------------------------------------------------------------


def order_keys(sparql: str) -> list[str]:
    """The variables of the query's own (outermost) ``ORDER BY``, or [] when it has none.

    A ``}`` after the last ``ORDER BY`` means that one sorts a sub-query, not the answer."""
    text = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    found = list(re.finditer(r"\bORDER\s+BY\b", text, re.IGNORECASE))
    if not found:
        return []
    tail = text[found[-1].end() :]
    if "}" in tail:
        return []
    tail = re.split(r"\b(?:LIMIT|OFFSET|VALUES)\b", tail, flags=re.IGNORECASE)[0]
    return re.findall(r"[?$](\w+)", tail)


def assert_same(expected: Answer, actual: Answer, sparql: str) -> None:
    if expected.graph is not None:
        assert actual.graph is not None, "a graph was expected"
        assert len(actual.graph) == len(expected.graph)
        assert isomorphic(actual.graph, expected.graph), "the graphs differ beyond blank node labels"
        return
    if expected.boolean is not None:
        assert actual.boolean is expected.boolean
        return
    assert actual.variables == expected.variables
    assert len(actual.rows) == len(expected.rows)
    assert Counter(actual.rows) == Counter(expected.rows), _difference(expected.rows, actual.rows)
    keys = order_keys(sparql)
    if keys and set(keys) <= set(expected.variables):
        positions = [expected.variables.index(k) for k in keys]
        assert [tuple(row[i] for i in positions) for row in actual.rows] == [
            tuple(row[i] for i in positions) for row in expected.rows
        ], f"rows out of the order the query asks ({', '.join('?' + k for k in keys)})"


def _difference(expected: list[Row], actual: list[Row]) -> str:
    missing = Counter(expected) - Counter(actual)
    extra = Counter(actual) - Counter(expected)
    return f"missing {list(missing)[:3]}, unexpected {list(extra)[:3]}"


def test_the_examples_are_all_kinds_of_query():
    kinds = Counter(detect_query_kind(e.sparql) for e in EXAMPLES)
    assert kinds["select"] and kinds["ask"] and kinds["graph"], kinds
    assert any(order_keys(e.sparql) for e in EXAMPLES)


def test_the_reference_answers_every_example_like_the_server(reference, server):
    """The reference and the server agree on sizes at least (the clients below compare every term)."""
    for example in EXAMPLES:
        answer = in_process(reference, example.sparql)
        assert answer.rows or answer.boolean is not None or answer.graph, f"{example.id} has an empty answer"


def _cases() -> Iterator[Any]:
    # DESCRIBE through Comunica is compared too: Comunica (4.5) hands the whole query to its one SPARQL source,
    # so our engine answers it. A Comunica that describes by its own engine may rightly answer otherwise (SPARQL
    # 1.1, 16.4, DESCRIBE is engine-defined); this comparison then fails and says so, to be decided, not hidden.
    for example in EXAMPLES:
        for client in CLIENTS:
            yield pytest.param(example, client, id=f"{example.id}-{client}")


def _is_describe(example: Example) -> bool:
    body = "\n".join(line for line in example.sparql.splitlines() if not line.lstrip().startswith("#"))
    return re.search(r"^\s*DESCRIBE\b", body, re.IGNORECASE | re.MULTILINE) is not None


@pytest.mark.parametrize("example, client", list(_cases()))
def test_each_client_gets_the_in_process_answer(example: Example, client: str, reference, server, request):
    expected = in_process(reference, example.sparql)
    endpoint = f"{server.url}/sparql"
    if client == "SPARQLWrapper":
        actual: Answer | str = sparqlwrapper(endpoint, example.sparql)
    elif client == "SPARQLStore":
        actual = sparqlstore(endpoint, example.sparql)
    else:
        printed = request.getfixturevalue("comunica_outputs")[example.id]
        assert not printed.startswith("Comunica failed"), printed
        actual = comunica_answer(example.sparql, printed)
    assert isinstance(actual, Answer), actual
    assert_same(expected, actual, example.sparql)


def test_the_dataset_is_the_merge_of_the_named_graphs(reference, server):
    """The property the reference is built on, asked of the server by a client: a triple held by two graphs counts
    once in the default graph."""
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    [[count]] = sparqlwrapper(f"{server.url}/sparql", sparql).rows
    [[expected]] = in_process(reference, sparql).rows
    assert count == expected
    named = in_process(reference, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
    assert count is not None and named is not None and int(count[1]) <= int(named[1])
