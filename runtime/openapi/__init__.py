"""The catalog as an OpenAPI 3.1 document, and the route that serves it.

May import snippets' language list, the catalog and runtime.config.
"""
