"""Robustness and wire tests: the suite's own MUST rules exercised on purpose, not only charged
when some other test happens to crash (issue 14: a certificate must not list them as untested).

- `robustness/hostile-inputs` (iut.robust.crash): every declared op gets malformed input; each
  request must get an answer (a result or an error) that is not the IUT's runtime failing;
- `robustness/worst-case-inputs` (iut.robust.timeout): the largest and most deeply nested inputs
  the format allows must be answered within the per-request timeout;
- `robustness/wire` (iut.protocol.wire): pipelined well-formed requests of every declared op get
  answers in the shape DESIGN §4 gives.
The judging is pure (qrinterop.conformance.robustness); this module only sends the requests.
"""
from __future__ import annotations

import base64

import pytest

from qrinterop.conformance import robustness as rb

pytestmark = [pytest.mark.kind(name="robustness"), pytest.mark.profile(name="emv")]


def _declared(iut, ops) -> list[str]:
    return [op for op in ops if iut.supports(op)]


@pytest.mark.rule(id="iut.robust.crash")
def test_hostile_inputs(iut, conformance):
    ops = _declared(iut, rb.HOSTILE)
    if not ops:
        conformance.skip_unless(iut, "parse")
    requests = [(op, fields) for op in ops for fields in rb.HOSTILE[op]]
    replies = [f.result() for f in [iut.submit(op, fields) for op, fields in requests]]
    conformance.finish(rb.judge_hostile(requests, replies))


@pytest.mark.rule(id="iut.robust.timeout")
def test_worst_case_inputs(iut, conformance, suite_options):
    ops = _declared(iut, rb.WORST_CASE)
    if not ops:
        conformance.skip_unless(iut, "parse")
    requests = [(op, fields) for op in ops for fields in rb.WORST_CASE[op]]
    replies = [iut.submit(op, fields).result() for op, fields in requests]   # one at a time: timed alone
    conformance.finish(rb.judge_worst_case(requests, replies, suite_options.get("timeout") or 5.0))


@pytest.mark.rule(id="iut.protocol.wire")
def test_wire(iut, conformance):
    requests: list[tuple[str, dict]] = [("hello", {})]
    for op in _declared(iut, ("parse", "build", "validate", "render")):
        requests.append((op, rb.WELL_FORMED[op]))
    if iut.supports("decode_image"):
        png = _png(rb.SAMPLE_PAYLOAD)
        if png is not None:
            requests.append(("decode_image", {"png_base64": base64.b64encode(png).decode("ascii")}))
    replies = [f.result() for f in [iut.submit(op, fields) for op, fields in requests]]   # pipelined
    conformance.finish(rb.judge_wire(requests, replies))


def _png(payload: str) -> bytes | None:
    from qrinterop.iut import imaging_bridge
    return imaging_bridge.render_png(payload) if imaging_bridge.available() is not None else None
