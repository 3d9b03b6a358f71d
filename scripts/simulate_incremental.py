#!/usr/bin/env python3
"""Replay days of late events through the incremental models; see leadflow_tools.incremental."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadflow_tools.incremental import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
