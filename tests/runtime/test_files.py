"""File arguments: data: URIs, uploads, and URLs fetched under guard."""

from __future__ import annotations

import base64
import io
import json
from email.parser import BytesParser
from email.policy import HTTP

import pytest
from pytest_httpserver import HTTPServer

from runtime.app import create_app
from runtime.config import Settings
from tests.helpers import TOKEN, sent

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def parts_of(request) -> list:
    """The parts of a multipart/related body, parsed by the standard library."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.get_data())
    assert message.get_content_type() == "multipart/related"
    return list(message.iter_parts())


@pytest.fixture
def file_server() -> HTTPServer:
    """A second loopback server standing for a site that hosts files."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    server.stop()


def share(client, file_value, message="Release notes"):
    return client.post("/api/HipChat/shareFileWithRoom", json={"args": {**ROOM, "file": file_value, "message": message}})


def test_a_data_uri_is_shared_as_multipart_related(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    response = share(client, "data:text/plain;name=notes.txt;base64," + base64.b64encode(b"Build 128\n").decode())
    assert response.get_json()["callback"] == "success"
    metadata, file_part = parts_of(sent(upstream)[0])
    assert metadata.get_content_type() == "application/json"
    assert metadata.get_param("name", header="content-disposition") == "metadata"
    assert json.loads(metadata.get_payload(decode=True)) == {"message": "Release notes"}
    assert file_part.get_filename() == "notes.txt"
    assert file_part.get_param("name", header="content-disposition") == "file"
    assert file_part.get_content_type() == "text/plain"
    assert file_part.get_payload(decode=True) == b"Build 128\n"


def test_an_uploaded_part_is_shared_with_its_name_and_type(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    data = {"args": json.dumps({"authToken": TOKEN, "roomIdOrName": "Ops Room"}), "file": (io.BytesIO(PNG), "chart.png", "image/png")}
    response = client.post("/api/HipChat/shareFileWithRoom", data=data, content_type="multipart/form-data")
    assert response.get_json()["callback"] == "success"
    (file_part,) = parts_of(sent(upstream)[0])
    assert (file_part.get_filename(), file_part.get_content_type()) == ("chart.png", "image/png")
    assert file_part.get_payload(decode=True) == PNG


def test_an_uploaded_part_must_be_named_after_a_file_argument(client, upstream):
    data = {"args": json.dumps({"authToken": TOKEN, "roomIdOrName": "Ops Room"}), "photo": (io.BytesIO(PNG), "chart.png", "image/png")}
    response = client.post("/api/HipChat/shareFileWithRoom", data=data, content_type="multipart/form-data")
    error = response.get_json()["contextWrites"]["to"]
    assert (response.status_code, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["photo"])
    assert upstream.log == []


def test_a_photo_travels_as_base64_in_json(client, upstream):
    upstream.expect_request("/v2/user/alice@example.com/photo", method="PUT").respond_with_data("", status=204)
    photo = "data:image/png;base64," + base64.b64encode(PNG).decode()
    response = client.post(
        "/api/HipChat/updatePhoto", json={"args": {"authToken": TOKEN, "idOrEmail": "alice@example.com", "photo": photo}}
    )
    assert response.get_json()["callback"] == "success"
    assert sent(upstream)[0].get_json() == {"photo": base64.b64encode(PNG).decode()}


def test_a_url_on_an_allowed_host_is_fetched(upstream, file_server):
    file_server.expect_request("/files/chart.png").respond_with_data(PNG, content_type="image/png")
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("127.0.0.1",)))
    response = share(app.test_client(), file_server.url_for("/files/chart.png"))
    assert response.get_json()["callback"] == "success"
    _, file_part = parts_of(sent(upstream)[0])
    assert (file_part.get_filename(), file_part.get_content_type(), file_part.get_payload(decode=True)) == ("chart.png", "image/png", PNG)


def test_a_redirect_to_a_host_not_allowed_is_refused(upstream, file_server):
    target = file_server.url_for("/files/chart.png")
    file_server.expect_request("/go").respond_with_data("", status=302, headers={"Location": target})
    file_server.expect_request("/files/chart.png").respond_with_data(PNG, content_type="image/png")
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("localhost",)))
    response = share(app.test_client(), f"http://localhost:{file_server.port}/go")
    error = response.get_json()["contextWrites"]["to"]
    assert (error["status_code"], error["fields"]) == ("INVALID_ARGUMENTS", ["file"])
    assert "127.0.0.1" in error["reasons"]["file"]
    assert [r.path for r in sent(file_server)] == ["/go"]
    assert upstream.log == []


def test_a_file_over_the_size_limit_is_refused(upstream, file_server):
    file_server.expect_request("/big.bin").respond_with_data(b"x" * 5000, content_type="application/octet-stream")
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("127.0.0.1",), file_max_bytes=4096))
    error = share(app.test_client(), file_server.url_for("/big.bin")).get_json()["contextWrites"]["to"]
    assert error["reasons"]["file"] == "the file is larger than 4096 bytes"
    assert upstream.log == []


def test_a_url_that_answers_an_error_is_reported(upstream, file_server):
    file_server.expect_request("/missing.png").respond_with_data("no", status=404)
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("127.0.0.1",)))
    error = share(app.test_client(), file_server.url_for("/missing.png")).get_json()["contextWrites"]["to"]
    assert error["reasons"]["file"] == "fetching the URL answered HTTP 404"


def test_a_data_uri_with_bad_base64_is_refused(client, upstream):
    error = share(client, "data:image/png;base64,***").get_json()["contextWrites"]["to"]
    assert error["reasons"]["file"] == "the data: URI is marked base64 but its data is not valid base64"
    assert upstream.log == []
