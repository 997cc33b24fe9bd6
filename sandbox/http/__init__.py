"""HTTP plumbing: reading requests (params, bodies, schemas, multipart) and answering them (JSON, errors, paging, links,
representations), and routing on the raw path. May import store and sandbox.config.
"""
