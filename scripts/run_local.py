"""`make run`: the sandbox (with demo data) and the runtime pointed at it, both under gunicorn.

Prints the URLs and the demo token, then runs until Ctrl-C. Ports and host from RUNTIME_PORT (8000),
SANDBOX_PORT (8001) and RUN_HOST (127.0.0.1). State lives in var/ (RUN_VAR_DIR) and survives restarts.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from common.serving import start_gunicorn, wait_http  # noqa: E402

VAR = Path(os.environ.get("RUN_VAR_DIR") or ROOT / "var")


def remembered(name: str, env: str) -> str:
    """A value from the environment, else the one made on the first run (kept in var/)."""
    if os.environ.get(env):
        return os.environ[env]
    path = VAR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
    return path.read_text().strip()


def viewer_login(sandbox_url: str, token: str) -> str:
    """The room viewer's URL with a one-time login (the /_sandbox/ side needs the admin token)."""
    response = requests.post(f"{sandbox_url}/_sandbox/api/logins", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    response.raise_for_status()
    return response.json()["url"]


def main() -> None:
    VAR.mkdir(exist_ok=True)
    host = os.environ.get("RUN_HOST", "127.0.0.1")
    runtime_port = int(os.environ.get("RUNTIME_PORT", "8000"))
    sandbox_port = int(os.environ.get("SANDBOX_PORT", "8001"))
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    sandbox_url = f"http://{shown_host}:{sandbox_port}"
    runtime_url = f"http://{shown_host}:{runtime_port}"
    token = remembered("demo-token", "SANDBOX_ADMIN_TOKEN")
    client_id = os.environ.get("SANDBOX_OAUTH_CLIENT_ID", "demo-addon")
    client_secret = remembered("demo-oauth-secret", "SANDBOX_OAUTH_CLIENT_SECRET")
    sandbox_env = {
        "SANDBOX_DB": os.environ.get("SANDBOX_DB", str(VAR / "sandbox.db")),
        "SANDBOX_PUBLIC_URL": os.environ.get("SANDBOX_PUBLIC_URL", sandbox_url),
        "SANDBOX_ADMIN_TOKEN": token,
        "SANDBOX_OAUTH_CLIENT_ID": client_id,
        "SANDBOX_OAUTH_CLIENT_SECRET": client_secret,
    }
    # Each server in a process group of its own: a Ctrl-C reaches this script alone, which passes on exactly one signal
    # (a gunicorn worker that gets a second one while it is exiting can hang until the graceful timeout).
    server_options = {"host": host, "extra": ("--log-level", "warning"), "new_session": True}
    processes = [start_gunicorn("sandbox.app:create_app()", sandbox_port, sandbox_env, **server_options)]
    try:
        wait_http(f"{sandbox_url}/v2/capabilities", processes=processes)
        runtime_env = {"HIPCHAT_API_URL": f"{sandbox_url}/v2", "RUNTIME_PUBLIC_URL": os.environ.get("RUNTIME_PUBLIC_URL", runtime_url)}
        processes.append(start_gunicorn("runtime.app:create_app()", runtime_port, runtime_env, **server_options))
        wait_http(f"{runtime_url}/healthz", processes=processes)
        viewer = viewer_login(sandbox_url, token)
        print(
            f"""
HipChat package runtime   {runtime_url}/            (browse, test a call, export a snippet)
  functions (RapidAPI)    {runtime_url}/api/HipChat
  OpenAPI                 {runtime_url}/openapi.json
HipChat sandbox (v2 API)  {sandbox_url}/v2
  room viewer             {viewer}
                          (a one-time login link, good for 10 minutes; the viewer keeps the session)
Demo token (group admin, every scope):  {token}
Demo add-on OAuth client:  id {client_id}  secret {client_secret}

Try:  curl -s {runtime_url}/api/HipChat/getAllRooms -H 'Content-Type: application/json' \\
        -d '{{"args": {{"authToken": "{token}"}}}}'
Ctrl-C stops both servers.
""",
            flush=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        raise SystemExit("a server stopped; see its messages above")
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:  # a server did not come up
        raise SystemExit(f"{exc}; see its messages above") from None
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (SIGTERM waits for idle keep-alive connections)
        for process in processes:
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
