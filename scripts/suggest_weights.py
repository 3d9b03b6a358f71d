#!/usr/bin/env python3
"""Suggest fit points from outcomes (see --help). Thin entry point: see leadflow_tools.weights."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leadflow_tools.weights import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
