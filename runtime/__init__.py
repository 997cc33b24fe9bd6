"""A function package runtime driven by a catalog: POST /api/<package>/<function> with {"args": {...}}."""
