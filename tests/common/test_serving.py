"""common.serving: each app starts with the threads its Procfile line declares."""

from __future__ import annotations

import re

import pytest

from common import serving
from tests.helpers import procfile_line


@pytest.mark.parametrize("process", ["web", "sandbox", "bot"])
def test_an_app_starts_with_the_threads_its_procfile_line_declares(process):
    line = procfile_line(process)
    app_spec = line.rstrip().rsplit(" ", 1)[1].strip("'\"")
    assert serving.threads_for(app_spec) == int(re.search(r"--threads (\d+)", line).group(1))


def test_an_app_no_procfile_line_serves_gets_the_default():
    assert serving.threads_for("tests.fixtures.pid_app:app") == serving.DEFAULT_THREADS
