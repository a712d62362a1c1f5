"""The load of ``benchmarks/compare.py``: wrk in a separate process, rotating over a list of requests, and the
in-process timing of the floor; percentiles computed one way for both.

Why wrk: a C load generator (Debian package ``wrk``) that does tens of thousands of requests per second on one
thread, so it is not the bottleneck at the 2-5k req/s the servers reach here, and that keeps every latency in a
histogram of microseconds (exact percentiles, not sampled). It is a closed loop: each of the N connections
sends its next request when the previous answer arrived, so N is "N concurrent clients". Every request has a
timeout (``--timeout``); a timed-out request is counted in ``timeouts`` and has no latency. Throughput counts
only answers with a 2xx status; the others are counted by status (``statuses``) and in ``errors``, and their
latency is in the percentiles (wrk keeps one histogram of every completed answer). A phase lasts
``seconds`` whatever the server does: a request still running at the end is neither a latency nor a timeout, so
``requests`` (completed) is reported with the figures and a phase with none says so.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: wrk's script: the requests of ``requests`` in turn, one per request; at the end one JSON line (times in ms).
WRK_SCRIPT = """
local requests = {%s}
local i = 0
local threads = {}
statuses = {}
setup = function(thread)
  table.insert(threads, thread)
end
request = function()
  i = i %% #requests + 1
  local r = requests[i]
  return wrk.format("GET", r[1], {["Accept"] = r[2]})
end
response = function(status, headers, body)
  if status >= 300 then
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local parts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      table.insert(parts, string.format('"%%s": %%d', status, n))
    end
  end
  io.write(string.format('\\nRESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, '
    .. '"max": %%f, "connect": %%d, "read": %%d, "write": %%d, "timeouts": %%d, "statuses": {%%s}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ", ")))
end
"""


@dataclass(frozen=True)
class Request:
    """One GET request of a rotation: the path with its query string (URL-encoded), and its Accept header."""

    path: str
    accept: str


def percentile(samples: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by the nearest-rank method, as wrk reports it; None for no samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float], elapsed: float) -> dict[str, Any]:
    """p50/p95/p99 (ms), count and rate of latencies measured in seconds, in the shape of :func:`wrk`'s."""
    ms = [1000 * s for s in seconds]
    return {
        "requests": len(ms),
        "ok": len(ms),
        "statuses": {},
        "seconds": elapsed,
        "requests/s": len(ms) / elapsed if elapsed else 0.0,
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "timeouts": 0,
        "errors": 0,
    }


def lua_string(text: str) -> str:
    """``text`` as a Lua string literal (JSON's escapes are Lua's for the ASCII of a URL and a media type)."""
    if not text.isascii():
        raise ValueError(f"not ASCII: {text[:80]!r}")
    return json.dumps(text)


def wrk(base_url: str, requests: list[Request], clients: int, seconds: float, timeout: float) -> dict[str, Any]:
    """Run wrk with ``clients`` connections for ``seconds`` over ``requests`` in turn; its figures (ms)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench installs it as root)")
    entries = ", ".join(f"{{{lua_string(r.path)}, {lua_string(r.accept)}}}" for r in requests)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % entries)
    try:
        argv = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", f"--timeout={timeout:g}s"]
        done = subprocess.run(
            [*argv, "-s", script.name, base_url], capture_output=True, text=True, timeout=seconds + timeout + 60
        )
    finally:
        Path(script.name).unlink()
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result ({done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")
    figures: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    refused = sum(figures["statuses"].values())
    figures["ok"] = figures["requests"] - refused
    figures["requests/s"] = figures["ok"] / figures["seconds"] if figures["seconds"] else 0.0
    figures["errors"] = refused + figures.pop("connect") + figures.pop("read") + figures.pop("write")
    if figures["requests"] == 0:  # wrk's empty histogram says 0 ms: no answer is no latency
        figures.update(p50=None, p95=None, p99=None, max=None)
    return figures


def time_in_process(run: Callable[[], Any], seconds: float, at_most: int = 2000) -> dict[str, Any]:
    """Latency of ``run()`` in this process: one warm-up, then as many runs as fit in ``seconds`` (at least 3,
    or 1 when the warm-up alone took longer)."""
    begin = time.perf_counter()
    run()
    least = 1 if time.perf_counter() - begin > seconds else 3  # a slow query: one measured run after the warm-up
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < at_most and (len(times) < least or time.perf_counter() - started < seconds):
        begin = time.perf_counter()
        run()
        times.append(time.perf_counter() - begin)
    return summary_ms(times, sum(times))
