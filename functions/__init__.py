"""Body encoders for the calls the catalog cannot describe as a JSON body.

A block names one with request.encoder; each module exposes encode(outbound) -> Encoded.
"""
