"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from common import serving
from common.serving import free_port, wait_http  # noqa: F401 - the tests' helpers

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


def procfile_command(process: str, port: int) -> list[str]:
    """The Procfile's line for process (web, sandbox, bot) as an argv: $PORT filled in, one worker, run with this Python."""
    line = next(text for text in (ROOT / "Procfile").read_text().splitlines() if text.startswith(f"{process}:"))
    command = line.split(":", 1)[1].strip().replace("$PORT", str(port)).replace("${WEB_CONCURRENCY:-2}", "1")
    assert command.startswith("gunicorn ")
    # The Procfile quotes the app spec for the shell; split it the way a shell would.
    return [sys.executable, "-m", *(part.strip("'") for part in re.findall(r"'[^']*'|\S+", command))]
