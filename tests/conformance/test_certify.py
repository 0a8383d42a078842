"""`qrinterop certify` end to end (as a subprocess, as a user runs it): the reference passes, the
buggy example fails naming every planted bug by rule, the Node and C examples certify through
jsonl, a hang costs its timeout only, an interrupted run leaves run.json with complete: false."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from qrinterop.paths import ROOT

FIXTURE_VECTORS = Path(__file__).parent / "fixtures" / "vectors"
QRINTEROP = [sys.executable, "-m", "qrinterop.cli"]
BUGGY = ROOT / "examples/iut/buggy/buggy_iut.py"
SCHEMA = json.loads((ROOT / "reports/schema/run-record.schema.json").read_text())


def certify(tmp_path: Path, *args: str, reports: bool = False, timeout: float = 120,
            vectors: Path | None = FIXTURE_VECTORS) -> tuple[subprocess.CompletedProcess, dict | None]:
    out = tmp_path / "out"
    where = ["--vectors", str(vectors)] if vectors is not None else []
    proc = subprocess.run([*QRINTEROP, "certify", *where, "--out", str(out), *args,
                           *(() if reports else ("--no-reports",))],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          # no Allure HTML here: on a fresh machine it would install from npm inside a test
                          env={**os.environ, "QRINTEROP_ALLURE_HTML": "0"})
    run = out / "run.json"
    return proc, (json.loads(run.read_text()) if run.is_file() else None)


def test_certify_reference_passes_with_no_must_rule_untested(tmp_path):
    """The bundled vectors: the reference (render and decode_image declared) is CERTIFIED and
    every applicable MUST rule — the suite's own robustness, wire, render and decode rules
    included — was exercised by at least one test."""
    proc, run = certify(tmp_path, "-n", "2", reports=True, vectors=None)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    jsonschema.validate(run, SCHEMA)
    overall = run["verdicts"]["overall"]
    assert overall["certification"] == "CERTIFIED" and overall["untestedMustRules"] == []
    assert overall["casesRun"] == overall["casesExpected"] > 400
    must = {r["id"] for r in run["rules"] if r["level"] == "MUST"}
    exercised = {rid for t in run["tests"] if t["status"] == "passed" for rid in t["rules"]}
    assert must <= exercised, sorted(must - exercised)
    for rule in ("iut.decode.exact", "iut.render.readable", "iut.robust.crash", "iut.robust.timeout",
                 "iut.protocol.wire", "iut.vector.valid", "iut.parse.faithful", "iut.build.faithful"):
        assert rule in exercised
    assert run["complete"] and run["iut"]["adapter"] == "python"
    codec = [t for t in run["tests"] if t["kind"] != "wallet-api"]   # the wallet API suite is another part's
    assert {t["status"] for t in codec} == {"passed"}
    assert {t["kind"] for t in codec} == {"vector", "property", "differential", "mutation", "robustness"}
    assert (tmp_path / "out" / "junit.xml").is_file() and any((tmp_path / "out" / "allure-results").iterdir())
    assert "reports: written to" in proc.stdout   # the report builder ran (qrinterop.reports)


def test_certify_on_a_partial_vector_set_is_incomplete_and_lists_the_untested_rules(tmp_path):
    proc, run = certify(tmp_path)
    assert proc.returncode == 4, proc.stdout[-2000:] + proc.stderr[-2000:]
    overall = run["verdicts"]["overall"]
    assert overall["verdict"] == "INCOMPLETE" and overall["failingMustRules"] == []
    assert "mpm.tip.fixed" in overall["untestedMustRules"]
    assert any("never exercised" in why for why in overall["incompleteBecause"])
    assert (tmp_path / "out" / "junit.xml").is_file()      # written with --no-reports too


@pytest.mark.skipif(not BUGGY.is_file(), reason="examples/iut/buggy/buggy_iut.py is not there")
def test_certify_buggy_fails_and_names_every_planted_bug(tmp_path):
    start = time.monotonic()
    proc, run = certify(tmp_path, "--iut", f"jsonl:{sys.executable} {BUGGY}", "--timeout", "1", "--json")
    wall = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    failing = set(run["verdicts"]["overall"]["failingMustRules"])
    jsonschema.validate(run, SCHEMA)
    by_id = {t["id"]: t for t in run["tests"]}
    # every failure is charged to the rule its planted bug breaks, and to nothing else
    planted = {"property/roundtrip": "mpm.crc.mismatch", "conf-fixture/11": "mpm.crc.mismatch",
               "conf-fixture/9": "mpm.tlv.length", "conf-fixture/12": "mpm.tlv.length",
               "property/differential-validate": "mpm.tlv.length", "conf-fixture/2": "mpm.payload.utf8",
               "property/differential-parse": "mpm.payload.utf8", "conf-fixture/3": "mpm.tlv.duplicate",
               "conf-fixture/5": "iut.robust.crash", "conf-fixture/6": "iut.robust.timeout"}
    failed = {t["id"]: t["attribution"]["rules"] for t in run["tests"] if t["status"] == "failed"}
    assert failed == {tid: [rule] for tid, rule in planted.items()}
    assert failing == set(planted.values())
    assert by_id["conf-fixture/11"]["diagnosis"].startswith("CRC computed over the bytes before '6304'")
    # (a) wrong CRC in build
    assert "mpm.crc.mismatch" in by_id["property/roundtrip"]["rules"] and "mpm.crc.mismatch" in failing
    assert by_id["conf-fixture/11"]["status"] == "failed" and "mpm.crc.mismatch" in by_id["conf-fixture/11"]["message"]
    # (b) lengths in bytes: the valid Japanese payload is judged invalid
    assert by_id["conf-fixture/9"]["status"] == "failed" and "mpm.tlv.length" in failing
    # (c) latin-1 mangling, caught as a charset failure
    assert by_id["conf-fixture/2"]["category"] == "charset" and "mpm.payload.utf8" in failing
    # (d) duplicate id accepted
    assert by_id["conf-fixture/3"]["status"] == "failed" and "mpm.tlv.duplicate" in failing
    # (e) crash: that test fails with the traceback, the run goes on
    crash = by_id["conf-fixture/5"]
    assert crash["category"] == "iut-crash" and "planted bug (e)" in crash["evidence"]["stderr"]
    assert "iut.robust.crash" in failing
    # (f) hang: that test fails after its timeout; the run completes
    hang = by_id["conf-fixture/6"]
    assert hang["category"] == "timeout" and "iut.robust.timeout" in failing
    assert hang["durationMs"] < 3000
    assert run["complete"] and by_id["conf-fixture/7"]["status"] == "passed"   # after the hang: still running
    assert wall < 60


@pytest.mark.parametrize("name", ["node", "c"])
def test_example_iuts_certify_through_jsonl(tmp_path, name):
    if name == "node":
        if not shutil.which("node"):
            pytest.skip("node is not installed")
        spec = f"jsonl:node {ROOT / 'examples/iut/node/iut.js'}"
    else:
        if not (shutil.which("make") and (shutil.which("cc") or shutil.which("gcc"))):
            pytest.skip("make/cc are not installed")
        build = subprocess.run(["make", "-s", "-C", str(ROOT / "examples/iut/c")], capture_output=True, text=True)
        if build.returncode != 0:
            pytest.skip(f"examples/iut/c does not build here: {build.stderr[-300:]}")
        spec = f"jsonl:{ROOT / 'examples/iut/c/emviut'}"
    proc, run = certify(tmp_path, "--iut", spec, vectors=None)      # the bundled vectors: full coverage
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert run["iut"]["adapter"] == "jsonl" and run["iut"]["name"].startswith("example-")
    overall = run["verdicts"]["overall"]
    assert overall["certification"] == "CERTIFIED" and overall["untestedMustRules"] == []
    # parse/build/validate of profile emv only: the render, decode and national rules do not apply
    not_applicable = {r["id"] for r in run["verdicts"]["rules"] if not r["applicable"]}
    assert {"iut.render.readable", "iut.decode.exact", "jpqr.mai.gui"} <= not_applicable


def test_interrupted_run_leaves_an_incomplete_record(tmp_path):
    out = tmp_path / "out"
    started = time.monotonic()
    elapsed = lambda: time.monotonic() - started  # noqa: E731
    proc = subprocess.Popen([*QRINTEROP, "certify", "--vectors", str(FIXTURE_VECTORS), "--out", str(out),
                             "--iut", f"jsonl:{sys.executable} {BUGGY}", "--timeout", "60", "--no-reports"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    run_json = out / "run.json"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:   # wait until the run is stuck on the HANG vector
        if run_json.is_file() and any(t["id"] == "conf-fixture/5" for t in json.loads(run_json.read_text())["tests"]):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)   # what a CI runner sends on cancel (SIGINT may be ignored in the background)
    stdout, stderr = proc.communicate(timeout=30)
    run = json.loads(run_json.read_text())
    assert proc.returncode == 4, stderr
    assert run["complete"] is False and run["finishedAt"] is not None
    assert "INCOMPLETE" in stdout
    assert elapsed() < 20   # did not wait for the 60 s hang
    jsonschema.validate(run, SCHEMA)


def test_bad_iut_spec_is_a_usage_error(tmp_path):
    proc, _ = certify(tmp_path, "--iut", "ruby:whatever")
    assert proc.returncode == 2
    assert "python:package.module:factory | jsonl:<command line> | http://host:port" in proc.stderr


def test_unknown_profile_is_a_usage_error(tmp_path):
    proc, _ = certify(tmp_path, "--profile", "atlantis")
    assert proc.returncode == 2 and "atlantis" in proc.stderr


def test_iut_that_does_not_start_is_incomplete_and_still_leaves_run_json_and_junit(tmp_path):
    proc, run = certify(tmp_path, "--iut", "jsonl:/nonexistent/iut")
    assert proc.returncode == 4 and "cannot start the IUT command" in proc.stderr
    jsonschema.validate(run, SCHEMA)
    assert run["complete"] is False and run["verdicts"]["overall"]["certification"] == "INCOMPLETE"
    junit = (tmp_path / "out" / "junit.xml").read_text()
    assert 'failures="1"' in junit and "cannot start the IUT command" in junit
    summary = (tmp_path / "out" / "summary.md").read_text()   # what a CI job posts, even now
    assert "INCOMPLETE" in summary and "iut.protocol.wire" in summary and len(summary) < 60_000


def test_a_vector_folder_with_no_cases_is_a_usage_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc, run = certify(tmp_path, vectors=empty)
    assert proc.returncode == 2 and "no vector cases" in proc.stderr and run is None


@pytest.mark.slow   # the plugin-level behaviour is in test_plugin.py; this is the certify exit code
def test_expected_failures_turn_known_deviations_into_expected_failure(tmp_path):
    xfail = tmp_path / "xfail.json"
    reasons = {"conf-fixture/3": "we accept duplicates on purpose", "mpm.tlv.duplicate": "known",
               "iut.robust.crash": "fixing", "iut.robust.timeout": "fixing", "mpm.crc.mismatch": "v2",
               "mpm.tlv.length": "v2", "mpm.payload.utf8": "v2", "iut.roundtrip": "v2", "iut.differential": "v2",
               "mpm.crc.present": "v2", "mpm.tlv.truncated": "v2", "iut.mutation": "v2"}
    xfail.write_text(json.dumps(reasons))
    proc, run = certify(tmp_path, "--iut", f"jsonl:{sys.executable} {BUGGY}", "--timeout", "1",
                        "--expected-failures", str(xfail))
    statuses = {t["id"]: t for t in run["tests"]}
    assert statuses["conf-fixture/3"]["status"] == "expected-failure"
    assert statuses["conf-fixture/3"]["expectedFailure"] == "we accept duplicates on purpose"
    assert not [t for t in run["tests"] if t["status"] == "failed"], proc.stdout
    # no MUST rule fails; the fixture set leaves MUST rules untested, so the run is INCOMPLETE (4)
    assert run["verdicts"]["overall"]["failingMustRules"] == []
    assert proc.returncode == 4, proc.stdout


def test_malformed_vector_file_is_a_usage_error_naming_file_and_field(tmp_path):
    vectors = tmp_path / "vectors"
    vectors.mkdir()
    (vectors / "broken.json").write_text(json.dumps({"schema": "qrinterop/vectors@1", "name": "broken",
                                                     "version": "1", "testGroups": [{"operation": "parse",
                                                     "tests": [{"tcId": 1, "result": "maybe"}]}]}))
    proc = subprocess.run([*QRINTEROP, "certify", "--vectors", str(vectors), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 2
    assert "broken.json" in proc.stderr and "result 'maybe'" in proc.stderr


OWN_CODES_IUT = '''
import sys
from qrinterop.iut.python_iut import PythonIut
from qrinterop.iut.reference import ReferenceIut
from qrinterop.iut.serve import serve_jsonl

CODES = {"mpm.tlv.duplicate": "E_DUP", "mpm.tlv.truncated": "E_SHORT", "mpm.tlv.length": "E_LEN",
         "mpm.tlv.id": "E_ID", "mpm.tlv.empty": "E_EMPTY", "mpm.payload.utf8": "E_UTF8"}

class OwnCodes(ReferenceIut):
    """The reference, answering parse errors with its own error codes (as most codecs do)."""
    def parse(self, payload, mode="mpm"):
        try:
            return super().parse(payload, mode)
        except Exception as exc:
            exc.rule = CODES.get(getattr(exc, "rule", ""), "E_OTHER")
            raise

serve_jsonl(PythonIut("python:own", obj=OwnCodes()), sys.stdin, sys.stdout)
'''


def test_an_iut_with_its_own_error_codes_is_noted_until_mapped(tmp_path):
    script = tmp_path / "own_codes.py"
    script.write_text(OWN_CODES_IUT)
    spec = f"jsonl:{sys.executable} {script}"
    _, run = certify(tmp_path / "plain", "--iut", spec)
    noted = [t for t in run["tests"] if any("unknown error code" in w for w in t.get("warnings") or [])]
    assert noted and all(t["status"] == "passed" for t in noted)       # a right rejection, noted
    codes = tmp_path / "codes.json"
    codes.write_text(json.dumps({"E_DUP": "mpm.tlv.duplicate", "E_SHORT": "mpm.tlv.truncated",
                                 "E_LEN": "mpm.tlv.length", "E_ID": "mpm.tlv.id", "E_EMPTY": "mpm.tlv.empty",
                                 "E_UTF8": "mpm.payload.utf8"}))
    _, mapped = certify(tmp_path / "mapped", "--iut", spec, "--error-codes", str(codes))
    assert mapped["errorCodesFile"] == str(codes.resolve())
    assert not [t for t in mapped["tests"] if any("unknown error code" in w for w in t.get("warnings") or [])]


def test_a_bad_error_codes_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "codes.json"
    bad.write_text("[1, 2]")
    proc, _ = certify(tmp_path, "--error-codes", str(bad))
    assert proc.returncode == 2 and "error-codes file" in proc.stderr


@pytest.mark.slow   # ~35 s: the fixture-vector test above covers all six bugs in the default run
def test_buggy_example_on_the_bundled_vectors_every_failure_is_charged_to_a_planted_bug(tmp_path):
    proc, run = certify(tmp_path, "--iut", f"jsonl:{sys.executable} {BUGGY}", "--timeout", "1", "-n", "2",
                        vectors=None, timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    planted = {"mpm.crc.mismatch", "mpm.tlv.length", "mpm.payload.utf8", "mpm.tlv.duplicate",
               "iut.robust.crash", "iut.robust.timeout"}
    failed = [t for t in run["tests"] if t["status"] == "failed"]
    assert len(failed) > 30
    wrong = [(t["id"], t["attribution"]) for t in failed if not set(t["attribution"]["rules"]) <= planted]
    assert wrong == []
    assert set(run["verdicts"]["overall"]["failingMustRules"]) <= planted
