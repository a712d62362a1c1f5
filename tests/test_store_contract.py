"""The Store contract, on every backend: the embedded store and the remote store over a real Virtuoso.

Each test runs on both (``store`` is parametrised) and asserts what a user of the interface relies on: the
same answers to the same queries, byte for byte where the query fixes the order (SPARQL's dataset rules, the
set-merge default graph, row caps handled), and all-or-nothing writes that a failed check, bad input or a
killed load leave without a trace. Virtuoso runs with its default cap of 10,000 rows (scripts/virtuoso.ini).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gzg_graph.errors import QueryError, ResultTooLarge, SourceError, StoreError
from gzg_graph.store import EmbeddedStore, RdfFormat, ResultFormat, Store
from gzg_graph.store.base import Change
from gzg_graph.store.remote import RemoteStore
from gzg_graph.store.sparql_http import SparqlEndpoints

EX = "http://example.org/"
G1, G2, G3 = f"{EX}graph/1", f"{EX}graph/2", f"{EX}graph/3"
SHARED = f'<{EX}a> <{EX}p> "shared" .\n'.encode()  # in G1 and G2: once in the merge
ONLY1 = f"<{EX}a> <{EX}p> <{EX}b> .\n".encode()
ONLY2 = f'<{EX}b> <{EX}q> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'.encode()
CAP = 10_000


def remote_store(virtuoso, lock_directory: Path, **options) -> RemoteStore:
    return RemoteStore(virtuoso.endpoints(row_cap=CAP), lock_directory=lock_directory, **options)


@pytest.fixture(params=["embedded", "virtuoso", "oxigraph"])
def store(request, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind: the embedded one on disk, the remote one on an emptied Virtuoso and on an
    emptied Oxigraph server."""
    if request.param == "embedded":
        yield EmbeddedStore(tmp_path / "store")
        return
    if request.param == "oxigraph":
        server = request.getfixturevalue("oxigraph_clean")
        endpoints = SparqlEndpoints(
            query=server.query_url, update=server.update_url, graph_store=server.graph_store_url
        )
        oxigraph_store = RemoteStore(endpoints, lock_directory=tmp_path / "lock")
        yield oxigraph_store
        oxigraph_store.close()
        return
    virtuoso = request.getfixturevalue("virtuoso_clean")
    remote = remote_store(virtuoso, tmp_path / "lock")
    yield remote
    remote.close()


@pytest.fixture
def loaded(store: Store) -> Store:
    store.replace_graphs({G1: SHARED + ONLY1, G2: SHARED + ONLY2}, drop_others=True)
    return store


def rows(store: Store, sparql: str, **options) -> list[dict[str, str]]:
    return store.select(sparql, **options)


def contents(store: Store) -> bytes:
    """The dataset as sorted N-Quads: what "unchanged" is compared by."""
    return b"".join(sorted(store.export(RdfFormat.NQUADS).splitlines(keepends=True)))


# ------------------------------------------------------------------------------------------ query semantics


