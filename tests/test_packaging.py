"""The project installs the way Python users expect: a wheel, in a fresh virtual environment, outside the clone.

The wheel must carry everything ``gzg`` needs at run time (shapes, ontology, named queries, the web layer as
``gzg_api``) and nothing named ``api``; the source data is given with ``GZG_DATA_DIR``. Everything runs with
the working directory outside the clone, so nothing can be found there by accident.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import BASE, REPO
from test_validate_interfaces import new_project

from gzg_graph.store import EmbeddedStore

pytestmark = pytest.mark.slow


class Installed:
    """A fresh virtual environment with the project's wheel installed, and a scratch folder outside the clone."""

    def __init__(self, root: Path):
        self.root = root
        self.venv = root / "venv"
        self.work = root / "work"
        self.work.mkdir()

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, **extra: str) -> dict[str, str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("GZG_", "PYTHON", "VIRTUAL_ENV"))}
        return {**clean, "GZG_BASE_URI": BASE, "COLUMNS": "200", **extra}

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / "gzg"), *args],
            cwd=self.work,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=600,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    assert not root.resolve().is_relative_to(REPO), "the environment must be outside the clone"
    wheels = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    )
    [wheel] = wheels.glob("gzg_graph-*.whl")
    target = Installed(root)
    # A venv without pip of its own (ensurepip is most of a venv's creation time), filled by our pip through
    # --python; the wheel and its dependencies are installed as a user's pip would, only not byte-compiled.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target.venv)], check=True, cwd=root)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target.bin / "python"), "install", "--quiet", "--no-compile"]
        + [str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    )
    return target


def test_the_wheel_ships_the_package_data_and_no_top_level_api(installed):
    probe = (
        "import importlib.util, gzg_graph, gzg_api\n"
        "from gzg_graph.config import CLONE_ROOT, packaged\n"
        "print(gzg_graph.__file__)\n"
        "print(importlib.util.find_spec('api'))\n"
        "print(CLONE_ROOT)\n"
        "print(sorted(p.name for p in packaged('shapes').iterdir() if p.name.endswith('.ttl')))\n"
        "print(packaged('ontology').joinpath('gzg.ttl').is_file(), packaged('queries').joinpath('calls.rq').is_file())\n"
    )
    result = subprocess.run(
        [str(installed.bin / "python"), "-c", probe],
        cwd=installed.work,
        env=installed.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    location, api_spec, clone_root, shapes, data_files = result.stdout.splitlines()
    assert Path(location).is_relative_to(installed.venv)
    assert api_spec == "None" and clone_root == "None"
    assert shapes == "['gzg-shapes.ttl']" and data_files == "True True"


def test_build_without_data_dir_says_what_to_set(installed):
    result = installed.run("build", GZG_STORE_DIR=str(installed.root / "no-store"))
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "GZG_DATA_DIR" in errors[0], result.stderr


@pytest.fixture(scope="module")
def installed_store(installed) -> Path:
    data = installed.root / "data-copy"
    shutil.copytree(REPO / "data", data)
    store_dir = installed.root / "store"
    result = installed.run("build", GZG_DATA_DIR=str(data), GZG_STORE_DIR=str(store_dir))
    assert result.returncode == 0, result.stderr
    return store_dir


def test_build_and_query_from_the_installed_package(installed, installed_store):
    result = installed.run("query", "calls", "--format", "csv", GZG_STORE_DIR=str(installed_store))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 8 and ",1,Oproep 1," in lines[1]


def test_validate_a_file_with_the_installed_shapes(installed, installed_store):
    store = EmbeddedStore(installed_store)
    ok, too_much = installed.work / "ok.ttl", installed.work / "too-much.ttl"
    ok.write_text(new_project(store, 100000), encoding="utf-8")
    too_much.write_text(new_project(store, 900000), encoding="utf-8")
    conforms = installed.run("validate", str(ok), GZG_STORE_DIR=str(installed_store))
    refused = installed.run("validate", str(too_much), GZG_STORE_DIR=str(installed_store))
    assert conforms.returncode == 0, conforms.stdout + conforms.stderr
    assert refused.returncode == 1 and "Violation" in refused.stdout


def test_serve_answers_sparql(installed, installed_store):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(installed.bin / "gzg"), "serve", "--port", str(port)],
        cwd=installed.work,
        env=installed.env(GZG_STORE_DIR=str(installed_store)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/sparql",
                    params={"query": "ASK { ?s ?p ?o }"},
                    headers={"accept": "application/sparql-results+json"},
                    timeout=5,
                )
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, f"the server did not answer: {server.poll()}"
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
