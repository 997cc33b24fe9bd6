"""Runtime benchmark: (1) the runtime's own cost per call, (2) throughput under gunicorn vs a bare proxy.

Prints its figures; the targets are (1) under 50 µs per call and (2) at least 0.85 of the bare proxy's
throughput. Run: make bench (or .venv/bin/python bench/runtime_bench.py [--seconds N]).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fast_upstream import BODY as HISTORY_BODY  # noqa: E402
from common import serving  # noqa: E402
from runtime.catalog import arguments, envelope  # noqa: E402
from runtime.catalog.examples import example_args  # noqa: E402
from runtime.catalog.loading import load_catalog  # noqa: E402
from runtime.config import Settings  # noqa: E402
from runtime.pipeline import call_body, mapping  # noqa: E402
from runtime.pipeline.upstream import UpstreamResponse  # noqa: E402

TOKEN = "BenchT0ken"
SETTINGS = Settings()  # the defaults: the limits a call is prepared under
CARD_ATTRIBUTES = [
    {
        "label": "env",
        "value": {
            "label": "prod",
            "style": "lozenge-success",
            "icon": {"url": "https://ci.example.com/i.png", "url@2x": "https://ci.example.com/i2.png"},
        },
    }
]
HISTORY_ARGS = {
    "authToken": TOKEN,
    "roomIdOrName": "Ops Room",
    "maxResults": "100",
    "startIndex": 0,
    "reverse": "true",
    "includeDeleted": False,
    "date": "recent",
    "timezone": "UTC",
}


def notification_args(catalog) -> dict:
    args = example_args(catalog.find("sendRoomNotification"), include_optional=True)
    return {**args, "authToken": TOKEN, "cardAttributes": CARD_ATTRIBUTES}


def own_cost(catalog, name: str, args: dict, answer: UpstreamResponse, rounds: int) -> tuple[float, float]:
    """Median µs of validation + mapping + body encoding + envelope, no network: (CPU time of this thread, wall time).

    The CPU time is the figure judged against the target: it does not count the time other processes on a
    shared machine hold the cores, which the wall time does.
    """
    function = catalog.find(name)
    cpu, wall = [], []
    for _ in range(rounds):
        started_cpu, started_wall = time.thread_time_ns(), time.perf_counter_ns()
        prepared = arguments.prepare(function, args, {}, SETTINGS.max_json_depth, SETTINGS.max_array_items)
        outbound = mapping.build(function, prepared)
        mapping.encode(function, outbound)
        envelope.from_upstream(answer, catalog.upstream)
        cpu.append(time.thread_time_ns() - started_cpu)
        wall.append(time.perf_counter_ns() - started_wall)
    return statistics.median(cpu) / 1000, statistics.median(wall) / 1000


def body_cost(args: dict, rounds: int) -> float:
    """Median µs of CPU to turn a JSON call body into its args (decode, parse, depth and text checks, shape)."""
    data = json.dumps({"args": args}).encode()
    cpu = []
    for _ in range(rounds):
        started = time.thread_time_ns()
        call_body.json_body_args(data, SETTINGS)
        cpu.append(time.thread_time_ns() - started)
    return statistics.median(cpu) / 1000


def refusal_cost(catalog, bad_items: int) -> float:
    """ms of CPU to refuse a sendRoomNotification whose cardAttributes holds bad_items invalid items, with no array
    cap, so that the validators (not RUNTIME_MAX_ARRAY_ITEMS) do the work: the case that took 4.8 s before."""
    function = catalog.find("sendRoomNotification")
    args = {**notification_args(catalog), "cardAttributes": [{}] * bad_items}
    cpu = []
    for _ in range(3):  # the best of three: the first also compiles the validators
        started = time.thread_time_ns()
        with contextlib.suppress(envelope.CallError):
            arguments.prepare(function, args, {}, SETTINGS.max_json_depth)
        cpu.append(time.thread_time_ns() - started)
    return min(cpu) / 1e6


def serve(app_spec: str, env: dict, workers: int = 2, health: str = "/healthz") -> tuple[subprocess.Popen, str]:
    port = serving.free_port()
    process = serving.start_gunicorn(app_spec, port, env, workers=workers, extra=("--log-level", "warning"))
    base = f"http://127.0.0.1:{port}"
    serving.wait_http(f"{base}{health}", processes=[process])
    return process, base


def load(url: str, body: dict, seconds: float, concurrency: int) -> dict:
    if shutil.which("wrk"):
        return load_wrk(url, body, seconds, concurrency)
    return load_python(url, body, seconds, concurrency)


def load_wrk(url: str, body: dict, seconds: float, concurrency: int) -> dict:
    """wrk, a second process on loopback, with a Lua script for the POST body."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\nwrk.headers["Content-Type"] = "application/json"\n')
    try:
        output = subprocess.run(
            ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{seconds:.0f}s", "--latency", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw errors:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "calls": int(re.search(r"(\d+) requests in", output).group(1)),
        "tool": "wrk",
    }


