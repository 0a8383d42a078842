"""The pytest plugin used directly: selection by rule marker and -k, xdist with a merged record."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qrinterop.paths import ROOT

FIXTURE_VECTORS = Path(__file__).parent / "fixtures" / "vectors"


def run_suite(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    record = tmp_path / "run.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--pyargs",
                           "qrinterop.conformance", "--vectors", str(FIXTURE_VECTORS), "--run-record", str(record),
                           *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    return proc, json.loads(record.read_text())


def collect(*args: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--co", "--pyargs",
                           "qrinterop.conformance", "--vectors", str(FIXTURE_VECTORS), *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    return [line.split("::", 1)[1] for line in proc.stdout.splitlines() if "::" in line]


def test_select_by_rule_marker_and_by_profile_keyword():
    assert collect("-m", "rule(id='mpm.tlv.duplicate')") == ["test_vector[conf-fixture/3]"]
    assert collect("-m", "rule(id='mpm.crc.mismatch') and op(name='build')") == [
        "test_vector[conf-fixture/11]", "test_vector[conf-fixture/12]"]
    assert sorted(collect("-k", "emv and mutation")) == ["test_mutation[ascii]", "test_mutation[japanese]"]
    assert collect("-k", "jpqr") == []          # the fixture set has no jpqr vector


def test_xdist_workers_each_open_the_iut_and_the_controller_merges_the_record(tmp_path):
    spec = f"jsonl:{sys.executable} -m qrinterop.iut.serve --jsonl"
    proc, run = run_suite(tmp_path, "-n", "2", "--iut", spec)
    assert proc.returncode == 0, proc.stdout[-2000:]
    ids = [t["id"] for t in run["tests"]]
    assert len(ids) == len(set(ids)) == 20 and run["complete"]
    assert run["iut"]["adapter"] == "jsonl" and run["iut"]["name"] == "qrinterop-reference"
    assert all(t["nodeid"].startswith("conformance/test_") for t in run["tests"])


def test_undeclared_op_is_skipped_as_not_implemented(tmp_path):
    # the reference over jsonl, declaring only parse (hello is answered by a one-line wrapper)
    wrapper = tmp_path / "parse_only.py"
    wrapper.write_text(
        "from qrinterop.iut.reference import ReferenceIut\n"
        "class ParseOnly(ReferenceIut):\n"
        "    def hello(self):\n"
        "        return {**super().hello(), 'ops': ['hello', 'parse']}\n")
    proc, run = run_suite(tmp_path, "--iut", "python:parse_only:ParseOnly", "--rootdir", str(ROOT),
                          "-p", "no:randomly", "-o", f"pythonpath={tmp_path}")
    skipped = [t for t in run["tests"] if t["status"] == "skipped"]
    assert {t["operation"] for t in skipped} >= {"validate", "build"}
    assert all(t["category"] == "not-implemented" and "not implemented" in t["message"] for t in skipped)
    assert proc.returncode == 0, proc.stdout[-2000:]
