"""``python -m formation`` runs the command line."""

from formation.cli import main

raise SystemExit(main())
