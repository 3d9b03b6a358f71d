#!/usr/bin/env python3
"""Benchmark intent scoring against a bare aggregate. Thin entry point: see leadflow_tools.benchmark."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leadflow_tools.benchmark import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
