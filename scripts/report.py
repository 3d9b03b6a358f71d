#!/usr/bin/env python3
"""Render the HTML report from the built marts; see leadflow_tools/report.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadflow_tools.report import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
