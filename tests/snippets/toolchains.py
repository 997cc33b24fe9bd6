"""How each snippet language runs on this machine: its commands, and the reason it skips when its toolchain is missing."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
RUN_TIMEOUT = 120


@dataclass(frozen=True)
class Toolchain:
    language: str
    needs: tuple[str, ...]
    steps: Callable[[Path], list[list[str]]]  # the commands that run a source file; the last one is the snippet's run
    missing: str  # why the language skips when a needed command is absent
    probe: tuple[str, ...] = ()  # a command that must succeed too (e.g. a PHP extension is loaded)
    probe_failed: Callable[[], str] | None = None  # why the language skips when the probe fails (default: missing)

    def skip_reason(self) -> str | None:
        absent = [command for command in self.needs if shutil.which(command) is None]
        if absent:
            return f"{self.language} snippets skipped: {', '.join(absent)} not installed. {self.missing}"
        if self.probe and subprocess.run(self.probe, capture_output=True, timeout=60).returncode != 0:
            why = self.probe_failed() if self.probe_failed else self.missing
            return f"{self.language} snippets skipped: {' '.join(self.probe)} failed. {why}"
        return None


def _java(source: Path) -> list[list[str]]:
    # The single-file source launcher, as the snippet's comment says; the flags only shorten JVM start-up.
    return [["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", str(source)]]


def _go(source: Path) -> list[list[str]]:
    binary = source.with_suffix("")
    return [["go", "build", "-o", str(binary), str(source)], [str(binary)]]


def _csharp(source: Path) -> list[list[str]]:
    assembly = source.with_suffix(".exe")
    return [["mcs", "-r:System.Net.Http", f"-out:{assembly}", str(source)], ["mono", str(assembly)]]


INSTALL = "scripts/install-toolchains.sh installs it (apt-get)."


TOOLCHAINS: dict[str, Toolchain] = {
    "curl": Toolchain("curl", ("sh", "curl", "sed", "awk"), lambda s: [["sh", str(s)]], INSTALL),
    "python": Toolchain("python", (sys.executable,), lambda s: [[sys.executable, str(s)]], "requirements.txt has requests."),
    "javascript": Toolchain("javascript", ("node",), lambda s: [["node", str(s)]], "Node.js 18+ is needed."),
    "node": Toolchain("node", ("node",), lambda s: [["node", str(s)]], "Node.js 18+ is needed."),
    "php": Toolchain(
        "php",
        ("php",),
        lambda s: [["php", str(s)]],
        INSTALL + " (php-cli, php-curl)",
        probe=("php", "-r", 'exit(extension_loaded("curl") ? 0 : 1);'),
    ),
    "ruby": Toolchain("ruby", ("ruby",), lambda s: [["ruby", str(s)]], INSTALL),
    "go": Toolchain("go", ("go",), _go, INSTALL + " (golang-go)"),
    "java": Toolchain("java", ("java",), _java, INSTALL + " (default-jdk-headless)"),
    "csharp": Toolchain(
        "csharp",
        ("mcs", "mono"),
        _csharp,
        "Debian has no .NET SDK package; the C# snippets run on Mono (mono-mcs, mono-runtime, libmono-system-net-http4.0-cil), " + INSTALL,
    ),
}


@functools.cache
def skip_reason(language: str) -> str | None:
    return TOOLCHAINS[language].skip_reason()


def snippet_env(**extra: str) -> dict[str, str]:
    """The environment a snippet runs in: this one without proxies (all traffic stays on loopback), plus extra."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES and not k.startswith("HIPCHAT_")}
    env.update({"NO_PROXY": "*", "no_proxy": "*", "GOPROXY": "off", "GOFLAGS": "-buildvcs=false"})
    if not (env.get("GOCACHE") or env.get("XDG_CACHE_HOME") or env.get("HOME")):
        env["GOCACHE"] = str(Path(tempfile.gettempdir()) / "snippets-go-build-cache")  # go refuses to build without a cache
    env.update(extra)
    return env


def run_snippet(language: str, code: str, filename: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Save the snippet as exported and run it; a failed build step fails the test with the compiler's output."""
    toolchain = TOOLCHAINS[language]
    reason = skip_reason(language)
    if reason:
        pytest.skip(reason)
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / filename
    source.write_text(code, encoding="utf-8")
    *build, run = toolchain.steps(source)
    for step in build:
        built = subprocess.run(step, cwd=workdir, env=env, capture_output=True, timeout=RUN_TIMEOUT)
        assert built.returncode == 0, f"{language} build failed:\n{built.stdout.decode()}\n{built.stderr.decode()}\n--- source ---\n{code}"
    return subprocess.run(run, cwd=workdir, env=env, capture_output=True, timeout=RUN_TIMEOUT)
