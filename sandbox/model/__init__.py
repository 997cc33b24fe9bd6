"""HipChat's objects and rules shared by the endpoint families: resolving ids, writing and reading messages, pictures, accounts.

May import delivery, security, http, store and sandbox.config.
"""