def _wrk_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_python(url: str, body: dict, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        session = requests.Session()
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = session.post(url, json=body, timeout=10)
            response.raise_for_status()
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "calls": len(latencies),
        "tool": "python threads",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="load duration per server")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    catalog = load_catalog(ROOT / "metadata.json")
    print("(1) runtime's own cost per call (validation + mapping + encoding + envelope, no network), median:")
    no_content = UpstreamResponse(204, {}, b"", "http://127.0.0.1/v2")
    history = UpstreamResponse(200, {"Content-Type": "application/json"}, HISTORY_BODY, "http://127.0.0.1/v2")
    for name, args, answer in [("sendRoomNotification", notification_args(catalog), no_content), ("getRoomHistory", HISTORY_ARGS, history)]:
        cpu, wall = own_cost(catalog, name, args, answer, options.rounds)
        verdict = "met" if cpu < 50 else "MISSED"
        print(f"    {name:22s} {cpu:6.1f} µs CPU ({wall:6.1f} µs wall)   {len(args):2d} args   target < 50 µs: {verdict}")
    print("    reading the JSON body into args, before the above (not part of the target), median:")
    for name, args in [("sendRoomNotification", notification_args(catalog)), ("getRoomHistory", HISTORY_ARGS)]:
        print(f"    {name:22s} {body_cost(args, options.rounds):6.1f} µs CPU")
    print(f"    refusing 80,000 bad cardAttributes items without the array cap: {refusal_cost(catalog, 80_000):.1f} ms CPU")

    upstream_process, upstream_url = serve("bench.fast_upstream:app", {}, workers=1, health="/")
    servers = {
        "runtime": serve("runtime.app:create_app()", {"HIPCHAT_API_URL": f"{upstream_url}/v2", "RUNTIME_LOG_LEVEL": "WARNING"}),
        "bare proxy": serve("bench.bare_proxy:app", {"BARE_UPSTREAM": f"{upstream_url}/v2/room/Ops%20Room/history?max-results=100"}),
    }
    paths = {"runtime": "/api/HipChat/getRoomHistory", "bare proxy": "/proxy"}
    runs: dict[str, list[dict]] = {label: [] for label in servers}
    try:
        for label, (_, base) in servers.items():
            load(f"{base}{paths[label]}", {"args": HISTORY_ARGS}, 1.0, options.concurrency)  # warm-up
        for _ in range(options.repeat):  # alternate, so that a noisy moment hurts both alike
            for label, (_, base) in servers.items():
                loadavg = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())  # other work on a shared machine, before the round
                figures = load(f"{base}{paths[label]}", {"args": HISTORY_ARGS}, options.seconds, options.concurrency)
                runs[label].append({**figures, "load": loadavg})
    finally:
        for process, _ in [*servers.values(), (upstream_process, "")]:
            process.terminate()
            process.wait(timeout=10)
    tool = runs["runtime"][0]["tool"]
    print(
        f"(2) gunicorn (2 workers x 8 threads each), getRoomHistory against a fast local upstream (gunicorn), load by {tool}, "
        f"{options.concurrency} connections, best of {options.repeat} x {options.seconds:.0f} s:"
    )
    best = {label: max(figures, key=lambda f: f["rps"]) for label, figures in runs.items()}
    for label, figures in best.items():
        print(
            f"    {label:10s} {figures['rps']:8.0f} req/s   p50 {figures['p50_ms']:6.2f} ms   p99 {figures['p99_ms']:6.2f} ms"
            f"   load average {figures['load']}"
        )
    ratio = best["runtime"]["rps"] / best["bare proxy"]["rps"]
    print(f"    ratio runtime / bare proxy: {ratio:.2f}   target >= 0.85: {'met' if ratio >= 0.85 else 'MISSED'}")


if __name__ == "__main__":
    main()
