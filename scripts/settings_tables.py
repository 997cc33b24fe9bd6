"""The settings tables of docs/configuration.md, written from the settings' own declarations.

`python scripts/settings_tables.py` rewrites each table between its markers; `--check` exits 1 when the file differs
from what the declarations give (tests/test_readme.py runs the same comparison).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "examples" / "standup-bot")]

from dataclasses import fields  # noqa: E402

from common import envsettings  # noqa: E402
from runtime.config import Settings  # noqa: E402
from sandbox.config import SandboxSettings  # noqa: E402
from standup.config import Config as BotConfig  # noqa: E402

CONFIGURATION = ROOT / "docs" / "configuration.md"
Row = tuple[str, str, str, str]  # variable, default, what it takes, meaning


def server_rows(cls: type) -> list[Row]:
    takes = envsettings.takes_table(cls)
    return [(env, default, takes[env], meaning) for env, default, meaning in envsettings.describe(cls)]


def bot_rows() -> list[Row]:
    return [(f.metadata["env"], str(f.default), f.metadata["takes"], f.metadata["help"]) for f in fields(BotConfig)]


TABLES = {"runtime": lambda: server_rows(Settings), "sandbox": lambda: server_rows(SandboxSettings), "bot": bot_rows}
MARKED = re.compile(r"(<!-- settings:(?P<name>\w+) -->\n)(?P<table>.*?)(<!-- /settings -->)", re.S)


def table(rows: list[Row]) -> str:
    lines = ["| Variable | Default | Takes | Meaning |", "|---|---|---|---|"]
    lines += [f"| `{env}` | {f'`{default}` ' if default else ''}| {takes} | {meaning} |" for env, default, takes, meaning in rows]
    return "\n".join(lines) + "\n"


def generated(text: str) -> str:
    return MARKED.sub(lambda m: m.group(1) + table(TABLES[m.group("name")]()) + m.group(4), text)


def main(argv: list[str]) -> int:
    text = CONFIGURATION.read_text()
    if "--check" in argv:
        if generated(text) != text:
            print(f"{CONFIGURATION.relative_to(ROOT)} differs from the settings' declarations: run python scripts/settings_tables.py")
            return 1
        return 0
    CONFIGURATION.write_text(generated(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
