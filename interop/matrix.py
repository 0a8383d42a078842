"""`qrinterop matrix`: certify every implementation side by side and say where they disagree.

The shell (`run_matrix`) installs each adapter into its own environment, runs one `qrinterop
certify` process per implementation (at most `jobs` at a time, each bounded by a wall-clock
timeout, each writing its own run.json and certification report under `runs/<name>/`), and hands
the run records to the pure part (`build_matrix`), which reads every vector's answer from every
run and finds the vectors on which implementations differ. An adapter that will not install, a
certify that crashes or overruns, is that implementation's column saying so; the matrix goes on.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .install import Adapter, install, load_adapters

SCHEMA = "qrinterop/matrix@1"
RUN_TIMEOUT_S = 1200.0


@dataclass
class Implementation:
    """One column: a real library's adapter or a bundled example."""
    name: str
    spec: str | None                       # --iut; None = the bundled reference
    origin: str                            # "npm", "pypi" or "bundled"
    package: str | None = None
    version: str | None = None             # the pinned version (hello says what actually ran)
    mapping: str = ""                      # how the library's API maps onto our ops
    prepare: Callable[[], str | None] | None = None   # install/build; None = ok, else why not

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "spec": self.spec, "origin": self.origin, "package": self.package,
                "pinned": self.version, "mapping": self.mapping}


def adapter_implementation(adapter: Adapter, do_install: bool) -> Implementation:
    def prepare() -> str | None:
        if adapter.installed():
            return None
        if not do_install:
            return "not installed (run `qrinterop matrix --install` or `python -m qrinterop.interop.install`)"
        return install(adapter)
    return Implementation(adapter.name, adapter.spec, adapter.registry, adapter.package, adapter.version,
                          adapter.mapping, prepare)


def bundled_implementations(root: Path) -> list[Implementation]:
    """The reference and the three example IUTs of examples/iut (the C one is built first)."""
    examples = root / "examples" / "iut"

    def make_c() -> str | None:
        try:
            done = subprocess.run(["make", "-C", str(examples / "c")], capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"make -C examples/iut/c: {exc}"
        return None if done.returncode == 0 else f"make -C examples/iut/c failed: {done.stderr.strip()[-300:]}"

    return [
        Implementation("reference", None, "bundled", "qrinterop", None, "the bundled reference implementation"),
        Implementation("example-node", f"jsonl:node {examples / 'node' / 'iut.js'}", "bundled", None, None,
                       "examples/iut/node (Node, built-ins only)"),
        Implementation("example-c", f"jsonl:{examples / 'c' / 'emviut'}", "bundled", None, None,
                       "examples/iut/c (C11, built with make)", make_c),
        Implementation("buggy-example", f"jsonl:{sys.executable} {examples / 'buggy' / 'buggy_iut.py'}", "bundled",
                       None, None, "examples/iut/buggy: deliberately broken (planted bugs)"),
    ]


# ---- running (the shell) ------------------------------------------------------------------------

@dataclass
class RunResult:
    name: str
    status: str                 # ran | install-failed | timeout | error
    reason: str | None = None
    seconds: float = 0.0
    run_json: Path | None = None
    report: Path | None = None
    exit_code: int | None = None
    log_tail: str = ""


def _certify(impl: Implementation, out: Path, options: Mapping[str, Any]) -> RunResult:
    started = time.monotonic()
    if impl.prepare is not None:
        why = impl.prepare()
        if why:
            return RunResult(impl.name, "install-failed", why, time.monotonic() - started)
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "qrinterop.cli", "certify", "--out", str(out), "--no-reports",
           "--timeout", str(options.get("request_timeout", 5.0))]
    if impl.spec:
        cmd += ["--iut", impl.spec]
    for key, flag in (("vectors", "--vectors"), ("examples", "--examples")):
        if options.get(key) is not None:
            cmd += [flag, str(options[key])]
    if options.get("profiles"):
        cmd += ["--profile", ",".join(options["profiles"])]
    log = out / "certify.log"
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = proc.wait(timeout=options.get("run_timeout", RUN_TIMEOUT_S))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)       # its own session: the IUT subprocesses go too
            proc.wait()
            return RunResult(impl.name, "timeout", f"certify did not finish within {options.get('run_timeout', RUN_TIMEOUT_S):.0f} s",
                             time.monotonic() - started, out / "run.json" if (out / "run.json").is_file() else None,
                             log_tail=_tail(log))
    run_json = out / "run.json"
    if not run_json.is_file():
        return RunResult(impl.name, "error", f"certify exit {code} and no run.json", time.monotonic() - started,
                         exit_code=code, log_tail=_tail(log))
    report = None
    built = subprocess.run([sys.executable, "-m", "qrinterop.cli", "report", "build", str(run_json), "--no-allure-html"],
                           capture_output=True, text=True, timeout=300)
    if (out / "certification.html").is_file():
        report = out / "certification.html"
    return RunResult(impl.name, "ran", None if built.returncode in (0, 1) else "report build failed",
                     time.monotonic() - started, run_json, report, code, _tail(log))


