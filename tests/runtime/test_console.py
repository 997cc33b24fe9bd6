"""hipchat-runtime (runtime.console): `serve` runs the runtime until SIGTERM and leaves nothing behind; the other
subcommands are the CLI's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import requests

from tests.helpers import ROOT, processes_with_env

CONSOLE = [sys.executable, "-c", "from runtime.console import main; raise SystemExit(main())"]


def test_serve_answers_until_sigterm_then_stops_its_servers(tmp_path):
    marker = f"CONSOLE_TEST_{uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), marker: "1"}
    process = subprocess.Popen(
        [*CONSOLE, "serve", "--port", "0", "--upstream", "http://127.0.0.1:9/v2"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        line = process.stdout.readline()
        url = line.split()[3]
        assert requests.get(f"{url}healthz", timeout=10).status_code == 200
    finally:
        os.kill(process.pid, signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    assert processes_with_env(marker) == []  # gunicorn, master and workers, gone too


def test_other_subcommands_are_the_clis(tmp_path):
    result = subprocess.run([*CONSOLE, "describe", "getRoom"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "roomIdOrName" in result.stdout
