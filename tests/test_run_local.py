"""`make run`'s script: the servers up with demo data and the Standup bot installed in General, the URLs and a working
token printed once and written to var/demo.env; SIGINT or SIGTERM stops them all, however it was started."""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from scripts.run_local import slash_command
from standup.descriptor import descriptor
from tests.helpers import ROOT, free_port, read_until, run_env, start_run


def servers_left(ports: tuple[int, ...]) -> list[str]:
    """Processes still bound (by their command line) to one of the ports, and ports that still answer."""
    binds = [f"127.0.0.1:{port}".encode() for port in ports]
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(bind in words for bind in binds):
            left.append(b" ".join(words).decode(errors="replace"))
    for port in ports:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            left.append(f"port {port} answers")
        except requests.ConnectionError:
            pass
    return left


def standup_cards(sandbox_url: str, token: str) -> list[dict]:
    items = requests.get(f"{sandbox_url}/v2/room/General/history/latest", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return [item for item in items.json()["items"] if item.get("card", {}).get("title", "").startswith("Standup")]


def test_run_starts_runtime_on_sandbox_with_demo_data_and_stops_on_ctrl_c(tmp_path):
    runtime_port, sandbox_port, bot_port = free_port(), free_port(), free_port()
    process = start_run(tmp_path, runtime_port, sandbox_port, bot_port)
    try:
        output = read_until(process, "Ctrl-C stops the servers.")
        token = re.search(r"Demo token \(group admin, every scope\):\s+(\S+)", output).group(1)
        runtime_url = f"http://127.0.0.1:{runtime_port}"
        assert f"{runtime_url}/" in output
        assert output.count("HipChat package runtime") == 1 and "HipChat sandbox:" not in output, "one banner, make run's"
        assert "Demo data created:  rooms General" in output
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
        admin = {"Authorization": f"Bearer {(tmp_path / 'admin-token').read_text().strip()}"}
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
        process = start_run(tmp_path, runtime_port, free_port(), workers=1)
        try:
            output = read_until(process, "Ctrl-C stops the servers.")
            assert "KeptT0ken" in output
            assert "installed in General" in output, f"run {run}: the bot is in General"
            assert ("Demo data created" in output) == (run == 0), f"run {run}: demo data is announced when created only"
            if text:
                assert call(runtime_port, "sendMessageToRoom", roomIdOrName="General", message=text)["callback"] == "success"
            else:
                history = call(runtime_port, "getRecentRoomHistory", roomIdOrName="General")["contextWrites"]["to"]["items"]
                assert "first run" in [item["message"] for item in history], f"run {run}: the first run's message is gone"
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)


