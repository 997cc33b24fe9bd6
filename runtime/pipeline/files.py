"""File arguments: a data: URI, an http(s) URL fetched under guard, an uploaded part, or (where the catalog says so) a
bare base64 string. Never a local path.

Whatever the form, what goes upstream is clean: a valid media type and a file name without control characters, so
that nothing a caller or a fetched server chose can add a header to the upstream request.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

import requests
import urllib3

from runtime.catalog.envelope import invalid_arguments
from runtime.catalog.loading import Arg
from runtime.config import Settings
from runtime.pipeline.netguard import Fetch, FetchRefused, Policy, guarded_session

DATA_URI = re.compile(r"^data:(?P<meta>[^,]*),(?P<data>.*)$", re.S)
MAX_REDIRECTS = 5
# RFC 2045: a token is printable US-ASCII without space or tspecials; a parameter value is a token or a quoted-string.
TOKEN = r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+"
QUOTED = r'"(?:[\t !#-\[\]-~]|\\[\t -~])*"'
MEDIA_TYPE = re.compile(rf"{TOKEN}/{TOKEN}")
PARAMETER = re.compile(rf"[ \t]*(?P<key>{TOKEN})=(?P<value>{TOKEN}|{QUOTED})[ \t]*")
FORMS = "a data: URI, an http(s) URL or an uploaded file part"


@dataclass(frozen=True)
class FileValue:
    filename: str
    content_type: str
    data: bytes


def media_type(text: str) -> str | None:
    """text as a clean media type ("type/subtype; key=value"), or None if it is not one (RFC 2045)."""
    kind, *params = text.split(";")
    kind = kind.strip(" \t")
    if not MEDIA_TYPE.fullmatch(kind):
        return None
    clean = [kind]
    for param in params:
        match = PARAMETER.fullmatch(param)
        if match is None:
            return None
        clean.append(f"{match['key']}={match['value']}")
    return "; ".join(clean)


class FileResolver:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy = Policy(settings.file_allowed_hosts, settings.file_allow_private)
        self.session = guarded_session(settings.file_ca_bundle, MAX_REDIRECTS)

    def resolve(self, arg: Arg, value: Any) -> FileValue:
        name = arg.name
        if isinstance(value, FileValue):
            return self._from_upload(name, value)
        forms = f"the base64 of the file, {FORMS}" if arg.spec.get("acceptsBase64") else FORMS
        if not isinstance(value, str):
            raise invalid_arguments({name: f"must be {forms}"})
        if value[:5].lower() == "data:":
            return self._from_data_uri(name, value)
        if re.match(r"^https?://", value, re.I):
            return self._fetch(name, value)
        if arg.spec.get("acceptsBase64"):
            return self._from_base64(name, value)
        raise invalid_arguments({name: f"must be {forms}; local paths are never read"})

    def _check_size(self, name: str, size: int) -> None:
        if size > self.settings.file_max_bytes:
            raise invalid_arguments({name: f"the file is larger than {self.settings.file_max_bytes} bytes"})

    def _from_upload(self, name: str, upload: FileValue) -> FileValue:
        self._check_size(name, len(upload.data))
        content_type = media_type(upload.content_type)
        if content_type is None:
            raise invalid_arguments({name: "the uploaded part's Content-Type is not a valid media type (type/subtype)"})
        return FileValue(safe_filename(upload.filename) or default_filename(content_type), content_type, upload.data)

    def _from_base64(self, name: str, text: str) -> FileValue:
        try:
            data = base64.b64decode("".join(text.split()), validate=True)  # line breaks allowed, as base64 tools wrap
        except (binascii.Error, ValueError):
            raise invalid_arguments({name: f"is not valid base64 (give the base64 of the file, {FORMS})"}) from None
        self._check_size(name, len(data))
        return FileValue(default_filename("application/octet-stream"), "application/octet-stream", data)

    def _from_data_uri(self, name: str, uri: str) -> FileValue:
        match = DATA_URI.match(uri)
        if not match:
            raise invalid_arguments({name: "is not a valid data: URI (data:[<type>][;name=<file>][;base64],<data>)"})
        kind, *params = match.group("meta").split(";")
        is_base64, filename, media_params = False, "", []
        for param in params:
            key, equals, value = param.partition("=")
            if param.strip().lower() == "base64":
                is_base64 = True
            elif key.strip().lower() == "name" and equals:
                filename = unquote_to_bytes(value).decode("utf-8", "replace")
            else:
                media_params.append(param)
        content_type = media_type(";".join([kind or "text/plain", *media_params]))  # RFC 2397's default media type
        if content_type is None:
            raise invalid_arguments({name: "the data: URI's media type is not valid (type/subtype, then ;key=value parameters)"})
        raw = match.group("data")
        if is_base64:
            try:
                data = base64.b64decode(unquote_to_bytes(raw), validate=True)
            except (binascii.Error, ValueError):
                raise invalid_arguments({name: "the data: URI is marked base64 but its data is not valid base64"}) from None
        else:
            data = unquote_to_bytes(raw)
        self._check_size(name, len(data))
        return FileValue(safe_filename(filename) or default_filename(content_type), content_type, data)

    def _fetch(self, name: str, url: str) -> FileValue:
        seconds = self.settings.file_fetch_timeout
        with Fetch(self.policy, seconds) as fetch:
            try:
                with self.session.get(url, stream=True, timeout=(seconds, seconds)) as response:
                    if response.status_code != 200:
                        raise invalid_arguments({name: f"fetching the URL answered HTTP {response.status_code}"})
                    declared = response.headers.get("Content-Length", "")
                    if declared.isdigit():
                        self._check_size(name, int(declared))
                    chunks, size = [], 0
                    for chunk in response.iter_content(64 * 1024):
                        size += len(chunk)
                        self._check_size(name, size)
                        chunks.append(chunk)
            except FetchRefused as exc:
                raise invalid_arguments({name: str(exc)}) from None
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                raise invalid_arguments({name: _failure(exc, fetch)}) from None
            if fetch.expired:  # the deadline cut the body short, though the server's framing may not show it
                raise invalid_arguments({name: _timed_out(fetch)})
        content_type = media_type(response.headers.get("Content-Type", "")) or "application/octet-stream"
        return FileValue(_filename_from(response, content_type), content_type, b"".join(chunks))


def _timed_out(fetch: Fetch) -> str:
    return f"fetching the URL took longer than {fetch.seconds} seconds (FILE_FETCH_TIMEOUT, the whole fetch)"


def _failure(exc: Exception, fetch: Fetch) -> str:
    if fetch.expired or isinstance(exc, requests.Timeout):
        return _timed_out(fetch)
    if isinstance(exc, requests.TooManyRedirects):
        return f"fetching the URL took more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return "the URL's TLS certificate could not be verified (FILE_CA_BUNDLE names a private CA)"
        return "the TLS handshake with the URL's host failed"
    return f"the URL could not be fetched ({type(exc).__name__})"


def _filename_from(response: requests.Response, content_type: str) -> str:
    disposition = response.headers.get("Content-Disposition")
    if disposition:
        message = Message()
        message["Content-Disposition"] = disposition
        name = message.get_filename()
        if name:
            return safe_filename(name) or default_filename(content_type)
    path_name = unquote_to_bytes(PurePosixPath(urlsplit(response.url).path).name).decode("utf-8", "replace")
    return safe_filename(path_name) or default_filename(content_type)


def safe_filename(name: str) -> str:
    """The last path component of a name, without control characters (C0, DEL, C1, line separators), lone surrogates
    or quotes."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r'[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"]', "", name).strip()[:255]


def default_filename(content_type: str) -> str:
    return "file" + (mimetypes.guess_extension(content_type.split(";")[0]) or "")
