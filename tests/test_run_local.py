"""`make run`'s script: the servers up with demo data and the Standup bot installed in General, the URLs and a working
token printed, Ctrl-C stops them all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import requests

from tests.helpers import ROOT, free_port


def read_until(process: subprocess.Popen, marker: str, timeout: float = 120) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} not printed; output:\n{''.join(seen)}")


def start_run(var_dir, runtime_port: int, sandbox_port: int, bot_port: int | None = None) -> subprocess.Popen:
    """The run script as `make run` starts it, in its own session so that a Ctrl-C can be sent to all of it."""
    env = {**os.environ, "RUNTIME_PORT": str(runtime_port), "SANDBOX_PORT": str(sandbox_port), "RUN_VAR_DIR": str(var_dir)}
    env["BOT_PORT"] = str(bot_port or free_port())
    env.pop("BOT_PUBLIC_URL", None)
    env.pop("SANDBOX_ADMIN_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "scripts/run_local.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def standup_cards(sandbox_url: str, token: str) -> list[dict]:
    rooms = requests.get(f"{sandbox_url}/_sandbox/api/rooms", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["items"]
    general = next(room["id"] for room in rooms if room["name"] == "General")
    items = requests.get(f"{sandbox_url}/v2/room/{general}/history/latest", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return [item for item in items.json()["items"] if item.get("card", {}).get("title", "").startswith("Standup")]


def test_run_starts_runtime_on_sandbox_with_demo_data_and_stops_on_ctrl_c(tmp_path):
    runtime_port, sandbox_port, bot_port = free_port(), free_port(), free_port()
    process = start_run(tmp_path, runtime_port, sandbox_port, bot_port)
    try:
        output = read_until(process, "Ctrl-C stops the servers.")
        token = re.search(r"Demo token \(group admin, every scope\):\s+(\S+)", output).group(1)
        runtime_url = f"http://127.0.0.1:{runtime_port}"
        assert f"{runtime_url}/" in output
        login = re.search(rf"room viewer\s+(http://127\.0\.0\.1:{sandbox_port}/_sandbox/#login=(\S+))", output)
        assert login, output
        session = requests.post(f"http://127.0.0.1:{sandbox_port}/_sandbox/login", json={"code": login.group(2)}, timeout=10)
        assert session.status_code == 200 and session.json()["token"]
        answer = requests.post(f"{runtime_url}/api/HipChat/getAllRooms", json={"args": {"authToken": token}}, timeout=10).json()
        assert answer["callback"] == "success"
        assert "General" in [room["name"] for room in answer["contextWrites"]["to"]["items"]]
        assert (tmp_path / "sandbox.db").exists()
        assert requests.get(f"{runtime_url}/", timeout=10).headers["Content-Type"].startswith("text/html")

        assert "installed in General: type /standup hi" in output, output
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        admin = {"Authorization": f"Bearer {token}"}
        bob = next(
            u["id"]
            for u in requests.get(f"{sandbox_url}/_sandbox/api/users", headers=admin, timeout=10).json()["items"]
            if u["mention_name"] == "bob"
        )
        posted = requests.post(
            f"{sandbox_url}/_sandbox/viewer/api/rooms/General/messages",
            json={"user_id": bob, "message": "/standup hi"},
            headers=admin,
            timeout=10,
        )
        assert posted.status_code == 201
        deadline = time.monotonic() + 15
        while not standup_cards(sandbox_url, token) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert standup_cards(sandbox_url, token), "the bot's card did not appear in General"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    for port in (runtime_port, sandbox_port, bot_port):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            raise AssertionError(f"port {port} still answers after Ctrl-C")
        except requests.ConnectionError:
            pass


def call(runtime_port: int, function: str, **args) -> dict:
    response = requests.post(
        f"http://127.0.0.1:{runtime_port}/api/HipChat/{function}", json={"args": {"authToken": "KeptT0ken", **args}}, timeout=10
    )
    return response.json()


def test_a_second_run_keeps_the_token_and_the_data(tmp_path):
    (tmp_path / "demo-token").write_text("KeptT0ken")
    for run, text in enumerate(["first run", None]):
        runtime_port = free_port()
        process = start_run(tmp_path, runtime_port, free_port())
        try:
            output = read_until(process, "Ctrl-C stops the servers.")
            assert "KeptT0ken" in output
            assert "installed in General" in output, "a second run installs the bot again (the first installation replaced)"
            if text:
                assert call(runtime_port, "sendMessageToRoom", roomIdOrName="General", message=text)["callback"] == "success"
            else:
                history = call(runtime_port, "getRecentRoomHistory", roomIdOrName="General")["contextWrites"]["to"]["items"]
                assert "first run" in [item["message"] for item in history], f"run {run}: the first run's message is gone"
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
