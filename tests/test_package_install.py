"""The project installs as a package (issue 15): a fresh virtual environment pip-installs a clean clone, and then a bot
builder's test using the pytest plugin's fixtures runs there, far from the repository (no path tricks); the console
scripts work. Marked `install`: it needs the package index (or pip's cache), as `make test` does; CI runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import textwrap
import time

import pytest
import requests

pytestmark = pytest.mark.install

BOT_TEST = '''
    import requests


    def test_a_notification_through_the_runtime_lands_in_the_room(hipchat_sandbox, hipchat_runtime):
        hipchat_sandbox.room("Builds")
        hipchat_sandbox.fault(method="POST", path="/v2/room/*/notification", status=503, times=1)
        args = {"authToken": hipchat_sandbox.api_token, "roomIdOrName": "Builds", "message": "Build 7 passed"}
        url = f"{hipchat_runtime.url}/api/HipChat/sendRoomNotification"
        first = requests.post(url, json={"args": args}, timeout=30).json()
        assert first["contextWrites"]["to"]["upstream_status"] == 503
        assert requests.post(url, json={"args": args}, timeout=30).json()["callback"] == "success"
        card = hipchat_sandbox.wait_for("Builds", lambda m: m["message"] == "Build 7 passed", timeout=10)
        assert card["type"] == "notification"


    def test_a_person_typing_is_a_message_of_theirs(hipchat_sandbox):
        hipchat_sandbox.post_as("@bob", "Standups", "hello there")
        said = hipchat_sandbox.wait_for("Standups", lambda m: m["message"] == "hello there", timeout=10)
        assert said["from"]["mention_name"] == "bob"


    def test_wait_for_names_the_room_and_shows_what_it_saw(hipchat_sandbox):
        hipchat_sandbox.post_as("@bob", "Quiet", "only this")
        try:
            hipchat_sandbox.wait_for("Quiet", lambda m: m["message"] == "never", timeout=0.5)
        except AssertionError as error:
            assert "'Quiet'" in str(error) and "only this" in str(error)
        else:
            raise AssertionError("wait_for did not fail")
'''


def test_the_plugin_runs_a_bot_builders_tests_in_a_fresh_venv(installed_project, tmp_path):
    (tmp_path / "test_bot.py").write_text(textwrap.dedent(BOT_TEST))
    result = installed_project.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_bot.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert not leftover_servers(installed_project), "a server outlived the test run"


def test_the_example_bots_own_tests_run_in_a_fresh_venv(installed_project):
    """examples/standup-bot/tests as a bot builder runs them: the package pip-installed, the bot's requirements too, and
    no configuration of this repository's (-c /dev/null: no pythonpath into the clone), so the plugin and the sandbox
    are the installed ones."""
    bot = installed_project.work / "src" / "examples" / "standup-bot"
    pip = installed_project.run("python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", "requirements.txt", cwd=bot)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    options = ("-q", "-p", "no:cacheprovider", "-c", "/dev/null", "--rootdir", str(bot))
    result = installed_project.run("python", "-m", "pytest", *options, "tests", cwd=bot)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout, result.stdout
    where = installed_project.run("python", "-c", "import sandbox; print(sandbox.__file__)", cwd=bot)
    assert "site-packages" in where.stdout, where.stdout
    assert not leftover_servers(installed_project), "a server outlived the test run"


def leftover_servers(installed) -> list[str]:
    """Processes still running the fresh venv's gunicorn (its python's path is in their command line)."""
    marker = str(installed.bin).encode()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                text = cmdline.read()
        except OSError:
            continue
        if b"gunicorn" in text and marker in text:
            found.append(pid)
    return found


def test_hipchat_sandbox_port_0_env_prints_the_shell_lines_and_keeps_serving(installed_project, tmp_path):
    env = {"PATH": f"{installed_project.bin}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", str(tmp_path))}
    process = subprocess.Popen(
        ["hipchat-sandbox", "--port", "0", "--env"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        lines = dict(process.stdout.readline().strip().split("=", 1) for _ in range(3))
        assert set(lines) == {"HIPCHAT_API_URL", "HIPCHAT_TOKEN", "HIPCHAT_ADMIN_TOKEN"}
        headers = {"Authorization": f"Bearer {lines['HIPCHAT_TOKEN']}"}
        rooms = requests.get(f"{lines['HIPCHAT_API_URL']}/room", headers=headers, timeout=30).json()["items"]
        assert "General" in [room["name"] for room in rooms]  # demo data
        admin_side = f"{lines['HIPCHAT_API_URL'].removesuffix('/v2')}/_sandbox/api/rooms"
        assert lines["HIPCHAT_TOKEN"] != lines["HIPCHAT_ADMIN_TOKEN"]
        assert requests.get(admin_side, headers=headers, timeout=30).status_code == 401
        assert requests.get(admin_side, headers={"Authorization": f"Bearer {lines['HIPCHAT_ADMIN_TOKEN']}"}, timeout=30).status_code == 200
        time.sleep(1)
        assert process.poll() is None  # keeps serving
    finally:
        os.kill(process.pid, signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    assert not leftover_servers(installed_project)


def test_hipchat_runtime_lists_the_package_from_the_installed_catalog(installed_project, tmp_path):
    result = installed_project.run("hipchat-runtime", "describe", "sendRoomNotification", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "roomIdOrName" in result.stdout
