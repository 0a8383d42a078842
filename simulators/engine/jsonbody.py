"""Parse a request body as JSON within bounds, so that no input can make the simulator fail.

`json.loads` alone raises RecursionError on `[` × 30,000, returns `inf` for `1e999` (which then
cannot be written back as JSON) and accepts `NaN` and lone surrogates (`"\\ud800"`, which cannot
be encoded as UTF-8 for a fingerprint or the store). Each of these becomes a `SimError` the
wallet answers with its own parameter error, naming what was wrong.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from qrinterop.simulators.engine.errors import Kind, SimError

MAX_DEPTH = 32            # deepest nesting any wallet's documents use is 5; 32 leaves room for extensions
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def nesting_depth(raw: bytes) -> int:
    """The deepest array/object nesting in `raw`, brackets inside strings not counted."""
    depth = deepest = 0
    for m in _TOKENS.finditer(raw):
        c = m.group()[:1]
        if c in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif c in (b"]", b"}"):
            depth -= 1
    return deepest


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _check_text(node: Any, where: str) -> None:
    if isinstance(node, str):
        try:
            node.encode("utf-8")
        except UnicodeEncodeError:
            raise SimError(Kind.INVALID_FIELD, f"field {where or '(body)'!r} is not valid Unicode (a lone surrogate "
                                               "escape such as \\ud800)", field=where) from None
    elif isinstance(node, dict):
        for k, v in node.items():
            _check_text(k, where)
            _check_text(v, f"{where}.{k}" if where else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_text(v, f"{where}.{i}" if where else str(i))


def parse_json(raw: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value in `raw`, or SimError(MALFORMED_JSON / INVALID_FIELD) saying what is wrong."""
    if raw.count(b"[") + raw.count(b"{") > max_depth:       # cheap test first: most bodies cannot be too deep
        depth = nesting_depth(raw)
        if depth > max_depth:
            raise SimError(Kind.MALFORMED_JSON, f"request body nests {depth} levels deep; the limit is {max_depth}")
    try:
        value = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:       # pragma: no cover - the depth check comes first
        raise SimError(Kind.MALFORMED_JSON, f"request body nests deeper than {max_depth} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise SimError(Kind.MALFORMED_JSON, f"request body is not JSON: {str(exc)[:200]}") from None
    if b"\\u" in raw:            # only a \u escape can make a lone surrogate (raw ones fail UTF-8 decoding)
        _check_text(value, "")
    return value
