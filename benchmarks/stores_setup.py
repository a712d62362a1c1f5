"""What ``benchmarks/stores.py`` runs on: a Virtuoso with bench settings, the remote store over it, and a meter
of the remote store's HTTP requests."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gzg_graph.store.remote import RemoteStore
from gzg_graph.store.sparql_http import SparqlClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from virtuoso import BINARY, TEMPLATE, VirtuosoServer, _die_with_parent  # noqa: E402

#: Timeout of one request to Virtuoso: the switch of a 1M-triple load is one request.
TIMEOUT_S = 600


class BenchVirtuoso(VirtuosoServer):
    """``tests/virtuoso.py``'s server, from the same template with the settings a 1M-triple benchmark needs:
    Virtuoso's guide gives 85,000 8 KB buffers per GB of memory it may use; the template's 20,000 (160 MB) hold
    less than a 1M-triple load and its copy, so the load would be measured against the disk."""

    settings: dict[str, str] = {}

    @classmethod
    def with_settings(cls, buffers: int, row_cap: int) -> BenchVirtuoso:
        cls.settings = {
            "NumberOfBuffers": str(buffers),
            "MaxDirtyBuffers": str(buffers * 3 // 4),  # the guide's ratio, as the template
            "MaxQueryMem": "2G",  # the switch's INSERT ... WHERE of all triples is one query
            "MaxQueryExecutionTime": str(TIMEOUT_S),
            "ResultSetMaxRows": str(row_cap),
            # The switch of a load is one transaction; Virtuoso aborts one whose log "after image" passes this
            # (default 50 MB: SR325 at about 1M triples). Not in the template: added to [Parameters].
            "TransactionAfterImageLimit": "1500000000",
        }
        server = cls.start(timeout=120)
        assert isinstance(server, BenchVirtuoso)  # noqa: S101
        return server

    def settings_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.settings.items())

    @classmethod
    def _launch(cls, directory: Path, sql_port: int, http_port: int) -> VirtuosoServer:
        text = TEMPLATE.read_text().replace("@DIR@", str(directory))
        text = text.replace("@SQL_PORT@", str(sql_port)).replace("@HTTP_PORT@", str(http_port))
        for key, value in cls.settings.items():
            text, found = re.subn(rf"^{key}\s*=.*$", f"{key} = {value}", text, flags=re.MULTILINE)
            if found == 0:
                text = text.replace("[Parameters]\n", f"[Parameters]\n{key} = {value}\n", 1)
            elif found > 1:
                raise SystemExit(f"scripts/virtuoso.ini sets {key} more than once")
        ini = directory / "virtuoso.ini"
        ini.write_text(text)
        with open(directory / "stdout.log", "wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own arguments
                [BINARY, "+foreground", "+configfile", str(ini)],
                cwd=directory,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - the server must die with the benchmark
            )
        return cls(directory, sql_port, http_port, process)


def remote_store(server: VirtuosoServer, lock_directory: Path, row_cap: int) -> RemoteStore:
    """The remote store as tests/test_store_contract.py makes it: reads from the public endpoint, writes with
    digest auth, loads over the Graph Store Protocol."""
    return RemoteStore(server.endpoints(row_cap=row_cap, timeout_seconds=TIMEOUT_S), lock_directory=lock_directory)


class Meter:
    """The seconds of each request a remote store's client makes (query, update, post_graph), measured around
    the real calls."""

    METHODS = ("query", "update", "post_graph")

    def __init__(self, client: SparqlClient):
        self.client = client
        self.calls: dict[str, list[float]] = defaultdict(list)
        for name in self.METHODS:
            setattr(client, name, self._timed(name, getattr(client, name)))

    def _timed(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.calls[name].append(time.perf_counter() - started)

        return timed

    def reset(self) -> None:
        self.calls.clear()

    def summary(self, name: str) -> dict[str, Any]:
        return {"n": len(self.calls[name]), "total_s": sum(self.calls[name])}

    def counts(self) -> dict[str, str]:
        return {name: f"{len(s)} in {sum(s):.2f} s" for name, s in self.calls.items() if s}

    def detach(self) -> None:
        for name in self.METHODS:
            vars(self.client).pop(name, None)
