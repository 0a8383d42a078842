"""The JSON-lines loop every Python adapter shares (DESIGN §4, jsonl transport).

An adapter runs in its own virtualenv (only the library it wraps installed there) and calls
`serve(name=…, version=…, profiles=[…], ops={op: function(request) -> result})`. A function
that raises answers `{"ok": false, "error": …}`: the library refused the payload, which is a
correct answer for an invalid vector. hello lists exactly the ops given. Standard library only.
"""
from __future__ import annotations

import json
import sys
from importlib.metadata import version as installed_version
from typing import Any, Callable


class Refused(Exception):
    """The adapter's own 'the library cannot do that' (e.g. CPM to an MPM-only library)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def is_template(ident: str, parent: str | None = None) -> bool:
    """Where our tree has children (EMV MPM: 26-51, 62, 64, 80-99; 50-99 inside 62)."""
    n = int(ident) if ident.isdigit() else -1
    if parent == "62":
        return 50 <= n <= 99
    if parent:
        return False
    return 26 <= n <= 51 or n in (62, 64) or 80 <= n <= 99


def check_objects(objects: Any, path: str = "objects") -> None:
    """Refuse a malformed build request before the library sees it, so that a library exception
    is always the library's: each object needs an "id" and a string "value" or a "children" list."""
    if not isinstance(objects, list):
        raise Refused("bad_request", f"{path}: expected a list of objects")
    for i, o in enumerate(objects):
        if not isinstance(o, dict) or not isinstance(o.get("id"), str):
            raise Refused("bad_request", f"{path}[{i}]: expected an object with a string id")
        if isinstance(o.get("children"), list):
            check_objects(o["children"], f"{path}[{i}].children")
        elif not isinstance(o.get("value"), str):
            raise Refused("bad_request", f"{path}[{i}] ({o['id']}): expected a string value or children")


def serve(*, name: str, version: str, profiles: list[str], ops: dict[str, Callable[[dict], Any]]) -> None:
    hello = {"name": name, "version": version, "ops": ["hello", *ops], "profiles": profiles}
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as exc:
            answer: dict[str, Any] = {"id": None, "ok": False, "error": {"code": "bad_request", "message": str(exc)}}
        else:
            ident = request.get("id")
            op = request.get("op")
            if op == "hello":
                answer = {"id": ident, "ok": True, "result": hello}
            elif op not in ops:
                answer = {"id": ident, "ok": False, "error": {"code": "unknown_op", "message": f"op {op} not implemented"}}
            else:
                try:
                    answer = {"id": ident, "ok": True, "result": ops[op](request)}
                except Refused as exc:
                    answer = {"id": ident, "ok": False, "error": {"code": exc.code, "message": str(exc)}}
                except Exception as exc:  # the library's own exception: its refusal, with its words
                    answer = {"id": ident, "ok": False,
                              "error": {"code": "library_error", "message": f"{type(exc).__name__}: {exc}"}}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


__all__ = ["Refused", "check_objects", "installed_version", "is_template", "serve"]
