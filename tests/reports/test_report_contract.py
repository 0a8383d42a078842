"""The contract between the suite's run-record writer (qrinterop.runrecord) and the report writers:
what RunRecord writes validates against reports/schema/run-record.schema.json and builds reports."""
from __future__ import annotations

import json

import pytest

from qrinterop.reports.build import build_reports
from qrinterop.reports.record import check, load_run_record

runrecord = pytest.importorskip("qrinterop.runrecord")


def _record(complete: bool) -> "runrecord.RunRecord":
    rec = runrecord.RunRecord(
        iut={"spec": "jsonl:python examples/iut/buggy/buggy_iut.py", "adapter": "jsonl", "name": "buggy-example",
             "version": "0.1.0", "ops": ["hello", "parse", "build", "validate"], "profiles": ["emv"]},
        vectors={"dir": "vectors", "manifestSha256": "ab" * 32,
                 "sets": [{"name": "mpm-crc", "version": "1.0.0", "sha256": "cd" * 32}]},
        rules=[{"id": "mpm.crc.mismatch", "title": "CRC matches the payload", "source": "EMV MPM §4.7.3.1",
                "level": "MUST", "profile": "emv", "description": "…"},
               {"id": "iut.robust.crash", "title": "No crash", "source": "suite", "level": "MUST",
                "profile": None, "description": "…"}],
        startedAt="2026-11-25T06:00:00Z")
    rec.add(runrecord.TestRecord(
        id="property/differential-parse", kind="property", part="codec", rules=["mpm.crc.mismatch"],
        status="failed", feature="emv", operation="parse", category="charset",
        message="IUT reads a different tree: 64.01: expected 'Ä', got 'Ã\x84'", durationMs=12.5,
        evidence={"payload": "0002010102…", "expected": {"objects": [{"id": "64", "value": "Ä"}]},
                  "actual": {"objects": [{"id": "64", "value": "Ã\x84"}]},
                  "diff": ["64.01: expected 'Ä', got 'Ã\\x84'"],
                  "counterexample": {"operation": "parse", "tests": [{"tcId": 0, "payload": "0002…"}]},
                  "headers": {"Authorization": "Bearer abcdefghijklmnop"}}))
    rec.add(runrecord.TestRecord(
        id="mpm-crc/3", kind="vector", part="codec", rules=["iut.robust.crash"], status="failed",
        category="iut-crash", message="no valid answer from the IUT: IUT process exited with code 1",
        evidence={"stderr": "Traceback (most recent call last):\n  …\nKeyError: '63'\n",
                  "diff": ["expected 'a'", "got      'b'"]}))
    if complete:
        rec.finish(complete=True, now="2026-11-25T06:00:09Z")
    return rec


@pytest.mark.parametrize("complete", [True, False], ids=["finished", "interrupted"])
def test_what_runrecord_writes_is_what_the_reports_read(tmp_path, complete):
    path = runrecord.write_run_record(_record(complete), tmp_path / "run.json")
    record = load_run_record(path)  # schema-checked
    assert record["complete"] is complete
    built = build_reports(path, allure=False)
    doc = json.loads((tmp_path / "certification.json").read_text(encoding="utf-8"))
    check(doc, "certification", "certification.json")
    assert doc["overall"]["verdict"] == ("FAIL" if complete else "INCOMPLETE")
    rules = {r["id"]: r for p in doc["profiles"] for r in p["rules"]}
    assert rules["iut.robust.crash"]["profile"] == "general"
    crash = rules["iut.robust.crash"]["cases"][0]["evidence"]
    assert crash["diff"] == "expected 'a'\ngot      'b'"  # the suite's list of differences, joined
    charset = rules["mpm.crc.mismatch"]["cases"][0]["evidence"]
    assert '+64 = "Ã\\x84"' in charset["diff"]
    md = (tmp_path / "certification.md").read_text(encoding="utf-8")
    assert "  - counterexample:" in md
    assert "abcdefghijklmnop" not in "".join(p.read_text(encoding="utf-8") for p in built.files)
