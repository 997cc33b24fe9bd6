"""The HipChat function package runtime: POST /api/HipChat/<function> with {"args": {...}}."""
