"""A HipChat-v2-compatible server for local use: the runtime's default upstream, with demo data."""
