"""vectors/MANIFEST: the sha256 of every published file, and each set's version.

Format (`sha256sum -c MANIFEST` checks it too; it skips the `#` lines):

    # qrinterop vectors MANIFEST (generator 1.0.0)
    # set mpm-crc 1.2.0 42
    <sha256 hex>  mpm-crc.json
    <sha256 hex>  images/images-1.png
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from qrinterop.vectorsets import GENERATOR_VERSION, SCHEMA_ID

MANIFEST = "MANIFEST"


class Manifest(NamedTuple):
    files: dict[str, str]              # relative path -> sha256 hex
    sets: dict[str, tuple[str, int]]   # set name -> (version, numberOfTests)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_files(root: Path) -> list[str]:
    """Every file of the tree except MANIFEST itself, as sorted POSIX relative paths."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.name != MANIFEST and not p.name.startswith("."))


def compute(root: Path) -> Manifest:
    files = {rel: sha256_file(root / rel) for rel in published_files(root)}
    sets = {}
    for rel in files:
        if "/" in rel or not rel.endswith(".json"):
            continue
        try:
            doc = json.loads((root / rel).read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(doc, dict) and doc.get("schema") == SCHEMA_ID:
            sets[doc.get("name", rel[:-5])] = (str(doc.get("version")), int(doc.get("numberOfTests", 0)))
    return Manifest(files, dict(sorted(sets.items())))


def render(manifest: Manifest) -> str:
    lines = [f"# qrinterop vectors MANIFEST (generator {GENERATOR_VERSION})"]
    lines += [f"# set {name} {version} {count}" for name, (version, count) in manifest.sets.items()]
    lines += [f"{digest}  {rel}" for rel, digest in manifest.files.items()]
    return "\n".join(lines) + "\n"


def write_manifest(root: Path, versions: dict[str, str] | None = None) -> Manifest:
    manifest = compute(root)
    text = render(manifest)
    path = root / MANIFEST
    if not (path.exists() and path.read_text(encoding="utf-8") == text):
        path.write_text(text, encoding="utf-8")
    return manifest


class ManifestError(ValueError):
    pass


def read_manifest(root: Path) -> Manifest:
    path = root / MANIFEST
    if not path.exists():
        raise ManifestError(f"{path}: no MANIFEST")
    files, sets = {}, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# set "):
            parts = line.split()
            if len(parts) != 5:
                raise ManifestError(f"{path}:{number}: expected '# set NAME VERSION COUNT', got {line!r}")
            sets[parts[2]] = (parts[3], int(parts[4]))
        elif line.startswith("#") or not line.strip():
            continue
        else:
            digest, sep, rel = line.partition("  ")
            if not sep or len(digest) != 64:
                raise ManifestError(f"{path}:{number}: expected '<sha256>  <path>', got {line!r}")
            files[rel] = digest
    return Manifest(files, sets)
