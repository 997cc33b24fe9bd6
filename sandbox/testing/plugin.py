"""The pytest plugin (entry point pytest11 `hipchat`): fixtures that start the real sandbox, and the runtime on it.

- hipchat_sandbox: a sandbox of its own for the test (its own server and database), stopped after it.
- hipchat_sandbox_session: one sandbox for the whole session, reset before each test that uses it (faster).
- hipchat_runtime: the function package runtime on the test's hipchat_sandbox; hipchat_runtime_session on the
  session's sandbox.
Servers are stopped with their whole process group by finalizers, also when a test fails or is interrupted.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.launch import Server, start_runtime, start_sandbox
from sandbox.testing.client import HipChatRuntime, HipChatSandbox


@pytest.fixture
def hipchat_sandbox() -> Iterator[HipChatSandbox]:
    server = start_sandbox()
    try:
        yield HipChatSandbox(server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def hipchat_sandbox_server() -> Iterator[Server]:
    server = start_sandbox()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hipchat_sandbox_session(hipchat_sandbox_server: Server) -> HipChatSandbox:
    box = HipChatSandbox(hipchat_sandbox_server)
    box.reset()
    return box


@pytest.fixture
def hipchat_runtime(hipchat_sandbox: HipChatSandbox) -> Iterator[HipChatRuntime]:
    server = start_runtime(hipchat_sandbox.url)
    try:
        yield HipChatRuntime(server, hipchat_sandbox)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def hipchat_runtime_session(hipchat_sandbox_server: Server) -> Iterator[HipChatRuntime]:
    server = start_runtime(hipchat_sandbox_server.api_url)
    try:
        yield HipChatRuntime(server)
    finally:
        server.stop()
