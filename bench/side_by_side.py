"""The sandbox at another revision beside the working tree's, under wrk, rounds alternating: how a change was measured.

On a shared 2-core VM absolute figures move by tens of percent within an hour; two servers measured in alternating
rounds see the same moments. Each line gives throughput, p50/p99, and the workers' CPU time and context switches per
request, read from /proc before and after the round (CPU per request is the steadier figure).

Run: .venv/bin/python bench/side_by_side.py --base HEAD~1 [--call notification] [--rounds 3] [--threads N]
The base revision is checked out into a temporary git worktree and served from there; it shares this .venv.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.peer_bench import CALLS, SANDBOX_APP, ensure_wrk, sandbox_rooms, start_sandbox, wrk, wrk_script  # noqa: E402
from common import serving  # noqa: E402


def counters(master: subprocess.Popen) -> tuple[int, int]:
    """CPU clock ticks and context switches of the server's workers so far."""
    ticks = switches = 0
    workers = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    for pid in workers:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(stat[11]) + int(stat[12])  # utime, stime
        for task in Path(f"/proc/{pid}/task").iterdir():
            for line in (task / "status").read_text().splitlines():
                if "ctxt_switches:" in line:  # voluntary and nonvoluntary
                    switches += int(line.split()[1])
    return ticks, switches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the git revision to compare the working tree with")
    parser.add_argument("--call", default="notification", choices=[call.label.split()[0] for call in CALLS])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="the sandbox's gunicorn workers (the Procfile's default)")
    parser.add_argument("--threads", type=int, default=serving.threads_for(SANDBOX_APP))
    args = parser.parse_args()
    ensure_wrk()
    call = next(call for call in CALLS if call.label.startswith(args.call))
    tick = os.sysconf("SC_CLK_TCK")
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as name:
        scratch = Path(name)
        base_tree = scratch / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base_tree), args.base], check=True)
        processes: list[subprocess.Popen] = []
        servers: list[tuple[str, subprocess.Popen, str, Path]] = []
        try:
            for label, source in ((f"base {args.base}", base_tree), ("working tree", ROOT)):
                work = scratch / f"run-{label.split()[0]}"
                work.mkdir()
                port = serving.free_port()
                process = start_sandbox(work, port, args.workers, args.threads, root=source)
                processes.append(process)
                base_url = f"http://127.0.0.1:{port}"
                url = f"{base_url}/v2{call.path.format(room=sandbox_rooms(base_url).get(args.call, 1))}"
                script = wrk_script(call, work)
                wrk(url, script, 1, args.connections)  # warm-up
                servers.append((label, process, url, script))
            for _ in range(args.rounds):
                for label, process, url, script in servers:
                    ticks, switches = counters(process)
                    figures = wrk(url, script, args.seconds, args.connections)
                    ticks_after, switches_after = counters(process)
                    done = figures["rps"] * args.seconds
                    cpu_ms, switched = (ticks_after - ticks) / tick / done * 1000, (switches_after - switches) / done
                    print(
                        f"{label:<24} {call.label:<18} {figures['rps']:7.0f} req/s  p50 {figures['p50']:6.2f} ms"
                        f"  p99 {figures['p99']:6.2f} ms  CPU {cpu_ms:.2f} ms/req  {switched:.1f} switches/req"
                        f"  load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        finally:
            for process in processes:
                serving.stop_server(process)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
