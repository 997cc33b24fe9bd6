"""Photos and avatars (PUT base64, GET 302 to the image) and the files behind those URLs."""

from __future__ import annotations

import base64

from tests.sandbox.conftest import error_of, history, multipart_related

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_default_photo_redirects_to_a_png(api):
    response = api.get("/v2/user/%40bob/photo/small")
    assert response.status_code == 302
    image = api.get(response.headers["Location"].replace("http://sandbox.test", ""))
    assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")


def test_an_updated_photo_is_served_at_the_redirect(api):
    assert api.put("/v2/user/%40bob/photo", {"photo": base64.b64encode(PNG).decode()}).status_code == 204
    location = api.get("/v2/user/%40bob/photo/big").headers["Location"]
    assert api.get(location.replace("http://sandbox.test", "")).data == PNG
    assert api.get("/v2/user/%40bob").get_json()["photo_url"].startswith("http://sandbox.test/files/")


def test_a_data_uri_photo_is_accepted(api):
    data_uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert api.put("/v2/user/%40bob/photo", {"photo": data_uri}).status_code == 204
    location = api.get("/v2/user/%40bob/photo/big").headers["Location"]
    assert api.get(location.replace("http://sandbox.test", "")).data == PNG  # the data URI's bytes, read back


def test_a_photo_that_is_not_an_image_is_a_400(api):
    response = api.put("/v2/user/%40bob/photo", {"photo": base64.b64encode(b"plain text").decode()})
    assert error_of(response)["field"] == "photo"


def test_an_unknown_photo_size_is_a_400(api):
    assert error_of(api.get("/v2/user/%40bob/photo/huge"))["field"] == "size"


def test_deleting_a_photo_brings_back_the_default(api):
    api.put("/v2/user/%40bob/photo", {"photo": base64.b64encode(PNG).decode()})
    assert api.delete("/v2/user/%40bob/photo").status_code == 204
    assert "/files/builtin/photo/" in api.get("/v2/user/%40bob/photo/small").headers["Location"]


def test_the_group_avatar_round_trip(api):
    assert api.put("/v2/group/1/avatar", {"avatar": base64.b64encode(PNG).decode()}).status_code == 204
    location = api.get("/v2/group/1/avatar").headers["Location"]
    assert api.get(location.replace("http://sandbox.test", "")).data == PNG
    assert api.get("/v2/group/1").get_json()["avatar_url"] == location
    assert api.delete("/v2/group/1/avatar").status_code == 204
    assert api.get("/v2/group/1").get_json()["avatar_url"] is None


def test_an_unknown_file_is_a_json_404(api):
    response = api.get("/files/nope/name")
    assert response.status_code == 404
    assert error_of(response)["message"] == "File nope not found"


def test_an_uploaded_file_cannot_run_on_the_sandboxs_origin(api):
    content_type, body = multipart_related(None, "x.svg", "image/svg+xml", b"<svg onload='alert(1)'/>")
    api.post("/v2/room/General/share/file", data=body, content_type=content_type)
    served = api.get(history(api, "General")["items"][-1]["file"]["url"].replace("http://sandbox.test", ""))
    assert served.headers["Content-Disposition"] == "attachment"
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]
