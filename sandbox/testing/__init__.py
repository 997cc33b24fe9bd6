"""Testing a bot against the sandbox: the pytest plugin (plugin.py, registered through the pytest11 entry point) and
the object its fixtures give (client.py). Everything here talks to a sandbox server over HTTP, as a bot would."""
