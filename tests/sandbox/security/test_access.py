"""The scope table covers every /v2 route, and names no route that does not exist."""

from __future__ import annotations

from sandbox.security.access import ALL_SCOPES, ENDPOINTS


def test_every_v2_route_has_an_access_rule_and_every_rule_a_route(sandbox_app):
    endpoints = {rule.endpoint for rule in sandbox_app.url_map.iter_rules() if rule.rule.startswith("/v2/")}
    assert endpoints == set(ENDPOINTS)


def test_every_scope_named_is_a_hipchat_scope():
    named = {scope for access in ENDPOINTS.values() for scope in access.scopes}
    assert named <= set(ALL_SCOPES)


def test_only_the_token_free_methods_are_public():
    public = sorted(name for name, access in ENDPOINTS.items() if access.public)
    assert public == [
        "addon.installable",
        "addon.invoke_link",
        "capabilities.addon_schema",
        "capabilities.capabilities",
        "oauth.generate_token",
    ]
