"""Testing a bot against the sandbox: the pytest plugin (plugin.py, registered through the pytest11 entry point) and
the object its fixtures give (client.py). Everything here talks to a sandbox server over HTTP, as a bot would."""

from __future__ import annotations

from importlib.metadata import entry_points

PLUGIN = "sandbox.testing.plugin"


def plugin_unless_installed() -> list[str]:
    """For a conftest's pytest_plugins: the plugin, from a checkout, unless pip installed the project, whose pytest11
    entry point registers it already (registering it twice is an error)."""
    return [] if any(point.value == PLUGIN for point in entry_points(group="pytest11")) else [PLUGIN]
