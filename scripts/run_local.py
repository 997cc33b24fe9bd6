"""`make run`: the sandbox (with demo data), the runtime pointed at it, and the example Standup bot on the runtime,
all under gunicorn; the bot installed into the demo room General through the sandbox's install path.

Prints the URLs and the demo token once, and writes them to var/demo.env for a shell (`. var/demo.env`), then runs
until SIGINT (Ctrl-C), SIGTERM or SIGHUP, however it was started: also in the background of a script (which starts it
with SIGINT ignored) and under `make run` (see MakeParent). Ports and host from RUNTIME_PORT (8000), SANDBOX_PORT
(8001), BOT_PORT (8002) and RUN_HOST (127.0.0.1); WEB_CONCURRENCY workers per server (2), as in the Procfile. State
lives in var/ (RUN_VAR_DIR) and survives restarts, the bot's installation included (see install_bot), readable by its
owner only: the folder 0700, every file in it 0600
(the servers start with umask 077, so the databases and their -wal/-shm come out that way too).

Two tokens of the group admin: the API token (var/demo-token; the banner's and var/demo.env's TOKEN, the one sent in
call bodies and snippets) and the admin token (var/admin-token; /_sandbox/, the viewer's login links), never the same
value, so a token pasted into a call cannot open the sandbox's admin side.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT_ROOT = ROOT / "examples" / "standup-bot"
sys.path[:0] = [str(ROOT), str(BOT_ROOT)]

import requests  # noqa: E402

from common.serving import start_gunicorn, wait_http  # noqa: E402
from sandbox.admin.demo import DEMO_PASSWORD  # noqa: E402

VAR = Path(os.environ.get("RUN_VAR_DIR") or ROOT / "var")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stop(Exception):
    """A stop signal arrived."""


def stop(signum: int, _frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


class MakeParent:
    """`make run` waits for this script but passes it no SIGINT: a SIGINT sent to make's pid alone (not to the terminal's
    whole process group) would leave make waiting for a script that never stops. GNU make's handler resets SIGINT to
    its default before it waits for its children, which Linux shows in /proc/<pid>/status (SigCgt): this script stops
    when its parent make stops catching SIGINT, or is gone. (A make started in the background of a script ignores
    SIGINT altogether, as the shell told it to; SIGTERM, which make passes on, stops it.) Elsewhere than Linux, a no-op."""

    def __init__(self) -> None:
        self.pid = os.getppid()
        self.watching = self.comm() in ("make", "gmake") and self.catches_sigint()

    def comm(self) -> str:
        try:
            return Path(f"/proc/{self.pid}/comm").read_text().strip()
        except OSError:
            return ""

    def catches_sigint(self) -> bool:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return False
        caught = next((line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), "0")
        return bool(int(caught, 16) >> (signal.SIGINT - 1) & 1)

    def interrupted(self) -> bool:
        return self.watching and (os.getppid() != self.pid or not self.catches_sigint())


def remembered(name: str, env: str) -> str:
    """A value from the environment, else the one made on the first run (kept in var/, 0600 from its creation)."""
    if os.environ.get(env):
        return os.environ[env]
    path = VAR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


def private_var() -> None:
    """var/ for its owner only: new files 0600 through the umask (this script's and the servers' it starts), and what
    an earlier run left there tightened too (0700 folders, 0600 files)."""
    os.umask(0o077)
    VAR.mkdir(mode=0o700, parents=True, exist_ok=True)
    VAR.chmod(0o700)
    for path in VAR.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


def viewer_login(sandbox_url: str, token: str) -> str:
    """The room viewer's URL with a one-time login (the /_sandbox/ side needs the admin token)."""
    response = requests.post(f"{sandbox_url}/_sandbox/api/logins", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    response.raise_for_status()
    return response.json()["url"]


def slash_command(descriptor: dict) -> str:
    """What to type in a room to reach the add-on: its room_message webhook's pattern, read as text ("^/standup" is
    "/standup"); a pattern that is more than a literal prefix is shown as the pattern."""
    hooks = descriptor.get("capabilities", {}).get("webhook", [])
    pattern = next((hook.get("pattern") for hook in hooks if hook.get("event") == "room_message" and hook.get("pattern")), None)
    if pattern is None:
        return "a message"
    literal = pattern.removeprefix("^")
    return literal if re.escape(literal) == literal else f"a message matching {pattern}"


def bot_holds(bot_db: Path, oauth_id: str, secret: str) -> bool:
    """The bot still has the installation (its own store says so, with the same secret): it kept its state."""
    if not bot_db.exists():
        return False
    from standup.store import Store  # the bot's own store (examples/standup-bot), read as the bot reads it

    held = Store(str(bot_db)).installation(oauth_id)
    return held is not None and held.secret == secret


def install_bot(sandbox_url: str, token: str, descriptor_url: str, room: str, bot_db: Path) -> str:
    """The bot installed in the room from its descriptor. An earlier installation there is kept (same oauthId, the bot's
    notes with it) when the sandbox still holds it from the same descriptor, unchanged, and the bot still holds it;
    otherwise it is replaced (uninstalled, then installed again)."""
    admin = {"Authorization": f"Bearer {token}"}
    rooms = requests.get(f"{sandbox_url}/_sandbox/api/rooms", headers=admin, timeout=10).json()["items"]
    room_id = next((item["id"] for item in rooms if item["name"] == room), None)
    if room_id is None:
        return f"not installed: the sandbox has no room {room}"
    served = requests.get(descriptor_url, timeout=10).json()
    hint = f"type {slash_command(served)} hi there in the room viewer"
    installed = requests.get(f"{sandbox_url}/_sandbox/api/addons", headers=admin, timeout=10).json()["items"]
    earlier = next((item for item in installed if item["addon_key"] == served.get("key") and item["room_id"] == room_id), None)
    if earlier is not None:
        unchanged = earlier["descriptor_url"] == descriptor_url and earlier["descriptor"] == served
        if unchanged and bot_holds(bot_db, earlier["id"], earlier["oauth_secret"]):
            return f"still installed in {room} (its notes kept): {hint}"
        requests.delete(f"{sandbox_url}/_sandbox/api/addons/{earlier['id']}", headers=admin, timeout=30)
    body = {"descriptor_url": descriptor_url, "room_id": room_id}
    response = requests.post(f"{sandbox_url}/_sandbox/api/addons", json=body, headers=admin, timeout=30)
    if response.status_code != 201:
        return f"not installed: {response.json().get('error', {}).get('message', response.status_code)}"
    return f"installed in {room}: {hint}"


def write_env_file(values: dict[str, str]) -> Path:
    """var/demo.env: the addresses and credentials of this run as shell exports, readable by its owner only."""
    path = VAR / "demo.env"
    lines = ["# Written by make run (scripts/run_local.py) at each start: `. var/demo.env` sets these for the README's examples."]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in values.items()]
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("\n".join(lines) + "\n")
    return path


