"""The runtime under gunicorn, as the Procfile starts it: calls over real HTTP, and logs without tokens."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time

import requests

from runtime.base import logs
from runtime.config import ROOT
from tests.helpers import TOKEN, free_port, wait_http


def test_the_procfile_web_line_starts_the_runtime_under_gunicorn(upstream, tmp_path):
    line = next(text for text in (ROOT / "Procfile").read_text().splitlines() if text.startswith("web:"))
    port = free_port()
    command = line.removeprefix("web:").strip().replace("$PORT", str(port)).replace("${WEB_CONCURRENCY:-2}", "1")
    assert command.startswith("gunicorn ")
    env = {"PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin", "HIPCHAT_API_URL": upstream.url_for("/v2")}
    process = subprocess.Popen(
        [sys.executable, "-m", *command.split()[0:1], *_args(command)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()["functions"] == 93
    finally:
        process.terminate()
        process.wait(timeout=10)


def _args(command: str) -> list[str]:
    # The Procfile quotes the app spec for the shell; split it the way a shell would.
    return [part.strip("'") for part in re.findall(r"'[^']*'|\S+", command)[1:]]


def test_a_call_over_http_reaches_the_upstream_and_the_token_stays_out_of_the_log(gunicorn_runtime, upstream):
    base, log_path = gunicorn_runtime
    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_data("", status=204)
    response = requests.post(
        f"{base}/api/HipChat/sendRoomNotification",
        json={"args": {"authToken": TOKEN, "roomIdOrName": "Ops Room", "message": "Deployed", "color": "green"}},
        timeout=10,
    )
    assert response.json() == {"callback": "success", "contextWrites": {"to": "success"}}
    request = upstream.log[0][0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    requests.post(f"{base}/api/HipChat/getRoom", json={"args": {"authToken": f"{TOKEN}\r\nX: y", "roomIdOrName": 1}}, timeout=10)
    time.sleep(0.3)
    log = log_path.read_text()
    assert "call sendRoomNotification -> 200 success" in log
    assert "call getRoom -> 400 error INVALID_ARGUMENTS" in log
    assert TOKEN not in log


def test_the_log_filter_redacts_credentials_that_slip_into_a_message(caplog):
    logs.configure()
    logging.getLogger("runtime.test").warning("upstream said: Authorization: Bearer %s; url ?auth_token=%s", TOKEN, TOKEN)
    assert TOKEN not in caplog.text
    assert "Bearer [redacted]" in caplog.text
