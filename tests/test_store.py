"""The embedded store keeps its promises: durable, all-or-nothing, and crash-safe."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gzg_graph.errors import QueryError, SourceError
from gzg_graph.store import EmbeddedStore, RdfFormat, ResultFormat, detect_query_kind, snapshots

G1, G2 = "http://example.org/graph/1", "http://example.org/graph/2"
A = b'<http://example.org/a> <http://example.org/p> "1" .\n'
B = b"<http://example.org/b> <http://example.org/p> <http://example.org/a> .\n"


def snapshot(store: EmbeddedStore) -> bytes:
    """The store's content in a canonical, comparable form."""
    return b"".join(sorted(store.export(RdfFormat.NQUADS).splitlines(keepends=True)))


def test_committed_data_survives_a_restart(tmp_path: Path):
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({G1: A}, drop_others=True)
    store.add(G2, B)
    reopened = EmbeddedStore(tmp_path)
    assert snapshot(reopened) == snapshot(store)
    assert {g.name: g.triples for g in reopened.graphs()} == {G1: 1, G2: 1}


def test_replace_with_drop_others_is_a_full_rebuild(tmp_path: Path):
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({G1: A, G2: B})
    store.replace_graphs({G2: A}, drop_others=True)
    assert [(g.name, g.triples) for g in EmbeddedStore(tmp_path).graphs()] == [(G2, 1)]


def test_malformed_data_is_refused_with_its_line_and_changes_nothing(tmp_path: Path):
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({G1: A})
    before, generation = snapshot(store), store.generation
    with pytest.raises(SourceError) as caught:
        store.add(G1, B + b"<http://example.org/c> <http://example.org/p> .\n")
    assert caught.value.line == 2
    assert snapshot(store) == before and store.generation == generation
    assert snapshot(EmbeddedStore(tmp_path)) == before


def test_bad_update_is_refused_and_changes_nothing(tmp_path: Path):
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({G1: A})
    before = snapshot(store)
    with pytest.raises(QueryError, match="syntax"):
        store.update("INSERT DATA { <http://example.org/x> <http://example.org/p> }")
    assert snapshot(store) == before


def test_bad_query_names_the_position(tmp_path: Path):
    with pytest.raises(QueryError, match=r"1:\d+"):
        EmbeddedStore().query("SELECT * WHERE { ?s ?p }")


def test_a_reader_sees_a_newer_build_after_refresh(tmp_path: Path):
    reader = EmbeddedStore(tmp_path)
    writer = EmbeddedStore(tmp_path)
    writer.replace_graphs({G1: A})
    assert len(reader) == 0
    assert reader.refresh() is True
    assert len(reader) == 1


def test_default_graph_is_the_union_unless_graphs_are_named():
    store = EmbeddedStore()
    store.replace_graphs({G1: A, G2: B})
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert store.select(count) == [{"n": "2"}]
    assert store.select(count, default_graphs=[G1]) == [{"n": "1"}]


NEIGHBOURHOOD = textwrap.dedent("""\
    <http://example.org/p1> <http://example.org/call> <http://example.org/c1> .
    <http://example.org/p1> <http://example.org/amount> "35000000.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .
    <http://example.org/p1> <http://example.org/title> "Burgerloket"@nl .
    <http://example.org/p1> <http://example.org/code> "BL" .
    <http://example.org/p1> <http://example.org/hub> <http://example.org/u1> .
    <http://example.org/u1> <http://example.org/hub> <http://example.org/p1> .
    <http://example.org/p2> <http://example.org/call> <http://example.org/c1> .
    _:b <http://example.org/call> <http://example.org/c1> .
""").encode()


