"""What every sandbox starts with: a group and its owner, the admin token, the seeded add-on; generated ones printed and kept."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.sandbox.conftest import Api, Server, basic, make_app, stop
from tests.sandbox.delivery.test_webhooks import wait_until

BANNER = "HipChat sandbox: "


def test_a_generated_admin_token_is_printed_works_and_survives_a_restart(tmp_path, capsys):
    db = str(tmp_path / "boot.db")
    first = make_app(db=db, admin_token="", demo=False)
    printed = re.search(r"admin token \(group admin, every scope\): (\S+)", capsys.readouterr().err).group(1)
    try:
        assert Api(first.test_client(), printed).get("/v2/room").status_code == 200
    finally:
        stop(first)
    second = make_app(db=db, admin_token="", demo=False)
    try:
        assert re.search(r"admin token \(group admin, every scope\): (\S+)", capsys.readouterr().err).group(1) == printed
    finally:
        stop(second)


def test_a_generated_add_on_is_printed_and_its_credentials_get_tokens(capsys):
    app = make_app(oauth_client_id="", oauth_client_secret="", demo=False)
    try:
        found = re.search(r"add-on OAuth client: id (\S+) secret (\S+)", capsys.readouterr().err)
        response = app.test_client().post("/v2/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(*found.groups()))
        assert response.status_code == 200
    finally:
        stop(app)


def test_a_configured_admin_token_is_not_printed(capsys):
    app = make_app(admin_token="ConfiguredT0ken123", demo=False)
    try:
        printed = capsys.readouterr().err
        assert BANNER in printed and "admin token (group admin, every scope): " in printed  # the line is there...
        assert "ConfiguredT0ken123" not in printed  # ...without the token
    finally:
        stop(app)


def test_changing_the_admin_token_retires_the_old_one(tmp_path):
    db = str(tmp_path / "boot.db")
    stop(make_app(db=db, admin_token="OldT0ken123", demo=False))
    app = make_app(db=db, admin_token="NewT0ken123", demo=False)
    try:
        assert Api(app.test_client(), "OldT0ken123").get("/v2/room").status_code == 401
        assert Api(app.test_client(), "NewT0ken123").get("/v2/room").status_code == 200
    finally:
        stop(app)


def test_the_admin_is_the_group_owner_with_every_scope(empty_api):
    session = empty_api.get("/v2/oauth/token/SandboxAdminT0ken").get_json()
    assert session["owner"]["mention_name"] == "admin"
    assert "admin_group" in session["scopes"] and "send_message" in session["scopes"]
    assert empty_api.get("/v2/group/1").get_json()["owner"]["mention_name"] == "admin"


def test_demo_data_is_seeded_once(tmp_path):
    db = str(tmp_path / "boot.db")
    stop(make_app(db=db))
    app = make_app(db=db)
    try:
        rooms = Api(app.test_client()).get("/v2/room?include-archived=true").get_json()["items"]
        assert sorted(room["name"] for room in rooms) == ["General", "Old Projects", "Ops Room", "Random"]
    finally:
        stop(app)


def test_the_demo_data_is_announced_when_created_only(tmp_path, capsys):
    db = str(tmp_path / "boot.db")
    stop(make_app(db=db))
    assert "demo data created: rooms General" in capsys.readouterr().err
    stop(make_app(db=db))
    restart = capsys.readouterr().err
    assert BANNER in restart and "demo data" not in restart


def test_a_configured_admin_token_line_says_where_it_comes_from(capsys):
    stop(make_app(admin_token="ConfiguredT0ken123", demo=False))
    assert "admin token (group admin, every scope): the one SANDBOX_ADMIN_TOKEN sets" in capsys.readouterr().err


def test_the_banner_can_be_turned_off(capsys):
    stop(make_app(banner=True))
    assert BANNER in capsys.readouterr().err  # printed where it is on, so its absence below means something
    stop(make_app(banner=False))
    assert BANNER not in capsys.readouterr().err


def workers_of(master: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return children


def has_opened(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="workers are told from their master through /proc (Linux)")
def test_under_gunicorn_the_banner_prints_once_per_server_not_once_per_worker(gunicorn_sandbox):
    server: Server = gunicorn_sandbox
    server.workers = 3
    for start in ("first", "restart"):
        server.start()
        # Every worker has run the app factory (bootstrap opened the database) before the log is read.
        wait_until(lambda: len(workers := workers_of(server.process.pid)) == 3 and all(has_opened(w, server.db_path) for w in workers), 20)
        server.stop()
        log = server.log_path.read_text()
        server.log_path.unlink()
        assert log.count(BANNER) == 1, f"{start}: {log}"
        assert log.count("demo data created") == (1 if start == "first" else 0), f"{start}: {log}"
