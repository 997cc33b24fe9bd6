"""common.serving: each server starts with the threads its Procfile line declares."""

from __future__ import annotations

import re

import pytest

from common import serving
from tests.helpers import procfile_line

APPS = {"web": "runtime.app:create_app()", "sandbox": "sandbox.app:create_app()", "bot": "standup.app:create_app()"}


@pytest.mark.parametrize("process", sorted(APPS))
def test_a_server_gets_the_threads_of_its_procfile_line(process):
    declared = int(re.search(r"--threads (\d+)", procfile_line(process)).group(1))
    assert serving.procfile_threads(APPS[process]) == declared


def test_an_app_no_procfile_line_serves_gets_the_default():
    assert serving.procfile_threads("tests.fixtures.pid_app:app") == serving.DEFAULT_THREADS
