"""`qrinterop report diff|build|allure`: the reports part of the command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qrinterop.errors import UsageError
from qrinterop.reports import allure_html
from qrinterop.reports.build import build_reports
from qrinterop.reports.certification import exit_code
from qrinterop.reports.diff import diff_verdicts
from qrinterop.reports.record import load_either


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="build reports from a run record; compare two runs")
    sub = report.add_subparsers(dest="report_command", metavar="SUBCOMMAND", parser_class=type(report))
    report.set_defaults(func=lambda args: (report.print_help(), 2)[1])

    d = sub.add_parser("diff", help="list rules whose verdict changed between run A and run B "
                                    "(exit 1 if any got worse)")
    d.add_argument("a", type=Path, metavar="A", help="run.json or certification.json of the earlier run")
    d.add_argument("b", type=Path, metavar="B", help="run.json or certification.json of the later run")
    d.add_argument("--json", action="store_true", help="print the changes as JSON")
    d.set_defaults(func=_diff)

    b = sub.add_parser("build", help="write every report (certification.*, junit.xml, allure files) "
                                     "from a run record")
    b.add_argument("run_json", type=Path, metavar="RUN_JSON")
    b.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: the run record's folder)")
    b.add_argument("--no-allure-html", dest="allure_html", action="store_false",
                   help="skip allure-report/ (made by default when allure-results/ holds test results and "
                        "Node 20+ is there; the npm package allure is installed locally on first use)")
    b.add_argument("--allure-timeout", type=float, default=allure_html.DEFAULT_TIMEOUT_S, metavar="SECONDS")
    b.add_argument("--json", action="store_true", help="print what was written as JSON")
    b.set_defaults(func=_build)

    a = sub.add_parser("allure", help="make the Allure HTML report of an allure-results folder "
                                      "(--install: only install the npm package allure into its local cache)")
    a.add_argument("results", type=Path, metavar="RESULTS_DIR", nargs="?")
    a.add_argument("--install", action="store_true",
                   help="install allure@3 into the cache (reports/.allure-node) now, e.g. while setting up CI")
    a.add_argument("-o", "--out", type=Path, default=None, help="default: allure-report/ next to RESULTS_DIR")
    a.add_argument("--timeout", type=float, default=allure_html.DEFAULT_TIMEOUT_S, metavar="SECONDS")
    a.set_defaults(func=_allure)

    m = sub.add_parser("merge", help="merge the run.json of each shard (certify --shard i/n) into one run "
                                     "record and its reports")
    m.add_argument("run_json", type=Path, nargs="+", metavar="RUN_JSON")
    m.add_argument("-o", "--out", type=Path, required=True, help="folder for the merged run.json and reports")
    m.add_argument("--no-reports", dest="reports", action="store_false", help="write the merged run.json only")
    m.add_argument("--no-allure-html", dest="allure_html", action="store_false")
    m.set_defaults(func=_merge, allure_timeout=allure_html.DEFAULT_TIMEOUT_S, json=False)


def _merge(args: argparse.Namespace) -> int:
    from qrinterop.reports.merge import merge_run_files
    run_json = merge_run_files(args.run_json, args.out)
    print(f"wrote {run_json}")
    if not args.reports:
        return 0
    args.run_json, args.out = run_json, None
    return _build(args)


def _diff(args: argparse.Namespace) -> int:
    changes = diff_verdicts(load_either(args.a), load_either(args.b))
    worse = any(c.worse for c in changes)
    if args.json:
        print(json.dumps({"changes": [{"rule": c.rule, "before": c.before, "after": c.after,
                                       "direction": c.direction} for c in changes], "worse": worse}, indent=2))
    elif not changes:
        print("no rule changed verdict")
    else:
        width = max(len(c.rule) for c in changes)
        for c in changes:
            print(f"{c.rule:<{width}}  {c.before} -> {c.after}  ({c.direction})")
        print(f"{len(changes)} rule(s) changed verdict; {sum(c.worse for c in changes)} got worse")
    return 1 if worse else 0


def _build(args: argparse.Namespace) -> int:
    built = build_reports(args.run_json, args.out, allure=args.allure_html, allure_timeout=args.allure_timeout)
    overall = built.certification["overall"]
    if args.json:
        print(json.dumps({"out": str(built.out_dir), "files": [str(f) for f in built.files],
                          "allureReport": str(built.allure_report) if built.allure_report else None,
                          "verdict": overall["verdict"], "notes": built.notes}, indent=2))
    else:
        for f in built.files + ([built.allure_report] if built.allure_report else []):
            print(f"wrote {f}")
        for note in built.notes:
            print(f"qrinterop: {note}", file=sys.stderr)
        print(f"overall verdict: {overall['verdict']}")
    # The reports were written either way; the code says whether the run certifies.
    return exit_code(built.certification)


def _allure(args: argparse.Namespace) -> int:
    if args.install:
        print(f"allure CLI: {allure_html.ensure_allure(timeout=args.timeout)}")
        if args.results is None:
            return 0
    if args.results is None:
        raise UsageError("report allure: give RESULTS_DIR (an allure-results folder), or --install")
    out = args.out or args.results.resolve().parent / "allure-report"
    index = allure_html.generate(args.results, out, timeout=args.timeout)
    print(f"wrote {index}")
    return 0
