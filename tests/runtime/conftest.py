"""Fixtures of the runtime's tests: servers that stand for the sites File URLs name."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests import helpers
from tests.helpers import RawHandler


@pytest.fixture
def file_server() -> Iterator[HTTPServer]:
    """A second loopback server standing for a site that hosts the files File URLs name."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def raw_http_server() -> Iterator[Callable[[RawHandler], int]]:
    """start(handler) -> port: a loopback TCP server for answers no well-behaved HTTP server gives (tests.helpers)."""
    with helpers.raw_http_server() as start:
        yield start
