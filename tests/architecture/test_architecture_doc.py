"""ARCHITECTURE.md names real places: every path in it exists, and it stays short."""

from __future__ import annotations

import re
import subprocess
from pathlib import PurePosixPath

from tests.helpers import ROOT

DOC = ROOT / "ARCHITECTURE.md"
FILE_SUFFIXES = (".py", ".json", ".md", ".j2", ".sh", ".js", ".css", ".html")


def named_paths(text: str) -> set[str]:
    """Code spans that name a file or folder: with a slash or a file suffix; routes (/…), globs and placeholders aside."""
    spans = re.findall(r"`([^`\s]+)`", text)
    return {s for s in spans if not s.startswith("/") and "<" not in s and "*" not in s and ("/" in s or s.endswith(FILE_SUFFIXES))}


def tracked() -> list[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    folders = {f"{part}/" for name in files for part in PurePosixPath(name).parents if str(part) != "."}
    return [*files, *folders]


def exists(path: str, known: list[str]) -> bool:
    """At the root, or (a name inside a part the text just named) as the tail of a tracked path."""
    return (ROOT / path).exists() or any(name == path or name.endswith("/" + path) for name in known)


def test_every_path_the_architecture_names_exists():
    paths = named_paths(DOC.read_text())
    assert len(paths) > 40
    known = tracked()
    assert sorted(p for p in paths if not exists(p, known)) == []


def test_the_check_sees_a_wrong_path():
    assert named_paths("see `runtime/nope.py` and `/api/x` and `x.py`") == {"runtime/nope.py", "x.py"}
    assert not exists("runtime/nope.py", tracked())


def test_the_architecture_is_under_two_pages():
    assert len(DOC.read_text().splitlines()) <= 120
