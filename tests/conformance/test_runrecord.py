"""The run record model: schema conformance, redaction, atomic writing, rule verdicts."""
from __future__ import annotations

import json

import jsonschema
import pytest

from qrinterop.paths import ROOT
from qrinterop.runrecord import (REDACTED, RunRecord, TestRecord, must_rules_pass, read_run_record, redact,
                                 rule_verdicts, write_run_record)

SCHEMA = json.loads((ROOT / "reports/schema/run-record.schema.json").read_text())
RULES = [{"id": "mpm.crc.mismatch", "level": "MUST"}, {"id": "mpm.crc.uppercase", "level": "SHOULD"},
         {"id": "mpm.tlv.length", "level": "MUST"}]


def _test(id_, rules, status, **kw):
    return TestRecord(id=id_, kind="vector", part="codec", rules=rules, status=status, **kw)


def test_record_round_trips_and_matches_the_schema(tmp_path):
    record = RunRecord(iut={"spec": "jsonl:x", "adapter": "jsonl", "name": "x", "version": "1", "ops": [],
                            "profiles": []}, rules=RULES)
    record.add(_test("s/1", ["mpm.crc.mismatch"], "failed", category="wrong-verdict", message="said valid",
                     evidence={"payload": "000201", "http": {"request": {"headers": {"Authorization": "Bearer abc"}}}}))
    record.finish(complete=True)
    path = write_run_record(record, tmp_path / "out" / "run.json")
    data = json.loads(path.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["tests"][0]["evidence"]["http"]["request"]["headers"]["Authorization"] == REDACTED
    again = read_run_record(path)
    assert again.tests[0].message == "said valid" and again.complete
    assert not list(path.parent.glob(".run-*"))   # no temp file left behind


def test_a_running_record_is_incomplete_and_still_valid(tmp_path):
    record = RunRecord(iut={"spec": "python:a:b"})
    data = json.loads(write_run_record(record, tmp_path / "run.json").read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["complete"] is False and data["finishedAt"] is None


def test_redact_keys_header_pairs_and_text():
    data = {"headers": [["X-PAYPAY-SIGNATURE", "abc123"], ["Accept", "json"]], "apiKey": "k-123",
            "nested": {"client_secret": "s", "note": "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y"},
            "stderr": "token=supersecret123 and -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"}
    out = redact(data)
    assert out["headers"] == [["X-PAYPAY-SIGNATURE", REDACTED], ["Accept", "json"]]
    assert out["apiKey"] == REDACTED and out["nested"]["client_secret"] == REDACTED
    assert "eyJhbGci" not in out["nested"]["note"] and "supersecret123" not in out["stderr"]
    assert "MIIE" not in out["stderr"]
    assert data["apiKey"] == "k-123"   # the input is not modified


def test_bad_status_or_category_is_refused():
    with pytest.raises(ValueError, match="status 'broken'"):
        _test("s/1", [], "broken")
    with pytest.raises(ValueError, match="category 'oops'"):
        _test("s/1", [], "failed", category="oops")


def test_rule_verdicts_follow_the_contract():
    record = RunRecord(iut={"spec": "x"}, rules=RULES)
    record.tests = [_test("a", ["mpm.crc.mismatch"], "passed"), _test("b", ["mpm.crc.mismatch"], "failed"),
                    _test("c", ["mpm.crc.uppercase"], "failed"), _test("d", ["mpm.tlv.length"], "expected-failure"),
                    _test("e", ["iut.other"], "skipped")]
    assert rule_verdicts(record) == {"mpm.crc.mismatch": "fail", "mpm.crc.uppercase": "warning",
                                     "mpm.tlv.length": "expected-failure", "iut.other": "not-implemented"}
    assert not must_rules_pass(record)
    record.tests = record.tests[2:]
    assert must_rules_pass(record)   # a SHOULD failure and an expected failure do not fail certification
