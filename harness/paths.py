"""Where qrinterop's data lives, the same whether it runs from a checkout or an installed wheel.

Everything read at run time (vector sets, the simulators' OpenAPI documents, the report schemas)
is package data: a wheel carries it inside the `qrinterop` package (setup.py copies the
top-level `vectors/` folder in as `qrinterop/vectors/`), and importlib.resources finds it there.
In a source checkout (the editable install `./run` makes) the same folders are the repository's
own, next to `harness/`. Output goes under the current directory, never into site-packages.

Overrides: QRINTEROP_VECTORS (another vector tree), QRINTEROP_HOME (the checkout root, for
tools that run outside it).
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("qrinterop")))


def _source_root() -> Path | None:
    """The repository root when qrinterop runs from a checkout (harness/ is the package)."""
    if os.environ.get("QRINTEROP_HOME"):
        return Path(os.environ["QRINTEROP_HOME"])
    parent = PACKAGE_DIR.parent
    if PACKAGE_DIR.name == "harness" and (parent / "pyproject.toml").is_file():
        return parent
    return None


SOURCE_ROOT = _source_root()
# The repository in a checkout; elsewhere the current directory (only tests and benchmarks,
# which run from a checkout, read files relative to it).
ROOT = SOURCE_ROOT or Path.cwd()


def data_dir(relative: str) -> Path:
    """A data folder: inside the installed package, else the checkout's folder of the same name."""
    packaged = PACKAGE_DIR / relative
    if packaged.is_dir() or SOURCE_ROOT is None:
        return packaged
    return SOURCE_ROOT / relative


VECTORS_DIR = Path(os.environ.get("QRINTEROP_VECTORS") or data_dir("vectors"))
OPENAPI_DIR = data_dir("simulators/openapi")
REPORTS_OUT = ROOT / "reports" / "out"
# npm's allure@3 is installed on first use: into the checkout, or a per-user cache for a wheel.
ALLURE_CACHE = (SOURCE_ROOT / "reports" / ".allure-node" if SOURCE_ROOT else
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qrinterop" / "allure-node")
