"""`qrinterop vectors …`: the vector sets' command line (a thin shell over the package).

    qrinterop vectors generate [--out DIR] [--date YYYY-MM-DD]
    qrinterop vectors verify [DIR] [--json] [--no-reference]
    qrinterop vectors export DIR [--from DIR] [--force]
    qrinterop vectors diff OLD NEW [--json]
    qrinterop vectors stats [DIR] [--flags | --rules] [--json]
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path
from typing import Any

from qrinterop.errors import UsageError
from qrinterop.paths import VECTORS_DIR


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("vectors", help="golden vector sets: generate, verify, export, diff, stats",
                              description="Golden vector sets (DESIGN §5): generated from the reference "
                                          "implementation plus hand-written cases, schema-checked and hashed.")
    sub = p.add_subparsers(dest="vectors_command", metavar="ACTION")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    g = sub.add_parser("generate", help="rebuild every set deterministically (bumps versions of changed sets)")
    g.add_argument("--out", default=str(VECTORS_DIR), help=f"output folder (default {VECTORS_DIR})")
    g.add_argument("--date", default=None, help="date for CHANGELOG entries, YYYY-MM-DD (default: today, UTC)")
    g.set_defaults(func=generate_command)

    v = sub.add_parser("verify", help="check MANIFEST hashes, schemas, tcIds, counts and every case "
                                      "against the reference")
    v.add_argument("dir", nargs="?", default=str(VECTORS_DIR), help="vector tree to check (default: the bundled one)")
    v.add_argument("--no-reference", action="store_true", help="skip re-validating cases with the reference")
    v.add_argument("--json", action="store_true", help="print the problems as JSON")
    v.set_defaults(func=verify_command)

    e = sub.add_parser("export", help="write a clean publishable bundle (after verifying)")
    e.add_argument("dest", help="empty folder to write the bundle into")
    e.add_argument("--from", dest="src", default=str(VECTORS_DIR), help="tree to export (default the repo's)")
    e.add_argument("--force", action="store_true", help="replace a non-empty destination")
    e.set_defaults(func=export_command)

    d = sub.add_parser("diff", help="cases added / removed / changed between two vector trees")
    d.add_argument("old", help="the earlier vector tree")
    d.add_argument("new", help="the later vector tree")
    d.add_argument("--json", action="store_true", help="print the differences as JSON")
    d.set_defaults(func=diff_command)

    s = sub.add_parser("stats", help="cases per set and per result")
    s.add_argument("dir", nargs="?", default=str(VECTORS_DIR), help="vector tree (default: the bundled one)")
    s.add_argument("--flags", action="store_true", help="list, per flag, its bugType and the cases carrying it")
    s.add_argument("--rules", action="store_true", help="list, per rule, its valid and non-valid cases (coverage); "
                                                        "exit 1 when a rule lacks either")
    s.add_argument("--json", action="store_true", help="print the statistics as JSON")
    s.set_defaults(func=stats_command)


def _folder(path: str) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise UsageError(f"{path}: not a folder of vector files")
    return folder


def generate_command(args: argparse.Namespace) -> int:
    from qrinterop.vectorsets.generate import generate
    date = args.date or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise UsageError(f"--date {date!r}: expected YYYY-MM-DD")
    versions = generate(Path(args.out), date, log=print)
    print(f"{len(versions)} sets written to {args.out}")
    return 0


def verify_command(args: argparse.Namespace) -> int:
    from qrinterop.vectorsets.verify import verify
    problems = verify(_folder(args.dir), against_reference=not args.no_reference)
    if args.json:
        print(json.dumps({"ok": not problems, "problems": [p.to_dict() for p in problems]}, indent=1,
                         ensure_ascii=False))
    elif problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {args.dir}", file=sys.stderr)
    else:
        print(f"{args.dir}: ok")
    return 1 if problems else 0


def export_command(args: argparse.Namespace) -> int:
    from qrinterop.vectorsets.export import export
    files = export(_folder(args.src), Path(args.dest), force=args.force)
    print(f"exported {len(files)} files to {args.dest}")
    return 0


def diff_command(args: argparse.Namespace) -> int:
    from qrinterop.vectorsets.diff import diff_trees, render
    result = diff_trees(_folder(args.old), _folder(args.new))
    print(json.dumps(result, indent=1, ensure_ascii=False) if args.json else render(result))
    return 0


def stats_command(args: argparse.Namespace) -> int:
    from qrinterop.vectorsets.stats import flag_index, render, render_flags, stats
    if args.rules:
        from qrinterop.vectorsets.coverage import coverage
        report = coverage(_folder(args.dir))
        if args.json:
            print(json.dumps({"rules": report["rules"], "gaps": [str(g) for g in report["gaps"]]}, indent=1))
        else:
            print("| rule | valid | non-valid | exempt |\n|---|---|---|---|")
            for rule, row in report["rules"].items():
                print(f"| {rule} | {row['valid']} | {row['nonValid']} | {'yes' if row['exempt'] else ''} |")
            for gap in report["gaps"]:
                print(f"gap: {gap}", file=sys.stderr)
        return 1 if report["gaps"] else 0
    if args.flags:
        index = flag_index(_folder(args.dir))
        print(json.dumps(index, indent=1) if args.json else render_flags(index))
        return 0
    data = stats(_folder(args.dir))
    print(json.dumps(data, indent=1) if args.json else render(data))
    return 0
