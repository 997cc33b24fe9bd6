"""File arguments: data: URIs, uploads, and URLs fetched under guard."""

from __future__ import annotations

import base64
import io
import json
import re
from email.parser import BytesParser
from email.policy import HTTP

import pytest

from runtime.app import create_app
from runtime.catalog.loading import load_catalog
from runtime.config import Settings
from tests.helpers import SEED, TOKEN, read_request_head, sent, share_file

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def parts_of(request) -> list:
    """The parts of a multipart/related body, parsed by the standard library."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.get_data())
    assert message.get_content_type() == "multipart/related"
    return list(message.iter_parts())


def test_a_data_uri_is_shared_as_multipart_related(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    response = share_file(client, "data:text/plain;name=notes.txt;base64," + base64.b64encode(b"Build 128\n").decode())
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
    response = share_file(app.test_client(), file_server.url_for("/files/chart.png"))
    assert response.get_json()["callback"] == "success"
    _, file_part = parts_of(sent(upstream)[0])
    assert (file_part.get_filename(), file_part.get_content_type(), file_part.get_payload(decode=True)) == ("chart.png", "image/png", PNG)


def test_a_redirect_to_a_host_not_allowed_is_refused(upstream, file_server):
    target = file_server.url_for("/files/chart.png")
    file_server.expect_request("/go").respond_with_data("", status=302, headers={"Location": target})
    file_server.expect_request("/files/chart.png").respond_with_data(PNG, content_type="image/png")
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("localhost",)))
    response = share_file(app.test_client(), f"http://localhost:{file_server.port}/go")
    error = response.get_json()["contextWrites"]["to"]
    assert (error["status_code"], error["fields"]) == ("INVALID_ARGUMENTS", ["file"])
    assert "127.0.0.1" in error["reasons"]["file"]
    assert [r.path for r in sent(file_server)] == ["/go"]
    assert upstream.log == []


def test_a_file_over_the_size_limit_is_refused(upstream, file_server):
    file_server.expect_request("/big.bin").respond_with_data(b"x" * 5000, content_type="application/octet-stream")
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("127.0.0.1",), file_max_bytes=4096))
    error = share_file(app.test_client(), file_server.url_for("/big.bin")).get_json()["contextWrites"]["to"]
    assert error["reasons"]["file"] == "the file is larger than 4096 bytes"
    assert upstream.log == []


def test_a_url_that_answers_an_error_is_reported(upstream, file_server):
    file_server.expect_request("/missing.png").respond_with_data("no", status=404)
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("127.0.0.1",)))
    error = share_file(app.test_client(), file_server.url_for("/missing.png")).get_json()["contextWrites"]["to"]
    assert error["reasons"]["file"] == "fetching the URL answered HTTP 404"


def test_a_data_uri_with_bad_base64_is_refused(client, upstream):
    error = share_file(client, "data:image/png;base64,***").get_json()["contextWrites"]["to"]
    assert error["reasons"]["file"] == "the data: URI is marked base64 but its data is not valid base64"
    assert upstream.log == []


def part_headers(request) -> list[list[str]]:
    """The header lines of each part of a multipart body, exactly as they crossed the wire."""
    boundary = request.headers["Content-Type"].split("boundary=", 1)[1].encode()
    parts = request.get_data().split(b"--" + boundary)[1:-1]
    return [part.lstrip(b"\r\n").split(b"\r\n\r\n", 1)[0].decode("utf-8").split("\r\n") for part in parts]


def assert_clean_part_headers(request) -> None:
    """Each part has exactly its Content-Disposition and Content-Type lines: nothing added, nothing folded."""
    for lines in part_headers(request):
        assert sorted(line.split(":", 1)[0] for line in lines) == ["Content-Disposition", "Content-Type"], lines
        assert not any(line[:1].isspace() for line in lines), lines


def refused(response) -> tuple[int, str, list[str], str]:
    error = response.get_json()["contextWrites"]["to"]
    return response.status_code, error["status_code"], error["fields"], next(iter(error["reasons"].values()))


# A lone surrogate


@pytest.mark.parametrize(
    "uri",
    ["data:text/plain;name=notes\ud800.txt;base64,QQ==", "data:text/pl\udfffain;base64,QQ==", "data:text/plain,A\ud800"],
    ids=["name", "media-type", "data"],
)
def test_a_lone_surrogate_in_a_data_uri_is_refused_naming_the_file(client, upstream, uri):
    status, code, fields, reason = refused(share_file(client, uri))
    assert (status, code, fields) == (400, "JSON_VALIDATION", ["file"])  # found when the call is read, before any decoding
    assert "lone surrogate" in reason
    assert upstream.log == []


# Media types and file names that could add a header upstream

BAD_MEDIA_TYPES = [
    "text/plain\r\nX-Evil: 1",
    "text/plain\nX-Evil: 1",
    "text/plain;charset=utf-8\r\nX-Evil: 1",
    'text/plain;charset="utf-8\r\nX-Evil: 1"',
    "text/plain\r\n X-Evil: 1",
    "text",
    "text/plain x",
    "te xt/plain",
    "text/plain;charset",
    "text/plain;=utf-8",
    "text/pl@in",
    "text/plain;name",
]


@pytest.mark.parametrize("media_type", BAD_MEDIA_TYPES)
def test_a_data_uri_whose_media_type_is_not_valid_is_refused(client, upstream, media_type):
    response = share_file(client, f"data:{media_type};base64,QQ==")
    reason = "the data: URI's media type is not valid (type/subtype, then ;key=value parameters)"
    assert refused(response) == (400, "INVALID_ARGUMENTS", ["file"], reason)
    assert upstream.log == []


@pytest.mark.parametrize(
    ("meta", "content_type"),
    [
        ("text/plain;charset=UTF-8;name=notes.txt", "text/plain; charset=UTF-8"),
        ('text/plain;charset="utf-8";name=notes.txt', 'text/plain; charset="utf-8"'),
        ("application/vnd.example+json;name=notes.txt", "application/vnd.example+json"),
        (";name=notes.txt", "text/plain"),
    ],
)
def test_a_valid_media_type_reaches_the_file_part_with_its_parameters(client, upstream, meta, content_type):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    response = share_file(client, f"data:{meta};base64,QQ==")
    assert response.get_json()["callback"] == "success"
    (request,) = sent(upstream)
    disposition = 'Content-Disposition: attachment; name="file"; filename="notes.txt"'
    assert part_headers(request)[1] == [disposition, f"Content-Type: {content_type}"]


def folded_headers_and_encoded_newlines(connection, stopping) -> None:
    """A file host answering a folded Content-Type and an RFC 2231 file name that decodes to CR LF."""
    read_request_head(connection)
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n X-Evil: 1\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''notes%0D%0AX-Evil%3A%202.txt\r\n"
        b"Content-Length: 5\r\nConnection: close\r\n\r\nhello"
    )


def test_a_fetched_files_headers_cannot_add_a_header_upstream(upstream, raw_http_server):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    port = raw_http_server(folded_headers_and_encoded_newlines)
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_allowed_hosts=("127.0.0.1",)))
    response = share_file(app.test_client(), f"http://127.0.0.1:{port}/notes.txt")
    assert response.get_json()["callback"] == "success", response.get_json()
    (request,) = sent(upstream)
    assert_clean_part_headers(request)
    _, file_part = parts_of(request)
    assert (file_part.get_filename(), file_part.get_content_type()) == ("notesX-Evil: 2.txt", "application/octet-stream")
    assert file_part.get_payload(decode=True) == b"hello"


def multipart_call(part_headers: bytes) -> tuple[bytes, str]:
    """A multipart call of shareFileWithRoom whose file part carries the given header lines: (body, Content-Type)."""
    args = json.dumps({"authToken": TOKEN, "roomIdOrName": "Ops Room"}).encode()
    body = (
        b'--B\r\nContent-Disposition: form-data; name="args"\r\n\r\n' + args + b"\r\n"
        b"--B\r\n" + part_headers + b"\r\n\r\nhello\r\n--B--\r\n"
    )
    return body, "multipart/form-data; boundary=B"


def test_an_uploaded_file_name_cannot_add_a_header_upstream(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    body, content_type = multipart_call(
        b"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''notes%0D%0AX-Evil%3A%201%E2%80%A8.txt\r\n"
        b"Content-Type: text/plain"
    )
    response = client.post("/api/HipChat/shareFileWithRoom", data=body, content_type=content_type)
    assert response.get_json()["callback"] == "success", response.get_json()
    (request,) = sent(upstream)
    assert_clean_part_headers(request)
    (file_part,) = parts_of(request)
    assert file_part.get_filename() == "notesX-Evil: 1.txt"


def test_an_uploaded_part_whose_content_type_is_not_a_media_type_is_refused(client, upstream):
    body, content_type = multipart_call(
        b'Content-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n X-Evil: 2'
    )
    response = client.post("/api/HipChat/shareFileWithRoom", data=body, content_type=content_type)
    reason = "the uploaded part's Content-Type is not a valid media type (type/subtype)"
    assert refused(response) == (400, "INVALID_ARGUMENTS", ["file"], reason)
    assert upstream.log == []


# A bare base64 string, where the seed describes the argument as one


def test_a_bare_base64_photo_is_sent_as_the_json_body(call, upstream):
    upstream.expect_request("/v2/user/alice@example.com/photo", method="PUT").respond_with_data("", status=204)
    status, envelope = call("updatePhoto", authToken=TOKEN, idOrEmail="alice@example.com", photo=base64.b64encode(PNG).decode())
    assert (status, envelope) == (200, {"callback": "success", "contextWrites": {"to": "success"}})
    assert sent(upstream)[0].get_json() == {"photo": base64.b64encode(PNG).decode()}


def test_a_bare_base64_photo_may_be_wrapped_in_lines(call, upstream):
    upstream.expect_request("/v2/user/alice@example.com/photo", method="PUT").respond_with_data("", status=204)
    status, _ = call("updatePhoto", authToken=TOKEN, idOrEmail="alice@example.com", photo=base64.encodebytes(PNG).decode())
    assert status == 200
    assert sent(upstream)[0].get_json() == {"photo": base64.b64encode(PNG).decode()}


@pytest.mark.parametrize("photo", ["iVBORw0KGgo...", "not base64", "abc", "/etc/passwd", "iVBORw0KGgo=AAAA"])
def test_a_photo_that_is_not_valid_base64_is_refused_naming_photo(call, upstream, photo):
    status, envelope = call("updatePhoto", authToken=TOKEN, idOrEmail="alice@example.com", photo=photo)
    error = envelope["contextWrites"]["to"]
    assert (status, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["photo"])
    assert error["reasons"]["photo"].startswith("is not valid base64")
    assert upstream.log == []


def test_a_bare_base64_photo_over_the_size_limit_is_refused(upstream):
    app = create_app(Settings(api_url=upstream.url_for("/v2"), file_max_bytes=16))
    args = {"authToken": TOKEN, "idOrEmail": "alice@example.com", "photo": base64.b64encode(PNG).decode()}
    error = app.test_client().post("/api/HipChat/updatePhoto", json={"args": args}).get_json()["contextWrites"]["to"]
    assert error["reasons"] == {"photo": "the file is larger than 16 bytes"}
    assert upstream.log == []


def test_a_file_argument_without_accepts_base64_still_refuses_bare_base64(client, upstream):
    status, code, fields, reason = refused(share_file(client, base64.b64encode(PNG).decode()))
    assert (status, code, fields) == (400, "INVALID_ARGUMENTS", ["file"])
    assert reason.startswith("must be a data: URI, an http(s) URL or an uploaded file part")
    assert upstream.log == []


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed is not at {SEED}")
def test_the_file_arguments_the_seed_calls_base64_accept_bare_base64():
    seed_base64: set[tuple[str, str]] = set()
    function = None
    for line in SEED.read_text().splitlines():
        heading = re.match(r"^## HipChat\.(\w+)", line)
        function = heading.group(1) if heading else function
        row = re.match(r"^\|\s*(\w+)\s*\|[^|]*\|(.*)$", line)
        if function and row and "base64" in row.group(2):
            seed_base64.add((function, row.group(1)))
    catalog = load_catalog(Settings().catalog_file)
    flagged = {(f.name, a.name) for f in catalog.functions.values() for a in f.file_args if a.spec.get("acceptsBase64")}
    assert flagged == seed_base64 == {("updatePhoto", "photo")}
