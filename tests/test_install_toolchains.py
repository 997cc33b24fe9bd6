"""scripts/install-toolchains.sh: one line per toolchain (present, installed, or why not and what skips), apt-get's
failures named, nothing attempted without root or apt-get, never a failing exit.

Each run sees only a PATH of our making: the few commands the script itself uses, the toolchains a test says are
present, and (where a test wants one) a fake apt-get that records its calls and "installs" a command by creating it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "install-toolchains.sh"
BASICS = ("id", "awk", "grep", "tail")  # what the script runs besides bash builtins and the toolchains
TOOLCHAINS = ("chromium", "curl", "openssl", "node", "php", "ruby", "go", "java", "csharp")
# What the fake apt-get creates for a package: the command a toolchain check looks for.
COMMAND_OF_PACKAGE = {
    "chromium": "chromium",
    "nodejs": "node",
    "ruby": "ruby",
    "default-jdk-headless": "java",
    "mono-mcs": "mcs",
    "mono-runtime": "mono",
}
FAKE_APT_GET = """#!{python}
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
with open(os.environ["FAKE_APT_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if args[0] == "update":
    sys.exit(0)
packages = [word for word in args[1:] if not word.startswith("-")]
failing = [name for name in packages if name in os.environ.get("FAKE_APT_FAIL", "").split()]
if failing:
    print("Reading package lists...")
    print(f"E: Unable to locate package {{failing[0]}}", file=sys.stderr)
    sys.exit(100)
commands = json.loads(os.environ["FAKE_APT_COMMANDS"])
for name in packages:
    if name in commands:
        created = Path(os.environ["FAKE_APT_BIN"]) / commands[name]
        created.write_text("#!/bin/sh\\nexit 0\\n")
        created.chmod(0o755)
"""


@pytest.fixture
def bin_dir() -> Iterator[Path]:
    """A directory every user can read (the no-root runs read it as nobody), removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="toolchains-"))
    directory.chmod(0o755)
    (directory / "bin").mkdir(mode=0o755)
    try:
        yield directory / "bin"
    finally:
        shutil.rmtree(directory)


def link_commands(bin_path: Path, names: tuple[str, ...]) -> None:
    for name in names:
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed here, and this test links it into its PATH")
        (bin_path / name).symlink_to(found)


def fake_command(bin_path: Path, name: str, output: str = "") -> None:
    path = bin_path / name
    path.write_text(f"#!/bin/sh\nprintf '%s\\n' '{output}'\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def add_fake_apt_get(bin_path: Path) -> Path:
    apt = bin_path / "apt-get"
    apt.write_text(FAKE_APT_GET.format(python=sys.executable))
    apt.chmod(0o755)
    log = bin_path.parent / "apt-calls.log"
    log.touch()
    log.chmod(0o666)
    return log


def run_installer(bin_path: Path, as_nobody: bool = False, **env: str) -> subprocess.CompletedProcess:
    command = [shutil.which("bash") or "/bin/bash", str(SCRIPT)]
    if as_nobody:
        command = [shutil.which("setpriv") or "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    full_env = {
        "PATH": str(bin_path),
        "FAKE_APT_LOG": str(bin_path.parent / "apt-calls.log"),
        "FAKE_APT_BIN": str(bin_path),
        "FAKE_APT_COMMANDS": json.dumps(COMMAND_OF_PACKAGE),
        "TOOLCHAINS_LOG": str(bin_path.parent / "apt-output.log"),
        **env,
    }
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=60)


