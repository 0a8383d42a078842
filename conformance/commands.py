"""`qrinterop certify`: run the conformance suite against an IUT and say what conforms.

    qrinterop certify [--iut SPEC] [--profile P,…] [--vectors DIR] [--out reports/out]
                      [--expected-failures FILE] [-n N] [--json]

Runs the suite in-process with `pytest.main` (pytest-xdist workers when `-n N`), allure-pytest
writing `<out>/allure-results`, the plugin writing `<out>/run.json`, JUnit to `<out>/junit.xml`,
pytest's own output to `<out>/pytest.log`; then the report writers when they are installed.
Exit codes (docs/conformance.md): 0 CERTIFIED; 1 NOT CERTIFIED (a MUST rule fails); 2 usage error
(bad option, a vector folder with no cases in scope, a run that executed fewer cases than the
vector sets hold); 3 internal error (the suite itself broke; the code every qrinterop command uses);
4 INCOMPLETE (an applicable MUST rule never exercised, an interrupted run) or the IUT unreachable.
run.json and junit.xml are written in every case the options were valid, even when the IUT never
starts. With no `--iut` it certifies the bundled reference implementation.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from qrinterop.errors import EXIT_INCOMPLETE, EXIT_INTERNAL, EXIT_USAGE, UsageError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("certify", help="certify an implementation against the conformance suite",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("--iut", default=None, help="python:pkg.mod:factory | jsonl:<command line> | http://host:port "
                   "(default: the bundled reference implementation)")
    p.add_argument("--profile", action="append", default=None, help="profile to certify (repeat or comma-separate)")
    p.add_argument("--vectors", default=None, help="vector directory (default: the bundled vectors/)")
    p.add_argument("--out", default=None, help="output directory (default: reports/out)")
    p.add_argument("--expected-failures", default=None, metavar="FILE",
                   help="JSON {rule-or-vector-id: reason} of known deviations")
    p.add_argument("--error-codes", default=None, metavar="FILE",
                   help="JSON {IUT error code: catalogue rule id}: read the IUT's own error codes as rule ids")
    p.add_argument("-n", "--workers", type=_workers, default="0", metavar="N",
                   help="pytest-xdist workers: a number or 'auto' (0: one process)")
    p.add_argument("--timeout", type=float, default=5.0, metavar="S", help="per-request IUT timeout (jsonl, http)")
    p.add_argument("--examples", type=int, default=None, metavar="N", help="hypothesis examples per property test")
    p.add_argument("--no-reports", action="store_true", help="write run.json, junit.xml and allure-results only "
                   "(skip the certification summary and the Allure HTML)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print the table of every rule, not only what failed and the verdict")
    p.add_argument("--color", "--colour", dest="color", choices=("auto", "always", "never"), default="auto",
                   help="colour the summary: auto (default) = on a terminal and NO_COLOR unset")
    p.add_argument("--shard", default=None, metavar="I/N", help="run only shard I of N (a deterministic split "
                   "of the tests, qrinterop.shard); join the shards' run.json with `qrinterop report merge`")
    p.set_defaults(func=certify)


def _workers(text: str) -> str:
    if text == "auto" or (text.isdigit() and int(text) >= 0):
        return text
    raise argparse.ArgumentTypeError(f"-n takes a number of workers or 'auto', got {text!r}")


def certify(args: argparse.Namespace) -> int:
    from qrinterop.paths import REPORTS_OUT, ROOT, VECTORS_DIR
    plan = _plan(args, VECTORS_DIR, REPORTS_OUT)
    err = sys.stderr
    print(f"certify: {plan['spec']} — vectors {plan['vectors']} → {plan['out']}", file=err)
    hello = _preflight(plan["spec"], args.timeout)
    if isinstance(hello, str):
        print(f"certify: the IUT is unavailable: {hello}", file=err)
        _write_unavailable(plan, hello)
        print(f"certify: INCOMPLETE — nothing was tested; run.json, junit.xml and summary.md in {plan['out']}",
              file=err)
        return EXIT_INCOMPLETE
    print(f"certify: IUT {hello['name']} {hello['version']} — ops {', '.join(hello['ops'])}; "
          f"profiles {', '.join(hello['profiles']) or '(none declared)'}", file=err)
    code = _run_pytest(plan, args, ROOT)
    run_json = plan["out"] / "run.json"
    if code == 2 and not _SIGNALLED and _collection_failed(plan["out"] / "pytest.log"):
        code = 3           # pytest stopped on a collection error: the suite itself is broken here
    if code in (3, 4) or not run_json.is_file():
        log = plan["out"] / "pytest.log"
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.is_file() else ""
        print(f"certify: the suite could not run (pytest exit {code}); end of {log}:\n{tail}", file=err)
        _write_junit(run_json, plan["out"])     # CI still gets a junit.xml (with what ran, maybe nothing)
        return EXIT_USAGE if code == 4 else EXIT_INTERNAL
    from qrinterop.runrecord import read_run_record
    record = read_run_record(run_json)
    overall = record.to_dict()["verdicts"]["overall"]
    if record.complete and not plan.get("shard") and overall["casesExpected"] is not None \
            and overall["casesRun"] < overall["casesExpected"]:
        print(f"certify: usage error: the run executed {overall['casesRun']} of the {overall['casesExpected']} "
              f"vector cases in {plan['vectors']} (were tests deselected?)", file=err)
        _build_reports(run_json, plan["out"]) if not args.no_reports else _write_junit(run_json, plan["out"])
        return EXIT_USAGE
    if args.no_reports:
        _write_junit(run_json, plan["out"])
    reports_note = "reports: skipped (--no-reports)" if args.no_reports else _build_reports(run_json, plan["out"])
    summary = summarise(record)
    if args.json:
        print(json.dumps({**summary, "out": str(plan["out"]), "reports": reports_note}, ensure_ascii=False, indent=1))
    else:
        print_summary(summary, sys.stdout, verbose=args.verbose, colour=args.color)
        print(f"\nrun record: {run_json}\n{reports_note}")
    return int(overall["exitCode"])     # the one verdict model decides: 0 / 1 / 4


# ---- plan and checks (usage errors before anything runs) -----------------------------------

def _plan(args: argparse.Namespace, default_vectors: Path, default_out: Path) -> dict[str, Any]:
    from qrinterop.iut import REFERENCE_SPEC, adapter_of
    spec = (args.iut or REFERENCE_SPEC).strip()
    adapter_of(spec)                                   # UsageError naming the three forms
    vectors = Path(args.vectors) if args.vectors else default_vectors
    if args.vectors and not vectors.is_dir():
        raise UsageError(f"--vectors {vectors}: not a directory")
    profiles = [p.strip() for item in args.profile or [] for p in item.split(",") if p.strip()]
    if profiles:
        from qrinterop.rules import profile_names
        known = profile_names()
        unknown = [p for p in profiles if p not in known]
        if unknown:
            raise UsageError(f"--profile {', '.join(unknown)}: unknown; known profiles: {', '.join(known)}")
    if not vectors.is_dir():
        raise UsageError(f"vector directory {vectors} does not exist (the bundled vectors are missing?)")
    from qrinterop.conformance.cases import load_cases
    _, cases = load_cases(vectors, profiles or None)   # a malformed vector file: UsageError naming it
    if not cases:
        raise UsageError(f"--vectors {vectors}: no vector cases" + (f" for profile(s) {', '.join(profiles)}"
                         if profiles else "") + " — nothing to certify against")
    if args.expected_failures:
        from qrinterop.plugin import load_expected_failures
        load_expected_failures(args.expected_failures)          # UsageError: missing, not JSON, wrong shape
    if getattr(args, "error_codes", None):
        from qrinterop.plugin import load_error_codes
        load_error_codes(args.error_codes)                      # UsageError: missing, not JSON, wrong shape
    out = Path(args.out) if args.out else default_out
    out.mkdir(parents=True, exist_ok=True)
    return {"spec": spec, "vectors": vectors, "profiles": profiles, "out": out,
            "shard": getattr(args, "shard", None)}


def _write_unavailable(plan: dict[str, Any], why: str) -> None:
    """An IUT that never starts still leaves run.json, junit.xml and the summaries (CI shows the
    failure): one failed test, `iut/hello`, charged to iut.protocol.wire, in an incomplete run."""
    from qrinterop.conformance.oracle import catalogue_dicts
    from qrinterop.iut import adapter_of
    from qrinterop.reports.junit import render_junit
    from qrinterop.runrecord import RunRecord, TestRecord, write_run_record
    record = RunRecord(iut={"spec": plan["spec"], "adapter": adapter_of(plan["spec"]), "name": None,
                            "version": None, "ops": [], "profiles": [], "error": why},
                       vectors={"dir": str(plan["vectors"]), "manifestSha256": None, "sets": [], "cases": None},
                       scope={"profiles": plan["profiles"] or None}, rules=catalogue_dicts())
    record.add(TestRecord(id="iut/hello", kind="robustness", part="codec", rules=["iut.protocol.wire"],
                          status="failed", operation="hello", category="iut-crash",
                          message=f"the IUT is unavailable: {why}",
                          attribution={"rules": ["iut.protocol.wire"], "method": "diagnosis"},
                          diagnosis="the IUT did not start or did not answer hello"))
    record.finish(complete=False)
    write_run_record(record, plan["out"] / "run.json")
    (plan["out"] / "junit.xml").write_text(render_junit(record.to_dict()), encoding="utf-8")
    try:   # and the summaries a CI page posts (summary.md): they say why nothing was tested
        from qrinterop.reports.build import write_reports
        write_reports(record.to_dict(), plan["out"], allure=False)
    except ImportError:
        pass   # the report writers are not installed: run.json and junit.xml still say it


def _write_junit(run_json: Path, out: Path) -> None:
    """junit.xml from the run record as it stands (the report builder writes it otherwise)."""
    from qrinterop.reports.junit import render_junit
    from qrinterop.runrecord import RunRecord, read_run_record
    try:
        record = read_run_record(run_json).to_dict() if run_json.is_file() else \
            RunRecord(iut={"spec": "?"}).to_dict()
    except (OSError, ValueError, KeyError):
        record = RunRecord(iut={"spec": "?"}).to_dict()
    (out / "junit.xml").write_text(render_junit(record), encoding="utf-8")


def _preflight(spec: str, timeout: float) -> dict[str, Any] | str:
    """Ask hello once before the suite starts: an IUT that cannot start fails fast, with why."""
    from qrinterop.iut import open_iut
    from qrinterop.errors import QrInteropError
    try:
        with open_iut(spec, timeout=timeout) as iut:
            return iut.hello().to_dict()
    except UsageError:
        raise
    except QrInteropError as exc:
        return str(exc)


# ---- running the suite ----------------------------------------------------------------------

def _run_pytest(plan: dict[str, Any], args: argparse.Namespace, root: Path) -> int:
    import pytest
    out: Path = plan["out"]
    ini = out / ".certify-pytest.ini"          # our own config: a project's addopts must not leak in
    ini.write_text("[pytest]\naddopts =\n", encoding="utf-8")
    argv = ["-c", str(ini), "--rootdir", str(root), "-p", "no:cacheprovider", "-q",
            "--pyargs", "qrinterop.conformance", "--qri-iut", plan["spec"], "--qri-vectors", str(plan["vectors"]),
            "--qri-run-record", str(out / "run.json"),
            "--qri-timeout", str(args.timeout), "-W", "ignore::pytest.PytestUnraisableExceptionWarning"]
    # A QR certification does not collect the wallet API suite: it needs the simulators' extras
    # (respx, starlette), which a `qrinterop[certify]` install does not have.
    import qrinterop.conformance as suite
    argv += ["--ignore", str(Path(suite.__file__).resolve().parent / "wallet_api")]
    if _has_allure():
        argv += ["--alluredir", str(out / "allure-results"), "--clean-alluredir"]
    if plan["profiles"]:
        argv += ["--qri-profile", ",".join(plan["profiles"])]
    if args.expected_failures:
        argv += ["--qri-expected-failures", args.expected_failures]
    if args.examples:
        argv += ["--qri-examples", str(args.examples)]
    if getattr(args, "shard", None):
        argv += ["-p", "qrinterop.shard", "--qri-shard", args.shard]
    if args.workers not in ("0", 0):
        argv += ["-n", str(args.workers)]
    if getattr(args, "error_codes", None):
        argv += ["--qri-error-codes", str(Path(args.error_codes).resolve())]
    progress = Progress(_real_stderr())
    # CI cancels with SIGTERM: treat it like Ctrl-C, so pytest ends the session and the plugin
    # writes run.json with complete: false instead of the process dying mid-write.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with open(out / "pytest.log", "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
            try:
                code = int(pytest.main(argv, plugins=[progress]))
            finally:
                progress.done()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return code


_SIGNALLED: list[int] = []


def _interrupt(signum: int, frame: Any) -> None:
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt(f"signal {signum}")


def _collection_failed(log: Path) -> bool:
    """pytest's log says it stopped because of errors while collecting the suite."""
    text = log.read_text(encoding="utf-8", errors="replace")[-5000:] if log.is_file() else ""
    return "during collection" in text


