"""`python:package.module:factory` — an IUT that is a Python object in this process.

`factory()` returns an object with methods named as the ops; each takes the request's fields as
keyword arguments and returns the `result` object; an exception it raises is that request's
error answer (code = the exception's `rule` when it has one, else its class name). There is no
timeout in-process: a Python IUT that hangs hangs the run (use jsonl for untrusted code).
"""
from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from concurrent.futures import Future
from typing import Any, Callable

from qrinterop.errors import UsageError
from qrinterop.iut.base import CRASH, OPS, PROTOCOL, Iut, Reply, done, elapsed_ms


def load_factory(target: str) -> Callable[[], Any]:
    """`package.module:factory` → the callable; UsageError naming what is missing."""
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise UsageError(f"python IUT spec must be python:package.module:factory, got python:{target}")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.append(os.getcwd())   # like `python -m`: a module in the current directory is found
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"python IUT: cannot import module {module_name!r}: {exc}") from exc
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise UsageError(f"python IUT: {module_name!r} has no callable {attr!r}")
    return factory


class PythonIut(Iut):
    adapter = "python"

    def __init__(self, spec: str, obj: Any | None = None) -> None:
        super().__init__(spec)
        self._obj = obj if obj is not None else load_factory(spec.removeprefix("python:"))()

    def submit(self, op: str, request: dict[str, Any]) -> Future[Reply]:
        start = time.perf_counter()
        method = getattr(self._obj, op, None) if op in OPS else None
        if op == "hello" and method is None:
            # No hello: declare the ops the object has, so capability stays declared, not guessed.
            ops = [o for o in OPS if callable(getattr(self._obj, o, None))]
            return done(Reply(op, ok=True, result={"name": type(self._obj).__name__, "version": "?",
                                                   "ops": ops, "profiles": []}))
        if not callable(method):
            return done(Reply(op, ok=False, error={"code": "not-implemented",
                                                    "message": f"the object has no method {op!r}"},
                              duration_ms=elapsed_ms(start)))
        try:
            result = method(**request)
        except TypeError as exc:
            # A signature mismatch is the IUT's fault, not the payload's: say so plainly.
            if _raised_at_call(exc):
                return done(Reply(op, failure=f"{op}() does not accept the request fields "
                                  f"{sorted(request)}: {exc}", category=PROTOCOL,
                                  duration_ms=elapsed_ms(start)))
            return done(_error_reply(op, exc, start))
        except Exception as exc:  # an exception is this request's error answer (DESIGN §4)
            return done(_error_reply(op, exc, start))
        except BaseException as exc:  # SystemExit from an IUT is a crash of that request
            if isinstance(exc, KeyboardInterrupt):
                raise
            return done(Reply(op, failure=f"IUT raised {type(exc).__name__}: {exc}", category=CRASH,
                              stderr=traceback.format_exc(limit=5), duration_ms=elapsed_ms(start)))
        if not isinstance(result, dict):
            return done(Reply(op, failure=f"{op}() returned {type(result).__name__}, not a result object",
                              category=PROTOCOL, duration_ms=elapsed_ms(start)))
        return done(Reply(op, ok=True, result=result, duration_ms=elapsed_ms(start)))


def _error_reply(op: str, exc: Exception, start: float) -> Reply:
    code = getattr(exc, "rule", None) or type(exc).__name__
    return Reply(op, ok=False, error={"code": str(code), "message": str(exc)},
                 stderr=traceback.format_exc(limit=5), duration_ms=elapsed_ms(start))


def _raised_at_call(exc: TypeError) -> bool:
    """True when the TypeError came from binding the arguments, not from inside the method."""
    tb = exc.__traceback__
    return tb is not None and tb.tb_next is None