def _tail(path: Path, limit: int = 1500) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return ""


def run_matrix(out: Path, implementations: list[Implementation], *, jobs: int = 2,
               options: Mapping[str, Any] | None = None, progress: Callable[[str], None] = lambda s: None,
               vectors_dir: Path | None = None) -> dict[str, Any]:
    """Certify every implementation (≤ jobs at once) under out/runs/, then build the matrix."""
    options = dict(options or {})
    started = time.monotonic()

    def one(impl: Implementation) -> RunResult:
        progress(f"{impl.name}: started")
        try:
            result = _certify(impl, out / "runs" / impl.name, options)
        except Exception as exc:   # one column's failure, never the matrix's
            result = RunResult(impl.name, "error", f"{type(exc).__name__}: {exc}")
        progress(f"{impl.name}: {result.status} in {result.seconds:.0f} s" + (f" ({result.reason})" if result.reason else ""))
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, implementations))
    runs = []
    for impl, result in zip(implementations, results):
        record = None
        if result.run_json is not None and result.run_json.is_file():
            record = json.loads(result.run_json.read_text(encoding="utf-8"))
        cert = None
        if result.run_json is not None and (result.run_json.parent / "certification.json").is_file():
            cert = json.loads((result.run_json.parent / "certification.json").read_text(encoding="utf-8"))
        runs.append({"implementation": impl.to_dict(), "status": result.status, "reason": result.reason,
                     "seconds": round(result.seconds, 1), "exitCode": result.exit_code,
                     "runJson": _rel(result.run_json, out), "report": _rel(result.report, out),
                     "logTail": result.log_tail if result.status != "ran" else "",
                     "record": record, "certification": cert})
    vectors_dir = vectors_dir or Path(options.get("vectors") or _default_vectors())
    matrix = build_matrix(runs, load_vector_index(vectors_dir))
    matrix["wallSeconds"] = round(time.monotonic() - started, 1)
    matrix["jobs"] = jobs
    return matrix


