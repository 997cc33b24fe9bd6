"""Our servers under gunicorn, for `make run`, the benchmarks and the tests: a free port, a start, a wait."""

from __future__ import annotations

import contextlib
import os
import signal
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
DEFAULT_THREADS = 8
# Threads a gunicorn worker of each app gets, where it is not DEFAULT_THREADS. The Procfile's lines say the same
# (tests/common/test_serving.py holds them together); make run, the launcher, the pytest plugin and the benchmarks start
# each app with these. The sandbox's requests seldom wait on the network (an add-on's installation does): 2 threads cut
# its context switches (docs/deployment.md).
THREADS = {"sandbox.app:create_app()": 2}


def threads_for(app_spec: str) -> int:
    return THREADS.get(app_spec, DEFAULT_THREADS)


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
    threads: int | None = None,
    worker_class: str = WORKER_CLASS,
    extra: Sequence[str] = (),
    log_path: Path | None = None,
    new_session: bool = False,
    root: Path = ROOT,
) -> subprocess.Popen:
    """gunicorn with the Procfile's workers (common.headfirst: gthread that gives a thread only to a whole request, its
    body up to 1 MiB included), or worker_class (a subclass of it with other limits: the tests'), in the project's
    directory (or root: another checkout of it, as bench/side_by_side.py serves), its access log (when extra turns it
    on) without secrets; its output goes to log_path (else inherited)."""
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers)]
    threads = threads_for(app_spec) if threads is None else threads
    command += ["--worker-class", worker_class, "--threads", str(threads), "--logger-class", LOGGER_CLASS, *extra, app_spec]
    output = open(log_path, "ab") if log_path else None  # noqa: SIM115 - the child keeps it; closed when it ends
    try:
        return subprocess.Popen(
            command,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), **env},
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


def stop_server(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """Stop a server started with new_session=True and everything in its session: gunicorn's quick shutdown (SIGINT),
    then SIGKILL to the process group, so that no worker outlives it, also when the master hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # workers the master left behind, or the master itself
    process.wait(timeout=10)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def interrupt_on_stop_signals() -> None:
    """SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt, so that a command can stop what it started."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _interrupt)


def serve_until_signalled(process: subprocess.Popen) -> int:
    """Wait for a server (started with new_session=True) until SIGINT, SIGTERM or SIGHUP, then stop it and its group:
    0 when a signal stopped it, 1 when it ended by itself."""
    stop_signals = STOP_SIGNALS
    previous = {sig: signal.signal(sig, _interrupt) for sig in stop_signals}
    try:
        process.wait()
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for sig in stop_signals:
            signal.signal(sig, signal.SIG_IGN)  # a second signal must not cut the shutdown short
        stop_server(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
