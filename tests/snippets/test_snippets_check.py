"""Every function's snippet (the GET example) in every language passes that language's own checker, in one process
per language where the checker allows: a compiler, a formatter or a linter."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.app import create_app
from runtime.config import Settings
from tests.snippets.toolchains import skip_reason

LOOP_TIMEOUT = 300


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """exported(language) -> the folder holding every function's snippet in that language, saved under its file name."""
    client = create_app(Settings()).test_client()
    functions = client.get("/api/HipChat").get_json()["blocks"]
    folders: dict[str, Path] = {}

    def _exported(language: str) -> Path:
        if language not in folders:
            folder = tmp_path_factory.mktemp(f"all-{language}")
            for block in functions:
                response = client.get(f"/api/HipChat/{block['name']}/snippet/{language}")
                assert response.status_code == 200, (block["name"], response.get_data(as_text=True))
                filename = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)
                (folder / filename).write_text(response.get_data(as_text=True), encoding="utf-8")
            folders[language] = folder
        return folders[language]

    return _exported


def needs(language: str, *commands: str) -> None:
    reason = skip_reason(language)
    absent = [c for c in commands if shutil.which(c) is None]
    if reason or absent:
        pytest.skip(reason or f"{language} check skipped: {', '.join(absent)} not installed")


def check(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=LOOP_TIMEOUT)
    assert result.returncode == 0, f"{' '.join(command[:3])} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def test_python_snippets_are_ruff_clean(exported):
    folder = exported("python")
    ruff = [sys.executable, "-m", "ruff"]
    # E501 aside: a long value is one string literal, which no formatter splits.
    check([*ruff, "check", "--isolated", "--line-length", "120", "--select", "E,F,W,I,B,UP,SIM", "--ignore", "E501", "."], folder)
    check([*ruff, "format", "--isolated", "--line-length", "120", "--check", "."], folder)


def test_go_snippets_are_gofmt_clean(exported):
    needs("go", "gofmt")
    assert check(["gofmt", "-l", "-e", "."], exported("go")) == ""


def test_java_snippets_compile_without_warnings(exported, tmp_path):
    needs("java", "javac")
    folder = exported("java")
    check(["javac", "-Xlint:all", "-Werror", "-d", str(tmp_path), *sorted(p.name for p in folder.glob("*.java"))], folder)


def test_csharp_snippets_compile_without_warnings(exported, tmp_path):
    needs("csharp")
    folder = exported("csharp")
    # One compiler run for all: each file's Program class gets its own name, built as a library (no entry point clash).
    for index, source in enumerate(sorted(folder.glob("*.cs"))):
        source.write_text(source.read_text(encoding="utf-8").replace("class Program", f"class Program{index}"), encoding="utf-8")
    check(["mcs", "-warnaserror+", "-target:library", "-r:System.Net.Http", f"-out:{tmp_path / 'all.dll'}", "*.cs"], folder)


@pytest.mark.parametrize("language", ["javascript", "node"])
def test_javascript_snippets_parse(exported, language):
    needs(language)
    script = (
        "const fs = require('fs'), vm = require('vm');"
        "for (const f of fs.readdirSync('.')) new vm.Script(fs.readFileSync(f, 'utf8'), { filename: f });"
    )
    check(["node", "-e", script], exported(language))


def test_ruby_snippets_parse_without_warnings(exported):
    needs("ruby")
    script = "$VERBOSE = true; Dir['*.rb'].sort.each { |f| RubyVM::InstructionSequence.compile(File.read(f), f) }"
    assert check(["ruby", "-e", script], exported("ruby")) == ""


def test_php_snippets_parse(exported):
    needs("php")
    folder = exported("php")
    for source in sorted(folder.glob("*.php")):
        check(["php", "-l", source.name], folder)


def test_curl_snippets_parse(exported):
    if shutil.which("sh") is None:  # parsing needs the shell only, not a curl recent enough to run them
        pytest.skip("curl check skipped: sh not installed")
    folder = exported("curl")
    for source in sorted(folder.glob("*.sh")):
        check(["sh", "-n", source.name], folder)
