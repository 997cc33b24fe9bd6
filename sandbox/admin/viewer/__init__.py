"""The sandbox's room viewer at /_sandbox/: its rooms, and each room's history as HipChat users saw it."""
