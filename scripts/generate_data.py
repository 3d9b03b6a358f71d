#!/usr/bin/env python3
"""Generate leadflow's demo raw data. Thin entry point: see leadflow_tools.generator."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leadflow_tools.generator.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