def lines_by_toolchain(output: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for text in output.splitlines():
        match = re.match(r"install-toolchains: (\S+(?: 8\.3\+)?)\s+(.*)$", text)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


# The install path runs only as root; a CI that runs as a user runs the user cases instead (tests/ci_skips.py).
ROOT_OR_USER = "one case runs as root, the other as a user: a CI runs one of the two"


def needs_root(test):
    as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the install path runs only as root (the script checks id -u)")
    return pytest.mark.ci_may_skip(reason=ROOT_OR_USER)(as_root(test))


@needs_root
def test_as_root_it_installs_each_missing_toolchain_on_its_own_line_and_names_a_failure(bin_dir):
    link_commands(bin_dir, (*BASICS, "curl", "openssl"))
    apt_log = add_fake_apt_get(bin_dir)

    result = run_installer(bin_dir, FAKE_APT_FAIL="golang-go php-curl")

    assert result.returncode == 0, result.stderr
    lines = lines_by_toolchain(result.stdout)
    assert all(len(lines.get(name, [])) == 1 for name in TOOLCHAINS), result.stdout
    assert lines["curl"] == ["present"] and lines["openssl"] == ["present"]
    assert lines["ruby"] == ["installing ruby ... installed"]
    assert lines["csharp"] == ["installing mono-mcs mono-runtime libmono-system-net-http4.0-cil ... installed"]
    assert lines["go"] == ["installing golang-go ... FAILED (E: Unable to locate package golang-go); the go snippet runs will skip"]
    assert lines["php"][0].startswith("installing php-cli php-curl ... FAILED (E: Unable to locate package php-curl)")
    assert "install-toolchains: 2 missing" in result.stdout
    calls = apt_log.read_text().splitlines()
    assert calls[0] == '["update", "-qq"]' and sum('"update"' in call for call in calls) == 1, calls
    assert (bin_dir / "ruby").exists(), "the fake apt-get was not asked for ruby"


@needs_root
def test_an_install_that_leaves_the_command_missing_is_reported_as_failed(bin_dir):
    link_commands(bin_dir, (*BASICS, "curl", "openssl", "chromium", "node", "php", "ruby", "java", "mcs", "mono"))
    add_fake_apt_get(bin_dir)

    result = run_installer(bin_dir)  # golang-go "installs" without creating go

    assert result.returncode == 0
    assert lines_by_toolchain(result.stdout)["go"] == [
        "installing golang-go ... FAILED (apt-get installed golang-go, but go is still missing); the go snippet runs will skip"
    ]


@pytest.mark.parametrize("reason", ["not root", "no apt-get"])
@pytest.mark.ci_may_skip(reason=ROOT_OR_USER)
def test_without_root_or_apt_get_it_installs_nothing_and_says_what_skips(bin_dir, reason):
    if reason == "no apt-get" and os.geteuid() != 0:
        pytest.skip("as a user the script says 'not root' first; this case needs root")
    if reason == "not root" and os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) runs the script as nobody")
    link_commands(bin_dir, (*BASICS, "openssl", "ruby"))
    fake_command(bin_dir, "curl", "curl 7.68.0 (x86_64-pc-linux-gnu) libcurl/7.68.0")  # the oldest the curl snippet runs on
    apt_log = add_fake_apt_get(bin_dir) if reason == "not root" else None

    result = run_installer(bin_dir, as_nobody=reason == "not root" and os.geteuid() == 0)

    assert result.returncode == 0, result.stderr
    lines = lines_by_toolchain(result.stdout)
    assert lines["openssl"] == ["present"] and lines["ruby"] == ["present"] and lines["curl"] == ["present"]
    assert lines["go"] == [f"missing, not installed ({reason}: apt-get install golang-go); the go snippet runs will skip"]
    assert lines["chromium"] == [f"missing, not installed ({reason}: apt-get install chromium); the browser tests will skip"]
    assert all(len(lines[name]) == 1 for name in TOOLCHAINS), result.stdout
    assert "install-toolchains: 6 missing" in result.stdout  # an old curl is no longer one of them
    if apt_log is not None:
        assert apt_log.read_text() == "", "apt-get was called without root"


def test_the_script_is_executable_and_make_test_runs_it():
    assert os.access(SCRIPT, os.X_OK)
    assert re.search(r"^test:.*\btoolchains\b", (ROOT / "Makefile").read_text(), re.M)
