"""Where the project's data lives (vectors, reports), found from the source tree.

qrinterop is installed editable from its repository (./run does that), so data folders are
siblings of the `harness/` package folder. QRINTEROP_HOME overrides the root.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("QRINTEROP_HOME") or Path(__file__).resolve().parent.parent)
VECTORS_DIR = ROOT / "vectors"
REPORTS_OUT = ROOT / "reports" / "out"
