"""The one build step pyproject.toml cannot say: the catalog (metadata.json) and its schema (schemas/) stay at the
repository's root, where the project keeps and edits them, and are copied into the built runtime package as
runtime/bundled/, where an installed runtime finds them (runtime.config.bundled). Nothing is committed twice."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("metadata.json", "schemas/metadata.schema.json")


class BuildWithCatalog(build_py):
    def run(self) -> None:
        super().run()
        for name in BUNDLED:
            target = Path(self.build_lib, "runtime", "bundled", name)
            self.mkpath(str(target.parent))
            self.copy_file(name, str(target))


setup(cmdclass={"build_py": BuildWithCatalog})