def standup_installations(sandbox_url: str, token: str) -> list[str]:
    found = requests.get(f"{sandbox_url}/_sandbox/api/addons", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    return [item["id"] for item in found["items"] if item["addon_key"] == "standup-bot"]


def post_standup(sandbox_url: str, token: str, text: str) -> str:
    """`/standup <text>` as Bob in General; the note count on the bot's card that answers it."""
    admin = {"Authorization": f"Bearer {token}"}
    users = requests.get(f"{sandbox_url}/_sandbox/api/users", headers=admin, timeout=10).json()["items"]
    bob = next(user["id"] for user in users if user["mention_name"] == "bob")
    message = {"user_id": bob, "message": f"/standup {text}"}
    posted = requests.post(f"{sandbox_url}/_sandbox/viewer/api/rooms/General/messages", json=message, headers=admin, timeout=10)
    assert posted.status_code == 201
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        card = next((item["card"] for item in standup_cards(sandbox_url, token) if item["card"]["description"]["value"] == text), None)
        if card:
            return next(attribute["value"]["label"] for attribute in card["attributes"] if attribute["label"] == "notes")
        time.sleep(0.2)
    raise AssertionError(f"the bot's card for {text!r} did not appear in General")


def run_twice(var_dir: Path, between=lambda: None) -> list[tuple[str, list[str], str]]:
    """Two runs on the same ports and var/: each run's banner, the bot's installations and the note count of a /standup."""
    (var_dir / "demo-token").write_text("KeptT0ken")
    ports = (free_port(), free_port(), free_port())
    sandbox_url = f"http://127.0.0.1:{ports[1]}"
    runs = []
    for run in range(2):
        process = start_run(var_dir, *ports, workers=1)
        try:
            output = read_until(process, "Ctrl-C stops the servers.")
            admin_token = (var_dir / "admin-token").read_text().strip()  # /_sandbox/ takes it, not the API token
            runs.append((output, standup_installations(sandbox_url, admin_token), post_standup(sandbox_url, admin_token, f"note {run}")))
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
        between()
    return runs


def test_a_second_run_keeps_the_bots_installation_and_its_notes(tmp_path):
    (first, first_ids, first_count), (second, second_ids, second_count) = run_twice(tmp_path)
    assert "installed in General: type /standup hi there in the room viewer" in first, first
    assert "still installed in General (its notes kept): type /standup hi there in the room viewer" in second, second
    assert len(first_ids) == 1 and second_ids == first_ids, "the same installation (oauthId), not a new one"
    assert (first_count, second_count) == ("1", "2"), "the first run's note is still counted"


def test_a_second_run_installs_the_bot_afresh_when_the_bot_lost_its_installation(tmp_path):
    def forget() -> None:
        for path in tmp_path.glob("standup-bot.db*"):
            path.unlink()

    (_, first_ids, _), (second, second_ids, second_count) = run_twice(tmp_path, between=forget)
    assert "installed in General: type /standup" in second and "still installed" not in second, second
    assert len(second_ids) == 1 and second_ids != first_ids, "the sandbox's stale installation is replaced"
    assert second_count == "1"


def test_the_banner_names_the_command_of_the_bots_webhook_pattern():
    document = descriptor("http://bot.test")
    assert slash_command(document) == "/standup"
    document["capabilities"]["webhook"][0]["pattern"] = "^/retro"
    assert slash_command(document) == "/retro"
    document["capabilities"]["webhook"][0]["pattern"] = "^/(standup|su)\\b"
    assert slash_command(document) == "a message matching ^/(standup|su)\\b"


def test_the_demo_env_file_gives_a_shell_the_run_s_addresses_and_credentials(tmp_path):
    runtime_port, sandbox_port, bot_port = free_port(), free_port(), free_port()
    (tmp_path / "demo-token").write_text("EnvFileT0ken")
    process = start_run(tmp_path, runtime_port, sandbox_port, bot_port, workers=1)
    try:
        output = read_until(process, "Ctrl-C stops the servers.")
        env_file = tmp_path / "demo.env"
        assert f". {env_file}" in output
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        variables = ("RUNTIME", "SANDBOX", "BOT", "TOKEN", "HIPCHAT_TOKEN", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "HIPCHAT_API_URL")
        names = " ".join(f'"${name}"' for name in variables)
        shown = subprocess.run(
            ["bash", "-c", f'. "{env_file}"; echo {names}'],
            env={"PATH": os.environ["PATH"]},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        secret = (tmp_path / "demo-oauth-secret").read_text()
        assert shown == [
            f"http://127.0.0.1:{runtime_port}",
            f"http://127.0.0.1:{sandbox_port}",
            f"http://127.0.0.1:{bot_port}",
            *("EnvFileT0ken", "EnvFileT0ken", "demo-addon", secret),
            f"http://127.0.0.1:{sandbox_port}/v2",
        ]
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


# A script that starts it in the background (SIGINT comes in ignored), waits for the banner, signals the process it
# started ($!) and reports how it ended.
BACKGROUND_SCRIPT = """
{command} > "$RUN_LOG" 2>&1 &
started=$!
for _ in $(seq 600); do grep -q 'Ctrl-C stops the servers' "$RUN_LOG" && break; sleep 0.2; done
kill -{signal} $started
wait $started
echo "exit status $?"
"""
MAKE_RUN = f"make --no-print-directory -o deps run PY={sys.executable}"  # -o deps: the test's environment is installed


@pytest.mark.parametrize(
    "command, sig, status",
    [
        (f"{sys.executable} scripts/run_local.py", "INT", 0),
        (f"{sys.executable} scripts/run_local.py", "TERM", 0),
        (MAKE_RUN, "TERM", 128 + signal.SIGTERM),  # make passes SIGTERM on, waits, then ends by it
    ],
    ids=["python-SIGINT", "python-SIGTERM", "make-SIGTERM"],
)
def test_started_in_the_background_of_a_script_a_signal_to_it_stops_every_server(tmp_path, command, sig, status):
    if command.startswith("make") and shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    ports = (free_port(), free_port(), free_port())
    env = {**run_env(tmp_path, *ports, workers=1), "RUN_LOG": str(tmp_path / "run.log")}
    script = BACKGROUND_SCRIPT.format(command=command, signal=sig)
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    log = (tmp_path / "run.log").read_text()
    assert "Ctrl-C stops the servers." in log, log
    assert f"exit status {status}" in result.stdout, result.stdout + result.stderr + log
    assert f"SIG{sig}: servers stopped." in log, log
    assert servers_left(ports) == []


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_sigint_to_make_alone_stops_every_server(tmp_path):
    """`kill -INT <make's pid>`: make does not pass SIGINT on; the script sees make stop catching it."""
    ports = (free_port(), free_port(), free_port())
    process = subprocess.Popen(
        MAKE_RUN.split(),
        cwd=ROOT,
        env=run_env(tmp_path, *ports, workers=1),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        read_until(process, "Ctrl-C stops the servers.")
        process.send_signal(signal.SIGINT)  # to make's pid only
        rest = process.communicate(timeout=60)[0]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "SIGINT to make: servers stopped." in rest, rest
    assert process.returncode == -signal.SIGINT
    assert servers_left(ports) == []


def test_var_is_its_owner_s_only_and_the_admin_token_is_not_the_api_token(tmp_path):
    var = tmp_path / "var"
    runtime_port, sandbox_port = free_port(), free_port()
    process = start_run(var, runtime_port, sandbox_port, workers=1)
    try:
        output = read_until(process, "Ctrl-C stops the servers.")
        api_token = re.search(r"Demo token \(group admin, every scope\):\s+(\S+)", output).group(1)
        admin_token = (var / "admin-token").read_text().strip()
        assert api_token == (var / "demo-token").read_text().strip() and api_token != admin_token
        assert admin_token not in output and admin_token not in (var / "demo.env").read_text()
        rooms = f"http://127.0.0.1:{sandbox_port}/_sandbox/api/rooms"
        assert requests.get(rooms, headers={"Authorization": f"Bearer {api_token}"}, timeout=10).status_code == 401
        assert requests.get(rooms, headers={"Authorization": f"Bearer {admin_token}"}, timeout=10).status_code == 200
        assert call(runtime_port, "getAllRooms", authToken=api_token)["callback"] == "success"
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in var.iterdir()}
        expected = {"admin-token", "demo-token", "demo-oauth-secret", "demo.env", "standup-bot.db"}
        expected |= {"sandbox.db", "sandbox.db-wal", "sandbox.db-shm"}
        assert expected <= set(modes), sorted(modes)
        assert {name: mode for name, mode in modes.items() if mode != 0o600} == {}
        assert stat.S_IMODE(var.stat().st_mode) == 0o700
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
