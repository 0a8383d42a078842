"""Maps the top-level folders onto the single `qrinterop` import namespace (DESIGN §2).

pyproject.toml holds the metadata; this file only walks the folders so that a new
sub-package is picked up without editing a hand-kept list.
"""
from pathlib import Path

from setuptools import Extension, setup

ROOTS = {
    "qrinterop": "harness",
    "qrinterop.simulators": "simulators",
    "qrinterop.conformance": "conformance",
    "qrinterop.reports": "reports",
}


def _packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for name, folder in ROOTS.items():
        package_dir[name] = folder
        for init in sorted(Path(folder).rglob("__init__.py")):
            rel = init.parent.relative_to(folder)
            if any(part.startswith((".", "_")) and part != "__init__.py" for part in rel.parts):
                continue
            packages.append(".".join((name, *rel.parts)) if rel.parts else name)
    return packages, package_dir


# Optional C scanner for the MPM codec (harness/emv/_mpmscan.c). optional=True: a machine without
# a C compiler or Python headers still installs, and qrinterop.emv.mpm falls back to pure Python.
ACCELERATORS = [Extension("qrinterop.emv._mpmscan", ["harness/emv/_mpmscan.c"], optional=True)]

packages, package_dir = _packages()
setup(packages=packages, package_dir=package_dir, ext_modules=ACCELERATORS)
