"""What `make run` and `make test` install: `make run` the servers' and the bot's requirements only, `make test` adds
the test tools; a stamp per requirements set, so a second run installs nothing until the requirements change.

The real runs use a copy of the Makefile and requirements files and a fake interpreter that records its arguments."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
RUN_FILES = ("requirements.txt", "examples/standup-bot/requirements.txt", "constraints.txt")
PROJECT_FILES = ("Makefile", "requirements-dev.txt", *RUN_FILES)


def make(directory: Path, *args: str) -> str:
    result = subprocess.run(["make", "--no-print-directory", "-C", str(directory), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def pip_installs(commands: str) -> list[list[str]]:
    """The requirements files of each pip install among the commands, in order."""
    return [re.findall(r"-r (\S+)", line) for line in commands.splitlines() if "-m pip install" in line]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the files the install targets read, with a venv whose python only records how it was called."""
    for name in PROJECT_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path / "python-calls.log"}"\n')
    python.chmod(0o755)
    return tmp_path


def calls(project: Path) -> list[str]:
    log = project / "python-calls.log"
    text = log.read_text() if log.exists() else ""
    log.unlink(missing_ok=True)
    return text.splitlines()


def test_make_run_installs_the_runtime_and_bot_requirements_only(tmp_path):
    commands = make(ROOT, "-n", "run", f"VENV={tmp_path / 'venv'}")
    assert f"-m venv {tmp_path / 'venv'}" in commands
    assert pip_installs(commands) == [["requirements.txt", "examples/standup-bot/requirements.txt"]]
    assert "requirements-dev.txt" not in commands


def test_make_test_adds_the_test_requirements(tmp_path):
    commands = make(ROOT, "-n", "test", f"VENV={tmp_path / 'venv'}")
    assert pip_installs(commands) == [["requirements.txt", "examples/standup-bot/requirements.txt"], ["requirements-dev.txt"]]


def test_a_second_make_run_installs_nothing(project):
    make(project, "run")
    first = calls(project)
    assert [line for line in first if "pip install" in line] == [
        "-m pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements.txt -r examples/standup-bot/requirements.txt"
    ]
    assert first[-1] == "scripts/run_local.py"
    make(project, "run")
    assert calls(project) == ["scripts/run_local.py"]


def test_after_make_run_make_test_installs_only_the_test_requirements(project):
    make(project, "deps")
    assert pip_installs(make(project, "-n", "test")) == [["requirements-dev.txt"]]
    make(project, "test-deps")
    assert pip_installs(make(project, "-n", "test")) == []


@pytest.mark.parametrize("changed", RUN_FILES)
def test_changed_requirements_are_installed_again(project, changed):
    make(project, "deps")
    calls(project)
    with (project / changed).open("a") as requirements:
        requirements.write("# changed\n")
    make(project, "deps")
    assert len([line for line in calls(project) if "pip install" in line]) == 1


def test_the_bot_needs_nothing_beyond_the_runtime_requirements():
    def pins(path: Path) -> set[str]:
        return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith(("#", "-"))}

    assert pins(ROOT / "examples" / "standup-bot" / "requirements.txt") <= pins(ROOT / "requirements.txt")


def test_make_lint_runs_ruff_and_the_type_checker(project):
    make(project, "lint")
    assert [call for call in calls(project) if "pip install" not in call] == ["-m ruff check .", "-m mypy"]
