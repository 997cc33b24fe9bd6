"""Every shell example of the README and of docs/ runs as pasted after `make run`; every Python example (a pytest file
using the project's plugin) runs as pasted with pytest in a fresh virtual environment that pip-installed the project.

The stack is started the way `make run` starts it (scripts/run_local.py, here on free ports with a temporary var/),
and each ```sh block of README.md and docs/*.md runs with bash in a directory holding that var/ and the repository's
other entries (.venv, runtime/, …) as links, after `. var/demo.env` as the README asks first: it must exit 0, every
function it calls (over HTTP or with the CLI) must answer a success envelope, and nothing it calls may answer an error.
A block that is not meant to run says so on the line before it: `<!-- not run: why -->`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT, free_port, read_until, start_run

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(?P<language>\S*)\n(?P<code>.*?)^```$", re.M | re.S)
NOT_RUN = re.compile(r"<!-- not run: [^>]+ -->\s*$")
SETUP = ". var/demo.env"


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    code: str
    runnable: bool

    @property
    def where(self) -> str:
        return f"{self.page} line {self.line}"



def sh_examples(page: Path = README) -> list[Example]:
    return examples_in("sh", page)


def examples_in(language: str, page: Path = README) -> list[Example]:
    text = page.read_text()
    examples = []
    for fence in FENCE.finditer(text):
        if fence.group("language") != language:
            continue
        before = text[: fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
        where = str(page.relative_to(ROOT))
        examples.append(Example(where, text.count("\n", 0, fence.start()) + 1, fence.group("code"), not NOT_RUN.match(before)))
    return examples


RUNNABLE = [example for page in PAGES for example in sh_examples(page) if example.runnable]
PYTHON = [example for page in PAGES for example in examples_in("python", page) if example.runnable]


def json_documents(text: str) -> list:
    """The JSON objects printed in text, in order (curl -s prints bodies back to back, between other output)."""
    decoder, documents, at = json.JSONDecoder(), [], 0
    while (at := text.find("{", at)) != -1:
        try:
            document, at = decoder.raw_decode(text, at)
            documents.append(document)
        except ValueError:
            at += 1
    return documents


@pytest.fixture(scope="module")
def pasted_in(tmp_path_factory) -> Iterator[Path]:
    """A directory like the repository's root after `make run`: var/ with the run's state and demo.env; the stack up."""
    if shutil.which("curl") is None:
        pytest.skip("the README's examples use curl: scripts/install-toolchains.sh installs it (apt-get)")
    root = tmp_path_factory.mktemp("readme")
    for entry in ROOT.iterdir():  # the repository's root as the README's reader has it (.venv, runtime/, …), its own var/
        if entry.name != "var":
            (root / entry.name).symlink_to(entry)
    process = start_run(root / "var", free_port(), free_port(), free_port(), workers=1)
    try:
        read_until(process, "Ctrl-C stops the servers.")
        yield root
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


def test_the_first_example_reads_the_demo_env_written_by_make_run():
    assert RUNNABLE[0].code.strip() == SETUP


def test_only_the_set_up_commands_are_marked_not_run():
    not_run = [example for page in PAGES for example in sh_examples(page) if not example.runnable]
    assert [(example.page, example.code.split()[:2]) for example in not_run] == [("README.md", ["make", "run"])]


def test_the_docs_have_examples_that_run():
    assert {example.page for example in RUNNABLE} >= {"README.md", "docs/calling.md", "docs/bots.md"}


@pytest.mark.parametrize("example", RUNNABLE, ids=[example.where for example in RUNNABLE])
def test_a_readme_example_runs_as_pasted(pasted_in, example):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(pasted_in)), "LANG": "C.UTF-8", "NO_PROXY": "*"}
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", f"{SETUP}\n{example.code}"],
        cwd=pasted_in,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    shown = f"{example.where}:\n{example.code}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    assert result.returncode == 0, shown
    documents = json_documents(result.stdout)
    envelopes = [document for document in documents if {"callback", "contextWrites"} <= document.keys()]
    calls = example.code.count("/api/HipChat/") + len(re.findall(r"-m runtime call ", example.code))
    assert len(envelopes) == calls, shown
    assert all(envelope["callback"] == "success" for envelope in envelopes), shown
    assert not [document for document in documents if "error" in document], shown


def test_the_readme_has_a_python_example():
    assert PYTHON, "the README's 'Test your bot' section lost its pytest example"


@pytest.mark.install
@pytest.mark.parametrize("example", PYTHON, ids=[example.where for example in PYTHON])
def test_a_readme_python_example_runs_as_pasted_with_pytest(installed_project, tmp_path, example):
    (tmp_path / "test_readme_example.py").write_text(example.code)
    result = installed_project.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme_example.py", cwd=tmp_path)
    shown = f"{example.where}:\n{example.code}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    assert result.returncode == 0, shown
    assert " passed" in result.stdout and "skipped" not in result.stdout, shown
