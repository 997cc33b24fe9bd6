"""/_sandbox/api/faults over HTTP, on a real sandbox under gunicorn (the plugin's session sandbox, reset per test):
matching (method, glob, RE2, token kind, add-on), times, each effect (status with HipChat's body and headers, delay,
closed connection), listing with hit counts, removal, the journal's mark, the admin guard."""

from __future__ import annotations

import time

import pytest
import requests

from sandbox.testing.client import HipChatSandbox, SandboxError
from tests.sandbox.conftest import statements_during

NOTIFY = "/v2/room/*/notification"


def notify(box: HipChatSandbox, room: str = "Ops", token: str | None = None, **kwargs) -> requests.Response:
    box.room(room)
    return requests.post(
        f"{box.url}/room/{room}/notification",
        json={"message": "hello"},
        headers={"Authorization": f"Bearer {token or box.api_token}"},
        timeout=30,
        **kwargs,
    )


@pytest.fixture
def box(hipchat_sandbox_session: HipChatSandbox) -> HipChatSandbox:
    return hipchat_sandbox_session


def test_a_fault_answers_its_status_with_hipchats_error_body_and_its_headers(box):
    created = box.fault(method="POST", path=NOTIFY, status=503, headers={"Retry-After": "1"})
    assert isinstance(created["id"], int)
    answer = notify(box)
    assert answer.status_code == 503
    assert answer.json() == {"error": {"code": 503, "message": "Injected fault: HTTP 503", "type": "Service Unavailable"}}
    assert answer.headers["Retry-After"] == "1"


def test_a_429_carries_the_rate_limit_headers_with_its_reset(box):
    box.fault(method="POST", path=NOTIFY, status=429, reset_s=2)
    before = int(time.time())
    answer = notify(box)
    assert answer.status_code == 429
    assert answer.json()["error"]["message"] == "Rate Limit exceeded"
    assert answer.headers["X-Ratelimit-Remaining"] == "0"
    assert before + 2 <= int(answer.headers["X-Ratelimit-Reset"]) <= int(time.time()) + 2


def test_a_429_without_reset_s_resets_at_the_end_of_the_rate_window_as_the_real_limit(box):
    box.fault(method="POST", path=NOTIFY, status=429)
    answer = notify(box)
    reset = int(answer.headers["X-Ratelimit-Reset"])
    assert reset % 300 == 0 and 0 < reset - time.time() <= 300


def test_times_limits_a_fault_and_the_oldest_matching_fault_goes_first(box):
    box.fault(path=NOTIFY, status=503, times=1)
    box.fault(path=NOTIFY, status=500, times=2)
    assert [notify(box).status_code for _ in range(4)] == [503, 500, 500, 204]


def test_a_fault_matches_only_its_method_and_path(box):
    box.fault(method="GET", path="/v2/room/*", status=500)
    assert notify(box).status_code == 204  # the glob's * crosses "/": the method tells them apart
    assert requests.get(f"{box.url}/room/Ops", headers={"Authorization": f"Bearer {box.api_token}"}, timeout=30).status_code == 500
    assert requests.get(f"{box.url}/user", headers={"Authorization": f"Bearer {box.api_token}"}, timeout=30).status_code == 200


def test_a_fault_matches_by_re2_pattern(box):
    box.fault(pattern=r"^/v2/room/[^/]+/notification$", status=502)
    assert notify(box).status_code == 502
    assert requests.get(f"{box.url}/room/Ops/history", headers={"Authorization": f"Bearer {box.api_token}"}, timeout=30).status_code == 200


def test_a_pattern_rE2_refuses_is_a_400_naming_the_field(box):
    with pytest.raises(SandboxError, match="pattern"):
        box.fault(pattern=r"(a)\1", status=500)


def test_a_fault_matches_by_token_kind(box):
    box.fault(path=NOTIFY, token_kind="client", status=500)
    assert notify(box).status_code == 204  # the admin's personal token
    box.fault(path=NOTIFY, token_kind="personal", status=501)
    assert notify(box).status_code == 501


