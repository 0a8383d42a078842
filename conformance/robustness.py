"""Inputs and pure judging for the robustness and wire tests (conformance/test_robustness.py).

Hostile inputs are the malformed things real scanners hand a decoder: nothing, a lone tag, a
length running past the end, non-digits where digits belong, control characters, emoji, a code
that is 20 kB long, build objects with missing or wrong fields, images that are not PNGs. The IUT
may accept or reject each — only a crash, a hang, a malformed answer or an error that is its own
runtime failing (an exception from its decoder) breaks the rule.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any, Sequence

from qrinterop.conformance import diagnosis as dx
from qrinterop.conformance.judge import FAILED, PASSED, Outcome, record_category
from qrinterop.conformance.suite_rules import failure_rule
from qrinterop.emv.mpm import build_mpm
from qrinterop.iut.base import Reply

_OBJECTS = [{"id": "00", "value": "01"}, {"id": "01", "value": "11"},
            {"id": "26", "children": [{"id": "00", "value": "jp.or.paymentsjapan"},
                                      {"id": "01", "value": "0000000000001"}]},
            {"id": "52", "value": "5812"}, {"id": "53", "value": "392"}, {"id": "58", "value": "JP"},
            {"id": "59", "value": "SAKURA CAFE"}, {"id": "60", "value": "TOKYO"}]
SAMPLE_PAYLOAD = build_mpm(_OBJECTS)

_BAD_PAYLOADS = ["", "0", "00", "000", "0002", "000201", "99", "0002XX", "00ZZ01", "0099" + "1" * 5,
                 "00020101021\x00", "\x00\x01\x02\x7f", "🙂" * 40, "0002010102" + "6" * 600,
                 "00-1" + "A" * 10, "00+5ABCDE", "00 5ABCDE", "0002016304", "6304FFFF",
                 SAMPLE_PAYLOAD[:-9], SAMPLE_PAYLOAD + SAMPLE_PAYLOAD, SAMPLE_PAYLOAD.replace("26", "2X", 1),
                 "62" + "99" + "0" * 99 + "6304ABCD", "\u200b" + SAMPLE_PAYLOAD, "0002ｘｘ"]

HOSTILE: dict[str, list[dict[str, Any]]] = {
    "parse": [{"payload": p, "mode": "mpm"} for p in _BAD_PAYLOADS],
    "validate": [{"payload": p, "profile": "emv"} for p in _BAD_PAYLOADS],
    "build": [{"objects": objs, "mode": "mpm"} for objs in (
        [], [{"id": "5"}], [{"id": "00"}], [{"value": "01"}], [{"id": "00", "value": ""}],
        [{"id": "00", "value": "01"}, {"id": "59", "value": "X" * 150}],
        [{"id": "00", "value": "01"}, {"id": "62", "children": []}],
        [{"id": "00", "value": "01"}, {"id": "62", "children": [{"id": "05"}]}],
        [{"id": "100", "value": "x"}], [{"id": "00", "value": "01"}, {"id": "59", "value": "🙂\u0000"}])],
    "render": [{"payload": p} for p in ("", "X" * 5000)],
    "decode_image": [{"png_base64": p} for p in ("", "not base64!", base64.b64encode(b"not a png").decode(),
                                                  base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode())],
}

# The largest inputs the format allows: 99 objects of 99 characters (about 10 kB), templates full
# of sub-objects, and a valid 512-character payload.
_BIG = [{"id": "00", "value": "01"}, *({"id": f"{i:02d}", "value": "X" * 99} for i in range(2, 52) if i not in (26,)),
        *({"id": f"{i:02d}", "children": [{"id": "00", "value": "A" * 30}, *({"id": f"{j:02d}", "value": "Z" * 10}
                                                                          for j in range(1, 5))]}
          for i in range(80, 100))]
_BIG_PAYLOAD = build_mpm(_BIG)
WORST_CASE: dict[str, list[dict[str, Any]]] = {
    "parse": [{"payload": _BIG_PAYLOAD, "mode": "mpm"}, {"payload": _BIG_PAYLOAD[:-1], "mode": "mpm"}],
    "validate": [{"payload": _BIG_PAYLOAD, "profile": "emv"}, {"payload": "00" * 5000, "profile": "emv"}],
    "build": [{"objects": _BIG, "mode": "mpm"}],
}

WELL_FORMED: dict[str, dict[str, Any]] = {
    "parse": {"payload": SAMPLE_PAYLOAD, "mode": "mpm"},
    "build": {"objects": _OBJECTS, "mode": "mpm"},
    "validate": {"payload": SAMPLE_PAYLOAD, "profile": "emv"},
    "render": {"payload": SAMPLE_PAYLOAD},
}


def _describe(op: str, fields: dict[str, Any]) -> str:
    text = repr(fields.get("payload", fields.get("objects", fields.get("png_base64", ""))))
    return f"{op}({text[:60]}{'…' if len(text) > 60 else ''})"


def judge_hostile(requests: Sequence[tuple[str, dict]], replies: Sequence[Reply]) -> Outcome:
    rules = ["iut.robust.crash"]
    for (op, fields), reply in zip(requests, replies):
        evidence = {"payload": fields.get("payload"), "request": {"op": op, **fields}}
        if not reply.answered:
            broken = failure_rule(reply.category) or "iut.protocol.wire"
            if reply.stderr:
                evidence["stderr"] = reply.stderr
            return Outcome(FAILED, f"{_describe(op, fields)}: no valid answer: {reply.failure}",
                           list(dict.fromkeys([*rules, broken])), record_category(reply.category), evidence,
                           dx.Finding((broken,), dx.DIAGNOSIS, f"malformed input {_describe(op, fields)} "
                                      f"got no answer: {reply.failure}"))
        crash = dx.crash_like(reply.error) if not reply.ok else None
        if crash:
            evidence["iutError"] = reply.error
            return Outcome(FAILED, f"{_describe(op, fields)}: the IUT's runtime failed ({crash})", rules,
                           "iut-crash", evidence,
                           dx.Finding(("iut.robust.crash",), dx.DIAGNOSIS, f"its decoder failed on malformed "
                                      f"input {_describe(op, fields)}: {crash}"))
    return Outcome(PASSED, f"{len(requests)} malformed inputs over {len({op for op, _ in requests})} op(s), "
                   "each answered", rules, None, {"requests": len(requests)})


def judge_worst_case(requests: Sequence[tuple[str, dict]], replies: Sequence[Reply], timeout_s: float) -> Outcome:
    rules = ["iut.robust.timeout"]
    limit_ms = timeout_s * 1000.0
    slowest = 0.0
    for (op, fields), reply in zip(requests, replies):
        evidence = {"payload": fields.get("payload"), "request": {"op": op}}
        if not reply.answered:
            broken = failure_rule(reply.category) or "iut.protocol.wire"
            return Outcome(FAILED, f"{_describe(op, fields)}: no valid answer: {reply.failure}",
                           list(dict.fromkeys([*rules, broken])), record_category(reply.category), evidence,
                           dx.Finding((broken,), dx.DIAGNOSIS, f"a maximum-size input got no answer: {reply.failure}"))
        if reply.duration_ms > limit_ms:      # the python adapter cannot time out: measure instead
            return Outcome(FAILED, f"{_describe(op, fields)} took {reply.duration_ms:.0f} ms, over the "
                           f"{limit_ms:.0f} ms timeout", rules, "timeout", evidence,
                           dx.Finding(("iut.robust.timeout",), dx.DIAGNOSIS,
                                      f"a maximum-size input took {reply.duration_ms:.0f} ms"))
        slowest = max(slowest, reply.duration_ms)
    return Outcome(PASSED, f"{len(requests)} maximum-size inputs answered, slowest {slowest:.0f} ms", rules, None,
                   {"slowestMs": round(slowest, 1)})


def result_shape_problem(op: str, result: Any) -> str | None:
    """What is wrong with the shape of an op's result (DESIGN §4), or None."""
    if not isinstance(result, dict):
        return f"{op} result is not an object"
    if op == "hello":
        if not isinstance(result.get("ops"), list) or not isinstance(result.get("name"), str):
            return "hello needs 'name' (string) and 'ops' (list)"
        return None
    if op == "parse":
        return _objects_problem(result.get("objects"), "objects")
    if op in ("build", "decode_image"):
        return None if isinstance(result.get("payload"), str) else f"{op} needs a string 'payload'"
    if op == "validate":
        if not isinstance(result.get("valid"), bool):
            return "validate needs a boolean 'valid'"
        vs = result.get("violations", [])
        if not isinstance(vs, list) or not all(isinstance(v, dict) and isinstance(v.get("rule"), str) for v in vs):
            return "validate 'violations' must be a list of {rule, message}"
        return None
    if op == "render":
        try:
            base64.b64decode(result.get("png_base64") or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            return "render needs 'png_base64' in base64"
        return None if result.get("png_base64") else "render needs a non-empty 'png_base64'"
    return None


def _objects_problem(objects: Any, where: str) -> str | None:
    if not isinstance(objects, list):
        return f"{where} must be a list"
    for i, o in enumerate(objects):
        here = f"{where}[{i}]"
        if not isinstance(o, dict) or not isinstance(o.get("id"), str):
            return f"{here} needs a string 'id'"
        if "children" in o:
            problem = _objects_problem(o["children"], f"{here}.children")
            if problem:
                return problem
        elif not isinstance(o.get("value"), str):
            return f"{here} needs a string 'value' or a list 'children'"
    return None


def judge_wire(requests: Sequence[tuple[str, dict]], replies: Sequence[Reply]) -> Outcome:
    rules = ["iut.protocol.wire"]
    for (op, fields), reply in zip(requests, replies):
        evidence = {"payload": fields.get("payload"), "request": {"op": op}}
        if not reply.answered:
            broken = failure_rule(reply.category) or "iut.protocol.wire"
            return Outcome(FAILED, f"{op}: no valid answer: {reply.failure}", list(dict.fromkeys([*rules, broken])),
                           record_category(reply.category), evidence,
                           dx.Finding((broken,), dx.DIAGNOSIS, f"a well-formed {op} request got no valid answer"))
        if not reply.ok:
            evidence["iutError"] = reply.error
            return Outcome(FAILED, f"{op} of a well-formed request answered an error: {reply.describe_error()}",
                           rules, "protocol", evidence,
                           dx.Finding(("iut.protocol.wire",), dx.DIAGNOSIS,
                                      f"it declares {op} but answers a well-formed request with an error"))
        problem = result_shape_problem(op, reply.result)
        if problem:
            evidence["actual"] = reply.result
            return Outcome(FAILED, f"{op}: {problem}", rules, "protocol", evidence,
                           dx.Finding(("iut.protocol.wire",), dx.DIAGNOSIS, f"malformed {op} result: {problem}"))
    return Outcome(PASSED, f"{len(requests)} pipelined requests ({', '.join(op for op, _ in requests)}) answered "
                   "in the contract's shapes", rules, None, {})
