"""Checking an IUT's rendered symbol: it must read back, with two independent readers, to
exactly the payload (DESIGN §4 `render`). Readers come from qrinterop.imaging.

zxing-cpp is the primary (byte-faithful) reader and must read the payload exactly. The second
opinion is OpenCV; when OpenCV reads nothing (it misses a few percent of clean codes here, see
docs/imaging.md) ZBar stands in. ZBar turning UTF-8 into mojibake while the others read it
exactly is the symbol's missing ECI: a warning (charset), because wallet apps built on ZBar
show that mojibake to the user — a finding, not a harness error."""
from __future__ import annotations

import base64
import binascii

from qrinterop.conformance import diagnosis as dx
from qrinterop.conformance.cases import Case
from qrinterop.conformance.judge import FAILED, PASSED, SKIPPED, WARNING, Outcome, failure_outcome
from qrinterop.iut import imaging_bridge
from qrinterop.iut.base import Reply


def render_outcome(case: Case, reply: Reply) -> Outcome:
    rules = list(dict.fromkeys(["iut.render.readable", *case.rules]))
    evidence: dict = {"payload": case.payload, "vector": case.to_vector()}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    if not reply.ok:
        return Outcome(FAILED, f"IUT could not render the payload: {reply.describe_error()}", rules,
                       "wrong-verdict", evidence, _readable("it refused to render a valid payload"))
    try:
        png = base64.b64decode(reply.result.get("png_base64") or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        return Outcome(FAILED, f"png_base64 is not base64: {exc}", rules, "wrong-value", evidence,
                       _readable("its png_base64 is not base64"))
    evidence["_png"] = png
    if imaging_bridge.available() is None:
        return Outcome(SKIPPED, "cannot check the rendered image: qrinterop.imaging readers are missing",
                       rules, None, evidence)
    try:
        reads = imaging_bridge.read_with_readers(png, 3)
    except Exception as exc:  # a reader choking on the IUT's bytes is the IUT's failure to render
        return Outcome(FAILED, f"the rendered image could not be read: {type(exc).__name__}: {exc}", rules,
                       "wrong-value", evidence, _readable("its image is not a readable PNG"))
    evidence["actual"] = {"reads": reads}
    if len(reads) < 2:
        return Outcome(SKIPPED, f"only {len(reads)} image reader(s) available; two are needed", rules, None, evidence)
    exact = [name for name, text in reads.items() if text == case.payload]
    second = "opencv" if reads.get("opencv") is not None else "pyzbar"
    judged = {name: reads.get(name) for name in ("zxing", second) if name in reads}
    wrong = {name: text for name, text in judged.items() if text != case.payload}
    if not wrong:
        mangled = {n: t for n, t in reads.items() if n not in judged and t is not None and t != case.payload}
        if mangled:
            detail = "; ".join(f"{n}: {t[:60]!r}" for n, t in mangled.items())
            return Outcome(WARNING, f"read back exactly by {', '.join(exact)}, but {detail} — a symbol without "
                           "an ECI designator is mis-read by ZBar-based apps", rules, "charset", evidence)
        return Outcome(PASSED, f"read back exactly by {', '.join(exact)}", rules, None, evidence)
    detail = "; ".join(f"{n}: {'nothing' if t is None else repr(t[:60])}" for n, t in wrong.items())
    category = "charset" if any(t is not None for t in wrong.values()) and not (case.payload or "").isascii() \
        else "wrong-value"
    misread = next((t for t in wrong.values() if t is not None), None)
    how = dx.charset_mangling(case.payload or "", misread) if misread is not None else None
    text = (f"the symbol reads back {how}" if how else
            "the symbol does not read back" if misread is None else f"the symbol reads back as {misread[:60]!r}")
    return Outcome(FAILED, f"rendered symbol does not read back as the payload — {detail}", rules, category,
                   evidence, _readable(text))


def _readable(text: str) -> dx.Finding:
    return dx.Finding(("iut.render.readable",), dx.DIAGNOSIS, text)
