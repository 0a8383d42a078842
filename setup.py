"""Maps the top-level folders onto the single `qrinterop` import namespace (DESIGN §2).

pyproject.toml holds the metadata; this file only walks the folders so that a new
sub-package is picked up without editing a hand-kept list, and says which data files ship.
"""
from pathlib import Path

from setuptools import Extension, setup

ROOTS = {
    "qrinterop": "harness",
    "qrinterop.simulators": "simulators",
    "qrinterop.conformance": "conformance",
    "qrinterop.reports": "reports",
    "qrinterop.interop": "interop",
}

# Everything read at run time ships inside the package (qrinterop.paths finds it there): without
# it an installed wheel would certify against no vectors. tests/install checks a built wheel.
PACKAGE_DATA = {
    "qrinterop": ["profiles/*.json", "vectorsets/schemas/*.json", "vectorsets/README.vectors.md",
                  "vectorsets/LICENSE.vectors"],
    "qrinterop.simulators": ["openapi/*.json"],
    "qrinterop.reports": ["schema/*.json", "allure-node/package.json", "allure-node/package-lock.json"],
    "qrinterop.conformance": ["*.json"],
    # the interop matrix's adapters: sources and their lock files (their environments are made at install)
    "qrinterop.interop": ["findings.json", "adapters/_lib/*", "adapters/*/adapter.*", "adapters/*/package.json",
                          "adapters/*/package-lock.json", "adapters/*/requirements.in", "adapters/*/requirements.lock"],
    # the golden vector tree, copied whole (no Python in it: a data-only package)
    "qrinterop.vectors": ["*.json", "*.md", "MANIFEST", "LICENSE", "images/*", "schema/*.json"],
}


def _packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for name, folder in ROOTS.items():
        if not Path(folder, "__init__.py").is_file():
            continue
        package_dir[name] = folder
        for init in sorted(Path(folder).rglob("__init__.py")):
            rel = init.parent.relative_to(folder)
            if any(part.startswith((".", "_")) or part == "node_modules" for part in rel.parts):
                continue
            packages.append(".".join((name, *rel.parts)) if rel.parts else name)
    return packages, package_dir


# Optional C scanner for the MPM codec (harness/emv/_mpmscan.c). optional=True: a machine without
# a C compiler or Python headers still installs, and qrinterop.emv.mpm falls back to pure Python.
ACCELERATORS = [Extension("qrinterop.emv._mpmscan", ["harness/emv/_mpmscan.c"], optional=True)]

packages, package_dir = _packages()
packages.append("qrinterop.vectors")
package_dir["qrinterop.vectors"] = "vectors"
setup(packages=packages, package_dir=package_dir, ext_modules=ACCELERATORS,
      package_data={name: globs for name, globs in PACKAGE_DATA.items() if name in package_dir or name in packages})
