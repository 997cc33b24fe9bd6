"""`make run`: the sandbox (with demo data), the runtime pointed at it, and the example Standup bot on the runtime,
all under gunicorn; the bot installed into the demo room General through the sandbox's install path.

Prints the URLs and the demo token, then runs until Ctrl-C. Ports and host from RUNTIME_PORT (8000),
SANDBOX_PORT (8001), BOT_PORT (8002) and RUN_HOST (127.0.0.1). State lives in var/ (RUN_VAR_DIR) and survives restarts.
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


def install_bot(sandbox_url: str, token: str, descriptor_url: str, room: str) -> str:
    """Install the bot into the room from its descriptor; an earlier installation there is replaced (uninstalled first)."""
    admin = {"Authorization": f"Bearer {token}"}
    rooms = requests.get(f"{sandbox_url}/_sandbox/api/rooms", headers=admin, timeout=10).json()["items"]
    room_id = next((item["id"] for item in rooms if item["name"] == room), None)
    if room_id is None:
        return f"not installed: the sandbox has no room {room}"
    body = {"descriptor_url": descriptor_url, "room_id": room_id}
    response = requests.post(f"{sandbox_url}/_sandbox/api/addons", json=body, headers=admin, timeout=30)
    if response.status_code == 409:
        previous = response.json()["error"]["installation"]
        requests.delete(f"{sandbox_url}/_sandbox/api/addons/{previous}", headers=admin, timeout=30)
        response = requests.post(f"{sandbox_url}/_sandbox/api/addons", json=body, headers=admin, timeout=30)
    if response.status_code != 201:
        return f"not installed: {response.json().get('error', {}).get('message', response.status_code)}"
    return f"installed in {room}: type /standup hi there in the room viewer"


def main() -> None:
    VAR.mkdir(exist_ok=True)
    host = os.environ.get("RUN_HOST", "127.0.0.1")
    runtime_port = int(os.environ.get("RUNTIME_PORT", "8000"))
    sandbox_port = int(os.environ.get("SANDBOX_PORT", "8001"))
    bot_port = int(os.environ.get("BOT_PORT", "8002"))
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    sandbox_url = f"http://{shown_host}:{sandbox_port}"
    runtime_url = f"http://{shown_host}:{runtime_port}"
    bot_url = os.environ.get("BOT_PUBLIC_URL", f"http://{shown_host}:{bot_port}")
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
        bot_env = {"PORT": str(bot_port), "RUNTIME_URL": runtime_url, "BOT_PUBLIC_URL": bot_url, "BOT_DB": str(VAR / "standup-bot.db")}
        bot_options = {**server_options, "extra": (*server_options["extra"], "--chdir", str(ROOT / "examples" / "standup-bot"))}
        processes.append(start_gunicorn("standup.app:create_app()", bot_port, bot_env, **bot_options))
        wait_http(f"http://{shown_host}:{bot_port}/healthz", processes=processes)
        bot_state = install_bot(sandbox_url, token, f"{bot_url}/capabilities.json", "General")
        viewer = viewer_login(sandbox_url, token)
        print(
            f"""
HipChat package runtime   {runtime_url}/            (browse, test a call, export a snippet)
  functions (RapidAPI)    {runtime_url}/api/HipChat
  OpenAPI                 {runtime_url}/openapi.json
HipChat sandbox (v2 API)  {sandbox_url}/v2
  room viewer             {viewer}
                          (a one-time login link, good for 10 minutes; the viewer keeps the session)
Standup bot (example)     {bot_url}/capabilities.json
                          {bot_state}
Demo token (group admin, every scope):  {token}
Demo add-on OAuth client:  id {client_id}  secret {client_secret}

Try:  curl -s {runtime_url}/api/HipChat/getAllRooms -H 'Content-Type: application/json' \\
        -d '{{"args": {{"authToken": "{token}"}}}}'
Ctrl-C stops the servers.
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
