"""Our servers under gunicorn, for `make run`, the benchmarks and the tests: a free port, a start, a wait."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import requests

from common.accesslog import LOGGER_CLASS
from common.headfirst import WORKER_CLASS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    app_spec: str,
    port: int,
    env: dict[str, str],
    *,
    host: str = "127.0.0.1",
    workers: int = 2,
    threads: int = 8,
    extra: Sequence[str] = (),
    log_path: Path | None = None,
    new_session: bool = False,
) -> subprocess.Popen:
    """gunicorn with the Procfile's workers (common.headfirst: gthread that gives a thread only to a whole request head)
    in the project's directory, its access log (when extra turns it on) without secrets; its output goes to log_path
    (else inherited)."""
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers)]
    command += ["--worker-class", WORKER_CLASS, "--threads", str(threads), "--logger-class", LOGGER_CLASS, *extra, app_spec]
    output = open(log_path, "ab") if log_path else None  # noqa: SIM115 - the child keeps it; closed when it ends
    try:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=new_session,
        )
    finally:
        if output:
            output.close()


def wait_http(url: str, timeout: float = 30.0, verify: bool | str = True, processes: Sequence[subprocess.Popen] = ()) -> None:
    """Until url answers at all; RuntimeError when the time is up or one of processes has stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"a server stopped before {url} answered")
        try:
            requests.get(url, timeout=1, verify=verify)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