def _rel(path: Path | None, base: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _default_vectors() -> Path:
    from qrinterop.paths import VECTORS_DIR
    return VECTORS_DIR


def default_implementations(do_install: bool, names: Iterable[str] | None = None,
                            bundled: bool = True) -> list[Implementation]:
    from qrinterop.paths import ROOT
    wanted = set(names or ())
    impls = [adapter_implementation(a, do_install) for a in load_adapters()]
    if bundled:
        impls += bundled_implementations(Path(ROOT))
    if wanted:
        unknown = wanted - {i.name for i in impls}
        if unknown:
            raise ValueError(f"unknown implementation(s) {', '.join(sorted(unknown))}; known: "
                             f"{', '.join(i.name for i in impls)}")
        impls = [i for i in impls if i.name in wanted]
    return impls


# ---- the matrix (pure) ---------------------------------------------------------------------------

def load_vector_index(vectors_dir: Path) -> dict[str, dict[str, Any]]:
    """Vector id (`set/tcId`) → what our suite says about it: payload, result, rules, comment."""
    index: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(vectors_dir).glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if not isinstance(doc, dict) or "testGroups" not in doc:
            continue
        for group in doc["testGroups"]:
            for test in group.get("tests", []):
                index[f"{doc['name']}/{test['tcId']}"] = {
                    "set": doc["name"], "operation": group.get("operation"), "profile": group.get("profile"),
                    "result": test.get("result"), "rules": test.get("rules", []), "comment": test.get("comment", ""),
                    "payload": test.get("payload"), "objects": (test.get("objects") or (test.get("expected") or {}).get("objects"))
                    if group.get("operation") == "build" else None}
    return index


ANSWERS = ("accept", "reject", "accept-wrong-value", "crash", "hang", "garbage", "n/a")


def answer_of(test: Mapping[str, Any]) -> str:
    """What the implementation did with a vector, read back from its run-record entry:
    accept / reject / accept-wrong-value (accepted, but the tree or payload differs) /
    crash / hang / garbage (a protocol failure) / n/a (op or profile not declared)."""
    status, category, result = test.get("status"), test.get("category"), test.get("result")
    if status == "skipped":
        return "n/a"
    if category == "iut-crash":
        return "crash"
    if category == "timeout":
        return "hang"
    if category == "protocol":
        return "garbage"
    choice = (test.get("evidence") or {}).get("choice")
    if choice in ("valid", "invalid"):
        return "accept" if choice == "valid" else "reject"
    if status == "passed":
        return "reject" if result == "invalid" else "accept"
    if category in ("wrong-value", "charset"):
        return "accept-wrong-value"
    # failed or warning with a wrong verdict: the opposite of what the vector expects
    return "accept" if result == "invalid" else "reject"


def _message_of(test: Mapping[str, Any]) -> str:
    evidence = test.get("evidence") or {}
    if evidence.get("iutError"):
        err = evidence["iutError"]
        return f"{err.get('code')}: {err.get('message')}"[:300]
    return (test.get("message") or "")[:300]


def build_matrix(runs: list[Mapping[str, Any]], vectors: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Run summaries (with their run records) + the vector index → the matrix document."""
    implementations = []
    answers: dict[str, dict[str, dict[str, str]]] = {}
    for run in runs:
        impl = dict(run["implementation"])
        record = run.get("record") or {}
        cert = run.get("certification") or {}
        tests = record.get("tests") or []
        by_profile: dict[str, dict[str, int]] = {}
        by_kind: dict[str, dict[str, int]] = {}
        for test in tests:
            target = by_profile if test.get("kind") == "vector" else by_kind
            key = (test.get("feature") or "emv") if test.get("kind") == "vector" else test.get("kind")
            counts = target.setdefault(key, {"passed": 0, "failed": 0, "warning": 0, "skipped": 0, "expected-failure": 0})
            counts[test["status"]] = counts.get(test["status"], 0) + 1
            if test.get("kind") == "vector":
                answers.setdefault(test["id"], {})[impl["name"]] = {
                    "answer": answer_of(test), "status": test["status"], "message": _message_of(test)}
        hello = record.get("iut") or {}
        overall = cert.get("overall") or {}
        counts = {s: sum(1 for t in tests if t["status"] == s) for s in ("passed", "failed", "warning", "skipped", "expected-failure")}
        implementations.append({
            **impl, "status": run["status"], "reason": run.get("reason"), "seconds": run.get("seconds"),
            "hello": {k: hello.get(k) for k in ("name", "version", "ops", "profiles")} if hello else None,
            "verdict": overall.get("verdict") or ({"ran": "NO RECORD"}.get(run["status"]) or run["status"].upper()),
            "complete": record.get("complete"), "counts": counts, "byProfile": by_profile, "byKind": by_kind,
            "failingMustRules": overall.get("failingMustRules", []),
            "byGroup": {g["group"]: {"passed": g.get("passed", 0), "decided": g.get("decided", 0), "rules": g.get("rules", 0)}
                        for g in cert.get("groups") or [] if g.get("decided")},
            "runJson": run.get("runJson"), "report": run.get("report"), "logTail": run.get("logTail", "")})
    names = [i["name"] for i in implementations]
    grid = []
    for vid in sorted(answers, key=_vector_sort_key):
        meta = vectors.get(vid, {})
        row = answers.get(vid, {})
        cells = {n: row.get(n, {"answer": "n/a", "status": "not-run", "message": ""}) for n in names}
        decided = {c["answer"] for c in cells.values() if c["answer"] != "n/a"}
        grid.append({"id": vid, **{k: meta.get(k) for k in ("set", "operation", "profile", "result", "rules", "comment", "payload")},
                     "answers": cells, "disagreement": len(decided) > 1})
    return {"schema": SCHEMA, "generatedAt": _now(), "implementations": implementations, "vectors": grid,
            "disagreements": [v["id"] for v in grid if v["disagreement"]]}


def _vector_sort_key(vid: str) -> tuple[str, int]:
    name, _, number = vid.rpartition("/")
    return (name, int(number)) if number.isdigit() else (vid, 0)


def _now() -> str:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_matrix_json(matrix: Mapping[str, Any], out: Path) -> Path:
    path = Path(out) / "matrix.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(matrix, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
