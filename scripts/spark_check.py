#!/usr/bin/env python3
"""Build leadflow on Spark and DuckDB from the same raw data and compare every mart (see --help)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leadflow_tools.spark_check import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
