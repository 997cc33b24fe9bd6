"""Settings-level helpers beneath everything else: the log setup and the private-address policy.

Imports nothing from the runtime but runtime.config.
"""
