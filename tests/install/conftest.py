"""Shared by the install tests: a wheel built from a clean copy of the tree, and a fresh venv."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qrinterop.paths import ROOT

WHEELHOUSE = ROOT / ".wheelhouse"
LOCK = ROOT / "requirements" / "lock.txt"
NODE_IUT = ROOT / "examples" / "iut" / "node" / "iut.js"


def run(cmd: list[str], *, cwd: Path, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def source_tree(into: Path) -> Path:
    """The files a fresh clone has (tracked, or new and not ignored): no build/ leftovers, no .so."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / rel)
    return into


def build(kind: str, tree: Path, out: Path, env: dict | None = None) -> Path:
    """A wheel or sdist built by setuptools without network (the locked backend, no isolation)."""
    code = f"import setuptools.build_meta as b, sys; print(b.build_{kind}(sys.argv[1]))"
    proc = run([sys.executable, "-c", code, str(out)], cwd=tree, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / proc.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    tree = source_tree(tmp_path_factory.mktemp("clone"))
    return build("wheel", tree, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh venv with the locked dependencies (offline) and the wheel."""
    if not WHEELHOUSE.is_dir():
        pytest.skip(f"no {WHEELHOUSE}: `./run test` downloads the locked wheels there before the tests")
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=120)
    py = str(home / "bin" / "python")
    pip = [py, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(WHEELHOUSE)]
    proc = run([*pip, "--require-hashes", "-r", str(LOCK)], cwd=home)
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = run([*pip, "--no-deps", str(wheel)], cwd=home)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return home


