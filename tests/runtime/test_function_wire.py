"""Every function over HTTP against a recording HipChat on loopback: the exact request out, the envelope back.

The rows live in tests/runtime/wire_cases.py and are written from the references, not from metadata.json.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
from urllib.parse import parse_qs

import pytest
from werkzeug import Response

from tests.helpers import SEED, TOKEN, body_json, raw_path, sent
from tests.runtime.wire_cases import BEARER, CASES, COMPLETION_CASES, MINIMAL_CASES, Case, CompletionCase, Form, Json, Multipart

needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"the seed README is not at {SEED}; cannot compare function names")


def rows(cases: list[Case]) -> list:
    return [
        pytest.param(case, id=row_id(case), marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else [])
        for case in cases
    ]


def row_id(case: Case) -> str:
    return f"{case.function}-{case.label}" if case.label else case.function


def answer_with(upstream, case: Case) -> None:
    answer = case.answer
    headers = dict(answer.headers)
    data = ""
    if answer.body is not None:
        data = json.dumps(answer.body)
        headers["Content-Type"] = "application/json"
    upstream.expect_request(re.compile(".*")).respond_with_response(Response(data, status=answer.status, headers=headers))


def call_runtime(client, case: Case):
    """POST the call to the runtime: JSON, or multipart/form-data when the row uploads a file."""
    if case.uploads:
        form = {"args": json.dumps(case.args)}
        for name, upload in case.uploads.items():
            form[name] = (io.BytesIO(upload.data), upload.filename, upload.content_type)
        return client.post(f"/api/HipChat/{case.function}", data=form, content_type="multipart/form-data")
    return client.post(f"/api/HipChat/{case.function}", json={"args": case.args})


def only_request(upstream):
    requests = sent(upstream)
    assert len(requests) == 1, f"expected one request upstream, got {[(r.method, r.full_path) for r in requests]}"
    return requests[0]


def assert_body(request, expected) -> None:
    if expected is None:
        assert request.get_data() == b""
        assert "Content-Type" not in request.headers
    elif isinstance(expected, Json):
        assert request.mimetype == "application/json"
        assert body_json(request) == expected.value
    elif isinstance(expected, Form):
        assert request.mimetype == "application/x-www-form-urlencoded"
        assert parse_qs(request.get_data(as_text=True), keep_blank_values=True, strict_parsing=True) == expected.fields
    elif isinstance(expected, Multipart):
        assert_multipart(request, expected)
    else:
        raise AssertionError(f"unknown body kind {expected!r}")


def assert_multipart(request, expected: Multipart) -> None:
    assert request.mimetype == "multipart/related"
    raw = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode() + request.get_data()
    message = email.message_from_bytes(raw, policy=email.policy.HTTP)
    assert message.is_multipart()
    parts = list(message.iter_parts())
    assert [p.get_param("name", header="content-disposition") for p in parts] == [p.name for p in expected.parts]
    for part, want in zip(parts, expected.parts, strict=True):
        assert part.get_content_disposition() == "attachment"
        assert part.get_content_type() == want.content_type
        assert part.get_filename() == want.filename
        payload = part.get_payload(decode=True)
        if want.json is not None:
            assert json.loads(payload) == want.json
        else:
            assert payload == want.data


def assert_exchange(upstream, client, case: Case) -> None:
    answer_with(upstream, case)

    response = call_runtime(client, case)

    request = only_request(upstream)
    assert request.method == case.method
    assert raw_path(request) == case.path
    assert sorted(request.args.items(multi=True)) == sorted(case.query)
    assert request.headers.get("Authorization") == case.authorization
    assert_body(request, case.body)
    assert response.status_code == 200
    assert response.get_json() == {"callback": "success", "contextWrites": {"to": case.answer.to}}
    relayed = {k: v for k, v in case.answer.headers.items() if k.lower().startswith(("x-ratelimit-", "x-floodcontrol-"))}
    assert {k: response.headers.get(k) for k in relayed} == relayed


@pytest.mark.parametrize("case", rows(CASES))
def test_function_sends_the_documented_request_and_wraps_the_answer(upstream, client, case: Case):
    assert_exchange(upstream, client, case)


@pytest.mark.parametrize("case", rows(MINIMAL_CASES))
def test_arguments_left_out_stay_off_the_wire(upstream, client, case: Case):
    assert_exchange(upstream, client, case)


@pytest.mark.parametrize("case", COMPLETION_CASES, ids=lambda c: c.function)
def test_partial_update_is_completed_from_the_current_object(upstream, client, case: CompletionCase):
    upstream.expect_request(re.compile(".*"), method="GET").respond_with_json(case.current)
    upstream.expect_request(re.compile(".*"), method="PUT").respond_with_response(Response(status=204))

    response = client.post(f"/api/HipChat/{case.function}", json={"args": case.args})

    get, put = sent(upstream)
    assert (get.method, raw_path(get), get.headers.get("Authorization"), get.get_data()) == ("GET", case.path, BEARER, b"")
    assert (put.method, raw_path(put), put.headers.get("Authorization"), put.mimetype) == ("PUT", case.path, BEARER, "application/json")
    assert body_json(put) == case.put_body
    assert response.status_code == 200
    assert response.get_json() == {"callback": "success", "contextWrites": {"to": "success"}}


@needs_seed
def test_rows_cover_exactly_the_seed_functions():
    seed = re.findall(r"^## HipChat\.(\w+)\s*$", SEED.read_text(), re.M)
    names = [case.function for case in CASES]
    assert len(seed) == 93
    assert sorted(names) == sorted(seed), f"missing {set(seed) - set(names)}, extra {set(names) - set(seed)}"


def secret_of(case: Case) -> str | None:
    """The credential the row's caller holds: the API token, or the OAuth client secret for getAccessToken."""
    return case.args.get("authToken") or case.args.get("clientSecret")


@pytest.mark.parametrize("case", rows(CASES))
def test_token_travels_only_in_the_authorization_header(upstream, client, case: Case):
    answer_with(upstream, case)

    call_runtime(client, case)

    request = only_request(upstream)
    secret = secret_of(case)
    needles = [TOKEN.encode()] + ([secret.encode()] if secret else [])
    uri = (request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path).encode()
    other_headers = [f"{k}: {v}".encode() for k, v in request.headers.items() if k.lower() != "authorization"]
    for needle in needles:
        assert needle not in uri
        assert needle not in request.get_data()
        assert not [h for h in other_headers if needle in h]
    if secret is None:
        assert "Authorization" not in request.headers
