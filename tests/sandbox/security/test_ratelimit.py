"""Rate limits per token and flood control per token and room, counted in SQLite so that every worker sees one count."""

from __future__ import annotations

import time

from sandbox.security import ratelimit
from tests.sandbox.conftest import ADMIN_TOKEN, Api, client_token, error_of, make_app, stop


def test_every_response_carries_the_rate_limit_headers(api):
    for response in (api.get("/v2/room"), api.get("/v2/no/such/route"), api.with_token(None).get("/v2/capabilities")):
        assert {"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"} <= set(response.headers.keys())
    first = api.get("/v2/room").headers
    second = api.get("/v2/room").headers
    assert int(second["X-Ratelimit-Remaining"]) == int(first["X-Ratelimit-Remaining"]) - 1
    assert int(first["X-Ratelimit-Reset"]) > time.time()


def test_generous_limits_by_default_and_hipchats_figures_on_request():
    for settings, user_limit, client_limit in (({}, 100_000, 100_000), ({"limits": "hipchat"}, 100, 500)):
        app = make_app(**settings)
        try:
            api = Api(app.test_client())
            assert api.get("/v2/room").headers["X-Ratelimit-Limit"] == str(user_limit)
            assert api.with_token(client_token(api)).get("/v2/room").headers["X-Ratelimit-Limit"] == str(client_limit)
        finally:
            stop(app)


def test_past_the_limit_a_token_gets_429_and_another_token_does_not():
    app = make_app(rate_limit=3)
    try:
        api = Api(app.test_client())
        statuses = [api.get("/v2/room").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = api.get("/v2/room")
        assert error_of(refused) == {"code": 429, "message": "Rate Limit exceeded", "type": "Too Many Requests"}
        assert refused.headers["X-Ratelimit-Remaining"] == "0"
        assert api.with_token(None).get("/v2/capabilities").status_code == 200
    finally:
        stop(app)


def test_flood_control_counts_sends_per_room():
    app = make_app(flood_limit=2)
    try:
        api = Api(app.test_client())
        sends = [api.post("/v2/room/General/message", {"message": f"m{i}"}) for i in range(3)]
        assert [r.status_code for r in sends] == [201, 201, 429]
        assert sends[0].headers["X-FloodControl-Limit"] == "2"
        assert sends[1].headers["X-FloodControl-Remaining"] == "0"
        assert error_of(sends[2])["message"] == "Flood control limit exceeded"
        assert api.post("/v2/room/Random/message", {"message": "other room"}).status_code == 201
        assert "X-FloodControl-Limit" not in api.get("/v2/room").headers
    finally:
        stop(app)


def test_two_processes_on_one_database_share_the_count(tmp_path):
    """Two apps on the same file stand for two gunicorn workers."""
    apps = [make_app(db=str(tmp_path / "shared.db"), rate_limit=4) for _ in range(2)]
    try:
        clients = [app.test_client() for app in apps]
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        statuses = [clients[i % 2].get("/v2/room", headers=headers).status_code for i in range(5)]
        assert statuses == [200, 200, 200, 200, 429]
    finally:
        for app in apps:
            stop(app)


def rate_rows(app) -> list[str]:
    with app.extensions["sandbox"].db.read() as conn:
        return [row["key"] for row in conn.execute("SELECT key FROM rate_counters")]


def test_invalid_tokens_share_the_addresss_bucket_and_leave_no_rows_of_their_own():
    app = make_app(rate_limit=150, rate_window=1_000_000_000)  # one window for the whole test
    try:
        api = Api(app.test_client())
        statuses = [api.with_token(f"made-up-token-{n}").get("/v2/room").status_code for n in range(200)]
        assert statuses == [401] * 150 + [429] * 50  # one bucket for the address, whatever the token
        assert api.with_token(None).get("/v2/capabilities").status_code == 429  # no token: the same bucket
        assert api.get("/v2/room").status_code == 200  # a real token has its own
        keys = rate_rows(app)
        assert sorted(key.split(":", 1)[0] for key in keys) == ["ip", "token"]
        assert "ip:127.0.0.1" in keys
    finally:
        stop(app)


def test_a_worker_reserves_calls_ahead_so_that_its_requests_do_not_each_write(tmp_path):
    app = make_app(db=str(tmp_path / "lease.db"), rate_limit=1000)
    try:
        api = Api(app.test_client())
        remaining = [int(api.get("/v2/room").headers["X-Ratelimit-Remaining"]) for _ in range(10)]
        assert remaining == list(range(999, 989, -1))
        with app.extensions["sandbox"].db.read() as conn:
            counted = conn.execute("SELECT count FROM rate_counters WHERE key LIKE 'token:%'").fetchone()[0]
        assert counted == min(ratelimit.MAX_LEASE, 1000 // ratelimit.LEASE_SHARE)  # one write reserved the first 32 calls
    finally:
        stop(app)


def test_workers_together_never_grant_more_than_the_limit(tmp_path):
    apps = [make_app(db=str(tmp_path / "shared.db"), rate_limit=100) for _ in range(3)]
    try:
        clients = [app.test_client() for app in apps]
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        order = [0, 1, 1, 2, 0, 0, 0, 2, 1] * 20  # uneven, as a load balancer spreads calls
        statuses = [clients[n].get("/v2/room", headers=headers).status_code for n in order]
        assert statuses.count(200) == 100  # every reserved call handed out, none beyond the limit
    finally:
        for app in apps:
            stop(app)
