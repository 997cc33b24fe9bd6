"""Storage: the SQLite database and its migrations, the request journal, stored files, time stamps.

Imports nothing from the sandbox but sandbox.config.
"""
