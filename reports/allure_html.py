"""allure-results/ -> an Allure HTML report, with the npm package `allure` (Allure 3, Node only).

The package is installed on first use into a local cache folder (`reports/.allure-node/`, or
$QRINTEROP_ALLURE_CACHE), never globally, and every subprocess call is bounded by a timeout.
It is locked like every other dependency: `reports/allure-node/` ships a package.json naming one
version and its package-lock.json (integrity hashes of the whole tree), and `npm ci` installs
exactly that; a cache made from another lock is reinstalled.
The report is generated as a single file (awesome plugin, `singleFile`), so it opens from disk
(file://) and can be archived or mailed like certification.html; a multi-file Allure report
needs a web server to load its data. Categories go into the Allure config too: Allure 3's report
takes them from its config, Allure 2 readers from allure-results/categories.json.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from qrinterop.errors import QrInteropError
from qrinterop.paths import ALLURE_CACHE
from qrinterop.reports.allure_support import allure3_categories

ALLURE_PACKAGE = "allure@3"
LOCKED = Path(__file__).resolve().parent / "allure-node"   # package.json + package-lock.json (package data)
LOCK_STAMP = ".qrinterop-lock-sha256"
MIN_NODE_MAJOR = 20  # allure 3 needs Node 20 or newer
DEFAULT_TIMEOUT_S = 300.0
INSTALL_HINT = ("Install Node.js 20 or newer with npm (Debian/Ubuntu: `sudo apt-get install nodejs npm`; "
                "others: https://nodejs.org/en/download), then run the command again. "
                "The other reports (certification.*, junit.xml, allure-results/) were written without it; "
                "`qrinterop report allure DIR/allure-results` makes the HTML later.")


class AllureUnavailable(QrInteropError):
    """The Allure HTML report could not be made (no Node, install failed, timed out…); says why."""


def default_cache_dir() -> Path:
    return Path(os.environ.get("QRINTEROP_ALLURE_CACHE") or ALLURE_CACHE)


def _run(cmd: list[str], *, cwd: Path, timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    """Run bounded: on timeout the whole process group goes (npx and node spawn children)."""
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", "npm_config_update_notifier": "false"}
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    except OSError as exc:
        raise AllureUnavailable(f"{what}: cannot start {cmd[0]} ({exc}). {INSTALL_HINT}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AllureUnavailable(f"{what} did not finish within {timeout:.0f} s and was stopped") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _tail(text: str, lines: int = 8) -> str:
    clean = re.sub(r"\x1b\[[0-9;]*m", "", text or "")
    return "\n".join([ln for ln in clean.splitlines() if ln.strip() and "Unknown user config" not in ln][-lines:])


def check_node() -> str:
    """The node executable, or AllureUnavailable saying how to get it."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        missing = " and ".join(x for x, p in (("node", node), ("npm", npm)) if not p)
        raise AllureUnavailable(f"the Allure HTML report needs Node.js: {missing} not found on PATH. {INSTALL_HINT}")
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        version = ""
    match = re.match(r"v(\d+)", version)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise AllureUnavailable(f"the Allure HTML report needs Node.js {MIN_NODE_MAJOR}+; found "
                                f"{version or 'an unreadable version'}. {INSTALL_HINT}")
    return node


def ensure_allure(cache_dir: Path | None = None, timeout: float = DEFAULT_TIMEOUT_S) -> Path:
    """The allure CLI script in the cache, installing the locked `allure` there on first use."""
    cache = cache_dir or default_cache_dir()
    lock_sha = hashlib.sha256((LOCKED / "package-lock.json").read_bytes()).hexdigest()
    cli = _find_cli(cache)
    stamp = cache / LOCK_STAMP
    if cli.is_file() and stamp.is_file() and stamp.read_text().strip() == lock_sha:
        return cli
    check_node()
    cache.mkdir(parents=True, exist_ok=True)
    # package.json in the cache also keeps npm from climbing to a parent folder's package.json
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(LOCKED / name, cache / name)
    stamp.unlink(missing_ok=True)
    proc = _run(["npm", "ci", "--no-audit", "--no-fund"], cwd=cache, timeout=timeout,
                what=f"npm ci ({ALLURE_PACKAGE}, locked)")
    cli = _find_cli(cache)
    if proc.returncode != 0 or not cli.is_file():
        raise AllureUnavailable(f"npm could not install {ALLURE_PACKAGE} into {cache} (exit {proc.returncode}); "
                                f"is the npm registry reachable?\n{_tail(proc.stderr)}")
    stamp.write_text(lock_sha + "\n")
    return cli


