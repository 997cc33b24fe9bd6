"""The README keeps its promises: two set-up commands, every setting documented, the CI entry runs the test command."""

from __future__ import annotations

import re
from dataclasses import fields

from common import envsettings
from runtime.config import Settings
from sandbox.config import SandboxSettings
from standup.config import Config as BotConfig
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text()


def test_the_readme_gives_exactly_two_setup_commands():
    block = re.search(r"## Two commands\n\n(?:<!-- not run: [^>]+ -->\n)?```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_setting_is_in_the_configuration_tables():
    for env, default, _ in [*Settings.describe(), *SandboxSettings.describe()]:
        row = re.search(rf"^\| `{env}` \| ?(`[^`]*`)? ?\|", README, re.M)
        assert row, f"{env} is not in the README"
        assert (row.group(1) or "") == (f"`{default}`" if default else ""), f"{env}: README default differs from {default!r}"


def test_the_configuration_tables_say_what_each_setting_takes():
    takes = {**envsettings.takes_table(Settings), **envsettings.takes_table(SandboxSettings)}
    takes.update({f.metadata["env"]: f.metadata["takes"] for f in fields(BotConfig)})
    for env, kind in takes.items():
        row = re.search(rf"^\| `{env}` \|[^|]*\| ([^|]*) \|", README, re.M)
        assert row, f"{env} is not in the README"
        assert row.group(1) == kind, f"{env}: the README says it takes {row.group(1)!r}, the settings {kind!r}"
