"""The HipChat v2 endpoints: one blueprint per endpoint family, nothing else.

May import model, delivery, security, http, store and sandbox.config.
"""
