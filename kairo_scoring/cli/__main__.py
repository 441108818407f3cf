"""`python -m kairo_scoring.cli`: the `kairo` command."""

from kairo_scoring.cli import main

raise SystemExit(main())
