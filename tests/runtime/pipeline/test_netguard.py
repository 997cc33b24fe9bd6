"""File URLs on the network, over HTTP as a caller sees them: one guarded connect (a failed lookup is a refusal), TLS
against the URL's host name (SNI, certificate, FILE_CA_BUNDLE), pooled connections that stay guarded, and
FILE_FETCH_TIMEOUT as the deadline of the whole fetch."""

from __future__ import annotations

import shutil
import socket
import ssl
import threading
import time

import pytest
from pytest_httpserver import HTTPServer

from runtime.app import create_app
from runtime.config import Settings
from tests.helpers import read_request_head, self_signed_certificate, sent, share_file

PNG = b"\x89PNG\r\n\x1a\nnot really"
TIMED_OUT = "fetching the URL took longer than 1.5 seconds (FILE_FETCH_TIMEOUT, the whole fetch)"
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate (install-toolchains)")


def refusal(response) -> tuple[int, str, list[str], str]:
    error = response.get_json()["contextWrites"]["to"]
    return response.status_code, error["status_code"], error["fields"], error["reasons"]["file"]


def runtime_client(upstream: HTTPServer, **settings):
    return create_app(Settings(api_url=upstream.url_for("/v2"), **settings)).test_client()


def expect_share(upstream: HTTPServer) -> None:
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)


# A failed lookup is a refusal


def test_a_failed_lookup_is_a_refusal_not_a_second_unguarded_lookup(upstream, file_server, monkeypatch):
    """A resolver that fails the guard's query and answers loopback to the next one must not get a fetch from loopback."""
    file_server.expect_request("/internal").respond_with_data(b"internal secret", content_type="text/plain")
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding_resolver(host, port, *args, **kwargs):
        if host == "files.test":
            lookups.append(host)
            if len(lookups) == 1:
                raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
            host = "127.0.0.1"
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
    response = share_file(runtime_client(upstream), f"http://files.test:{file_server.port}/internal")
    assert refusal(response) == (400, "INVALID_ARGUMENTS", ["file"], "the host files.test could not be resolved")
    assert lookups == ["files.test"]
    assert file_server.log == []
    assert upstream.log == []


def test_a_pooled_connection_reconnects_under_its_host_name(upstream, file_server):
    """With FILE_ALLOWED_HOSTS=localhost, a second fetch (the pooled connection reconnects) is still for localhost."""
    expect_share(upstream)
    file_server.expect_request("/chart.png").respond_with_data(PNG, content_type="image/png")
    client = runtime_client(upstream, file_allowed_hosts=("localhost",))
    for _ in range(3):
        response = share_file(client, f"http://localhost:{file_server.port}/chart.png")
        assert response.get_json()["callback"] == "success", response.get_json()
    assert len(sent(file_server)) == 3


# TLS by host name


@pytest.fixture
def tls_file_server(tmp_path):
    """A file host on loopback whose certificate names localhost only (not 127.0.0.1), recording the SNI it receives."""
    cert, key = self_signed_certificate(tmp_path, "DNS:localhost")
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _socket, name, _context: server_names.append(name)
    server = HTTPServer(host="127.0.0.1", ssl_context=context)  # closes each connection after its answer
    server.start()
    server.expect_request("/files/chart.png").respond_with_data(PNG, content_type="image/png")
    yield server, cert, server_names
    server.clear()
    server.stop()


@needs_openssl
def test_an_https_url_by_host_name_is_verified_against_that_name(upstream, tls_file_server):
    server, cert, server_names = tls_file_server
    expect_share(upstream)
    client = runtime_client(upstream, file_allowed_hosts=("localhost",), file_ca_bundle=str(cert))
    response = share_file(client, f"https://localhost:{server.port}/files/chart.png")
    assert response.get_json()["callback"] == "success", response.get_json()
    assert server_names == ["localhost"]
    assert b"not really" in sent(upstream)[0].get_data()


@needs_openssl
def test_an_https_url_signed_by_an_unknown_ca_is_refused_without_file_ca_bundle(upstream, tls_file_server):
    server, _, _ = tls_file_server
    client = runtime_client(upstream, file_allowed_hosts=("localhost",))
    response = share_file(client, f"https://localhost:{server.port}/files/chart.png")
    reason = "the URL's TLS certificate could not be verified (FILE_CA_BUNDLE names a private CA)"
    assert refusal(response) == (400, "INVALID_ARGUMENTS", ["file"], reason)
    assert server.log == []
    assert upstream.log == []