def test_the_default_graph_is_the_set_merge_of_the_named_graphs(loaded: Store):
    assert rows(loaded, f'SELECT ?g WHERE {{ <{EX}a> <{EX}p> "shared" }}') == [{}]  # once, not once per graph
    assert rows(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": "3"}]
    graphs = rows(loaded, f'SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}p> "shared" }} }} ORDER BY ?g')
    assert graphs == [{"g": G1}, {"g": G2}]


def test_named_graphs_are_only_the_datasets_own(loaded: Store):
    """A backend's own graphs (Virtuoso's system graphs, the remote store's bookkeeping) are never seen."""
    found = rows(loaded, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert found == [{"g": G1}, {"g": G2}]
    assert [g.name for g in loaded.graphs()] == [G1, G2]
    assert {g.name: g.triples for g in loaded.graphs()} == {G1: 2, G2: 2}


def test_from_clauses_define_the_dataset(loaded: Store):
    assert rows(loaded, f"SELECT (COUNT(*) AS ?n) FROM <{G1}> WHERE {{ ?s ?p ?o }}") == [{"n": "2"}]
    only_named = rows(loaded, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G1}> WHERE {{ ?s ?p ?o }}")
    assert only_named == [{"n": "0"}]  # with only FROM NAMED the default graph is empty
    no_named = rows(loaded, f"SELECT ?g FROM <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert no_named == []  # with only FROM there are no named graphs


def test_several_default_graphs_are_merged_as_a_set(loaded: Store):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G1}> FROM <{G2}> WHERE {{ ?s ?p ?o }}"
    assert rows(loaded, query) == [{"n": "3"}]
    protocol = rows(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=[G1, G2], named_graphs=[])
    assert protocol == [{"n": "3"}]


def test_the_protocols_dataset_wins_over_the_querys_from(loaded: Store):
    """SPARQL 1.1 Protocol 2.1.4 (Virtuoso on its own lets the query's FROM win)."""
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G1}> WHERE {{ ?s ?p ?o }}"
    assert rows(loaded, query, default_graphs=[G2], named_graphs=[]) == [{"n": "2"}]
    assert rows(loaded, f"SELECT ?o WHERE {{ <{EX}b> ?p ?o }}", default_graphs=[G1], named_graphs=[]) == []


def test_ask_construct_and_describe(loaded: Store):
    assert loaded.ask(f"ASK {{ <{EX}b> <{EX}q> 2 }}") is True
    assert loaded.ask(f"ASK {{ <{EX}b> <{EX}q> 3 }}") is False
    constructed = loaded.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", RdfFormat.NTRIPLES).body
    assert sorted(constructed.splitlines()) == sorted((SHARED + ONLY1 + ONLY2).splitlines())


@pytest.mark.parametrize("fmt", list(ResultFormat))
def test_ordered_answers_are_the_same_bytes_on_every_backend(loaded: Store, fmt: ResultFormat, tmp_path: Path):
    """The remote store's answers are written by the same serialiser as the embedded store's."""
    reference = EmbeddedStore()
    reference.replace_graphs({G1: SHARED + ONLY1, G2: SHARED + ONLY2})
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p STR(?o)"
    assert loaded.query(query, fmt).body == reference.query(query, fmt).body
    ask = f"ASK {{ <{EX}a> ?p ?o }}"
    if fmt in (ResultFormat.JSON, ResultFormat.XML):
        assert loaded.query(ask, fmt).body == reference.query(ask, fmt).body


def test_bindings_are_values_not_text(loaded: Store):
    from rdflib import Literal, URIRef

    assert rows(loaded, "SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"s": URIRef(f"{EX}b")}) == [
        {"s": f"{EX}b", "o": "2"}
    ]
    injection = Literal('x" } ?s ?p ?o . { "')
    assert rows(loaded, "SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": injection}) == []


DURATIONS = [
    ("P1Y", "duration"),
    ("-P1Y", "duration"),
    ("P1DT12H", "duration"),
    ("PT1.5S", "duration"),
    ("PT0S", "duration"),
    ("P1Y2M3DT4H5M6S", "duration"),
    ("P1Y6M", "yearMonthDuration"),
    ("-P2D", "dayTimeDuration"),
]


def test_durations_read_back_in_their_canonical_form(store: Store):
    """Virtuoso answers a year-month or day-time duration as a number of months or seconds (remote_literals)."""
    data = "".join(
        f'<{EX}d{i}> <{EX}p> "{value}"^^<http://www.w3.org/2001/XMLSchema#{kind}> .\n'
        for i, (value, kind) in enumerate(DURATIONS)
    ).encode()
    store.replace_graphs({G1: data}, drop_others=True)
    assert sorted(store.export(RdfFormat.NTRIPLES).splitlines()) == sorted(data.splitlines())
    reference = EmbeddedStore()
    reference.replace_graphs({G1: data})
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    assert store.query(query, ResultFormat.JSON).body == reference.query(query, ResultFormat.JSON).body
    constructed = store.query("CONSTRUCT WHERE { ?s ?p ?o }", RdfFormat.NTRIPLES).body
    assert sorted(constructed.splitlines()) == sorted(data.splitlines())


def test_a_malformed_query_is_a_query_error_and_an_update_is_not_a_query(loaded: Store):
    with pytest.raises(QueryError):
        loaded.query("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryError, match="not a query"):
        loaded.query(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}x> <{EX}p> 1 }} }}")


# ------------------------------------------------------------------------------------------ the row cap


SIZE = 12_500  # one and a quarter of Virtuoso's default row cap: two pages


