"""Shared fixtures: the runtime against a recording upstream on loopback (test client or gunicorn); the live stack; the example bot."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from runtime.app import create_app
from runtime.config import Settings
from sandbox.testing import plugin_unless_installed
from tests.helpers import ROOT, TOKEN, bot_from_procfile, free_port, runtime_under_gunicorn, start_gunicorn, wait_http

pytest_plugins = ["tests.ci_skips", *plugin_unless_installed()]  # tests.ci_skips: under CI=true a skip fails, naming what is missing


@pytest.fixture
def upstream(httpserver: HTTPServer) -> HTTPServer:
    """A recording HipChat stand-in on loopback; its log holds every request the runtime sent."""
    return httpserver


@pytest.fixture
def settings(upstream: HTTPServer) -> Settings:
    return Settings(api_url=upstream.url_for("/v2"), connect_timeout=2.0, read_timeout=2.0)


@pytest.fixture
def app(settings: Settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def call(client):
    """call(function, **args) -> (HTTP status, envelope)."""

    def _call(function: str, **args):
        response = client.post(f"/api/HipChat/{function}", json={"args": args})
        return response.status_code, response.get_json()

    return _call


@pytest.fixture
def gunicorn_runtime(upstream: HTTPServer, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The runtime under gunicorn, pointed at the recording upstream: (base URL, log file)."""
    log_path = tmp_path / "runtime.log"
    with runtime_under_gunicorn({"HIPCHAT_API_URL": upstream.url_for("/v2")}, log_path) as base:
        yield base, log_path


@pytest.fixture(scope="session")
def recorded_runtime(make_httpserver, tmp_path_factory) -> Iterator[str]:
    """One runtime under gunicorn for a whole session, pointed at the session's recording upstream (`upstream` clears it per test)."""
    log_path = tmp_path_factory.mktemp("recorded-runtime") / "runtime.log"
    with runtime_under_gunicorn({"HIPCHAT_API_URL": make_httpserver.url_for("/v2")}, log_path) as base:
        yield base


ACME_CATALOG = Path(__file__).resolve().parent / "fixtures" / "acme" / "metadata.json"
ACME_API_PATH = "/v3"


@pytest.fixture
def acme_settings(upstream: HTTPServer) -> Settings:
    """Settings serving the second catalog (tests/fixtures/acme), package Acme, with the recording upstream as its API."""
    return Settings(catalog_path=str(ACME_CATALOG), api_url=upstream.url_for(ACME_API_PATH), connect_timeout=2.0, read_timeout=2.0)


@pytest.fixture
def acme_client(acme_settings: Settings):
    return create_app(acme_settings).test_client()


@pytest.fixture(scope="session")
def acme_runtime(make_httpserver, tmp_path_factory) -> Iterator[str]:
    """The Acme catalog served under gunicorn for a whole session, loaded through RUNTIME_CATALOG as a deployment would."""
    env = {"RUNTIME_CATALOG": str(ACME_CATALOG), "HIPCHAT_API_URL": make_httpserver.url_for(ACME_API_PATH)}
    with runtime_under_gunicorn(env, tmp_path_factory.mktemp("acme-runtime") / "runtime.log") as base:
        yield base


@dataclass
class Stack:
    """The runtime and the sandbox under gunicorn, the runtime pointed at the sandbox."""

    runtime_url: str
    sandbox_url: str
    token: str
    oauth_client_id: str
    oauth_client_secret: str


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("stack")
    sandbox_port, runtime_port = free_port(), free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    stack = Stack(f"http://127.0.0.1:{runtime_port}", sandbox_url, TOKEN, "stack-client-id", "stack-client-secret")
    sandbox_env = {
        "SANDBOX_DB": str(work / "sandbox.db"),
        "SANDBOX_PUBLIC_URL": sandbox_url,
        "SANDBOX_ADMIN_TOKEN": stack.token,
        "SANDBOX_OAUTH_CLIENT_ID": stack.oauth_client_id,
        "SANDBOX_OAUTH_CLIENT_SECRET": stack.oauth_client_secret,
    }
    processes = [start_gunicorn("sandbox.app:create_app()", sandbox_port, sandbox_env, workers=2, log_path=work / "sandbox.log")]
    try:
        wait_http(f"{sandbox_url}/v2/capabilities")
        runtime_env = {"HIPCHAT_API_URL": f"{sandbox_url}/v2"}
        processes.append(start_gunicorn("runtime.app:create_app()", runtime_port, runtime_env, workers=2, log_path=work / "runtime.log"))
        wait_http(f"{stack.runtime_url}/healthz")
        yield stack
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def standup_bot(live_stack: Stack, tmp_path_factory) -> Iterator[str]:
    """The example bot started by the Procfile's bot: line, its runtime the live stack's: its base URL (BOT_PUBLIC_URL's default)."""
    with bot_from_procfile(live_stack.runtime_url, tmp_path_factory.mktemp("standup-bot")) as url:
        yield url


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment (no system site-packages) that pip-installed a clean clone of this commit."""

    bin: Path
    work: Path

    def run(self, *command: str, cwd: Path | None = None, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
        env = {"PATH": f"{self.bin}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", str(self.work)), "LANG": "C.UTF-8"}
        return subprocess.run(command, cwd=cwd or self.work, env=env, capture_output=True, text=True, timeout=timeout, **kwargs)


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory) -> Installed:
    """The project as a user installs it: `git clone` of HEAD, `python -m venv`, `pip install -c constraints.txt <clone>`
    (with pytest), from the machine's index and pip's cache. Only committed work is installed."""
    work = tmp_path_factory.mktemp("installed")
    steps = [
        ["git", "clone", "--quiet", str(ROOT), str(work / "src")],
        [sys.executable, "-m", "venv", str(work / "venv")],
        [
            *(str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("-c", str(work / "src" / "constraints.txt"), str(work / "src"), "pytest"),
        ],
    ]
    for command in steps:
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return Installed(work / "venv" / "bin", work)
