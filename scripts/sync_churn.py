#!/usr/bin/env python3
"""Reverse-ETL churn: how many people a daily sync sends, and why; see leadflow_tools/sync/churn.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadflow_tools.sync.churn import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
