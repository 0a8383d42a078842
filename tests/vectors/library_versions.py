"""The image vectors record what particular library versions do; say so plainly when others run.

vectors/images.json `libraryVersions` names the renderer and reader versions its `readers`
rows hold for. requirements/lock.txt pins exactly those, so `./run test` installs them; anyone
who runs the tests with other versions gets this message instead of a bare diff.
"""
from __future__ import annotations

import json

import pytest

from qrinterop.paths import VECTORS_DIR
from qrinterop.vectorsets.images import library_versions


def recorded_library_versions() -> dict[str, str]:
    return json.loads((VECTORS_DIR / "images.json").read_text(encoding="utf-8"))["libraryVersions"]


def require_recorded_library_versions() -> None:
    recorded, installed = recorded_library_versions(), library_versions()
    differ = {name: (want, installed.get(name)) for name, want in recorded.items() if installed.get(name) != want}
    if differ:
        pytest.fail("the image vectors hold for the library versions they were recorded with, and these differ: "
                    + "; ".join(f"{name} recorded {want}, installed {got}" for name, (want, got) in sorted(differ.items()))
                    + ". Install the locked versions (./run test does), or re-record the vectors for the new "
                      "versions with `./run lock --upgrade` (see docs/dependencies.md).", pytrace=False)
