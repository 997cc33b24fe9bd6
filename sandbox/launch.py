"""A sandbox server of its own, for `hipchat-sandbox` and the pytest plugin: gunicorn on a free loopback port (or the
one asked for), its own database (a temporary one unless told), a generated admin token; stopped with its whole
process group."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from common.serving import free_port, start_gunicorn, stop_server, wait_http

SANDBOX_APP = "sandbox.app:create_app()"
RUNTIME_APP = "runtime.app:create_app()"  # started by name only: the sandbox never imports the runtime
START_TIMEOUT_S = 60.0


@dataclass
class Server:
    """A running server: its root URL, its process (leader of its own session) and what to remove when it stops."""

    root: str
    process: subprocess.Popen
    admin_token: str = ""  # /_sandbox/
    api_token: str = ""  # a personal token of the group admin, every scope, for /v2 only (SANDBOX_DEMO_TOKEN)
    log_path: Path | None = None
    scratch: Path | None = None
    children: list[Server] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"{self.root}/v2"

    def log(self) -> str:
        """What the server printed (for a failure's message)."""
        try:
            return self.log_path.read_text(errors="replace") if self.log_path else ""
        except OSError:
            return ""

    def stop(self) -> None:
        for child in self.children:
            child.stop()
        stop_server(self.process)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _start(app: str, port: int, env: dict[str, str], scratch: Path, name: str, host: str, workers: int, path: str) -> Server:
    log_path = scratch / f"{name}.log"
    process = start_gunicorn(app, port, env, host=host, workers=workers, log_path=log_path, new_session=True)
    server = Server(f"http://{host}:{port}", process, log_path=log_path)
    try:
        wait_http(f"{server.root}{path}", timeout=START_TIMEOUT_S, processes=[process])
    except RuntimeError as error:
        stop_server(process)
        raise RuntimeError(f"the {name} did not start: {error}\n{server.log()}") from None
    except BaseException:  # a signal or Ctrl-C while waiting: nothing left running
        stop_server(process)
        raise
    return server


def start_sandbox(
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    db: str | None = None,
    demo: bool = False,
    admin_token: str | None = None,
    workers: int = 1,
    env: dict[str, str] | None = None,
) -> Server:
    """A sandbox on port (0: a free one) with its own database (db: a path to keep; else a temporary one)."""
    scratch = Path(tempfile.mkdtemp(prefix="hipchat-sandbox-"))
    port = port or free_port()
    token = admin_token or secrets.token_urlsafe(30)
    api_token = secrets.token_urlsafe(30)  # never the admin token: a token sent in calls must not open /_sandbox/
    settings = {
        "SANDBOX_DB": os.path.abspath(db) if db else str(scratch / "sandbox.db"),
        "SANDBOX_ADMIN_TOKEN": token,
        "SANDBOX_DEMO_TOKEN": api_token,
        "SANDBOX_DEMO": "true" if demo else "false",
        "SANDBOX_BANNER": "false",
        "SANDBOX_PUBLIC_URL": f"http://{host}:{port}",
        **(env or {}),
    }
    try:
        server = _start(SANDBOX_APP, port, settings, scratch, "sandbox", host, workers, "/v2/capabilities")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    server.admin_token, server.api_token, server.scratch = token, api_token, scratch
    return server


def start_runtime(api_url: str, *, port: int = 0, host: str = "127.0.0.1", workers: int = 1, env: dict[str, str] | None = None) -> Server:
    """The function package runtime with api_url as its upstream (HIPCHAT_API_URL)."""
    scratch = Path(tempfile.mkdtemp(prefix="hipchat-runtime-"))
    try:
        settings = {"HIPCHAT_API_URL": api_url, **(env or {})}
        server = _start(RUNTIME_APP, port or free_port(), settings, scratch, "runtime", host, workers, "/healthz")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    server.scratch = scratch
    return server
