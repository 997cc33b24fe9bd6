"""The bot's tests use the HipChat package's pytest plugin: `pip install` of the package registers it (pytest11);
from the package's own checkout it is registered here."""

from sandbox.testing import plugin_unless_installed

pytest_plugins = plugin_unless_installed()
