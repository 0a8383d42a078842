"""One test per golden vector: the IUT's answer to the vector's operation, judged (judge.py)."""
from __future__ import annotations

import base64

import pytest

from qrinterop.conformance import judge
from qrinterop.conformance.imaging_check import render_outcome


def test_vector(vector_case, iut, oracle, conformance):
    case = vector_case
    conformance.skip_unless(iut, case.operation, case.profile)
    if case.operation == "parse":
        outcome = judge.judge_parse(case, iut.parse(case.payload, case.mode), oracle)
    elif case.operation == "validate":
        outcome = judge.judge_validate(case, iut.validate(case.payload, case.profile), oracle)
    elif case.operation == "build":
        if case.objects is None:
            pytest.fail(f"vector {case.id}: a build vector needs 'objects'", pytrace=False)
        outcome = judge.judge_build(case, iut.build(case.objects, case.mode), oracle, case.profile)
    elif case.operation == "render":
        outcome = render_outcome(case, iut.render(case.payload))
    else:  # decode_image
        png = _vector_image(case)
        outcome = judge.judge_decoded_payload(case, iut.decode_image(base64.b64encode(png).decode("ascii")),
                                              case.payload, list(case.rules))
        outcome.evidence["_png"] = png
    conformance.finish(outcome)


def _vector_image(case) -> bytes:
    if case.image:
        path = case.vectors_dir / case.image
        if path.is_file():
            return path.read_bytes()
    from qrinterop.iut import imaging_bridge
    if imaging_bridge.available() is None:
        pytest.skip(f"vector {case.id}: no image file and qrinterop.imaging cannot render one")
    return imaging_bridge.render_png(case.payload)
