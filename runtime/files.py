"""File arguments: a data: URI, an http(s) URL fetched under guard, or an uploaded part. Never a local path."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import mimetypes
import re
import socket
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from runtime.config import Settings
from runtime.envelope import invalid_arguments

DATA_URI = re.compile(r"^data:(?P<meta>[^,]*),(?P<data>.*)$", re.S)
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FileValue:
    filename: str
    content_type: str
    data: bytes


class AddressRefused(Exception):
    """A File URL led to an address that configuration does not open to it.

    Not an OSError on purpose: urllib3 would take an OSError for a network failure and retry it.
    """


def address_allowed(address: str, host: str, settings: Settings) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    public = ip.is_global and not ip.is_multicast
    return public or settings.file_allow_private or host.lower() in settings.file_allowed_hosts


def _guarded(connection_class: type, settings: Settings) -> type:
    """A urllib3 connection class that resolves the host itself, refuses addresses configuration does not
    open to File URLs, and connects to the very address it checked (no DNS rebinding gap, no port probing)."""

    class Guarded(connection_class):  # type: ignore[misc, valid-type]
        def _new_conn(self) -> Any:
            try:
                infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
            except socket.gaierror:
                return super()._new_conn()  # urllib3 reports the resolution failure
            address = infos[0][4][0]
            for info in infos:
                if not address_allowed(info[4][0], self.host, settings):
                    raise AddressRefused(f"{self.host} resolves to {info[4][0]}, a loopback, private or link-local address")
            self._dns_host = address
            return super()._new_conn()

    return Guarded


class GuardedAdapter(HTTPAdapter):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        settings = self._settings

        class Pool(HTTPConnectionPool):
            ConnectionCls = _guarded(HTTPConnection, settings)

        class TLSPool(HTTPSConnectionPool):
            ConnectionCls = _guarded(HTTPSConnection, settings)

        self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TLSPool}


class FileResolver:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or netrc credentials from the environment
        self.session.max_redirects = MAX_REDIRECTS
        adapter = GuardedAdapter(settings)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def resolve(self, name: str, value: Any) -> FileValue:
        if isinstance(value, FileValue):
            self._check_size(name, len(value.data))
            return value
        if not isinstance(value, str):
            raise invalid_arguments({name: "must be a data: URI, an http(s) URL or an uploaded file part"})
        if value[:5].lower() == "data:":
            return self._from_data_uri(name, value)
        if re.match(r"^https?://", value, re.I):
            return self._fetch(name, value)
        raise invalid_arguments({name: "must be a data: URI, an http(s) URL or an uploaded file part; local paths are never read"})

    def _check_size(self, name: str, size: int) -> None:
        if size > self.settings.file_max_bytes:
            raise invalid_arguments({name: f"the file is larger than {self.settings.file_max_bytes} bytes"})

    def _from_data_uri(self, name: str, uri: str) -> FileValue:
        match = DATA_URI.match(uri)
        if not match:
            raise invalid_arguments({name: "is not a valid data: URI (data:[<type>][;name=<file>][;base64],<data>)"})
        meta = match.group("meta").split(";")
        content_type = meta[0] or "text/plain"  # RFC 2397's default media type
        params = dict(p.split("=", 1) for p in meta[1:] if "=" in p)
        raw = match.group("data")
        if "base64" in (p.lower() for p in meta[1:]):
            try:
                data = base64.b64decode(unquote_to_bytes(raw), validate=True)
            except (binascii.Error, ValueError):
                raise invalid_arguments({name: "the data: URI is marked base64 but its data is not valid base64"}) from None
        else:
            data = unquote_to_bytes(raw)
        self._check_size(name, len(data))
        filename = safe_filename(unquote_to_bytes(params.get("name", "")).decode("utf-8", "replace")) or default_filename(content_type)
        return FileValue(filename, content_type, data)

    def _fetch(self, name: str, url: str) -> FileValue:
        timeout = self.settings.file_fetch_timeout
        try:
            with self.session.get(url, stream=True, timeout=(timeout, timeout)) as response:
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
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip() or "application/octet-stream"
                filename = _filename_from(response, content_type)
                return FileValue(filename, content_type, b"".join(chunks))
        except AddressRefused as exc:
            raise invalid_arguments({name: f"{exc}, which File URLs may not reach (see FILE_ALLOWED_HOSTS)"}) from None
        except requests.TooManyRedirects:
            raise invalid_arguments({name: f"fetching the URL took more than {MAX_REDIRECTS} redirects"}) from None
        except requests.Timeout:
            raise invalid_arguments({name: f"fetching the URL took longer than {timeout} seconds"}) from None
        except requests.RequestException as exc:
            raise invalid_arguments({name: f"the URL could not be fetched ({type(exc).__name__})"}) from None


def _filename_from(response: requests.Response, content_type: str) -> str:
    disposition = response.headers.get("Content-Disposition")
    if disposition:
        message = Message()
        message["Content-Disposition"] = disposition
        name = message.get_filename()
        if name:
            return safe_filename(name) or default_filename(content_type)
    return safe_filename(unquote_to_bytes(PurePosixPath(urlsplit(response.url).path).name).decode("utf-8", "replace")) or default_filename(
        content_type
    )


def safe_filename(name: str) -> str:
    """The last path component of a name, without control characters or quotes."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r'[\x00-\x1f\x7f"]', "", name).strip()[:255]


def default_filename(content_type: str) -> str:
    return "file" + (mimetypes.guess_extension(content_type) or "")
