"""Fixtures of the delivery tests: webhook receivers that misbehave on purpose."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.helpers import raw_http_server
from tests.sandbox.delivery.receivers import Answer, Receiver


@pytest.fixture
def receiver() -> Iterator[Callable[[Answer], Receiver]]:
    """receiver(answer) -> a Receiver on its own loopback port; all shut down after the test."""
    with raw_http_server() as start:
        yield lambda answer: Receiver(start, answer)
