"""Golden vector sets: generated from the reference implementation plus hand-written cases.

    qrinterop vectors generate | verify | export DIR | diff OLD NEW | stats

Format: DESIGN §5 (Wycheproof-like). Case files: `qrinterop.vectorsets.cases`; the generator:
`generate.py`; checks of a published tree: `verify.py`.
"""
from __future__ import annotations

GENERATOR_VERSION = "1.0.0"       # bump when the generator's output format or semantics change
SCHEMA_ID = "qrinterop/vectors@1"
RULES_SCHEMA_ID = "qrinterop/rules@1"
