"""Sandbox benchmark under gunicorn: sendMessageToRoom and getRoomHistory throughput, one send to a room with 50
webhooks with patterns (must stay under 100 ms), and the time to read one page of history from a room of 1,000 and of
1,000,000 messages (the two must be within a factor of 2).

Prints its figures; exits 1 when a target is missed. Run: .venv/bin/python bench/sandbox_bench.py
[--seconds N] [--clients N] [--large N] [--workers N].
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import serving  # noqa: E402
from sandbox.delivery import patterns  # noqa: E402
from sandbox.store.db import Database  # noqa: E402

TOKEN = "SandboxBenchT0ken"
SMALL = 1_000
FILL_CHUNK = 50_000  # the most /_sandbox/api/rooms/<id>/fill takes in one request
PAGE_READS = 200
RATIO_LIMIT = 2.0
WEBHOOKS = 50
HOOKED_SENDS = 200
HOOKED_LIMIT_MS = 100.0
# What bots listen for (slash commands, issue keys, links, alerts) and the pattern that stalled a backtracking matcher.
HOOK_PATTERNS = (
    r"^(a+)+$",
    r"^/weather\b",
    r"^/deploy\s+(\w+)",
    r"(?i)\bbuild\s+#?\d+",
    r"[A-Z][A-Z0-9]+-\d+",
    r"https?://\S+",
    r"(?i)\b(error|fail(ed|ure)?)\b",
    r"@(here|all)\b",
    r"^!\w+",
    r"(\w+\s?)+$",
    r"(?:[a-z]{1,25}){10}x",  # near patterns.MAX_PROGRAM_SIZE: as costly as an accepted pattern gets
)
HOOKED_TEXTS = {
    "1,000-char 'aaa...b'": "a" * 999 + "b",
    "a deploy alert": "/deploy web: build #128 failed, see OPS-17 https://ci.example/128 @here",
}


def start_sandbox(db_path: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {
        "SANDBOX_DB": str(db_path),
        "SANDBOX_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SANDBOX_ADMIN_TOKEN": TOKEN,
        "SANDBOX_DEMO": "false",
        "SANDBOX_WEBHOOK_PER_TARGET": "8",  # the one receiver stands for the 50 bots: every sender may use it
    }
    process = serving.start_gunicorn(
        "sandbox.app:create_app()", port, env, workers=workers, extra=("--timeout", "300"), log_path=log, new_session=True
    )
    serving.wait_http(f"http://127.0.0.1:{port}/v2/capabilities", processes=[process])
    return process


def session() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.headers["Authorization"] = f"Bearer {TOKEN}"
    return s


def load(label: str, clients: int, seconds: float, request: callable, expected: int) -> None:
    """Run `clients` threads calling request(session, n) for `seconds`; print throughput and latency."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(number: int) -> None:
        nonlocal errors
        s = session()
        mine, bad, n = [], 0, 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = request(s, number * 1_000_000 + n).status_code
            mine.append(time.perf_counter() - started)
            bad += status != expected
            n += 1
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    print(
        f"{label:<22} {len(latencies) / elapsed:8.0f} req/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   ({clients} clients, {errors} errors)"
    )


def page_time(s: requests.Session, url: str, room_id: int) -> tuple[float, float]:
    """Median and p95 of reading the newest page (100 messages) of the room, sequentially."""
    times = []
    for _ in range(PAGE_READS):
        started = time.perf_counter()
        response = s.get(f"{url}/v2/room/{room_id}/history?max-results=100", timeout=30)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200 and len(response.json()["items"]) == 100
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def fill(s: requests.Session, url: str, room_id: int, count: int) -> float:
    started = time.monotonic()
    with tqdm(total=count, unit="msg", desc=f"filling room {room_id}", leave=False, disable=count < FILL_CHUNK) as bar:
        left = count
        while left:
            chunk = min(FILL_CHUNK, left)
            response = s.post(f"{url}/_sandbox/api/rooms/{room_id}/fill", json={"count": chunk}, timeout=600)
            response.raise_for_status()
            left -= chunk
            bar.update(chunk)
    return time.monotonic() - started


