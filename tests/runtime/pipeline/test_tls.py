"""TLS verification stays on: an unknown certificate is refused, a configured CA bundle is trusted."""

from __future__ import annotations

import shutil
import ssl

import pytest
from pytest_httpserver import HTTPServer

from runtime.app import create_app
from runtime.config import Settings
from tests.helpers import TOKEN, self_signed_certificate

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate (install-toolchains)")


@pytest.fixture
def tls_upstream(tmp_path):
    cert, key = self_signed_certificate(tmp_path, "DNS:localhost,IP:127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = HTTPServer(host="127.0.0.1", ssl_context=context)
    server.start()
    server.expect_request("/v2/room/1").respond_with_json({"id": 1})
    yield server, cert
    server.clear()
    server.stop()


def get_room(settings: Settings):
    response = create_app(settings).test_client().post("/api/HipChat/getRoom", json={"args": {"authToken": TOKEN, "roomIdOrName": 1}})
    return response.status_code, response.get_json()


def test_an_unverifiable_certificate_is_refused(tls_upstream):
    server, _ = tls_upstream
    status, envelope = get_room(Settings(api_url=server.url_for("/v2")))
    assert status == 502
    assert envelope["contextWrites"]["to"]["status_code"] == "INTERNAL_PACKAGE_ERROR"
    assert "could not be verified" in envelope["contextWrites"]["to"]["status_msg"]
    assert server.log == []


def test_a_configured_ca_bundle_is_trusted(tls_upstream):
    server, cert = tls_upstream
    status, envelope = get_room(Settings(api_url=server.url_for("/v2"), ca_bundle=str(cert)))
    assert (status, envelope["contextWrites"]["to"]) == (200, {"id": 1})
