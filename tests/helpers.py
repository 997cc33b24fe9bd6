"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
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


def body_json(request):
    return json.loads(request.get_data() or b"null")


def start_gunicorn(app_spec: str, port: int, env: dict[str, str], workers: int = 1, log_path: Path | None = None) -> subprocess.Popen:
    """A server for a test: 4 threads a worker, access log on, output to log_path (else dropped)."""
    return serving.start_gunicorn(
        app_spec, port, env, workers=workers, threads=4, extra=("--access-logfile", "-"), log_path=log_path or Path(os.devnull)
    )


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
