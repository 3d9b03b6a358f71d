#!/usr/bin/env python3
"""Validate the built marts with Great Expectations; see leadflow_tools/expectations.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadflow_tools.expectations import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
