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


def certify(tmp_path: Path, *args: str, reports: bool = False, timeout: float = 120) -> tuple[subprocess.CompletedProcess, dict | None]:
    out = tmp_path / "out"
    proc = subprocess.run([*QRINTEROP, "certify", "--vectors", str(FIXTURE_VECTORS), "--out", str(out), *args,
                           *(() if reports else ("--no-reports",))],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          # no Allure HTML here: on a fresh machine it would install from npm inside a test
                          env={**os.environ, "QRINTEROP_ALLURE_HTML": "0"})
    run = out / "run.json"
    return proc, (json.loads(run.read_text()) if run.is_file() else None)


def test_certify_reference_passes(tmp_path):
    proc, run = certify(tmp_path, reports=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "CERTIFIED: every MUST rule passes for qrinterop-reference" in proc.stdout
    jsonschema.validate(run, SCHEMA)
    assert run["complete"] and run["iut"]["adapter"] == "python"
    codec = [t for t in run["tests"] if t["kind"] != "wallet-api"]   # the wallet API suite is another part's
    assert {t["status"] for t in codec} == {"passed"}
    assert {t["kind"] for t in codec} == {"vector", "property", "differential", "mutation"}
    assert (tmp_path / "out" / "junit.xml").is_file() and any((tmp_path / "out" / "allure-results").iterdir())
    assert "reports: written to" in proc.stdout   # the report builder ran (qrinterop.reports)


@pytest.mark.skipif(not BUGGY.is_file(), reason="examples/iut/buggy/buggy_iut.py is not there")
def test_certify_buggy_fails_and_names_every_planted_bug(tmp_path):
    start = time.monotonic()
    proc, run = certify(tmp_path, "--iut", f"jsonl:{sys.executable} {BUGGY}", "--timeout", "1", "--json")
    wall = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    summary = json.loads(proc.stdout)
    failing = set(summary["failingMustRules"])
    jsonschema.validate(run, SCHEMA)
    by_id = {t["id"]: t for t in run["tests"]}
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
    proc, run = certify(tmp_path, "--iut", spec)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert run["iut"]["adapter"] == "jsonl" and run["iut"]["name"].startswith("example-")


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
    assert proc.returncode == 1, stderr
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


def test_iut_that_does_not_start_fails_clearly(tmp_path):
    proc, _ = certify(tmp_path, "--iut", "jsonl:/nonexistent/iut")
    assert proc.returncode == 1 and "cannot start the IUT command" in proc.stderr


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
    assert proc.returncode == 0, proc.stdout


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
