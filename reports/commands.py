"""`qrinterop report diff|trend|build|allure|robustness|merge`: the reports part of the command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qrinterop.errors import UsageError
from qrinterop.reports import allure_html
from qrinterop.reports.build import build_reports
from qrinterop.reports.certification import exit_code
from qrinterop.reports import trend
from qrinterop.reports.console import Painter, use_colour
from qrinterop.reports.diff import counts, diff_verdicts, render_diff
from qrinterop.reports.trend import collect
from qrinterop.reports.record import load_either


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="build reports from a run record; compare runs; trends",
                                   description="Reports from run records: build, diff, trend, merge, allure, "
                                               "robustness.")
    sub = report.add_subparsers(dest="report_command", metavar="SUBCOMMAND", parser_class=type(report))
    report.set_defaults(func=lambda args: (report.print_help(), 2)[1])

    d = sub.add_parser("diff", help="rules whose verdict changed from run A to run B, regressions first "
                                    "(exit 1 if any rule fails now that did not before)",
                       description="Regressions (rules that fail now and did not before) first, then fixes, "
                                   "then the other changes, with counts. Exit 1 when something regressed "
                                   "(or, with --fail-on worse, got worse in any way), else 0.")
    d.add_argument("a", type=Path, metavar="A", help="run.json or certification.json of the earlier run")
    d.add_argument("b", type=Path, metavar="B", help="run.json or certification.json of the later run")
    d.add_argument("--json", action="store_true", help="print the changes and their counts as JSON")
    d.add_argument("-v", "--verbose", action="store_true",
                   help="list every changed rule, not only regressions and fixes one per line")
    d.add_argument("--fail-on", choices=("regression", "worse"), default="regression",
                   help="what makes the exit code 1: a regression (default), or any change for the worse "
                        "(also pass -> not-implemented, pass -> warning)")
    d.add_argument("--color", "--colour", dest="color", choices=("auto", "always", "never"), default="auto",
                   help="colour: auto (default) = on a terminal and NO_COLOR unset")
    d.set_defaults(func=_diff)

    t = sub.add_parser("trend", help="pass rate of every run record under a folder: a text table and a chart",
                       description="Finds every run.json (or certification.json) under FOLDER, oldest first, "
                                   "and prints each run's verdict and pass rate (passed tests / tests that "
                                   "gave an answer); -o writes the chart too.")
    t.add_argument("folder", type=Path, metavar="FOLDER", help="folder holding run records (searched recursively)")
    t.add_argument("-o", "--out", type=Path, default=None, metavar="FILE",
                   help="also write the chart: FILE.svg (the chart) or FILE.html (chart and table)")
    t.add_argument("--json", action="store_true", help="print the rows as JSON instead of the table")
    t.set_defaults(func=_trend)

    b = sub.add_parser("build", help="write every report (certification.*, summary.md, junit.xml, allure files) "
                                     "from a run record")
    b.add_argument("run_json", type=Path, metavar="RUN_JSON", help="the run record (run.json) to build from")
    b.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: the run record's folder)")
    b.add_argument("--no-allure-html", dest="allure_html", action="store_false",
                   help="skip allure-report/ (made by default when allure-results/ holds test results and "
                        "Node 20+ is there; the npm package allure is installed locally on first use)")
    b.add_argument("--allure-timeout", type=float, default=allure_html.DEFAULT_TIMEOUT_S, metavar="SECONDS",
                   help=f"give up on the Allure HTML after SECONDS (default {allure_html.DEFAULT_TIMEOUT_S:.0f})")
    b.add_argument("--allure-history", type=Path, default=None, metavar="DIR",
                   help="folder that carries Allure's history between runs (default: history/ beside the "
                        "output folder, or $QRINTEROP_ALLURE_HISTORY)")
    b.add_argument("--robustness", action="store_true",
                   help="when the IUT renders or decodes images and no robustness.json is there, open the IUT "
                        "(its spec in the run record) and measure its robustness curves")
    b.add_argument("--json", action="store_true", help="print what was written as JSON")
    b.set_defaults(func=_build)

    a = sub.add_parser("allure", help="make the Allure HTML report of an allure-results folder "
                                      "(--install: only install the npm package allure into its local cache)")
    a.add_argument("results", type=Path, metavar="RESULTS_DIR", nargs="?",
                   help="the allure-results folder (written by allure-pytest during certify)")
    a.add_argument("--install", action="store_true",
                   help="install allure@3 into the cache (reports/.allure-node) now, e.g. while setting up CI")
    a.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: allure-report/ next to RESULTS_DIR)")
    a.add_argument("--history", type=Path, default=None, metavar="DIR",
                   help="folder that carries Allure's history between runs (default: history/ beside the "
                        "folder holding RESULTS_DIR, or $QRINTEROP_ALLURE_HISTORY)")
    a.add_argument("--timeout", type=float, default=allure_html.DEFAULT_TIMEOUT_S, metavar="SECONDS",
                   help=f"give up after SECONDS, for the install and the generation each "
                        f"(default {allure_html.DEFAULT_TIMEOUT_S:.0f})")
    a.set_defaults(func=_allure)

    r = sub.add_parser("robustness", help="measure an IUT's image robustness curves (decode rate against "
                                          "blur, noise, rotation, perspective, scale) into robustness.json",
                       description="For an IUT that declares decode_image and/or render: its decode rate per "
                                   "distortion level beside the reference readers'. certify does this by itself; "
                                   "`report build` then draws robustness.json in certification.html.")
    r.add_argument("--iut", default=None, metavar="SPEC",
                   help="the IUT, as certify takes it (default: the bundled reference implementation)")
    r.add_argument("-o", "--out", type=Path, required=True, metavar="DIR",
                   help="folder to write robustness.json into (usually the run's output folder)")
    r.add_argument("--timeout", type=float, default=5.0, metavar="S", help="per-request IUT timeout (default 5)")
    r.set_defaults(func=_robustness)

    m = sub.add_parser("merge", help="merge the run.json of each shard (certify --shard i/n) into one run "
                                     "record and its reports")
    m.add_argument("run_json", type=Path, nargs="+", metavar="RUN_JSON", help="the shards' run.json files")
    m.add_argument("-o", "--out", type=Path, required=True, help="folder for the merged run.json and reports")
    m.add_argument("--no-reports", dest="reports", action="store_false", help="write the merged run.json only")
    m.add_argument("--no-allure-html", dest="allure_html", action="store_false",
                   help="skip allure-report/ (see `report build`)")
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
    n = counts(changes)
    failing = n["regression"] if args.fail_on == "regression" else sum(c.worse for c in changes)
    if args.json:
        print(json.dumps({"changes": [c.to_dict() for c in changes], "counts": n,
                          "regressed": bool(n["regression"]), "worse": any(c.worse for c in changes)}, indent=2))
    else:
        paint = Painter(use_colour(sys.stdout, args.color))
        sys.stdout.write(render_diff(changes, verbose=args.verbose, paint=paint))
    return 1 if failing else 0


def _trend(args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        raise UsageError(f"report trend: {args.folder} is not a folder")
    rows, problems = collect(args.folder)
    for problem in problems:
        print(f"qrinterop: skipped {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        sys.stdout.write(trend.render_text(rows))
    if args.out is not None:
        suffix = args.out.suffix.lower()
        if suffix not in (".svg", ".html", ".htm"):
            raise UsageError(f"report trend -o {args.out}: give a .svg or .html file")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(trend.render_svg(rows) + "\n" if suffix == ".svg" else trend.render_html(rows),
                            encoding="utf-8")
        if not args.json:
            print(f"wrote {args.out}")
    return 0


def _robustness(args: argparse.Namespace) -> int:
    from qrinterop.iut import REFERENCE_SPEC
    from qrinterop.reports import robustness
    data = robustness.measure(args.iut or REFERENCE_SPEC, timeout=args.timeout)
    if not data["curves"]:
        print("qrinterop: the IUT declares neither decode_image nor render: there is no image robustness "
              "to measure; nothing written", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"wrote {robustness.write(data, args.out)} ({data['seconds']} s)")
    return 0


def _build(args: argparse.Namespace) -> int:
    built = build_reports(args.run_json, args.out, allure=args.allure_html, allure_timeout=args.allure_timeout,
                          measure_robustness=getattr(args, "robustness", False),
                          history_dir=getattr(args, "allure_history", None))
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
    index = allure_html.generate(args.results, out, timeout=args.timeout, history_dir=args.history)
    print(f"wrote {index}")
    return 0
