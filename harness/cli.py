"""`qrinterop` command line: one dispatcher, one command module per part.

Each module in COMMAND_MODULES has `register(subparsers)`, which adds its sub-commands and
sets `func` on each; `func(args) -> int` is the exit code: 0 valid/passed, 1 invalid/failed,
2 usage error. The list is static (no discovery by import side effect); a module that is
not there yet is skipped, so parts can land in any order.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from qrinterop import __version__
from qrinterop.errors import EXIT_FAIL, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, QrInteropError, UsageError

# The extra that brings each command module's third-party packages (pyproject optional-dependencies).
EXTRA_OF_MODULE = {
    "qrinterop.imaging.commands": "imaging",
    "qrinterop.conformance.commands": "certify",
    "qrinterop.reports.commands": "certify",
    "qrinterop.simulators.commands": "sim",
    "qrinterop.simulators.demo_commands": "sim,imaging",
}

COMMAND_MODULES = {
    "qrinterop.emv.commands": ("parse", "build", "validate", "explain", "rules"),
    "qrinterop.imaging.commands": ("render", "scan"),
    "qrinterop.vectorsets.commands": ("vectors",),
    "qrinterop.conformance.commands": ("certify",),
    "qrinterop.reports.commands": ("report",),
    "qrinterop.simulators.commands": ("serve",),
    "qrinterop.simulators.demo_commands": ("demo",),
    "qrinterop.interop.commands": ("matrix",),
}

class MissingExtra(UsageError):
    """A command whose optional dependencies are not installed (e.g. `serve` without qrinterop[sim])."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors; keep that, plainly
        self.print_usage(sys.stderr)
        print(f"qrinterop: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _modules_for(argv: Sequence[str] | None) -> list[str]:
    """Only the module of the command asked for: `qrinterop validate` should not pay for numpy,
    pytest and jsonschema being imported by the imaging and report commands. Help needs them all."""
    first = next((a for a in (argv or []) if not a.startswith("-")), None)
    chosen = [m for m, commands in COMMAND_MODULES.items() if first in commands]
    return chosen or list(COMMAND_MODULES)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="qrinterop", description="Interoperability test harness and wallet simulator for "
                     "unified payment QR codes (EMVCo MPM/CPM, JPQR and other national profiles).")
    parser.add_argument("--version", action="version", version=f"qrinterop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    missing: list[tuple[str, str]] = []
    for name in _modules_for(argv):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part has not landed yet
            if exc.name and not exc.name.startswith("qrinterop") and name in EXTRA_OF_MODULE:
                missing.append((name, exc.name))
                continue
            raise
        module.register(sub)
    if missing and len(_modules_for(argv)) == 1:   # the one command asked for cannot run here
        name, package = missing[0]
        extra = EXTRA_OF_MODULE[name]
        raise MissingExtra(f"this command needs the Python package '{package}', which is not installed; "
                           f"install it with: pip install 'qrinterop[{extra}]' (or 'qrinterop[all]')")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    try:
        parser = build_parser(argv)
    except MissingExtra as exc:
        print(f"qrinterop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"qrinterop: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except QrInteropError as exc:
        print(f"qrinterop: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("qrinterop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the CLI never shows a stack trace; say what broke and where to report it
        print(f"qrinterop: internal error: {type(exc).__name__}: {exc} "
              "(please report this with the command you ran)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
