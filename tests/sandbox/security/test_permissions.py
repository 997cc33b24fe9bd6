"""The permission table, walked over HTTP: every /v2 route by every kind of caller gets the answer its row gives.

Each call carries auth_test=true: HipChat's "has this token access to use this method" answers 202 or the refusal
without doing the method, so one world serves every row. (test_standing.py makes the refused calls for real.)
"""

from __future__ import annotations

import pytest

from sandbox.security import permissions
from sandbox.security.access import ALL_SCOPES, ENDPOINTS
from tests.sandbox.conftest import client_token, error_of
from tests.sandbox.security.conftest import GLANCE_KEY, WEBHOOK_KEY, WITHOUT_SCOPE, World

CALLERS = (*permissions.CALLERS, WITHOUT_SCOPE)
ADDON_TOKENS = (permissions.ADDON, permissions.OTHER_ADDON, permissions.ROOM_TOKEN, WITHOUT_SCOPE)


def path_values(world: World, arguments: set[str]) -> dict[str, str]:
    in_room = "room" in arguments
    values = {
        "room": str(world.room_id),
        "user": "@carol",
        "kind": "webhook" if in_room else "glance",
        "key": WEBHOOK_KEY if in_room else GLANCE_KEY,
        "webhook_id": str(world.webhook_id),
        "token": "any-token",
        "client_id": world.other_addon,
        "emoticon": "sandbox",
        "group_id": "1",
        "size": "small",
        "message_id": "any-message",
        "addon": "sandbox-addon",
    }
    return {name: values[name] for name in arguments}


def without_scope(world: World, endpoint: str) -> tuple[str, tuple[str, ...]]:
    """The add-on that made the room's extensions, with every scope but the ones the method takes."""
    needed = ENDPOINTS[endpoint].scopes
    scopes = tuple(s for s in ALL_SCOPES if s not in needed)
    return client_token(world.api, scope=" ".join(scopes)), scopes


def expected(endpoint: str, caller: str, scopes: tuple[str, ...]) -> int:
    """The row's answer: the scope table first, then the rule (the add-on without the scope is the add-on)."""
    access = ENDPOINTS[endpoint]
    if access.scopes and not set(access.scopes) & set(scopes):
        return 403
    if access.users_only and caller in ADDON_TOKENS:
        return 403
    column = permissions.ADDON if caller == WITHOUT_SCOPE else caller
    return 202 if access.who.answer(column) == permissions.ALLOW else 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_caller_gets_the_answer_its_row_gives(world: World, sandbox_rules, endpoint: str, caller: str):
    rule = sandbox_rules[endpoint]
    adapter = world.api.client.application.url_map.bind("sandbox.test")
    path = adapter.build(endpoint, path_values(world, set(rule.arguments)))
    (method,) = rule.methods - {"HEAD", "OPTIONS"}
    if caller == WITHOUT_SCOPE:
        token, scopes = without_scope(world, endpoint)
    else:
        token, scopes = world.tokens[caller], world.scopes[caller]
    response = world.api.client.open(
        f"{path}?auth_test=true", method=method, headers={"Authorization": f"Bearer {token}"}, base_url="http://sandbox.test"
    )
    want = expected(endpoint, caller, scopes)
    assert response.status_code == want, (endpoint, caller, response.get_json())
    if want == 403:
        assert error_of(response)["type"] == "Forbidden"


@pytest.fixture(scope="module")
def sandbox_rules(world: World) -> dict:
    return {rule.endpoint: rule for rule in world.api.client.application.url_map.iter_rules() if rule.rule.startswith("/v2/")}


def test_every_v2_route_has_a_row_of_the_permission_table(sandbox_rules):
    assert set(sandbox_rules) == set(ENDPOINTS), "a /v2 route needs a row in sandbox/security/access.py naming its rule"
    assert all(isinstance(ENDPOINTS[name].who, permissions.Who) for name in sandbox_rules)


def test_every_rule_answers_for_every_kind_of_caller():
    for rule in permissions.RULES:
        assert set(rule.answers) == set(permissions.CALLERS), rule.name
        assert set(rule.answers.values()) <= {permissions.ALLOW, permissions.FORBID}, rule.name
        assert not rule.restricts or rule.refusal or rule.unowned is not None, f"{rule.name} refuses without a message"
