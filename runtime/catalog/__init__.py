"""What a function is: the catalog loaded from metadata.json, its arguments' checks, and the envelope's vocabulary.

May import runtime.base and runtime.config; never the pipeline or a surface.
"""
