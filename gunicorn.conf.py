"""gunicorn reads this file from the directory it starts in (the Procfile's web: and sandbox: lines, `make run`, the
tests), in its master, before it logs a line or forks a worker. The server's settings are read here once, so that a
value that cannot be read stops the start with one line naming the variable, the value and what it takes, instead of
a traceback in every worker. A line that serves from another directory (`--chdir examples/standup-bot`, the bot's)
is checked by that directory's gunicorn.conf.py, the file gunicorn reads when started there."""

from __future__ import annotations

import importlib
import runpy
import sys
from pathlib import Path

from gunicorn.config import Config

from common.envsettings import SettingError, from_env

# The application module each Procfile line serves -> the settings class its create_app() reads.
SETTINGS = {"runtime.app": "runtime.config:Settings", "sandbox.app": "sandbox.config:SandboxSettings"}


def check_settings(argv: list[str]) -> None:
    """SystemExit with the one line when the served application's settings cannot be read from the environment."""
    args = Config().parser().parse_args(argv)  # the app spec and --chdir, parsed as gunicorn itself parsed them
    served_from = Path(args.chdir or ".").resolve()
    if served_from != Path(__file__).resolve().parent:
        if (served_from / "gunicorn.conf.py").is_file():
            sys.path.insert(0, str(served_from))  # gunicorn puts it there too, once it has changed directory
            runpy.run_path(str(served_from / "gunicorn.conf.py"))
        return
    target = SETTINGS.get(args.args[0].split(":")[0]) if args.args else None
    if target is None:
        return
    module, name = target.split(":")
    try:
        from_env(getattr(importlib.import_module(module), name))
    except SettingError as error:
        raise SystemExit(str(error)) from None


check_settings(sys.argv[1:])
