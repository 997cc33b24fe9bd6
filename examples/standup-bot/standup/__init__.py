"""Standup: a HipChat add-on built on the function package runtime. Every HipChat call goes through the runtime."""
