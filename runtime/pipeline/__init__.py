"""One call, stage by stage: the body, File args and the File URL guard, mapping to the wire, completion, upstream, invoke.

May import the catalog, runtime.base and runtime.config; never a surface.
"""
