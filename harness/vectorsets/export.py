"""`vectors export DIR`: a clean, publishable copy — only what MANIFEST lists, plus MANIFEST — after
the tree verifies (a bundle that does not verify is never written)."""
from __future__ import annotations

import shutil
from pathlib import Path

from qrinterop.errors import QrInteropError
from qrinterop.vectorsets.manifest import MANIFEST, read_manifest
from qrinterop.vectorsets.verify import summarize, verify

REQUIRED = ("README.md", "LICENSE", "CHANGELOG.md", "rules.json", "schema/vectors.schema.json", "schema/rules.schema.json")


class ExportError(QrInteropError):
    pass


def export(src: Path, dst: Path, force: bool = False) -> list[str]:
    """Copy the verified tree `src` into `dst`; returns the files written (relative)."""
    src, dst = Path(src), Path(dst)
    problems = verify(src)
    if problems:
        raise ExportError(f"{src} does not verify; nothing exported:\n{summarize(problems)}")
    files = sorted(read_manifest(src).files)
    missing = [f for f in REQUIRED if f not in files]
    if missing:
        raise ExportError(f"{src} lacks {', '.join(missing)}; a bundle needs them")
    if dst.exists() and any(dst.iterdir()):
        if not force:
            raise ExportError(f"{dst} is not empty; choose an empty folder or pass --force")
        if dst.resolve() == src.resolve():
            raise ExportError("the export folder is the source folder")
        shutil.rmtree(dst)
    for rel in [*files, MANIFEST]:
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target)
    return [*files, MANIFEST]
