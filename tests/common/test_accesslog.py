"""Both Procfile lines run gunicorn with the redacting logger: a token in a URL or a header never reaches the access log."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from common.accesslog import LOGGER_CLASS
from common.serving import wait_http
from tests.helpers import ROOT, free_port, procfile_line

SECRET = "Pr0cfileT0kenNeverLogged"


@pytest.mark.parametrize(("name", "ready"), [("web", "/healthz"), ("sandbox", "/v2/capabilities")])
def test_the_procfile_line_keeps_tokens_out_of_the_access_log(name, ready, tmp_path: Path):
    assert f"--logger-class {LOGGER_CLASS}" in procfile_line(name)
    port = free_port()
    env = {
        "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "HIPCHAT_API_URL": "http://127.0.0.1:9/v2",
    }
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:  # the shell runs the line as a PaaS would: the gunicorn script, the repository as cwd
        process = subprocess.Popen(
            ["bash", "-c", f"exec {procfile_line(name)}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}{ready}", processes=[process])
        requests.get(
            f"{url}{ready}?auth_token={SECRET}",
            headers={"Authorization": f"Bearer {SECRET}", "Referer": f"{url}/?auth_token={SECRET}"},
            timeout=10,
        )
        requests.get(f"{url}/v2/oauth/token/{SECRET}", timeout=10)
        time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    text = log_path.read_text()
    assert f"GET {ready}?auth_token=%5Bredacted%5D HTTP/1.1" in text
    assert "GET /v2/oauth/token/[redacted] HTTP/1.1" in text
    assert SECRET not in text