def _has_allure() -> bool:
    try:
        import allure_pytest  # noqa: F401
        return True
    except ImportError:
        return False


def _real_stderr() -> TextIO:
    """pytest captures fd 2 while tests run; the progress line writes to a duplicate of it."""
    try:
        return os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
    except (OSError, ValueError, AttributeError):
        return sys.stderr


class Progress:
    """A progress bar on a terminal; on a pipe, a line every few seconds (long runs only)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.total, self.seen, self.failed = stream, 0, 0, 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = self.last = time.monotonic()

    def pytest_collection_finish(self, session: Any) -> None:
        self.total = len(session.items)

    @__import__("pytest").hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.total = max(self.total, len(ids))

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.seen += 1
            self.failed += int(report.failed)
            self._show()

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.tty:
            if force or now - self.last > 0.1:
                width = 30
                filled = int(width * self.seen / self.total) if self.total else 0
                self.stream.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {self.seen}/{self.total or '?'}"
                                  f"  {self.failed} failed  {now - self.started:5.1f} s")
                self.stream.flush()
                self.last = now
        elif now - self.last > 5.0:
            self.stream.write(f"certify: {self.seen}/{self.total or '?'} tests, {self.failed} failed, "
                              f"{now - self.started:.0f} s\n")
            self.last = now

    def done(self) -> None:
        if self.tty:
            self._show(force=True)
            self.stream.write("\n")
        self.stream.flush()
        if self.stream is not sys.stderr:
            self.stream.close()       # our duplicate of fd 2


# ---- summary ------------------------------------------------------------------------------

class Summary(dict):
    """The JSON summary `--json` prints, with the certification document it came from kept
    beside it (`.document`) for the console renderer."""
    document: dict[str, Any]


def summarise(record: Any) -> Summary:
    """The run's certification document (the one verdict model), as certify reports it."""
    from qrinterop.reports.certification import build_certification
    from qrinterop.reports.console import summary_of
    doc = build_certification(record.to_dict() if hasattr(record, "to_dict") else record)
    summary = Summary(summary_of(doc))
    summary.document = doc
    return summary


def print_summary(summary: Summary, out: TextIO, verbose: bool = False, colour: str = "auto") -> None:
    from qrinterop.reports.console import write_console
    write_console(summary.document, out, verbose=verbose, colour=colour)


def _build_reports(run_json: Path, out: Path) -> str:
    from qrinterop.reports.build import build_reports
    try:
        built = build_reports(run_json, out)
    except Exception as exc:  # a report writer failing must not change the verdict
        return f"reports: the report builder failed: {type(exc).__name__}: {exc}"
    lines = [f"reports: written to {out} (certification.json/.md/.html, junit.xml, allure-results/)"]
    if built.allure_report is not None:
        lines.append(f"allure HTML: {built.allure_report}")
    lines += [f"note: {note}" for note in built.notes]
    return "\n".join(lines)
