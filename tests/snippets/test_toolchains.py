"""A machine without a toolchain skips exactly the tests that need it, saying why; the other languages still run."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import ROOT


def test_a_missing_toolchain_skips_its_language_only_and_says_why(tmp_path):
    # A PATH with nothing on it: ruby is missing; the python snippet runs with this interpreter (sys.executable).
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "CI": ""}  # the rule outside CI (under CI a skip fails: tests/test_ci_skips.py)
    selected = "test_a_read_prints_the_success_envelope_and_exits_zero and (ruby or python)"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/snippets/test_snippets_run.py", "-k", selected],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ruby snippets skipped: ruby not installed. scripts/install-toolchains.sh installs it (apt-get)." in result.stdout
    assert "1 passed, 1 skipped" in result.stdout, result.stdout