def test_results_past_the_row_cap_are_complete_or_refused_never_cut(store: Store):
    """Past the cap, a SELECT and a graph's export are read page by page and complete; where a backend cannot
    page (an ordered result, a graph result), it refuses with what to do; it never answers short."""
    lines = "".join(f'<{EX}s{i}> <{EX}p> "v{i}" .\n' for i in range(SIZE)).encode()
    store.replace_graphs({G3: lines}, drop_others=True)
    everything = rows(store, "SELECT ?s ?o WHERE { ?s ?p ?o }")
    assert len(everything) == SIZE
    assert len({row["s"] for row in everything}) == SIZE
    assert len(store.export(RdfFormat.NTRIPLES).splitlines()) == SIZE
    assert {g.name: g.triples for g in store.graphs()} == {G3: SIZE}
    for query, fmt in [
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", ResultFormat.JSON),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", RdfFormat.NTRIPLES),
    ]:
        try:
            body = store.query(query, fmt).body
        except ResultTooLarge as e:
            assert isinstance(store, RemoteStore) and "cap" in str(e)
            continue
        count = len(json.loads(body)["results"]["bindings"]) if fmt is ResultFormat.JSON else len(body.splitlines())
        assert count == SIZE


# ------------------------------------------------------------------------------------------ writes


