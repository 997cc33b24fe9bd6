"""Sending a request to the upstream API: one pooled session per worker process, timeouts, TLS verification on."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from runtime.catalog.envelope import CallError, UpstreamApi
from runtime.config import Settings
from runtime.pipeline.mapping import Encoded, Outbound


@dataclass
class UpstreamResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


def basic_authorization(username: str, password: str) -> str:
    """HTTP Basic credentials in UTF-8 (RFC 7617); requests would encode them as Latin-1 and fail on other text."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class Upstream:
    def __init__(self, settings: Settings, api: UpstreamApi) -> None:
        self.settings = settings
        self.api = api
        self.base = settings.api_url.rstrip("/")
        self._session: requests.Session | None = None
        self._pid = 0

    @property
    def session(self) -> requests.Session:
        # Made after the fork, so that gunicorn workers never share sockets.
        if self._session is None or self._pid != os.getpid():
            session = requests.Session()
            session.trust_env = False  # no netrc credentials or proxies picked up behind the caller's back
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._session, self._pid = session, os.getpid()
        return self._session

    def url(self, outbound: Outbound) -> str:
        query = f"?{urlencode(outbound.query)}" if outbound.query else ""
        return f"{self.base}{outbound.path}{query}"

    def send(self, outbound: Outbound, encoded: Encoded) -> UpstreamResponse:
        headers = {"Accept": "application/json", "User-Agent": self.api.user_agent}
        if encoded.content_type:
            headers["Content-Type"] = encoded.content_type
        if outbound.bearer:
            headers["Authorization"] = f"Bearer {outbound.bearer}"
        elif outbound.basic:
            headers["Authorization"] = basic_authorization(*outbound.basic)
        url = self.url(outbound)
        settings = self.settings
        try:
            with self.session.request(
                outbound.method,
                url,
                headers=headers,
                data=encoded.data,
                timeout=(settings.connect_timeout, settings.read_timeout),
                allow_redirects=False,
                stream=True,
                verify=settings.ca_bundle or True,
            ) as response:
                body = self._read(response)
                return UpstreamResponse(response.status_code, response.headers, body, url)
        except requests.Timeout:
            raise self._timeout() from None
        except requests.exceptions.SSLError:
            raise CallError(
                "INTERNAL_PACKAGE_ERROR",
                f"The TLS certificate of {self.api.name} at {self.base} could not be verified (HIPCHAT_CA_BUNDLE names a private CA).",
                http_status=502,
            ) from None
        except requests.ConnectionError as exc:
            if any(isinstance(arg, ReadTimeoutError) for arg in exc.args):
                raise self._timeout() from None
            raise CallError("INTERNAL_PACKAGE_ERROR", f"{self.api.name} at {self.base} could not be reached.", http_status=502) from None
        except requests.RequestException as exc:
            message = f"The request to {self.api.name} failed ({type(exc).__name__})."
            raise CallError("INTERNAL_PACKAGE_ERROR", message, http_status=502) from None

    def _read(self, response: requests.Response) -> bytes:
        limit = self.settings.max_upstream_bytes
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise CallError("INTERNAL_PACKAGE_ERROR", f"{self.api.name}'s answer is larger than {limit} bytes.", http_status=502)
            chunks.append(chunk)
        return b"".join(chunks)

    def _timeout(self) -> CallError:
        s = self.settings
        return CallError(
            "UPSTREAM_TIMEOUT",
            f"{self.api.name} did not answer in time (connect {s.connect_timeout}s, read {s.read_timeout}s).",
            http_status=504,
        )