class Receiver(BaseHTTPRequestHandler):
    """The bots behind the webhooks: read the delivery, answer 204."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def add_webhooks(db_path: Path, room_id: int, count: int, url: str) -> None:
    """count room_message webhooks on the room, written into its database: the API allows 10 a room (and 10 global)."""
    db = Database(str(db_path))
    try:
        with db.write() as conn:
            group_id = conn.execute("SELECT group_id FROM rooms WHERE id = ?", (room_id,)).fetchone()[0]
            for n in range(count):
                pattern = HOOK_PATTERNS[n % len(HOOK_PATTERNS)]
                patterns.check(pattern)
                body = {"key": f"bench-{n}", "url": url, "event": "room_message", "pattern": pattern, "name": f"bench {n}"}
                conn.execute(
                    "INSERT INTO extensions (group_id, room_id, type, key, event, body, created) VALUES (?, ?, 'webhook', ?, ?, ?, ?)",
                    (group_id, room_id, body["key"], "room_message", json.dumps(body), time.time_ns() // 1000),
                )
    finally:
        db.close()


def hooked_sends(s: requests.Session, url: str, room_id: int) -> bool:
    """Median and p95 of one send to the room with the webhooks, per text; whether every p95 is within the limit."""
    met = True
    for label, text in HOOKED_TEXTS.items():
        times = []
        for _ in range(HOOKED_SENDS):
            started = time.perf_counter()
            response = s.post(f"{url}/v2/room/{room_id}/message", json={"message": text}, timeout=30)
            times.append(time.perf_counter() - started)
            assert response.status_code == 201, response.text
        times.sort()
        median, p95 = statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000
        verdict = "ok" if p95 < HOOKED_LIMIT_MS else "TOO SLOW"
        figures = f"median {median:6.2f} ms   p95 {p95:6.2f} ms   (limit {HOOKED_LIMIT_MS:.0f}) {verdict}"
        print(f"send, {WEBHOOKS} webhooks with patterns, {label:<22} {figures}")
        met = met and p95 < HOOKED_LIMIT_MS
    return met


def drain(s: requests.Session, url: str, timeout: float = 120.0) -> None:
    """Wait until no webhook delivery is pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not s.get(f"{url}/_sandbox/api/deliveries?state=pending&limit=1", timeout=30).json()["items"]:
            return
        time.sleep(0.2)
    raise RuntimeError("webhook deliveries still pending")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--large", type=int, default=1_000_000, help="messages in the large room")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as work:
        port = serving.free_port()
        url = f"http://127.0.0.1:{port}"
        process = start_sandbox(Path(work) / "bench.db", port, args.workers, Path(work) / "sandbox.log")
        try:
            s = session()
            names = ("Load", "Hooked", "Small", "Large")
            rooms = {name: s.post(f"{url}/v2/room", json={"name": name}, timeout=10).json()["id"] for name in names}
            print(f"sandbox under gunicorn: {args.workers} workers x 8 threads, SQLite WAL at {work}/bench.db, {os.cpu_count()} CPUs")
            load(
                "sendMessageToRoom",
                args.clients,
                args.seconds,
                lambda s, n: s.post(f"{url}/v2/room/{rooms['Load']}/message", json={"message": f"load {n}"}, timeout=30),
                201,
            )
            load(
                "getRoomHistory", args.clients, args.seconds, lambda s, n: s.get(f"{url}/v2/room/{rooms['Load']}/history", timeout=30), 200
            )
            receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
            threading.Thread(target=receiver.serve_forever, daemon=True).start()
            add_webhooks(Path(work) / "bench.db", rooms["Hooked"], WEBHOOKS, f"http://127.0.0.1:{receiver.server_port}/hook")
            hooks_met = hooked_sends(s, url, rooms["Hooked"])
            drain(s, url)  # the deliveries those sends queued, before the figures that follow
            receiver.shutdown()
            fill(s, url, rooms["Small"], SMALL)
            fill_seconds = fill(s, url, rooms["Large"], args.large)
            print(f"filled a room with {args.large:,} messages in {fill_seconds:.1f} s")
            small = page_time(s, url, rooms["Small"])
            large = page_time(s, url, rooms["Large"])
            ratio = large[0] / small[0]
            print(f"history page, {SMALL:>9,} messages: median {small[0]:6.2f} ms   p95 {small[1]:6.2f} ms")
            print(f"history page, {args.large:>9,} messages: median {large[0]:6.2f} ms   p95 {large[1]:6.2f} ms")
            verdict = "ok" if ratio <= RATIO_LIMIT else "TOO SLOW"
            print(f"large/small page time: {ratio:.2f} (limit {RATIO_LIMIT}) {verdict}")
            return 0 if ratio <= RATIO_LIMIT and hooks_met else 1
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
