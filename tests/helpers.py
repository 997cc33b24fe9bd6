"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import serving
from common.serving import free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "hipchat-package.md"
TOKEN = "T0kenAbc123"


def sent(upstream) -> list:
    """The requests the upstream received, as werkzeug Request objects."""
    return [request for request, _ in upstream.log]


def raw_path(request) -> str:
    """The path exactly as it crossed the wire, before any percent-decoding."""
    uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    return uri.split("?", 1)[0]


def share_file(client, file_value, message: str = "Release notes"):
    """shareFileWithRoom to Ops Room with file_value as its File argument: the Flask test client's response."""
    args = {"authToken": TOKEN, "roomIdOrName": "Ops Room", "file": file_value, "message": message}
    return client.post("/api/HipChat/shareFileWithRoom", json={"args": args})


def body_json(request):
    return json.loads(request.get_data() or b"null")


def self_signed_certificate(directory: Path, subject_alt_name: str) -> tuple[Path, Path]:
    """A one-day certificate for CN=localhost with the given subjectAltName, made by openssl: (certificate, key) paths."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"),
            *("-subj", "/CN=localhost", "-addext", f"subjectAltName={subject_alt_name}"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def start_gunicorn(app_spec: str, port: int, env: dict[str, str], workers: int = 1, log_path: Path | None = None) -> subprocess.Popen:
    """A server for a test: 4 threads a worker, access log on, output to log_path (else dropped)."""
    return serving.start_gunicorn(
        app_spec, port, env, workers=workers, threads=4, extra=("--access-logfile", "-"), log_path=log_path or Path(os.devnull)
    )


def read_request_head(connection: socket.socket) -> bytes:
    """The request line and headers a client sent, up to the blank line."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(4096)
        if not chunk:
            break
        head += chunk
    return head


@contextmanager
def runtime_under_gunicorn(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """The runtime under gunicorn on a free port with these environment variables: its base URL while in use."""
    port = free_port()
    process = start_gunicorn("runtime.app:create_app()", port, env, log_path=log_path)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def procfile_line(process: str) -> str:
    """The Procfile's command for process (web, sandbox, bot), as a PaaS hands it to a shell."""
    return next(text for text in (ROOT / "Procfile").read_text().splitlines() if text.startswith(f"{process}:")).split(":", 1)[1]


def procfile_command(process: str, port: int) -> list[str]:
    """The Procfile's line for process (web, sandbox, bot) as an argv: $PORT filled in, one worker, run with this Python."""
    command = procfile_line(process).strip().replace("$PORT", str(port)).replace("${WEB_CONCURRENCY:-2}", "1")
    assert command.startswith("gunicorn ")
    # The Procfile quotes the app spec for the shell; split it the way a shell would.
    return [sys.executable, "-m", *(part.strip("'") for part in re.findall(r"'[^']*'|\S+", command))]


def read_until(process: subprocess.Popen, marker: str, timeout: float = 120) -> str:
    """The process's output up to the line holding marker (AssertionError with what it printed when it never comes)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} not printed; output:\n{''.join(seen)}")


def run_env(var_dir, runtime_port: int, sandbox_port: int, bot_port: int, workers: int = 2) -> dict[str, str]:
    """The environment of scripts/run_local.py (`make run`) on these ports with this var/, nothing else of the run's."""
    env = {**os.environ, "RUNTIME_PORT": str(runtime_port), "SANDBOX_PORT": str(sandbox_port), "RUN_VAR_DIR": str(var_dir)}
    env.update(BOT_PORT=str(bot_port), WEB_CONCURRENCY=str(workers))
    for name in ("BOT_PUBLIC_URL", "SANDBOX_ADMIN_TOKEN", "SANDBOX_DEMO_TOKEN", "SANDBOX_DB", "SANDBOX_PUBLIC_URL", "RUNTIME_PUBLIC_URL"):
        env.pop(name, None)
    return env


def start_run(var_dir, runtime_port: int, sandbox_port: int, bot_port: int | None = None, workers: int = 2) -> subprocess.Popen:
    """The run script as `make run` starts it, in its own session so that a Ctrl-C can be sent to all of it."""
    return subprocess.Popen(
        [sys.executable, "scripts/run_local.py"],
        cwd=ROOT,
        env=run_env(var_dir, runtime_port, sandbox_port, bot_port or free_port(), workers),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def processes_with_env(marker: str) -> list[str]:
    """Pids of the processes whose environment holds marker (a variable a test set for what it started)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if marker.encode() in environ.read():
                    found.append(pid)
        except OSError:
            continue
    return found


RawHandler = Callable[[socket.socket, threading.Event], None]


@contextmanager
def raw_http_server() -> Iterator[Callable[[RawHandler], int]]:
    """start(handler) -> port: a loopback TCP server that hands each connection to handler(connection, stopping), in a
    thread of its own, for answers no well-behaved HTTP server gives (dripped bytes, folded headers, endless bodies).
    The handler should return when stopping is set; leaving the block shuts every connection down."""
    stopping = threading.Event()
    listeners: list[socket.socket] = []
    connections: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def serve(listener: socket.socket, handler: RawHandler) -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(connection.dup())  # a handle that survives the handler wrapping the socket in TLS
            thread = threading.Thread(target=_handle, args=(connection, handler, stopping), daemon=True)
            thread.start()
            threads.append(thread)

    def start(handler: RawHandler) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)
        thread = threading.Thread(target=serve, args=(listener, handler), daemon=True)
        thread.start()
        threads.append(thread)
        return listener.getsockname()[1]

    try:
        yield start
    finally:
        stopping.set()
        for sock in [*listeners, *connections]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked accept() or recv() (closing alone does not)
        for sock in [*listeners, *connections]:
            sock.close()
        for thread in threads:
            thread.join(timeout=5)


def _handle(connection: socket.socket, handler: RawHandler, stopping: threading.Event) -> None:
    with connection, contextlib.suppress(OSError):  # OSError: the client went away
        handler(connection, stopping)


@contextmanager
def bot_from_procfile(runtime_url: str, work: Path) -> Iterator[str]:
    """The example bot started by the Procfile's bot: line on a free port, its runtime runtime_url, its database in work:
    its base URL (BOT_PUBLIC_URL's default)."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "RUNTIME_URL": runtime_url, "BOT_DB": str(work / "bot.db")}
    env.pop("BOT_PUBLIC_URL", None)
    with open(work / "bot.log", "ab") as log:
        process = subprocess.Popen(procfile_command("bot", port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", processes=[process])
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
