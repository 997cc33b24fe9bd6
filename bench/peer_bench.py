"""The sandbox beside a peer: Stoplight Prism mocking the HipChat v2 Swagger, both under wrk, on the same calls.

Calls: GET a room's history (7 messages), POST a room notification, GET /v2/capabilities. Rounds alternate between
the two servers so that a noisy moment on a shared machine hurts both alike; every line carries the load average
read just before its round. Prints throughput and p50/p99 for each, the sandbox/Prism throughput ratio and the
sandbox's p99/p50; exits 1 when a target is missed (throughput >= Prism's on history and notification, p99 <= 3 x p50).

What it needs, installed the first time: wrk (Debian's `wrk`: the script runs apt-get when it runs as root, else
says what to install) and @stoplight/prism-cli (npm, into $HIPCHAT_BENCH_CACHE, default ~/.cache/hipchat-bench). The
spec is ../shared/reference/hipchat_api_v2.yaml from the repository root (--spec to point elsewhere).

Run: make bench, or .venv/bin/python bench/peer_bench.py [--seconds N] [--connections N] [--repeat N].
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import serving  # noqa: E402

PRISM_PACKAGE = "@stoplight/prism-cli"
PRISM_VERSION = "5.16.0"
CACHE = Path(os.environ.get("HIPCHAT_BENCH_CACHE") or Path.home() / ".cache" / "hipchat-bench")
TOKEN = "PeerBenchT0ken"
SANDBOX_APP = "sandbox.app:create_app()"
HISTORY_MESSAGES = 7
THROUGHPUT_TARGET = 1.0  # sandbox req/s over Prism's, on history and notification
TAIL_TARGET = 3.0  # sandbox p99 over its p50


@dataclass(frozen=True)
class Call:
    label: str
    method: str
    path: str  # below /v2 on the sandbox; Prism serves the spec's paths without its basePath
    body: dict | None = None
    versus_prism: bool = True


CALLS = (
    Call("history GET", "GET", "/room/{room}/history"),
    Call("notification POST", "POST", "/room/{room}/notification", {"message": "peer bench", "color": "green"}),
    Call("capabilities GET", "GET", "/capabilities", versus_prism=False),
)


def load_average() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get) ...", flush=True)
        command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]
        subprocess.run(command, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is missing: apt-get install wrk (or run scripts/install-toolchains.sh as root)")
    return found


def ensure_prism() -> Path:
    prefix = CACHE / f"prism-{PRISM_VERSION}"
    binary = prefix / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    if not shutil.which("npm"):
        sys.exit("npm is missing: apt-get install nodejs npm")
    print(f"installing {PRISM_PACKAGE}@{PRISM_VERSION} into {prefix} (once) ...", flush=True)
    prefix.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix), f"{PRISM_PACKAGE}@{PRISM_VERSION}"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return binary


def spec_for_prism(spec: Path, work: Path) -> Path:
    """The spec with `consumes: application/json` added at its root: the Swagger file lists no request content types,
    and Prism answers 415 to any request with a body when a spec names none (HipChat takes JSON bodies)."""
    text = spec.read_text()
    if not re.search(r"^consumes:", text, re.MULTILINE):
        text = re.sub(r"^produces:", "consumes:\n  - application/json\nproduces:", text, count=1, flags=re.MULTILINE)
    patched = work / "hipchat_api_v2.yaml"
    patched.write_text(text)
    return patched


def start_prism(binary: Path, spec: Path, port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), "--verboseLevel", "error", str(spec)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    serving.wait_http(f"http://127.0.0.1:{port}/capabilities", timeout=60, processes=[process])
    return process


def start_sandbox(work: Path, port: int, workers: int, threads: int, root: Path = ROOT) -> subprocess.Popen:
    """The sandbox of the checkout at root on an empty database in work, its admin token TOKEN, once it answers."""
    env = {
        "SANDBOX_DB": str(work / "sandbox.db"),
        "SANDBOX_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SANDBOX_ADMIN_TOKEN": TOKEN,
        "SANDBOX_DEMO": "false",
        "SANDBOX_BANNER": "false",
    }
    log = work / "sandbox.log"
    process = serving.start_gunicorn(
        SANDBOX_APP, port, env, workers=workers, threads=threads, log_path=log, new_session=True, root=root
    )
    serving.wait_http(f"http://127.0.0.1:{port}/v2/capabilities", processes=[process])
    return process


def sandbox_rooms(base: str) -> dict[str, int]:
    """A room whose history has HISTORY_MESSAGES messages, and another that takes the notifications."""
    s = requests.Session()
    s.trust_env = False
    s.headers["Authorization"] = f"Bearer {TOKEN}"
    rooms = {}
    for name in ("Bench history", "Bench notifications"):
        response = s.post(f"{base}/v2/room", json={"name": name}, timeout=10)
        response.raise_for_status()
        rooms[name] = response.json()["id"]
    for n in range(HISTORY_MESSAGES):
        s.post(f"{base}/v2/room/{rooms['Bench history']}/message", json={"message": f"message {n}"}, timeout=10).raise_for_status()
    return {"history": rooms["Bench history"], "notification": rooms["Bench notifications"]}


def wrk_script(call: Call, work: Path) -> Path:
    script = work / f"{call.label.split()[0]}.lua"
    lines = [f'wrk.method = "{call.method}"', f'wrk.headers["Authorization"] = "Bearer {TOKEN}"']
    if call.body is not None:
        lines += [f"wrk.body = {json.dumps(json.dumps(call.body))}", 'wrk.headers["Content-Type"] = "application/json"']
    script.write_text("\n".join(lines) + "\n")
    return script


def wrk(url: str, script: Path, seconds: float, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors at {url}:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each wrk round")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per server and call; the best is kept")
    parser.add_argument("--workers", type=int, default=2, help="the sandbox's gunicorn workers (the Procfile's default)")
    parser.add_argument("--threads", type=int, default=serving.threads_for(SANDBOX_APP), help="threads a worker (the Procfile's)")
    parser.add_argument("--spec", type=Path, default=ROOT.parent / "shared" / "reference" / "hipchat_api_v2.yaml")
    args = parser.parse_args()
    if not args.spec.exists():
        sys.exit(f"no spec at {args.spec} (--spec PATH)")
    ensure_wrk()
    prism = ensure_prism()

    with tempfile.TemporaryDirectory(prefix="peer-bench-") as name:
        work = Path(name)
        sandbox_port, prism_port = serving.free_port(), serving.free_port()
        processes = [start_sandbox(work, sandbox_port, args.workers, args.threads)]
        try:
            processes.append(start_prism(prism, spec_for_prism(args.spec, work), prism_port, work / "prism.log"))
            rooms = sandbox_rooms(f"http://127.0.0.1:{sandbox_port}")
            servers = {"sandbox": f"http://127.0.0.1:{sandbox_port}/v2", "prism": f"http://127.0.0.1:{prism_port}"}
            print(
                f"wrk, {args.connections} connections, best of {args.repeat} x {args.seconds:.0f} s, rounds interleaved; "
                f"sandbox: gunicorn {args.workers} workers of {args.threads} threads as in the Procfile; "
                f"Prism {PRISM_VERSION} (it answers the spec's examples or {{}}); {os.cpu_count()} CPUs"
            )
            met = True
            for call in CALLS:
                script = wrk_script(call, work)
                path = call.path.format(room=rooms.get(call.label.split()[0], 1))
                labels = ("sandbox", "prism") if call.versus_prism else ("sandbox",)
                for label in labels:
                    wrk(f"{servers[label]}{path}", script, 1, args.connections)  # warm-up
                best: dict[str, dict] = {}
                for _ in range(args.repeat):
                    for label in labels:
                        loadavg = load_average()
                        figures = {**wrk(f"{servers[label]}{path}", script, args.seconds, args.connections), "load": loadavg}
                        if label not in best or figures["rps"] > best[label]["rps"]:
                            best[label] = figures
                for label in labels:
                    f = best[label]
                    print(
                        f"  {call.label:<18} {label:<8} {f['rps']:7.0f} req/s   p50 {f['p50']:7.2f} ms   p99 {f['p99']:7.2f} ms"
                        f"   load average {f['load']}"
                    )
                sandbox = best["sandbox"]
                tail = sandbox["p99"] / sandbox["p50"]
                verdict = [f"sandbox p99/p50 {tail:.1f} (target <= {TAIL_TARGET:.0f}) {'met' if tail <= TAIL_TARGET else 'MISSED'}"]
                met = met and tail <= TAIL_TARGET
                if call.versus_prism:
                    ratio = sandbox["rps"] / best["prism"]["rps"]
                    judged = "met" if ratio >= THROUGHPUT_TARGET else "MISSED"
                    verdict.insert(0, f"sandbox/Prism {ratio:.2f} (target >= {THROUGHPUT_TARGET:.1f}) {judged}")
                    met = met and ratio >= THROUGHPUT_TARGET
                print(f"  {'':<18} {'   '.join(verdict)}")
            return 0 if met else 1
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
