"""Shared fixtures: the real graph, built once per test session from data/ into a temporary store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gzg_graph.config import Settings
from gzg_graph.namespaces import PREFIXES
from gzg_graph.store import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BASE = "http://127.0.0.1:8000"


def settings_for(store_dir: Path, **changes) -> Settings:
    defaults = {"base_uri": BASE, "data_dir": REPO / "data"}
    return dataclasses.replace(Settings.from_env(), store_dir=store_dir, **{**defaults, **changes})


#: Tests whose time bounds must not depend on another of them keeping the cores busy at the same moment (a point
#: query beside forty slow queries, runaway queries stopped at their timeout, a reader loop): in a parallel run
#: they form one unit of work, so they run on one worker, one after another.
TIMING = (
    "tests/test_hardening.py::",
    "tests/test_isolation.py::",
    "tests/test_writes.py::test_readers_never_see_half_an_update",
)


def work_unit(nodeid: str) -> str:
    """What a parallel run (``make test``: pytest-xdist, ``-n 2``) hands to one worker: a whole module, so its
    module fixtures (a live server, a browser, an installed wheel) are set up once, or the TIMING unit."""
    return "timing" if nodeid.startswith(TIMING) else nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Work units as :func:`work_unit` says, in the order the workers collected them (see below). Not xdist's
    ``--dist loadgroup`` with xdist_group marks: with pytest 9.2 it no longer groups (pytest-xdist issue 1386)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return ByWorkUnit(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker, the units with a slow test come first, so that no long one starts last and leaves
    the other worker idle (the sort is stable: a module keeps its order); a serial run keeps the file order."""
    if hasattr(config, "workerinput"):
        slow = {work_unit(item.nodeid) for item in items if item.get_closest_marker("slow")}
        items.sort(key=lambda item: work_unit(item.nodeid) not in slow)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(settings, store, build result) for the real graph."""
    from gzg_graph.build import build

    store_dir = tmp_path_factory.mktemp("store")
    settings = settings_for(store_dir)
    store = EmbeddedStore(store_dir, prefixes={**PREFIXES, "gzg": f"{BASE}/ns/gzg#"})
    result = build(settings, store)
    return settings, store, result


@pytest.fixture(scope="session")
def store(built) -> EmbeddedStore:
    return built[1]


@pytest.fixture(scope="session")
def real_report(built):
    """The build's full SHACL validation of the real graph: run once per test run, shared by every test
    that needs it (a full validation takes ~20 s; the incremental tests validate small graphs of their own)."""
    report = built[2].report
    assert report is not None
    return report


@pytest.fixture(scope="session")
def real_graphs(tmp_path_factory) -> dict:
    """The real graph as the build assembles it (graph local name -> rdflib Graph), read and mapped once."""
    from gzg_graph.build import assemble

    return assemble(settings_for(tmp_path_factory.mktemp("assembled")))


@pytest.fixture(scope="session")
def real_graph(real_graphs):
    """Everything the build validates: all named graphs but the ontology, as one rdflib Graph."""
    from rdflib import Graph

    data = Graph()
    for name, graph in real_graphs.items():
        if name != "ontology":
            data += graph
    return data


@pytest.fixture()
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the clone")
    return SHARED


#: Our own source files in data/ (not the imported LBLOD data in data/lblod/).
OWN_FILES = (
    "programme.yaml",
    "calls.yaml",
    "concepts.ttl",
    "partners.csv",
    "building-blocks.csv",
    "projects.csv",
    "participations.csv",
    "sources.yaml",
    "sources",
)


def copy_own_data(target: Path) -> Path:
    """Copy our own files in data/ into ``target`` (which may exist) and return it."""
    import shutil

    for name in OWN_FILES:
        source = REPO / "data" / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


@pytest.fixture()
def own_data_copy(tmp_path) -> Path:
    """A writable copy of our own files in data/, to break one of them per test."""
    return copy_own_data(tmp_path)


# A real Virtuoso (tests/virtuoso.py): ``virtuoso``, one server per session (per xdist worker), and
# ``virtuoso_clean``, the same emptied of all but its system graphs. Skipped without virtuoso-t, failed on CI.
# A real Oxigraph server (tests/oxigraph_server.py): ``oxigraph`` and ``oxigraph_clean``, the same way.
from oxigraph_server import oxigraph, oxigraph_clean  # noqa: E402, F401
from virtuoso import virtuoso, virtuoso_clean  # noqa: E402, F401
