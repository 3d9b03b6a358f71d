#!/usr/bin/env python3
"""Print the post-build summary. Thin entry point: see leadflow_tools.summary."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leadflow_tools.summary import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
