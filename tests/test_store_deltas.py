"""The embedded store's writes as deltas: a small write is a small generation that readers apply in place,
the merge (the default graph) is kept up to date without a rebuild, and a chain of deltas is compacted."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gzg_graph.errors import QueryError
from gzg_graph.formats import ResultFormat
from gzg_graph.store import EmbeddedStore, RdfFormat, snapshots

G1, G2, G3 = "http://example.org/graph/1", "http://example.org/graph/2", "http://example.org/graph/3"
SHARED = b'<http://example.org/s> <http://example.org/p> "shared" .\n'
ONLY1 = b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"


def canonical(store: EmbeddedStore) -> tuple[bytes, bytes]:
    """The named graphs and the merge, each sorted."""

    def lines(data: bytes) -> bytes:
        return b"".join(sorted(data.splitlines(keepends=True)))

    return lines(store.export(RdfFormat.NQUADS)), lines(store.export(RdfFormat.NTRIPLES))


def merge_count(store: EmbeddedStore) -> int:
    body = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", ResultFormat.CSV).body
    return int(body.split()[-1])


@pytest.fixture
def built(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({G1: SHARED + ONLY1, G2: SHARED}, drop_others=True)
    return store


def test_a_small_write_is_a_delta_a_reader_applies(built: EmbeddedStore, tmp_path: Path):
    reader = EmbeddedStore(tmp_path)
    base = built.generation
    built.add(G3, b'<http://example.org/c> <http://example.org/p> _:n .\n_:n <http://example.org/p> "x" .\n')
    assert snapshots.chain(tmp_path, built.generation or "") == [base, built.generation]
    assert snapshots.manifest(tmp_path, built.generation or "")["added"] == 2
    assert reader.refresh() and reader.generation == built.generation
    assert canonical(reader) == canonical(built) == canonical(EmbeddedStore(tmp_path))  # blank nodes too


def test_the_merge_loses_a_triple_only_with_its_last_graph(built: EmbeddedStore, tmp_path: Path):
    reader = EmbeddedStore(tmp_path)
    assert merge_count(built) == 2
    change = built.update(
        f'DELETE DATA {{ GRAPH <{G1}> {{ <http://example.org/s> <http://example.org/p> "shared" }} }}'
    )
    assert not change and merge_count(built) == 2  # G2 still holds it
    change = built.update(f"DROP GRAPH <{G2}>")
    assert len(change.removed) == 1 and merge_count(built) == 1
    reader.refresh()
    assert canonical(reader) == canonical(built) == canonical(EmbeddedStore(tmp_path))
    assert [g.name for g in reader.graphs()] == [G1]


def test_a_refused_update_leaves_the_live_store_and_its_files(built: EmbeddedStore, tmp_path: Path):
    before, generation = canonical(built), built.generation

    def refuse(change: object) -> None:
        raise QueryError("refused")

    with pytest.raises(QueryError):
        built.update(
            f"INSERT DATA {{ GRAPH <{G3}> {{ <http://example.org/x> <http://example.org/p> 1 }} }}", check=refuse
        )
    with pytest.raises(QueryError, match="default graph"):
        built.update("INSERT DATA { <http://example.org/x> <http://example.org/p> 1 }")
    assert canonical(built) == before and built.generation == generation
    assert canonical(EmbeddedStore(tmp_path)) == before


def test_a_long_chain_of_deltas_is_compacted_into_a_new_base(built: EmbeddedStore, tmp_path: Path):
    for number in range(snapshots.MAX_CHAIN + 2):
        built.add(G3, b'<http://example.org/n%d> <http://example.org/p> "%d" .\n' % (number, number))
        assert len(snapshots.chain(tmp_path, built.generation or "")) <= snapshots.MAX_CHAIN + 1
    assert canonical(EmbeddedStore(tmp_path)) == canonical(built)
    generations = [p.name for p in tmp_path.iterdir() if p.name.startswith("gen-")]
    assert len(generations) <= 2 * (snapshots.MAX_CHAIN + 1)


def test_readers_in_the_process_never_see_half_a_delta(built: EmbeddedStore):
    """Triples move between two graphs in one update; a reader always counts them all, once in the merge."""
    built.add(G3, b"".join(b'<http://example.org/m%d> <http://example.org/p> "1" .\n' % i for i in range(300)))
    seen: set[tuple[int, int]] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            named = sum(g.triples for g in built.graphs() if g.name in (G2, G3)) - 1
            seen.add((named, merge_count(built)))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for source, target in [(G3, G2), (G2, G3)] * 3:
            moved = "".join(f'<http://example.org/m{i}> <http://example.org/p> "1" . ' for i in range(300))
            built.update(
                f"DELETE DATA {{ GRAPH <{source}> {{ {moved} }} }} ; INSERT DATA {{ GRAPH <{target}> {{ {moved} }} }}"
            )
    finally:
        done.set()
        reader.join()
    assert seen == {(300, 302)}


def test_blank_nodes_keep_their_labels_across_processes(tmp_path: Path):
    """Deltas name blank nodes by label, so every process must hold the labels the files give."""
    writer = EmbeddedStore(tmp_path)
    writer.replace_graphs({G1: b'_:n <http://example.org/p> "x" .\n_:n <http://example.org/q> _:m .\n' + ONLY1})
    reader = EmbeddedStore(tmp_path)
    assert canonical(reader) == canonical(writer)
    writer.update(
        f'DELETE {{ GRAPH <{G1}> {{ ?n <http://example.org/p> "x" }} }} WHERE {{ GRAPH <{G1}> {{ ?n <http://example.org/p> "x" }} }}'
    )
    assert snapshots.manifest(tmp_path, writer.generation or "")["removed"] == 1
    reader.refresh()
    assert canonical(reader) == canonical(writer) == canonical(EmbeddedStore(tmp_path))
    assert merge_count(reader) == 2


def test_an_emptied_store_is_read_by_another_process(tmp_path):
    """A base with no graph files (everything dropped) is not a base of the first format (one N-Quads file)."""
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graphs(
        {"http://example.org/g": b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"}
    )
    store.replace_graphs({}, drop_others=True)
    reader = EmbeddedStore(tmp_path / "store")
    assert len(reader) == 0 and reader.generation == store.generation
