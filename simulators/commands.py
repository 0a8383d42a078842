"""CLI: `qrinterop serve --wallets all|paypay,wechatpay --port 8700 [--host 127.0.0.1] [--state sim.db|postgresql://…]`."""
from __future__ import annotations

import argparse
import ipaddress
import sys

from qrinterop.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run the wallet simulators as an HTTP server",
                              description="Serve the wallet simulators (each wallet under /{id}, control API under "
                                          "/_sim). See docs/simulators.md.")
    p.add_argument("--wallets", default="all", help="'all' or a comma list, e.g. paypay,wechatpay (default: all)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8700, help="port (default 8700)")
    p.add_argument("--state", metavar="FILE|URL",
                   help="keep state in this SQLite file (WAL, created 0600) so a restart loses nothing, or in "
                        "PostgreSQL (postgresql://user@host/db) so several serve processes share it")
    p.add_argument("--seed", type=int, default=0,
                   help="seed for random faults (default 0); ids are always random, so they never repeat")
    p.add_argument("--no-header-faults", action="store_true",
                   help="refuse the X-Sim-Fault request header (faults only through POST /_sim/faults)")
    p.add_argument("--max-fault-latency", type=float, default=60.0, metavar="SECONDS",
                   help="longest latency= fault accepted, by header or rule (default 60)")
    p.add_argument("--max-body", type=int, default=64 * 1024, help="largest request body in bytes (default 65536)")
    p.add_argument("--journal", type=int, default=10_000, help="request journal capacity (ring buffer; default 10000)")
    p.add_argument("--check-responses", action="store_true",
                   help="also validate every answer against the wallet's OpenAPI document and log any drift "
                        "(the test suite always does; costs about half the throughput)")
    p.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    from qrinterop.simulators.engine.store import open_store
    from qrinterop.simulators.server import run
    from qrinterop.simulators.simulator import Simulator
    from qrinterop.simulators.wallets import parse_wallets

    try:
        wallets = parse_wallets(args.wallets)
    except ValueError as exc:
        raise UsageError(f"--wallets: {exc}") from None
    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: expected 1..65535")
    if args.max_body <= 0 or args.journal <= 0:
        raise UsageError("--max-body and --journal must be positive")
    if not 0 <= args.max_fault_latency <= 86400:
        raise UsageError("--max-fault-latency: expected 0..86400 seconds")
    try:
        store = open_store(args.state)
    except Exception as exc:  # sqlite3 / psycopg errors: bad path, not a database, server unreachable
        kind = "PostgreSQL database" if str(args.state).startswith(("postgres://", "postgresql://")) else "SQLite database"
        raise UsageError(f"--state {_redact(args.state)}: cannot open as a {kind} ({str(exc).strip()[:300]})") from None
    sim = Simulator(wallets, store=store, seed=args.seed, journal_capacity=args.journal, max_body=args.max_body,
                    check_responses=args.check_responses, header_faults=not args.no_header_faults,
                    max_fault_latency=args.max_fault_latency, serve_secrets=is_loopback(args.host))
    base = f"http://{args.host}:{args.port}"
    print(f"qrinterop simulators on {base} ({'state: ' + _redact(args.state) if args.state else 'in-memory state'})",
          file=sys.stderr)
    for w in wallets:
        print(f"  {w:<11} {base}/{w}", file=sys.stderr)
    print(f"  control     {base}/_sim/health  (test credentials: {base}/_sim/merchants?secrets=1)", file=sys.stderr)
    run(sim, args.host, args.port)
    return 0


def is_loopback(host: str) -> bool:
    """Only a server reachable from this machine alone may hand out secrets and private keys."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _redact(state: str) -> str:
    """A PostgreSQL URL without its password, for messages."""
    from urllib.parse import urlsplit
    parts = urlsplit(state)
    if parts.password:
        return state.replace(f":{parts.password}@", ":***@", 1)
    return state
