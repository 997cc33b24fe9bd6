"""The scope table names only HipChat's scopes, and only the token-free methods are public. (That it covers every /v2
route and no other is test_permissions.py's test_every_v2_route_has_a_row_of_the_permission_table.)"""

from __future__ import annotations

from sandbox.security.access import ALL_SCOPES, ENDPOINTS


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
