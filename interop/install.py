"""Install (and lock) each real-library adapter in its own environment.

Every adapter folder `interop/adapters/<name>/` holds `adapter.json` (what it wraps, pinned) and:
- Node: `package.json` with the exact version and the committed `package-lock.json`;
  installed with `npm ci` into the folder's own `node_modules/` (scripts not run).
- Python: `requirements.lock` (every distribution pinned with its sha256); installed with
  `pip install --require-hashes` into the folder's own `.venv/`.

Nothing is shared between adapters, so two libraries never see each other's dependencies, and
a failed install is that adapter's result ("install failed: …"), not the run's.
`python -m qrinterop.interop.install [--lock] [NAME…]` (or `qrinterop matrix --install`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ADAPTERS_DIR = Path(__file__).resolve().parent / "adapters"
INSTALL_TIMEOUT_S = 600


@dataclass
class Adapter:
    """One adapter folder, as its adapter.json declares it."""
    name: str
    kind: str            # node | python
    registry: str        # npm | pypi
    package: str
    version: str
    entry: str
    profiles: list[str]
    mapping: str
    folder: Path

    @property
    def spec(self) -> str:
        """The --iut spec that runs this adapter (absolute paths: any working directory)."""
        entry = self.folder / self.entry
        if self.kind == "node":
            return f"jsonl:node {entry}"
        return f"jsonl:{self.python} {entry}"

    @property
    def python(self) -> Path:
        return self.folder / ".venv" / "bin" / "python"

    def installed(self) -> bool:
        """Installed at the pinned version (a stale install after a re-pin counts as not installed)."""
        try:
            if self.kind == "node":
                meta = self.folder / "node_modules" / self.package / "package.json"
                return json.loads(meta.read_text(encoding="utf-8")).get("version") == self.version
            marker = (self.folder / ".venv" / ".qrinterop-installed").read_text(encoding="utf-8").strip()
            return self.python.is_file() and marker == f"{self.package}=={self.version}"
        except (OSError, ValueError):
            return False


def load_adapters(adapters_dir: Path = ADAPTERS_DIR, names: list[str] | None = None) -> list[Adapter]:
    adapters = []
    for manifest in sorted(adapters_dir.glob("*/adapter.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if names and data["name"] not in names:
            continue
        adapters.append(Adapter(folder=manifest.parent, **{k: data[k] for k in (
            "name", "kind", "registry", "package", "version", "entry", "profiles", "mapping")}))
    unknown = set(names or ()) - {a.name for a in adapters}
    if unknown:
        raise ValueError(f"unknown adapter(s): {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(a.name for a in load_adapters(adapters_dir))}")
    return adapters


def _run(cmd: list[str], cwd: Path, timeout: float = INSTALL_TIMEOUT_S) -> str | None:
    """None on success, else the reason (the command's last lines)."""
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    except FileNotFoundError as exc:
        return f"{cmd[0]}: not found ({exc})"
    except subprocess.TimeoutExpired:
        return f"{' '.join(cmd[:3])}…: no answer within {timeout:.0f} s"
    if done.returncode:
        tail = (done.stderr or done.stdout).strip().splitlines()[-6:]
        return f"{' '.join(cmd[:3])}… exit {done.returncode}: " + " | ".join(tail)
    return None


def install(adapter: Adapter, force: bool = False) -> str | None:
    """Install one adapter into its own folder; None on success, else why it failed."""
    if adapter.installed() and not force:
        return None
    if adapter.kind == "node":
        if not (adapter.folder / "package-lock.json").is_file():
            return "no package-lock.json (run with --lock first)"
        return _run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], adapter.folder)
    lock = adapter.folder / "requirements.lock"
    if not lock.is_file():
        return "no requirements.lock (run with --lock first)"
    venv = adapter.folder / ".venv"
    if venv.exists():
        shutil.rmtree(venv)
    why = _run([sys.executable, "-m", "venv", str(venv)], adapter.folder)
    why = why or _run([str(adapter.python), "-m", "pip", "install", "--no-deps", "--require-hashes",
                       "--only-binary", ":all:", "-r", str(lock)], adapter.folder)
    if why is None:
        (venv / ".qrinterop-installed").write_text(f"{adapter.package}=={adapter.version}\n", encoding="utf-8")
    return why


def lock(adapter: Adapter) -> str | None:
    """Regenerate the adapter's lock file from its exact pin (asks the registry)."""
    if adapter.kind == "node":
        return _run(["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"],
                    adapter.folder)
    with tempfile.TemporaryDirectory() as tmp:
        why = _run([sys.executable, "-m", "pip", "download", "--only-binary", ":all:", "-d", tmp,
                    f"{adapter.package}=={adapter.version}"], adapter.folder)
        if why:
            return why
        lines = [f"# {adapter.package}=={adapter.version} and its dependencies, each with its sha256;\n"
                 "# regenerate: python -m qrinterop.interop.install --lock " + adapter.name + "\n"]
        for wheel in sorted(Path(tmp).iterdir()):
            name, version = wheel.name.split("-")[:2]
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            lines.append(f"{name.replace('_', '-').lower()}=={version} --hash=sha256:{digest}\n")
        (adapter.folder / "requirements.lock").write_text("".join(lines), encoding="utf-8")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qrinterop.interop.install", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="adapters (default: all)")
    parser.add_argument("--lock", action="store_true", help="regenerate the lock files first (asks the registries)")
    parser.add_argument("--force", action="store_true", help="reinstall even when installed")
    args = parser.parse_args(argv)
    failed = 0
    for adapter in load_adapters(names=args.names or None):
        why = lock(adapter) if args.lock else None
        why = why or install(adapter, force=args.force or args.lock)
        failed += why is not None
        print(f"{adapter.name:<20} {adapter.package}=={adapter.version}: {'installed' if why is None else 'FAILED: ' + why}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
