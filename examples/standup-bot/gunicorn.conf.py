"""gunicorn reads this file when started in the bot's directory, in its master, before it forks a worker (the
repository's gunicorn.conf.py runs it for the Procfile's `--chdir examples/standup-bot`): a setting that cannot be read
stops the start with one line."""

from __future__ import annotations

from standup.config import Config, ConfigError

try:
    Config.from_env()
except ConfigError as error:
    raise SystemExit(str(error)) from None