def shown_path(path: Path) -> str:
    """path relative to the current directory when it lies under it (var/demo.env), else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def demo_data_line(sandbox_url: str, token: str) -> str:
    """What the sandbox's demo data holds (announced when this start created it)."""
    admin = {"Authorization": f"Bearer {token}"}
    rooms = requests.get(f"{sandbox_url}/_sandbox/api/rooms", headers=admin, timeout=10).json()["items"]
    users = requests.get(f"{sandbox_url}/_sandbox/api/users", headers=admin, timeout=10).json()["items"]
    if not rooms:
        return ""
    mentions = " ".join(f"@{user['mention_name']}" for user in users if user["mention_name"] != "admin")
    return f"Demo data created:  rooms {', '.join(room['name'] for room in rooms)}; users {mentions} (password {DEMO_PASSWORD})\n"


def stop_servers(processes: list[subprocess.Popen]) -> None:
    """gunicorn's quick shutdown (SIGINT; SIGTERM waits for idle keep-alive connections), then SIGKILL to what is left."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 30
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # each server leads a session of its own: master and workers
            process.wait(timeout=10)


def main() -> None:
    for sig in STOP_SIGNALS:
        signal.signal(sig, stop)  # installed even where SIGINT came in ignored (a script's background job)
    try:
        serve(MakeParent())
    except Stop as signalled:
        print(f"{signalled}: servers stopped.", flush=True)


def serve(make: MakeParent) -> None:
    """Start the servers, install the bot, print the banner; run until a server stops or Stop is raised."""
    private_var()
    host = os.environ.get("RUN_HOST", "127.0.0.1")
    runtime_port = int(os.environ.get("RUNTIME_PORT", "8000"))
    sandbox_port = int(os.environ.get("SANDBOX_PORT", "8001"))
    bot_port = int(os.environ.get("BOT_PORT", "8002"))
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    sandbox_url = f"http://{shown_host}:{sandbox_port}"
    runtime_url = f"http://{shown_host}:{runtime_port}"
    bot_url = os.environ.get("BOT_PUBLIC_URL", f"http://{shown_host}:{bot_port}")
    admin_token = remembered("admin-token", "SANDBOX_ADMIN_TOKEN")
    token = remembered("demo-token", "SANDBOX_DEMO_TOKEN")
    if token == admin_token:
        raise SystemExit("SANDBOX_DEMO_TOKEN and SANDBOX_ADMIN_TOKEN must differ: the API token must not open /_sandbox/")
    client_id = os.environ.get("SANDBOX_OAUTH_CLIENT_ID", "demo-addon")
    client_secret = remembered("demo-oauth-secret", "SANDBOX_OAUTH_CLIENT_SECRET")
    sandbox_db = os.environ.get("SANDBOX_DB", str(VAR / "sandbox.db"))
    first_start = not Path(sandbox_db).exists()
    sandbox_env = {
        "SANDBOX_BANNER": "false",  # this script prints the one banner
        "SANDBOX_DB": sandbox_db,
        "SANDBOX_PUBLIC_URL": os.environ.get("SANDBOX_PUBLIC_URL", sandbox_url),
        "SANDBOX_ADMIN_TOKEN": admin_token,
        "SANDBOX_DEMO_TOKEN": token,
        "SANDBOX_OAUTH_CLIENT_ID": client_id,
        "SANDBOX_OAUTH_CLIENT_SECRET": client_secret,
    }
    # Each server in a process group of its own: a Ctrl-C reaches this script alone, which passes on exactly one signal
    # (a gunicorn worker that gets a second one while it is exiting can hang until the graceful timeout).
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    server_options = {"host": host, "workers": workers, "extra": ("--log-level", "warning"), "new_session": True}
    processes: list[subprocess.Popen] = []
    try:
        processes.append(start_gunicorn("sandbox.app:create_app()", sandbox_port, sandbox_env, **server_options))
        wait_http(f"{sandbox_url}/v2/capabilities", processes=processes)
        runtime_env = {"HIPCHAT_API_URL": f"{sandbox_url}/v2", "RUNTIME_PUBLIC_URL": os.environ.get("RUNTIME_PUBLIC_URL", runtime_url)}
        processes.append(start_gunicorn("runtime.app:create_app()", runtime_port, runtime_env, **server_options))
        wait_http(f"{runtime_url}/healthz", processes=processes)
        bot_db = VAR / "standup-bot.db"
        bot_env = {"PORT": str(bot_port), "RUNTIME_URL": runtime_url, "BOT_PUBLIC_URL": bot_url, "BOT_DB": str(bot_db)}
        bot_options = {**server_options, "extra": (*server_options["extra"], "--chdir", str(BOT_ROOT))}
        processes.append(start_gunicorn("standup.app:create_app()", bot_port, bot_env, **bot_options))
        wait_http(f"http://{shown_host}:{bot_port}/healthz", processes=processes)
        bot_state = install_bot(sandbox_url, admin_token, f"{bot_url}/capabilities.json", "General", bot_db)
        viewer = viewer_login(sandbox_url, admin_token)
        env_file = write_env_file(
            {
                "RUNTIME": runtime_url,
                "SANDBOX": sandbox_url,
                "BOT": bot_url,
                "TOKEN": token,
                "HIPCHAT_TOKEN": token,
                "OAUTH_CLIENT_ID": client_id,
                "OAUTH_CLIENT_SECRET": client_secret,
                "HIPCHAT_API_URL": f"{sandbox_url}/v2",  # the CLI's upstream (python -m runtime call)
            }
        )
        demo_data = demo_data_line(sandbox_url, admin_token) if first_start else ""
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
                          (API calls only; /_sandbox/ takes the admin token in {shown_path(VAR / "admin-token")})
Demo add-on OAuth client:  id {client_id}  secret {client_secret}
{demo_data}
For the README's examples, in your shell:  . {shown_path(env_file)}
Try:  curl -s {runtime_url}/api/HipChat/getAllRooms -H 'Content-Type: application/json' \\
        -d '{{"args": {{"authToken": "{token}"}}}}'
Ctrl-C stops the servers.
""",
            flush=True,
        )
        while all(p.poll() is None for p in processes):
            if make.interrupted():
                raise Stop("SIGINT to make")
            time.sleep(0.5)
        raise SystemExit("a server stopped; see its messages above")
    except RuntimeError as exc:  # a server did not come up
        raise SystemExit(f"{exc}; see its messages above") from None
    finally:
        stop_servers(processes)


if __name__ == "__main__":
    main()
