"""``python -m hardware.diagrams [--check] [DIRECTORY]``."""

from hardware.diagrams.build import main

raise SystemExit(main())
