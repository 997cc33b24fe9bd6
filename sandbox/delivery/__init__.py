"""Events and their webhooks: matching an event to webhooks, queueing and delivering them in the background.

May import security, http, store and sandbox.config; the reply handler is given to it by the app factory.
"""
