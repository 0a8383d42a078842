"""The pytest plugin used directly: selection by rule marker and -k, xdist with a merged record."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qrinterop.paths import ROOT

FIXTURE_VECTORS = Path(__file__).parent / "fixtures" / "vectors"
BUGGY = ROOT / "examples/iut/buggy/buggy_iut.py"
OWN_MODULES_ONLY = ("--ignore-glob=*/wallet_api/*",)   # the wallet API suite is another part's


def run_suite(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    record = tmp_path / "run.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--pyargs",
                           "qrinterop.conformance", "--qri-vectors", str(FIXTURE_VECTORS), "--qri-run-record", str(record),
                           *OWN_MODULES_ONLY, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    return proc, json.loads(record.read_text())


def collect(*args: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--co", "--pyargs",
                           "qrinterop.conformance", "--qri-vectors", str(FIXTURE_VECTORS), *OWN_MODULES_ONLY, *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    return [line.split("::", 1)[1] for line in proc.stdout.splitlines() if "::" in line]


def test_select_by_rule_marker_and_by_profile_keyword():
    by_rule = collect("-m", "rule(id='mpm.tlv.duplicate') or (rule(id='mpm.crc.mismatch') and op(name='build'))")
    assert by_rule == ["test_vector[conf-fixture/3]", "test_vector[conf-fixture/11]", "test_vector[conf-fixture/12]"]
    # -k: the profile is a keyword of each test
    assert sorted(collect("-k", "jpqr or (emv and mutation)")) == [
        "test_mutation[ascii]", "test_mutation[japanese]", "test_vector[conf-fixture/17]"]
    # --qri-profile filters the vectors; the EMV codec property and mutation tests always run
    assert sorted(collect("--qri-profile", "jpqr")) == ["test_differential_parse", "test_differential_validate",
                                                    "test_hostile_inputs", "test_mutation[ascii]",
                                                    "test_mutation[japanese]", "test_roundtrip",
                                                    "test_vector[conf-fixture/17]", "test_wire",
                                                    "test_worst_case_inputs"]


def test_xdist_workers_merge_one_record_with_expected_failures(tmp_path):
    """-n 2: each worker opens its own IUT process; the controller alone writes the record. The
    buggy example crashes and hangs: those tests fail in their worker, the run completes; the
    expected-failures file turns two known deviations into expected-failure."""
    xfail = tmp_path / "xfail.json"
    xfail.write_text(json.dumps({"conf-fixture/3": "duplicates accepted until v2", "iut.robust.crash": "fixing"}))
    spec = f"jsonl:{sys.executable} {BUGGY}"
    proc, run = run_suite(tmp_path, "-n", "2", "--qri-iut", spec, "--qri-timeout", "1", "--qri-expected-failures", str(xfail))
    assert proc.returncode == 1, proc.stdout[-2000:]
    by_id = {t["id"]: t for t in run["tests"]}
    assert len(by_id) == len(run["tests"]) == 25 and run["complete"]   # 17 vectors, 5 property/mutation, 3 robustness
    assert run["iut"]["adapter"] == "jsonl" and run["iut"]["name"] == "buggy-example"
    assert by_id["conf-fixture/3"]["status"] == "expected-failure"
    assert by_id["conf-fixture/3"]["expectedFailure"] == "duplicates accepted until v2"
    assert by_id["conf-fixture/5"]["status"] == "expected-failure"          # matched by its rule
    assert by_id["conf-fixture/6"]["status"] == "failed" and by_id["conf-fixture/6"]["category"] == "timeout"
    assert by_id["conf-fixture/14"]["status"] == "skipped"                   # render: not declared
    assert by_id["conf-fixture/17"]["status"] == "skipped" and "profile 'jpqr'" in by_id["conf-fixture/17"]["message"]
    assert all(t["nodeid"].startswith("conformance/test_") for t in run["tests"])
    assert "xfailed" in proc.stdout or "xfail" in proc.stdout


def test_undeclared_op_is_skipped_as_not_implemented(tmp_path):
    # the reference over jsonl, declaring only parse (hello is answered by a one-line wrapper)
    wrapper = tmp_path / "parse_only.py"
    wrapper.write_text(
        "from qrinterop.iut.reference import ReferenceIut\n"
        "class ParseOnly(ReferenceIut):\n"
        "    def hello(self):\n"
        "        return {**super().hello(), 'ops': ['hello', 'parse']}\n")
    proc, run = run_suite(tmp_path, "--qri-iut", "python:parse_only:ParseOnly", "--rootdir", str(ROOT),
                          "-p", "no:randomly", "-o", f"pythonpath={tmp_path}")
    skipped = [t for t in run["tests"] if t["status"] == "skipped"]
    assert {t["operation"] for t in skipped} >= {"validate", "build"}
    assert all(t["category"] == "not-implemented" and "not implemented" in t["message"] for t in skipped)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_differential_validate_asks_an_iut_only_the_profile_it_declares(tmp_path):
    """A KHQR-only validator that calls every plain EMV code invalid breaks nothing (it never claimed
    emv); one that passes codes the reference rejects under its own profile is caught."""
    (tmp_path / "khqr_only.py").write_text(
        "from qrinterop.iut.reference import ReferenceIut\n"
        "class Strict(ReferenceIut):\n"
        "    def hello(self):\n"
        "        return {**super().hello(), 'ops': ['hello', 'validate'], 'profiles': ['khqr']}\n"
        "    def validate(self, payload, profile):\n"
        "        assert profile == 'khqr', profile          # never asked about a profile it did not declare\n"
        "        return super().validate(payload=payload, profile=profile)\n"
        "class Lenient(Strict):\n"
        "    def validate(self, payload, profile):\n"
        "        assert profile == 'khqr', profile\n"
        "        return {'valid': True, 'violations': []}\n")
    for name, status in (("Strict", "passed"), ("Lenient", "failed")):
        (tmp_path / name).mkdir()
        _, run = run_suite(tmp_path / name, "--qri-iut", f"python:khqr_only:{name}", "--rootdir", str(ROOT),
                           "-o", f"pythonpath={tmp_path}", "-k", "differential_validate")
        (test,) = [t for t in run["tests"] if t["id"].endswith("differential-validate")]
        assert test["status"] == status, (name, test["message"])
    assert test["evidence"]["profile"] == "khqr" and "khqr." in test["diagnosis"]