def test_native_neighbourhood_reads_equal_the_sparql_ones_every_store_has():
    """EmbeddedStore matches triple patterns natively; a remote store inherits the SPARQL versions from
    Store. Both must hand incremental validation the same triples, literals in the store's canonical form."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from gzg_graph.store import Store

    store = EmbeddedStore()
    store.replace_graphs({G1: b"".join(NEIGHBOURHOOD.splitlines(keepends=True)[:3]), G2: NEIGHBOURHOOD})  # overlapping
    ex = "http://example.org/"
    nodes = {URIRef(ex + n) for n in ("p1", "p2", "c1", "u1", "nothing")}
    hub, call = URIRef(ex + "hub"), URIRef(ex + "call")
    native = store.triples_from(nodes, skip={hub})
    assert native == Store.triples_from(store, nodes, skip={hub})
    assert len(native) == 5 and not any(p == hub for _, p, _ in native)
    assert (URIRef(ex + "p1"), URIRef(ex + "amount"), Literal("35000000", datatype=XSD.decimal)) in native
    assert (URIRef(ex + "p1"), URIRef(ex + "code"), Literal("BL")) in native  # plain, as rdflib parses it
    assert store.triples_from(nodes) == Store.triples_from(store, nodes)
    amounts = store.triples_from(nodes, predicates={URIRef(ex + "amount"), hub}, skip={hub})  # one predicate read
    assert amounts == Store.triples_from(store, nodes, predicates={URIRef(ex + "amount"), hub}, skip={hub})
    assert amounts == {t for t in native if t[1] == URIRef(ex + "amount")} and amounts
    assert store.triples_from(nodes, predicates=set()) == Store.triples_from(store, nodes, predicates=set()) == set()
    incoming = store.triples_to(nodes, {call})
    assert (
        incoming
        == Store.triples_to(store, nodes, {call})
        == {(URIRef(ex + p), call, URIRef(ex + "c1")) for p in ("p1", "p2")}
    )  # the blank node is left out
    assert store.triples_to(nodes) == Store.triples_to(store, nodes)
    assert store.triples_to(nodes, set()) == set()


@pytest.mark.parametrize("fmt", list(ResultFormat))
def test_select_results_in_every_results_format(fmt: ResultFormat):
    store = EmbeddedStore()
    store.replace_graphs({G1: A})
    result = store.query("SELECT ?s WHERE { ?s ?p ?o }", fmt)
    assert result.media_type == fmt.value and b"http://example.org/a" in result.body


@pytest.mark.parametrize("fmt", list(RdfFormat))
def test_export_in_every_rdf_format_round_trips(fmt: RdfFormat):
    from rdflib import Dataset, Graph

    store = EmbeddedStore()
    store.replace_graphs({G1: A, G2: B})
    body = store.export(fmt)
    parsed = Dataset() if fmt.is_dataset_format else Graph()
    parsed.parse(data=body, format=fmt.rdflib)  # read back by rdflib, an independent parser
    assert len(parsed) == 2


@given(
    st.sampled_from(["SELECT", "select", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "LOAD"]),
    st.lists(st.sampled_from(["PREFIX ex: <http://e/>", "# comment", "BASE <http://b/>", " "]), max_size=4),
)
@settings(max_examples=60)
def test_query_kind_is_detected_after_any_prologue(keyword: str, prologue: list[str]):
    kind = detect_query_kind("\n".join(prologue + [f"{keyword} * WHERE {{ ?s ?p ?o }}"]))
    expected = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(
        keyword.upper(), "update"
    )
    assert kind == expected


# --- crash safety: a writer killed (SIGKILL, no clean-up) at any point leaves the previous graph ---

CHILD = textwrap.dedent("""
    import os, signal, sys
    import gzg_graph.store.snapshots as snapshots
    from gzg_graph.store import EmbeddedStore
    point = sys.argv[2]
    def die():
        sys.stdout.write("dying\\n"); sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    if point == "after-data-file":
        real = snapshots._fsync_file
        snapshots._fsync_file = lambda path: (real(path), die())
    elif point == "before-switch":
        snapshots._write_current = lambda directory, generation: die()
    store = EmbeddedStore(sys.argv[1])
    triples = b"".join(b'<http://example.org/s%d> <http://example.org/p> "%d" .\\n' % (i, i) for i in range(int(sys.argv[3])))
    sys.stdout.write("writing\\n"); sys.stdout.flush()
    store.replace_graphs({"http://example.org/graph/new": triples}, drop_others=True)
    sys.stdout.write("done\\n")
""")


def _run_child(store_dir: Path, point: str, triples: int, kill_after: float | None = None) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_dir), point, str(triples)], stdout=subprocess.PIPE, text=True
    )
    if kill_after is not None:
        assert proc.stdout.readline().strip() == "writing"
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    output, _ = proc.communicate(timeout=120)
    return output


@pytest.mark.parametrize("point", ["after-data-file", "before-switch"])
def test_writer_killed_mid_write_leaves_previous_graph(tmp_path: Path, point: str):
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({G1: A, G2: B}, drop_others=True)
    before = snapshot(store)
    output = _run_child(tmp_path, point, 1000)
    assert "dying" in output and "done" not in output
    survivor = EmbeddedStore(tmp_path)
    assert snapshot(survivor) == before
    survivor.add(G1, B)  # the next writer cleans up and carries on
    assert {g.name: g.triples for g in EmbeddedStore(tmp_path).graphs()} == {G1: 2, G2: 1}
    kept = sorted(snapshots.chain(tmp_path, survivor.generation))  # the base and the delta of the add
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == kept


def test_large_load_killed_half_way_leaves_previous_graph(tmp_path: Path):
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({G1: A}, drop_others=True)
    before = snapshot(store)
    output = _run_child(tmp_path, "timed", 400_000, kill_after=0.5)
    assert "done" not in output, "the load finished before it could be killed; raise its size"
    assert snapshot(EmbeddedStore(tmp_path)) == before
    manifest = json.loads((tmp_path / EmbeddedStore(tmp_path).generation / "manifest.json").read_text())
    assert manifest["quads"] == 1
