"""Expose any Python IUT object over the jsonl or http transport (DESIGN §4).

Used to certify the reference through each adapter (bench/bench_iut.py, tests) and as a
template for wrapping a Python implementation as a process:
    python -m qrinterop.iut.serve --jsonl [python:pkg.mod:factory]
    python -m qrinterop.iut.serve --http 8765 [python:pkg.mod:factory]
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from qrinterop.iut.python_iut import PythonIut
from qrinterop.iut.spec import REFERENCE_SPEC


def envelope(iut: PythonIut, op: str, fields: dict[str, Any]) -> dict[str, Any]:
    reply = iut.call(op, fields)
    if reply.ok:
        return {"ok": True, "result": reply.result}
    error = reply.error or {"code": reply.category or "error", "message": reply.failure or ""}
    return {"ok": False, "error": error}


def serve_jsonl(iut: PythonIut, stdin: IO[str], stdout: IO[str]) -> None:
    for line in stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            rid, op = request.pop("id"), request.pop("op")
        except (ValueError, KeyError, AttributeError) as exc:
            stdout.write(json.dumps({"id": None, "ok": False,
                                     "error": {"code": "bad-request", "message": str(exc)}}) + "\n")
            stdout.flush()
            continue
        answer = envelope(iut, op, request)
        stdout.write(json.dumps({"id": rid, **answer}, ensure_ascii=False) + "\n")
        stdout.flush()


def http_app(iut: PythonIut) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def handle(request: Request) -> JSONResponse:
        try:
            fields = await request.json()
        except ValueError as exc:
            return JSONResponse({"ok": False, "error": {"code": "bad-request", "message": str(exc)}}, 400)
        if not isinstance(fields, dict):
            return JSONResponse({"ok": False, "error": {"code": "bad-request",
                                                        "message": "body must be a JSON object"}}, 400)
        return JSONResponse(envelope(iut, request.path_params["op"], fields))

    return Starlette(routes=[Route("/{op}", handle, methods=["POST"])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qrinterop.iut.serve", description=__doc__.splitlines()[0])
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--jsonl", action="store_true", help="serve JSON lines on stdin/stdout")
    how.add_argument("--http", type=int, metavar="PORT", help="serve POST /<op> on 127.0.0.1:PORT")
    parser.add_argument("spec", nargs="?", default=REFERENCE_SPEC, help="python:pkg.mod:factory")
    args = parser.parse_args(argv)
    iut = PythonIut(args.spec)
    if args.jsonl:
        sys.stdout.reconfigure(encoding="utf-8")
        sys.stdin.reconfigure(encoding="utf-8")
        serve_jsonl(iut, sys.stdin, sys.stdout)
        return 0
    import uvicorn
    uvicorn.run(http_app(iut), host="127.0.0.1", port=args.http, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
