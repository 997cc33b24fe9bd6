"""The browsable web page of the package: the listing at / and a page per function."""