def test_a_fault_matches_by_addon(box):
    box.fault(path=NOTIFY, addon="some-other-addon", status=500)
    assert notify(box).status_code == 204  # the admin's token belongs to no add-on


def test_a_delay_holds_the_answer_then_lets_it_through(box):
    box.fault(path=NOTIFY, delay_ms=600, times=1)
    began = time.monotonic()
    assert notify(box).status_code == 204
    assert time.monotonic() - began >= 0.6


def test_close_drops_the_connection_without_an_answer(box):
    box.fault(path=NOTIFY, close=True, times=1)
    with pytest.raises(requests.ConnectionError):
        notify(box)
    assert notify(box).status_code == 204


def test_listing_shows_hit_counts_and_whether_a_fault_is_active(box):
    fault = box.fault(method="post", path=NOTIFY, status=503, times=2)
    notify(box)
    (listed,) = box.faults()
    assert (listed["id"], listed["method"], listed["hits"], listed["active"]) == (fault["id"], "POST", 1, True)
    notify(box)
    assert box.faults()[0]["hits"] == 2 and box.faults()[0]["active"] is False


def test_delete_removes_a_fault_and_then_answers_404(box):
    fault = box.fault(path=NOTIFY, status=503)
    box.remove_fault(fault)
    assert box.faults() == []
    assert notify(box).status_code == 204
    with pytest.raises(SandboxError, match="404"):
        box.remove_fault(fault)


def test_injected_answers_are_marked_in_the_journal(box):
    fault = box.fault(path=NOTIFY, status=503, times=1)
    notify(box)
    notify(box)
    entries = [e for e in box.journal() if e["path"].endswith("/notification")]
    assert [(e["status"], e["fault"]) for e in entries] == [(503, fault["id"]), (204, None)]


def test_a_fault_needs_a_path_and_an_effect(box):
    with pytest.raises(SandboxError, match="path"):
        box.fault(status=500)
    with pytest.raises(SandboxError, match="effect"):
        box.fault(path=NOTIFY)
    with pytest.raises(SandboxError, match="'status'"):
        box.fault(path=NOTIFY, status=200)
    with pytest.raises(SandboxError, match="'colour'"):
        box.fault(path=NOTIFY, status=500, colour="red")


def test_the_faults_api_needs_the_admin_token(box):
    answer = requests.post(f"{box.root}/_sandbox/api/faults", json={"path": NOTIFY, "status": 500}, timeout=30)
    assert answer.status_code == 401
    assert requests.get(f"{box.root}/_sandbox/api/faults", headers={"Authorization": "Bearer nope"}, timeout=30).status_code == 401


def test_the_helpers_own_calls_spend_no_fault(box):
    box.fault(path="/v2/*", status=500, times=1)
    box.room("Fresh room")
    box.user("@zoe")
    assert box.faults()[0]["hits"] == 0


def test_reset_removes_the_faults(box):
    box.fault(path=NOTIFY, status=503)
    box.reset()
    assert box.faults() == []


def test_a_fault_made_after_requests_found_none_takes_the_next_request_in_any_worker(box):
    assert [notify(box).status_code for _ in range(6)] == [204] * 6  # the workers have found no fault and stopped asking
    box.fault(path=NOTIFY, status=503, times=2)
    assert [notify(box).status_code for _ in range(3)] == [503, 503, 204]


def test_while_no_fault_is_live_a_request_asks_the_database_nothing_about_faults(sandbox_app, api):
    api.post("/_sandbox/api/faults", {"path": NOTIFY, "status": 503, "times": 1})
    assert api.post("/v2/room/General/notification", {"message": "faulted"}).status_code == 503
    assert api.post("/v2/room/General/notification", {"message": "asks, finds none live"}).status_code == 204
    statements = statements_during(sandbox_app, lambda: api.post("/v2/room/General/notification", {"message": "asks nothing"}))
    assert not [statement for statement in statements if "faults" in statement]
