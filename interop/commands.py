"""`qrinterop matrix`: the interop matrix command (registered in qrinterop.cli's table)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "matrix", help="certify every real-library adapter (interop/adapters) and the bundled examples side "
                       "by side; write a static site and matrix.json")
    add_arguments(p)
    p.set_defaults(func=matrix)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="site", help="output folder (default: site/)")
    p.add_argument("--install", action="store_true",
                   help="install adapters that are not installed yet (npm ci / pip --require-hashes into each "
                        "adapter's own folder); without it an uninstalled adapter is a column saying so")
    p.add_argument("--only", action="append", default=None, metavar="NAME",
                   help="only these implementations (repeat or comma-separate)")
    p.add_argument("--no-bundled", dest="bundled", action="store_false",
                   help="leave out the reference and examples/iut")
    p.add_argument("-j", "--jobs", type=int, default=2, help="certify runs at once (default 2)")
    p.add_argument("--run-timeout", type=float, default=1200.0, metavar="S", help="wall-clock limit per implementation")
    p.add_argument("--timeout", type=float, default=5.0, metavar="S", help="per-request IUT timeout")
    p.add_argument("--examples", type=int, default=None, metavar="N", help="hypothesis examples per property test")
    p.add_argument("--profile", action="append", default=None, help="only vectors of these profiles")
    p.add_argument("--vectors", default=None, help="vector directory (default: the bundled vectors/)")


def matrix(args: argparse.Namespace) -> int:
    from .matrix import default_implementations, run_matrix, write_matrix_json
    from .site import write_site
    names = [n.strip() for item in args.only or [] for n in item.split(",") if n.strip()]
    try:
        impls = default_implementations(args.install, names or None, bundled=args.bundled)
    except ValueError as exc:
        print(f"matrix: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    profiles = [p.strip() for item in args.profile or [] for p in item.split(",") if p.strip()]
    started = time.monotonic()
    print(f"matrix: {len(impls)} implementations, {args.jobs} at a time → {out}", file=sys.stderr)
    result = run_matrix(out, impls, jobs=args.jobs, progress=lambda s: print(f"matrix: {s}", file=sys.stderr),
                        options={"run_timeout": args.run_timeout, "request_timeout": args.timeout,
                                 "examples": args.examples, "profiles": profiles, "vectors": args.vectors})
    path = write_matrix_json(result, out)
    write_site(result, out)
    ran = sum(i["status"] == "ran" for i in result["implementations"])
    print(f"matrix: {ran}/{len(impls)} certified runs, {len(result['disagreements'])} disagreements, "
          f"{(time.monotonic() - started) / 60:.1f} min; {path} and {out / 'index.html'}")
    return EXIT_OK if ran else EXIT_FAIL


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qrinterop matrix", description=__doc__)
    add_arguments(parser)
    return matrix(parser.parse_args(argv))
