"""The HTTP API surface: POST /api/<package>/<function>, its error handlers, and CORS.

May import the pipeline, the catalog, runtime.base and runtime.config.
"""
