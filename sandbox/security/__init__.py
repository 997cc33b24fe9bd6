"""Who may do what: tokens and scopes, the gate every request passes, rate limits and flood control, JWT signing.

May import http, store and sandbox.config.
"""
