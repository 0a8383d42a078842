"""`python -m qrinterop.simulators serve …`: the same `serve` command as `qrinterop serve`, without
loading the other parts' CLI modules (heavy imports there — OpenCV, NumPy — would only add
resident memory to a simulator server)."""
from __future__ import annotations

import argparse
import sys

from qrinterop.errors import QrInteropError, UsageError
from qrinterop.simulators.commands import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qrinterop.simulators")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"qrinterop: usage error: {exc}", file=sys.stderr)
        return 2
    except QrInteropError as exc:
        print(f"qrinterop: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
