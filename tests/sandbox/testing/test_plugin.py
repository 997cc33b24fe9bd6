"""The pytest plugin's fixtures: servers gone after a failing test, a session sandbox reset between tests, rooms and
users found or created, the runtime on the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import requests

from tests.helpers import ROOT, processes_with_env

FAILING = """
    def test_fails_with_both_servers_up(hipchat_sandbox, hipchat_runtime):
        hipchat_sandbox.room("Anything")
        assert False, "on purpose"
"""


SESSION = """
    SERVERS = set()


    def test_first(hipchat_sandbox_session):
        SERVERS.add(hipchat_sandbox_session.root)
        hipchat_sandbox_session.post_as("@bob", "Kept?", "from the first test")
        hipchat_sandbox_session.fault(path="/v2/*", status=500)


    def test_second(hipchat_sandbox_session):
        assert SERVERS == {hipchat_sandbox_session.root}  # the same server
        rooms = hipchat_sandbox_session.request("GET", "/_sandbox/api/rooms").json()["items"]
        assert rooms == [] and hipchat_sandbox_session.faults() == []
"""


def test_a_failing_test_leaves_no_server_behind(tmp_path):
    (tmp_path / "test_failing.py").write_text(textwrap.dedent(FAILING))
    marker = f"PLUGIN_TEST_{uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), marker: "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "sandbox.testing.plugin", "-p", "no:cacheprovider", "test_failing.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "on purpose" in result.stdout
    assert processes_with_env(marker) == []


def test_the_session_sandbox_is_reset_before_each_test(tmp_path):
    (tmp_path / "test_session.py").write_text(textwrap.dedent(SESSION))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "sandbox.testing.plugin", "-p", "no:cacheprovider", "test_session.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_room_and_user_are_created_once_then_found(hipchat_sandbox_session):
    box = hipchat_sandbox_session
    room, user = box.room("Ops"), box.user("@dana")
    assert box.room("Ops")["id"] == room["id"] and box.room(room["id"])["name"] == "Ops"
    assert box.user("dana")["id"] == user["id"] and user["mention_name"] == "dana"


def test_the_runtime_calls_the_sandbox(hipchat_sandbox, hipchat_runtime):
    hipchat_sandbox.room("Ops")
    envelope = hipchat_runtime.call("getRoom", authToken=hipchat_sandbox.api_token, roomIdOrName="Ops")
    assert envelope["contextWrites"]["to"]["name"] == "Ops"


def test_the_api_token_opens_v2_and_never_the_admin_side(hipchat_sandbox):
    box = hipchat_sandbox
    assert box.api_token != box.admin_token
    api = {"Authorization": f"Bearer {box.api_token}"}
    assert requests.get(f"{box.url}/room", headers=api, timeout=30).status_code == 200
    assert requests.get(f"{box.root}/_sandbox/api/rooms", headers=api, timeout=30).status_code == 401
    admin = {"Authorization": f"Bearer {box.admin_token}"}
    assert requests.get(f"{box.root}/_sandbox/api/rooms", headers=admin, timeout=30).status_code == 200
