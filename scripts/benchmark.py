#!/usr/bin/env python3
"""Benchmark the whole project (full build, daily incremental, parse, intent vs bare); see leadflow_tools.benchmark_build."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadflow_tools.benchmark_build import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
