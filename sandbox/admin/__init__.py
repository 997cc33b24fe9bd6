"""The /_sandbox/ side: reset, seed, journal and admin JSON, bootstrap and demo data, the room viewer.

May import every layer below it (api, model, delivery, security, http, store) and sandbox.config.
"""
