"""CLI: `qrinterop demo [--out DIR] [--wallets all|paypay,dbarai] [--serve] [--json]`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qrinterop.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="run the unified-code scenario locally, step by step",
                              description="One shop, one JPQR code per order, paid by each wallet's app through the "
                                          "gateway; then a race, a static code and a refund. Writes the code images "
                                          "to --out. See docs/unified-code.md.")
    p.add_argument("--out", metavar="DIR", help="write the code images (PNG) here")
    p.add_argument("--wallets", default="all", help="'all' or a comma list, e.g. paypay,dbarai (default: all)")
    p.add_argument("--serve", action="store_true",
                   help="run the simulators and the gateway as real servers on 127.0.0.1 (default: in-process)")
    p.add_argument("--json", action="store_true", help="print the steps as JSON instead of text")
    p.set_defaults(func=demo)


def demo(args: argparse.Namespace) -> int:
    from qrinterop.simulators.demo import run_demo
    from qrinterop.simulators.wallets import parse_wallets

    try:
        wallets = parse_wallets(args.wallets)
    except ValueError as exc:
        raise UsageError(f"--wallets: {exc}") from None
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    emit = (lambda text: None) if args.json else (lambda text: print(text, flush=True))
    result = run_demo(wallets, out, emit, serve=args.serve)
    if args.json:
        json.dump({"ok": result.ok, "steps": result.steps, "images": result.images}, sys.stdout, ensure_ascii=False,
                  indent=1)
        print()
    elif result.images:
        print(f"code images: {len(result.images)} PNG in {out}")
    return 0 if result.ok else 1
