"""The README keeps its promises: two set-up commands, short, every docs/ page linked; docs/'s settings tables are generated."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields

from common import envsettings
from runtime.config import Settings
from sandbox.config import SandboxSettings
from standup.config import Config as BotConfig
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text()
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text()
LINK = re.compile(r"\]\((?!https?:)([^)#]+)(?:#[^)]*)?\)")


def test_the_readme_gives_exactly_two_setup_commands():
    block = re.search(r"## Two commands\n\n(?:<!-- not run: [^>]+ -->\n)?```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_setting_is_in_the_configuration_tables():
    for env, default, _ in [*Settings.describe(), *SandboxSettings.describe()]:
        row = re.search(rf"^\| `{env}` \| ?(`[^`]*`)? ?\|", CONFIGURATION, re.M)
        assert row, f"{env} is not in docs/configuration.md"
        assert (row.group(1) or "") == (f"`{default}`" if default else ""), f"{env}: the documented default differs from {default!r}"


def test_the_configuration_tables_are_written_from_the_declarations():
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "settings_tables.py"), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_readme_is_read_in_five_minutes():
    assert len(README.splitlines()) <= 200


def test_every_page_the_docs_link_to_exists():
    pages = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = [
        f"{page.relative_to(ROOT)} -> {target}"
        for page in pages
        for target in LINK.findall(page.read_text())
        if not (page.parent / target).exists()
    ]
    assert missing == []


def test_the_readme_sends_the_reader_to_every_page_of_docs():
    linked = {target for target in LINK.findall(README)}
    assert {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")} <= linked


def test_the_configuration_tables_say_what_each_setting_takes():
    takes = {**envsettings.takes_table(Settings), **envsettings.takes_table(SandboxSettings)}
    takes.update({f.metadata["env"]: f.metadata["takes"] for f in fields(BotConfig)})
    for env, kind in takes.items():
        row = re.search(rf"^\| `{env}` \|[^|]*\| ([^|]*) \|", CONFIGURATION, re.M)
        assert row, f"{env} is not in docs/configuration.md"
        assert row.group(1) == kind, f"{env}: docs/configuration.md says it takes {row.group(1)!r}, the settings {kind!r}"
