"""python -m runtime: the commands (main), their text output (text) and how key=value pairs are read (values).

May import every surface below it (openapi, snippets), the pipeline, the catalog and runtime.config.
"""
