"""Fixtures of the runtime's tests: servers that stand for the sites File URLs name."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture
def file_server() -> Iterator[HTTPServer]:
    """A second loopback server standing for a site that hosts the files File URLs name."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    server.stop()


RawHandler = Callable[[socket.socket, threading.Event], None]


@pytest.fixture
def raw_http_server() -> Iterator[Callable[[RawHandler], int]]:
    """start(handler) -> port: a loopback TCP server that hands each connection to handler(connection, stopping), in a
    thread of its own, for answers no well-behaved HTTP server gives (dripped bytes, folded headers). The handler should
    return when stopping is set."""
    stopping = threading.Event()
    listeners: list[socket.socket] = []
    connections: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def serve(listener: socket.socket, handler: RawHandler) -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(connection.dup())  # a handle that survives the handler wrapping the socket in TLS
            thread = threading.Thread(target=_handle, args=(connection, handler, stopping), daemon=True)
            thread.start()
            threads.append(thread)

    def start(handler: RawHandler) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)
        thread = threading.Thread(target=serve, args=(listener, handler), daemon=True)
        thread.start()
        threads.append(thread)
        return listener.getsockname()[1]

    yield start
    stopping.set()
    for sock in [*listeners, *connections]:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked accept() or recv() (closing alone does not)
    for sock in [*listeners, *connections]:
        sock.close()
    for thread in threads:
        thread.join(timeout=5)


def _handle(connection: socket.socket, handler: RawHandler, stopping: threading.Event) -> None:
    with connection, contextlib.suppress(OSError):  # OSError: the client went away
        handler(connection, stopping)
