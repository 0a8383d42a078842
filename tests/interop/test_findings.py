"""interop/findings.json: the proposed vector cases agree with our own rules (the reference), and
each finding still reproduces against the library it was found in, when that adapter is installed."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from qrinterop.interop.install import load_adapters
from qrinterop.rules import validate

ROOT = Path(__file__).resolve().parents[2]
FINDINGS = json.loads((ROOT / "interop" / "findings.json").read_text(encoding="utf-8"))["cases"]
ADAPTERS = {a.package: a for a in load_adapters()}


@pytest.mark.parametrize("case", FINDINGS, ids=[c["id"] for c in FINDINGS])
def test_a_proposed_case_is_judged_as_it_says_by_the_reference(case):
    assert case["comment"] and case["operation"] in ("validate", "parse")
    assert not any(name in case["comment"] for name in ADAPTERS), "a comment names the behaviour, not a library"
    report = validate(case["payload"], case["profile"])
    if case["result"] == "valid":
        assert report.valid, [str(v) for v in report.errors]
    elif case["result"] == "invalid":
        assert not report.valid and set(case["rules"]) & {v.rule for v in report.errors}


def _ask(adapter, payload: str, profile: str) -> dict:
    line = json.dumps({"id": 1, "op": "validate", "payload": payload, "profile": profile}) + "\n"
    cmd = ["node", str(adapter.folder / adapter.entry)] if adapter.kind == "node" else [str(adapter.python),
                                                                                      str(adapter.folder / adapter.entry)]
    done = subprocess.run(cmd, input=line, capture_output=True, text=True, timeout=30)
    return json.loads(done.stdout.splitlines()[0])


@pytest.mark.parametrize("case", [c for c in FINDINGS if c["foundIn"] and c["operation"] == "validate"],
                         ids=lambda c: c["id"])
def test_the_finding_still_reproduces_in_the_library(case):
    for found in case["foundIn"]:
        package, version = found.split()[:2]
        adapter = ADAPTERS[package]
        if not adapter.installed():
            pytest.skip(f"{package} is not installed (python -m qrinterop.interop.install {adapter.name})")
        assert adapter.version == version
        answer = _ask(adapter, case["payload"], case["profile"])
        accepted = answer["ok"] and answer["result"]["valid"]
        assert accepted == (case["result"] == "invalid"), f"{package} no longer gets {case['id']} wrong: {answer}"


def test_the_khqr_sdk_decoder_still_loops_on_finding_f6():
    """F6 is not an op of the adapter (decode returns named fields, not a tree): run the SDK's
    BakongKHQR.decode directly, in a subprocess bounded by a timeout."""
    adapter = ADAPTERS["bakong-khqr"]
    if not adapter.installed():
        pytest.skip(f"bakong-khqr is not installed (python -m qrinterop.interop.install {adapter.name})")
    (case,) = [c for c in FINDINGS if c["id"] == "F6"]
    assert not validate(case["payload"]).valid
    script = (f"const {{ BakongKHQR }} = require({json.dumps(str(adapter.folder / 'node_modules' / 'bakong-khqr'))});"
              f"BakongKHQR.verify({json.dumps(case['payload'])}); console.log('verify returned');"
              f"BakongKHQR.decode({json.dumps(case['payload'])}); console.log('decode returned');")
    with pytest.raises(subprocess.TimeoutExpired) as hung:
        subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=3)
    out = hung.value.stdout or b""
    out = out.decode() if isinstance(out, bytes) else out
    assert "verify returned" in out and "decode returned" not in out
