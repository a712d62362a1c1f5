"""A real ``gzg serve`` process for tests that must see what a client sees: its own PID, its memory, its log."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from conftest import BASE

GZG = str(Path(sys.executable).parent / "gzg")
POINT_QUERY = "SELECT ?label WHERE { <http://lblod.data.info/id/subsidy-measure-offers/8379a4ea-fd83-47cc-89fa-1a72ee4fbaff> <http://purl.org/dc/terms/title> ?label }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants (the server and its query workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        rss = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), "0")
        total += int(rss) * 1024
        todo.extend(children.get(current, []))
    return total


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def point_query(self, timeout: float = 10) -> httpx.Response:
        return httpx.get(
            f"{self.url}/sparql",
            params={"query": POINT_QUERY},
            headers={"accept": "application/sparql-results+json"},
            timeout=timeout,
        )

    def worker_restarts(self) -> int:
        return self.log.read_text(errors="replace").count("starting a new one")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(store_dir: Path, work: Path, options: tuple[str, ...] = (), **settings: str) -> Server:
    """``gzg serve`` on a copy of ``store_dir``, with ``GZG_*`` settings and more ``gzg serve`` options (such as
    ``("--workers", "2")``); returns once it answers."""
    copy = work / "store"
    shutil.copytree(store_dir, copy)
    port = free_port()
    log = work / "server.log"
    env = {**os.environ, "GZG_BASE_URI": BASE, "GZG_STORE_DIR": str(copy), "GZG_LOG_LEVEL": "INFO", **settings}
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            [GZG, "serve", "--port", str(port), *options], env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.alive():
        try:
            if server.point_query(timeout=30).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')[-2000:]}")
