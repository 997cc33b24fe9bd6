"""python -m runtime: the command-line interface (runtime.cli)."""

from runtime.cli import main

raise SystemExit(main())