def test_a_rebuild_replaces_everything_in_one_step(loaded: Store):
    before = loaded.generation  # type: ignore[attr-defined]
    loaded.replace_graphs({G3: ONLY1}, drop_others=True)
    assert [g.name for g in loaded.graphs()] == [G3]
    assert rows(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": "1"}]
    assert loaded.generation != before  # type: ignore[attr-defined]


def test_replacing_one_graph_keeps_the_merge_right(loaded: Store):
    loaded.replace_graphs({G1: ONLY1})  # the shared triple leaves G1 but stays in G2
    assert loaded.ask(f'ASK {{ <{EX}a> <{EX}p> "shared" }}')
    loaded.replace_graphs({G2: ONLY2})  # now it is nowhere
    assert not loaded.ask(f'ASK {{ <{EX}a> <{EX}p> "shared" }}')
    assert rows(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": "2"}]


def test_add_and_update_report_their_change_to_the_merge(loaded: Store):
    loaded.add(G3, SHARED)  # already in the merge: the triple is now in three graphs
    assert rows(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": "3"}]
    change = loaded.update(f'DELETE DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> "shared" }} }}')
    assert not change  # still in G2 and G3: the merge did not change
    change = loaded.update(f'INSERT DATA {{ GRAPH <{G1}> {{ <{EX}c> <{EX}p> "new" }} }}')
    assert len(change.added) == 1 and len(change.removed) == 0
    assert loaded.ask(f'ASK {{ GRAPH <{G1}> {{ <{EX}c> <{EX}p> "new" }} }}')


def test_an_update_with_a_where_clause(loaded: Store):
    change = loaded.update(f"INSERT {{ GRAPH <{G3}> {{ ?s a <{EX}Thing> }} }} WHERE {{ ?s <{EX}p> ?o }}")
    assert len(change.added) == 1
    assert rows(loaded, f"SELECT ?s WHERE {{ GRAPH <{G3}> {{ ?s a <{EX}Thing> }} }}") == [{"s": f"{EX}a"}]
    change = loaded.update(f"DELETE WHERE {{ GRAPH <{G3}> {{ ?s ?p ?o }} }}")
    assert len(change.removed) == 1


def test_an_update_refused_by_its_check_writes_nothing(loaded: Store):
    before, generation = contents(loaded), loaded.generation  # type: ignore[attr-defined]

    def refuse(change: Change) -> None:
        assert len(change.added) == 1
        raise StoreError("refused by the check")

    with pytest.raises(StoreError, match="refused by the check"):
        loaded.update(f'INSERT DATA {{ GRAPH <{G1}> {{ <{EX}c> <{EX}p> "new" }} }}', check=refuse)
    assert contents(loaded) == before
    assert loaded.generation == generation  # type: ignore[attr-defined]


def test_writing_to_the_default_graph_is_refused(loaded: Store):
    before = contents(loaded)
    with pytest.raises(QueryError, match="default graph"):
        loaded.update(f'INSERT DATA {{ <{EX}c> <{EX}p> "new" }}')
    assert contents(loaded) == before


def test_malformed_data_is_refused_before_anything_is_written(loaded: Store):
    before = contents(loaded)
    with pytest.raises(SourceError) as error:
        loaded.replace_graphs({G1: ONLY1 + b"<http://example.org/broken> <p> .\n"})
    assert error.value.line == 2
    with pytest.raises(SourceError):
        loaded.add(G3, b"not n-triples\n")
    assert contents(loaded) == before


def test_blank_nodes_keep_their_identity_across_graphs_and_batches(store: Store):
    data = f'<{EX}a> <{EX}p> _:x .\n_:x <{EX}q> "1" .\n'.encode()
    plain = "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(50)).encode()
    store.replace_graphs({G1: plain + data}, drop_others=True)
    found = rows(store, f"SELECT ?v WHERE {{ <{EX}a> <{EX}p> ?x . ?x <{EX}q> ?v }}")
    assert found == [{"v": "1"}]


def test_a_killed_load_leaves_the_previous_dataset(loaded: Store):
    """A load that dies while it writes (here: its progress report fails half-way) changes nothing; the next
    write cleans up what it left."""
    before = contents(loaded)
    if isinstance(loaded, RemoteStore):
        loaded._loader.batch_triples = 10

        def die(done: int, total: int) -> None:
            if done >= 20:
                raise KeyboardInterrupt

        loaded.progress = die
    lines = "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(100)).encode()
    if isinstance(loaded, RemoteStore):
        with pytest.raises(KeyboardInterrupt):
            loaded.replace_graphs({G1: lines})
        assert contents(loaded) == before
        loaded.progress = None
    loaded.add(G3, ONLY1)
    assert rows(loaded, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G3}> {{ ?s ?p ?o }} }}") == [{"n": "1"}]
    if isinstance(loaded, RemoteStore):  # the dead load's staging graphs are gone
        assert loaded._state.staged == ()


def test_a_store_without_a_dataset_is_refused_for_reading(tmp_path: Path, request):
    with pytest.raises(StoreError):
        EmbeddedStore(tmp_path / "nothing", create=False)
    virtuoso = request.getfixturevalue("virtuoso_clean")
    with pytest.raises(StoreError, match="gzg build"):
        remote_store(virtuoso, tmp_path / "lock", create=False)


def test_readers_see_the_old_dataset_or_the_new_never_a_part(store: Store):
    """While a rebuild is switched in, a reader counting the default graph and the named graphs sees the
    counts before or after it, never in between (the store runs the switch as one transaction)."""
    import threading

    def lines(prefix: str, count: int) -> bytes:
        return "".join(f'<{EX}{prefix}{i}> <{EX}p> "{i}" .\n' for i in range(count)).encode()

    store.replace_graphs({G1: lines("old", 3000)}, drop_others=True)
    seen: set[tuple[str, str]] = set()
    done = threading.Event()
    query = (
        "SELECT ?merge ?named WHERE { { SELECT (COUNT(*) AS ?merge) WHERE { ?s ?p ?o } } "
        "{ SELECT (COUNT(*) AS ?named) WHERE { GRAPH ?g { ?s ?p ?o } } } }"
    )

    reader_store = store
    if isinstance(store, RemoteStore):  # another process's view: its own state, read per query
        reader_store = RemoteStore(store.endpoints, lock_directory=store.lock_directory)

    def read() -> None:
        while not done.is_set():
            row = reader_store.select(query)[0]
            seen.add((row["merge"], row["named"]))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        store.replace_graphs({G1: lines("new", 2000), G2: lines("other", 1500)}, drop_others=True)
        store.replace_graphs({G2: lines("other", 500)})
    finally:
        done.set()
        reader.join()
    assert seen <= {("3000", "3000"), ("3500", "3500"), ("2500", "2500")}, seen


def test_an_update_with_many_triples_of_data(loaded: Store):
    """Virtuoso refuses an operation with more than about 1,000 triples of data (SP031): the remote store writes
    large sets of triples through staging graphs; the change is the same on every backend."""
    triples = "".join(f'<{EX}n{i}> <{EX}p> "{i}" .\n' for i in range(1_500))
    change = loaded.update(f"INSERT DATA {{ GRAPH <{G3}> {{\n{triples}}} }}")
    assert len(change.added) == 1_500
    assert {g.name: g.triples for g in loaded.graphs()}[G3] == 1_500
    assert rows(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": "1503"}]
    change = loaded.update(f"DELETE DATA {{ GRAPH <{G3}> {{\n{triples}}} }}")
    assert len(change.removed) == 1_500
    assert rows(loaded, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": "3"}]
    if isinstance(loaded, RemoteStore):
        assert loaded._state.staged == ()  # the staging graphs went with the switch
