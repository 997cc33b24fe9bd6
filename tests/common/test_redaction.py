"""What logs and the journal may not write down: secrets in paths, queries, URLs and links inside a text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.redaction import (
    REDACTED,
    SECRET_IN_TEXT,
    SECRET_MEMBER,
    is_secret_name,
    redact_json_members,
    redact_links,
    redact_path,
    redact_query,
    redact_target,
)

SECRET = "s3cretT0ken"


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/v2/oauth/token/{SECRET}", "/v2/oauth/token/[redacted]"),
        (f"/v2/oauth/token/{SECRET}/more", "/v2/oauth/token/[redacted]"),
        (f"/v2/addon/my-addon/installable/{SECRET}", "/v2/addon/my-addon/installable/[redacted]"),
        (f"/v2/addon/link/{SECRET}", "/v2/addon/link/[redacted]"),
        (f"//v2//oauth/token/{SECRET}", "//v2//oauth/token/[redacted]"),
        (f"/v2/oauth/%74oken/{SECRET}", "/v2/oauth/token/[redacted]"),  # encoded: judged decoded
        (f"/V2/OAuth/Token/{SECRET}", "/V2/OAuth/Token/[redacted]"),
    ],
)
def test_the_token_in_a_secret_bearing_path_is_replaced(path, shown):
    assert redact_path(path) == shown


@pytest.mark.parametrize("path", ["/v2/oauth/token", "/v2/oauth/token/", "/v2/room/General/history", "/v2/addon/link"])
def test_other_paths_are_kept(path):
    assert redact_path(path) == path


def test_secret_query_parameters_are_replaced_and_the_rest_kept():
    query = f"auth_token={SECRET}&max-results=5&signed_request={SECRET}&client_secret={SECRET}&code={SECRET}&room=General"
    shown = redact_query(query)
    assert SECRET not in shown
    assert shown.startswith("auth_token=%5Bredacted%5D&max-results=5&") and shown.endswith("&room=General")


@pytest.mark.parametrize("name", ["auth_token", "AUTH_TOKEN", "refresh_token", "client_secret", "password", "signed_request", "code"])
def test_names_that_say_secret(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["max-results", "room", "message", "color", "encode_url", "codes"])
def test_names_that_do_not(name):
    assert not is_secret_name(name)


def test_a_url_loses_its_userinfo_and_its_secrets():
    shown = redact_target(f"https://user:{SECRET}@hooks.example.com/v2/oauth/token/{SECRET}?auth_token={SECRET}#frag")
    assert shown == "https://hooks.example.com/v2/oauth/token/[redacted]?auth_token=%5Bredacted%5D"


def test_a_request_target_keeps_its_shape():
    assert redact_target(f"/v2/room?auth_token={SECRET}") == "/v2/room?auth_token=%5Bredacted%5D"
    assert redact_target("/v2/room") == "/v2/room"


def test_links_inside_a_text_lose_their_secret_segment():
    text = f'{{"url": "http://sandbox.test/v2/addon/link/{SECRET}", "other": "http://sandbox.test/v2/room/1"}}'
    assert redact_links(text) == '{"url": "http://sandbox.test/v2/addon/link/[redacted]", "other": "http://sandbox.test/v2/room/1"}'


def test_secret_members_of_a_json_text_lose_their_string_values():
    text = (
        f'{{"access_token": "{SECRET}", "expires_in": 3600, "Client_Secret" : "{SECRET}", "code": "{SECRET}",'
        ' "zip_code": "x", "room": "r"}'
    )
    assert redact_json_members(text) == (
        '{"access_token": "[redacted]", "expires_in": 3600, "Client_Secret" : "[redacted]", "code": "[redacted]",'
        ' "zip_code": "[redacted]", "room": "r"}'
    )


def test_a_secret_member_cut_off_by_the_excerpt_s_end_is_replaced():
    assert redact_json_members(f'{{"room": "r", "refresh_token": "{SECRET[:4]}') == '{"room": "r", "refresh_token": "[redacted]"'


def test_a_secret_word_in_a_value_or_a_non_string_member_changes_nothing():
    text = '{"message": "my token is \\"token\\": \\"x\\"", "token_count": 3, "codes": "c"}'
    assert redact_json_members(text) == text


def test_a_key_beyond_ascii_is_judged_as_the_case_insensitive_pattern_judges_it():
    kelvin_token = "to\u212aen"  # KELVIN SIGN: "k" to a case-insensitive match
    assert redact_json_members(f'{{"{kelvin_token}": "{SECRET}"}}') == f'{{"{kelvin_token}": "[redacted]"}}'


# ASCII pieces: a text beyond ASCII is given to the pattern itself.
MEMBER_PIECES = [*'"\\:, {}[]_a', '": "', '":"', '" :', '"\t\x1c:', "token", "TOKEN", "code", "_code", "secret", "jwt"]
MEMBER_PIECES += ['"code', '"x_code', '\\"']
JSONISH = st.lists(st.sampled_from(MEMBER_PIECES), max_size=60).map("".join)
LINK_PIECES = ["/", "//", "v2", "V2", "v2/", "oauth", "OAuth", "token", "addon", "link", "k", "installable", '"', " ", "?", "\\"]
LINKISH = st.lists(st.sampled_from(LINK_PIECES), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(JSONISH)
def test_the_member_redaction_writes_what_the_pattern_s_substitution_writes(text):
    assert redact_json_members(text) == SECRET_MEMBER.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)


@settings(max_examples=2000, deadline=None)
@given(LINKISH)
def test_the_link_redaction_writes_what_the_pattern_s_substitution_writes(text):
    assert redact_links(text) == SECRET_IN_TEXT.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
