#!/usr/bin/env python3
"""Reverse ETL to Salesforce and HubSpot, changed rows only; see leadflow_tools/sync."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadflow_tools.sync.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
