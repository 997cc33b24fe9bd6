"""The URL a snippet calls: RUNTIME_PUBLIC_URL, else the request's Host, which must be a plain host[:port]."""

from __future__ import annotations

import socket

import pytest

from runtime.app import create_app
from runtime.config import Settings

SNIPPET = "/api/HipChat/getRoom/snippet/curl"
MALFORMED = {
    "empty": "",
    "with a slash": "evil.example/x",
    "with a path that empties the authority": "/api",
    "with user info": "user@evil.example",
    "with a space": "evil example",
    "with CRLF": "evil.example\r\nX-Injected: 1",
    "with a tab": "evil.example\t",
    "port out of range": "localhost:65536",
    "port zero": "localhost:0",
    "port not a number": "localhost:http",
    "empty port": "localhost:",
    "two ports": "localhost:80:80",
    "a label starting with a hyphen": "-evil.example",
    "non-ASCII": "évil.example",
    "unicode digits in the port": "localhost:\uff18\uff10",
    "a bad IPv6 literal": "[::g]:8000",
    "an IPv6 literal without brackets": "::1",
    "an unclosed bracket": "[::1:8000",
    "text after the bracket": "[::1]x",
    "an IPv6 zone": "[fe80::1%eth0]",
    "a quote": "evil.example'",
}
# Werkzeug's router cannot encode these as IDNA and answers 400 for every route, before any snippet code runs.
UNROUTABLE = {"an empty label": "evil..example", "a label over 63 characters": "a" * 64 + ".example"}
VALID = {
    "a name": ("evil.example", "http://evil.example/api/HipChat/getRoom"),
    "a name and port": ("localhost:8000", "http://localhost:8000/api/HipChat/getRoom"),
    "an IPv4 address and port": ("127.0.0.1:8000", "http://127.0.0.1:8000/api/HipChat/getRoom"),
    "a bracketed IPv6 address": ("[::1]", "http://[::1]/api/HipChat/getRoom"),
    "a bracketed IPv6 address and port": ("[2001:db8::1]:8443", "http://[2001:db8::1]:8443/api/HipChat/getRoom"),
    "the highest port": ("localhost:65535", "http://localhost:65535/api/HipChat/getRoom"),
}


def snippet_with_host(client, host: str, method: str = "POST"):
    # environ_overrides sets the header as a server would pass it, CR and LF included (the builder refuses those).
    body = {"json": {"args": {"roomIdOrName": "Ops Room"}}} if method == "POST" else {}
    return client.open(SNIPPET, method=method, environ_overrides={"HTTP_HOST": host}, **body)


@pytest.mark.parametrize("host", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_malformed_host_is_refused_with_an_error_naming_it(client, host, method):
    response = snippet_with_host(client, host, method)

    assert response.status_code == 400
    to = response.get_json()["contextWrites"]["to"]
    assert (to["status_code"], to["fields"]) == ("INVALID_HOST", ["Host"])
    assert "RUNTIME_PUBLIC_URL" in to["status_msg"]
    assert "\r" not in to["status_msg"] and "\n" not in to["status_msg"]


@pytest.mark.parametrize("host", UNROUTABLE.values(), ids=UNROUTABLE.keys())
def test_a_host_the_router_cannot_encode_gets_an_error_and_no_snippet(client, host):
    response = snippet_with_host(client, host)

    assert response.status_code == 400
    assert response.get_json()["callback"] == "error"


@pytest.mark.parametrize(("host", "url"), VALID.values(), ids=VALID.keys())
def test_a_valid_host_becomes_the_snippet_url(client, host, url):
    response = snippet_with_host(client, host)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert f"'{url}'" in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["evil.example/x", "", "user@evil.example"])
def test_the_public_url_setting_wins_over_any_host(host):
    client = create_app(Settings(public_url="https://hipchat-functions.example.com/")).test_client()

    response = snippet_with_host(client, host)

    assert response.status_code == 200
    assert "'https://hipchat-functions.example.com/api/HipChat/getRoom'" in response.get_data(as_text=True)


def raw_request(base_url: str, host_line: bytes) -> tuple[int, bytes]:
    _, _, authority = base_url.partition("://")
    address, _, port = authority.partition(":")
    with socket.create_connection((address, int(port)), timeout=10) as connection:
        connection.sendall(b"GET " + SNIPPET.encode() + b" HTTP/1.1\r\n" + host_line + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.parametrize("host_line", [b"Host: evil.example/api", b"Host: user@evil.example", b"Host: localhost:99999", b"Host:"])
def test_over_http_a_malformed_host_never_reaches_a_snippet(gunicorn_runtime, host_line):
    base_url, _ = gunicorn_runtime

    status, body = raw_request(base_url, host_line)

    assert status == 400
    assert b"INVALID_HOST" in body


def test_over_http_a_plain_host_is_written_into_the_snippet(gunicorn_runtime):
    base_url, _ = gunicorn_runtime

    status, body = raw_request(base_url, b"Host: functions.example:8443")

    assert status == 200
    assert b"'http://functions.example:8443/api/HipChat/getRoom'" in body
