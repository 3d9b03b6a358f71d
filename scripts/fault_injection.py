#!/usr/bin/env python3
"""Fault-injection campaign for the CRM sync (duplicates and lost records per scenario); see leadflow_tools.faults.campaign."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadflow_tools.faults.campaign import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