@needs_openssl
def test_a_second_https_fetch_reconnects_under_the_host_name(upstream, tls_file_server):
    """The file host closed the first connection: the pooled connection reconnects, with SNI and checks for localhost."""
    server, cert, server_names = tls_file_server
    expect_share(upstream)
    client = runtime_client(upstream, file_allowed_hosts=("localhost",), file_ca_bundle=str(cert))
    for _ in range(2):
        response = share_file(client, f"https://localhost:{server.port}/files/chart.png")
        assert response.get_json()["callback"] == "success", response.get_json()
    assert len(sent(server)) == 2
    assert server_names == ["localhost", "localhost"]


@needs_openssl
def test_a_second_https_fetch_reuses_the_kept_alive_connection(upstream, raw_http_server, tmp_path):
    cert, key = self_signed_certificate(tmp_path, "DNS:localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server_names, requests_seen = [], []  # one server name per TLS connection
    context.sni_callback = lambda _socket, name, _context: server_names.append(name)

    def keep_alive(connection: socket.socket, stopping: threading.Event) -> None:
        with context.wrap_socket(connection, server_side=True) as tls:
            while not stopping.is_set() and (head := read_request_head(tls)):
                requests_seen.append(head.split(b"\r\n", 1)[0])
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n%s" % (len(PNG), PNG))

    port = raw_http_server(keep_alive)
    expect_share(upstream)
    client = runtime_client(upstream, file_allowed_hosts=("localhost",), file_ca_bundle=str(cert))
    for name in ("a.png", "b.png"):
        response = share_file(client, f"https://localhost:{port}/{name}")
        assert response.get_json()["callback"] == "success", response.get_json()
    assert requests_seen == [b"GET /a.png HTTP/1.1", b"GET /b.png HTTP/1.1"]
    assert server_names == ["localhost"]


# FILE_FETCH_TIMEOUT bounds the whole fetch


def drip(connection: socket.socket, stopping: threading.Event, data: bytes, interval: float = 0.25) -> None:
    for byte in data:
        if stopping.wait(interval):
            return
        connection.sendall(bytes([byte]))


def body_dripped_with_length(connection: socket.socket, stopping: threading.Event) -> None:
    read_request_head(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 60\r\n\r\n")
    drip(connection, stopping, b"x" * 40)  # 10 s, then the connection closes: an old per-read timeout never fires


def body_dripped_until_close(connection: socket.socket, stopping: threading.Event) -> None:
    read_request_head(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    drip(connection, stopping, b"x" * 40)


def headers_dripped(connection: socket.socket, stopping: threading.Event) -> None:
    read_request_head(connection)
    drip(connection, stopping, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


def slow_redirects(connection: socket.socket, stopping: threading.Event) -> None:
    """/hop/0 .. /hop/3 each answer after 0.6 s with a redirect to the next; /hop/4 answers the file."""
    hop = int(read_request_head(connection).split(b" ")[1].rsplit(b"/", 1)[1])
    if stopping.wait(0.6):
        return
    if hop < 4:
        connection.sendall(b"HTTP/1.1 302 Found\r\nLocation: /hop/%d\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" % (hop + 1))
    else:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


@pytest.mark.parametrize(
    ("handler", "path"),
    [
        (body_dripped_with_length, "/file"),
        (body_dripped_until_close, "/file"),
        (headers_dripped, "/file"),
        (slow_redirects, "/hop/0"),
    ],
    ids=["body-with-length", "body-until-close", "headers", "redirect-hops"],
)
def test_file_fetch_timeout_is_the_deadline_of_the_whole_fetch(upstream, raw_http_server, handler, path):
    port = raw_http_server(handler)
    client = runtime_client(upstream, file_allowed_hosts=("127.0.0.1",), file_fetch_timeout=1.5)
    started = time.monotonic()
    response = share_file(client, f"http://127.0.0.1:{port}{path}")
    elapsed = time.monotonic() - started
    assert refusal(response) == (400, "INVALID_ARGUMENTS", ["file"], TIMED_OUT)
    assert elapsed < 1.5 + 2, f"refused after {elapsed:.1f} s"  # a correctness bound, not a benchmark
    assert upstream.log == []
