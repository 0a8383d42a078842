"""The hand-written case files, one module per vector set, each exposing `SET` (a VectorSet).

Profile sets are included only when their profile is in the rule catalogue (profiles land one
at a time); a profile without a case module here is caught by the coverage test.
"""
from __future__ import annotations

import importlib

from qrinterop.rules import profile_names
from qrinterop.vectorsets.model import VectorSet

# (module, profile it needs or None)
SET_MODULES: tuple[tuple[str, str | None], ...] = (
    ("mpm_structure", None), ("mpm_crc", None), ("mpm_fields", None), ("mpm_templates", None),
    ("charset", None), ("cpm", "cpm"), ("images", None),
    ("jpqr", "jpqr"), ("pix", "pix"), ("sgqr", "sgqr"), ("promptpay", "promptpay"), ("qris", "qris"),
    ("upi", "upi"), ("bharatqr", "bharatqr"), ("duitnow", "duitnow"), ("qrph", "qrph"),
    ("vietqr", "vietqr"), ("khqr", "khqr"), ("fps", "fps"),
)


def load_sets(names: list[str] | None = None) -> list[VectorSet]:
    available = set(profile_names())
    sets = []
    for module_name, profile in SET_MODULES:
        if profile is not None and profile not in available:
            continue
        full = f"{__name__}.{module_name}"
        try:
            module = importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name == full:
                continue  # no case file for this profile yet: the coverage test reports its rules
            raise
        if names is None or module.SET.name in names:
            sets.append(module.SET)
    return sets
