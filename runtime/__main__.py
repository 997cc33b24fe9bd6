"""python -m runtime: the command-line interface (runtime.cli.main)."""

from runtime.cli.main import main

raise SystemExit(main())
