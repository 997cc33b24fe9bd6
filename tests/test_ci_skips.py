"""The CI rule (tests/ci_skips.py) run on a tiny suite in a subprocess: under CI=true a skip for a missing tool or file
fails, naming it; a skip marked ci_may_skip stays a skip, as does every skip outside CI; an expected failure is not a skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

TINY_SUITE = """
import shutil
import pytest

def test_needs_a_tool():
    if shutil.which("no-such-toolchain-here") is None:
        pytest.skip("no-such-toolchain-here is not installed")

@pytest.mark.skipif(True, reason="the seed is not at /nowhere/shared/seed")
def test_needs_the_seed():
    pass

@pytest.mark.ci_may_skip(reason="a case for a machine without root")
def test_for_another_machine():
    pytest.skip("runs only as a user")

@pytest.mark.xfail(reason="known and expected")
def test_expected_failure():
    assert False

def test_passes():
    pass
"""


def run_tiny_suite(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_tiny.py").write_text(TINY_SUITE)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "tests.ci_skips", "-p", "no:cacheprovider", "-rA", "-q", "test_tiny.py"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_under_ci_a_skip_for_something_missing_fails_naming_it(tmp_path):
    result = run_tiny_suite(tmp_path, "true")

    assert result.returncode == 1, result.stdout
    out = result.stdout
    would_skip = "CI=true: a skip fails under CI. This test would have skipped:"
    assert f"FAILED test_tiny.py::test_needs_a_tool - {would_skip} no-such-toolchain-here is not installed" in out
    assert f"ERROR test_tiny.py::test_needs_the_seed - {would_skip} the seed is not at /nowhere/shared/seed" in out  # at setup
    assert "SKIPPED [1] test_tiny.py:15: runs only as a user" in out  # the one marked ci_may_skip
    assert "XFAIL test_tiny.py::test_expected_failure" in out
    assert "1 failed, 1 passed, 1 skipped, 1 xfailed, 1 error" in out


@pytest.mark.parametrize("ci", [None, "false", ""])
def test_outside_ci_a_skip_stays_a_skip(tmp_path, ci):
    result = run_tiny_suite(tmp_path, ci)

    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped, 1 xfailed" in result.stdout