def _find_cli(cache: Path) -> Path:
    """The package's bin entry (read from its package.json: its file name is not a contract)."""
    pkg = cache / "node_modules" / "allure" / "package.json"
    try:
        bin_field = json.loads(pkg.read_text()).get("bin")
    except (OSError, ValueError):
        bin_field = None
    rel = bin_field.get("allure") if isinstance(bin_field, dict) else bin_field
    return (pkg.parent / rel) if isinstance(rel, str) else pkg.parent / "cli.js"


HISTORY_FILE = "history.jsonl"
HISTORY_LIMIT = 50
# The test tree: part -> profile (or wallet) -> rule, the labels the conformance plugin sets.
TREE = ["epic", "feature", "story"]


def default_history_dir(report_dir: Path) -> Path | None:
    """Where Allure's history is carried between runs: $QRINTEROP_ALLURE_HISTORY (a folder; 0/off:
    no history), else `history/` beside the output folder — `reports/history/` for certify's
    default `reports/out/`. Kept outside the output folder, which each run replaces."""
    env = os.environ.get("QRINTEROP_ALLURE_HISTORY")
    if env is not None and env.strip().lower() in ("", "0", "no", "off", "false"):
        return None
    return Path(env) if env else Path(report_dir).resolve().parent.parent / "history"


def _history_file(history_dir: Path) -> Path:
    history_dir.mkdir(parents=True, exist_ok=True)
    ignore = history_dir / ".gitignore"
    if not ignore.exists():  # run history is local state, never a file to commit
        ignore.write_text("# written by qrinterop: Allure history of local runs\n*\n", encoding="utf-8")
    return history_dir / HISTORY_FILE


def generate(results_dir: Path, report_dir: Path, *, timeout: float = DEFAULT_TIMEOUT_S,
             cache_dir: Path | None = None, report_name: str = "qrinterop conformance",
             history_dir: Path | None = None, run_name: str | None = None) -> Path:
    """Write the Allure HTML report of `results_dir` into `report_dir`; returns its index.html.

    The tree groups tests part -> profile -> rule; each run appends one line to
    `history_dir/history.jsonl` (default `default_history_dir`), from which Allure draws its
    trend charts ("Status dynamics") and each test's history across runs."""
    results_dir, report_dir = Path(results_dir).resolve(), Path(report_dir).resolve()
    if not results_dir.is_dir():
        raise AllureUnavailable(f"{results_dir}: no such allure-results folder")
    node = check_node()
    cache = (cache_dir or default_cache_dir()).resolve()
    cli = ensure_allure(cache, timeout)
    history = history_dir if history_dir is not None else default_history_dir(report_dir)
    name = f"{report_name}: {run_name}" if run_name else report_name
    config = {"name": name, "output": str(report_dir),
              "plugins": {"awesome": {"options": {"singleFile": True, "reportName": name, "groupBy": TREE}}},
              "categories": allure3_categories()}
    if history is not None:
        config.update(historyPath=str(_history_file(Path(history).resolve())), historyLimit=HISTORY_LIMIT)
    if report_dir.exists():
        shutil.rmtree(report_dir)  # a stale multi-file report would sit next to the new one
    with tempfile.TemporaryDirectory(prefix="qrinterop-allure-") as tmp:
        rc = Path(tmp) / "allurerc.json"
        rc.write_text(json.dumps(config, indent=2), encoding="utf-8")
        proc = _run([node, str(cli), "generate", "--config", str(rc), "--output", str(report_dir), str(results_dir)],
                    cwd=Path(tmp), timeout=timeout, what="allure generate")
    index = report_dir / "index.html"
    if proc.returncode != 0 or not index.is_file():
        raise AllureUnavailable(f"allure generate failed (exit {proc.returncode}):\n{_tail(proc.stderr or proc.stdout)}")
    return index
