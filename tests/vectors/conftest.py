"""Shared fixtures: the repository's vector tree, and one freshly generated tree per session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qrinterop.paths import VECTORS_DIR

DATE = "2026-01-02"


@pytest.fixture(scope="session")
def repo_vectors() -> Path:
    if not (VECTORS_DIR / "MANIFEST").exists():
        pytest.fail(f"{VECTORS_DIR} has no MANIFEST: run `qrinterop vectors generate`")
    return VECTORS_DIR


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """A tree generated from the case files now (not the committed one)."""
    from qrinterop.vectorsets.generate import generate
    out = tmp_path_factory.mktemp("generated")
    generate(out, DATE)
    return out


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
