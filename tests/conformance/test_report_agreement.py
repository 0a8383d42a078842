"""One verdict model, rendered everywhere (issue 14 item 4): the console (text and --json),
certification.json, certification.md, junit.xml and the Allure results of one certify run agree
with the run record's `verdicts` on every count — the tests by status, and per rule its verdict and
its counts. The run is the buggy example on the fixture vectors with an expected-failures file,
so passed, failed, skipped and expected-failure all occur."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from qrinterop.paths import ROOT

FIXTURE_VECTORS = Path(__file__).parent / "fixtures" / "vectors"
BUGGY = ROOT / "examples/iut/buggy/buggy_iut.py"
STATUSES = ("passed", "failed", "warning", "skipped", "expected-failure")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> tuple[Path, str, dict]:
    out = tmp_path_factory.mktemp("agree") / "out"
    xfail = out.parent / "xfail.json"
    xfail.write_text(json.dumps({"conf-fixture/3": "duplicates accepted until v2"}))
    common = [sys.executable, "-m", "qrinterop.cli", "certify", "--vectors", str(FIXTURE_VECTORS), "--iut",
              f"jsonl:{sys.executable} {BUGGY}", "--timeout", "1", "--expected-failures", str(xfail)]
    env = {**os.environ, "QRINTEROP_ALLURE_HTML": "0", "NO_COLOR": "1"}
    text = subprocess.run([*common, "--out", str(out), "-v"], capture_output=True, text=True, timeout=180,
                          cwd=ROOT, env=env)
    assert text.returncode == 1, text.stdout[-2000:] + text.stderr[-2000:]
    as_json = subprocess.run([*common, "--out", str(out.parent / "json-out"), "--no-reports", "--json"],
                             capture_output=True, text=True, timeout=180, cwd=ROOT, env=env)
    return out, text.stdout, json.loads(as_json.stdout)


def _model(out: Path) -> dict:
    return json.loads((out / "run.json").read_text())["verdicts"]


def test_the_run_has_every_status_the_writers_must_agree_on(run_dir):
    tests = _model(run_dir[0])["overall"]["tests"]
    assert tests["passed"] and tests["failed"] and tests["skipped"] and tests["expected-failure"]
    assert tests["total"] == sum(tests[s] for s in STATUSES)


def test_certification_json_carries_the_models_counts_and_verdicts(run_dir):
    out = run_dir[0]
    model = _model(out)
    doc = json.loads((out / "certification.json").read_text())
    assert doc["overall"]["tests"] == model["overall"]["tests"]
    assert doc["overall"]["failingMustRules"] == model["overall"]["failingMustRules"]
    rules = {r["id"]: r for p in doc["profiles"] for r in p["rules"]}
    for entry in model["rules"]:
        assert rules[entry["id"]]["verdict"] == entry["verdict"], entry["id"]
        assert {s: rules[entry["id"]]["counts"][s] for s in (*STATUSES, "total")} == \
            {s: entry["counts"][s] for s in (*STATUSES, "total")}, entry["id"]


def test_console_text_and_json_say_the_same_counts_and_verdict(run_dir):
    out, text, as_json = run_dir
    model = _model(out)
    t = model["overall"]["tests"]
    line = re.search(r"tests: (\d+) passed, (\d+) failed, (\d+) warning, (\d+) skipped, (\d+) expected-failure", text)
    assert line, text[-1500:]
    assert [int(g) for g in line.groups()] == [t[s] for s in STATUSES]
    assert model["overall"]["certification"] in text
    assert as_json["tests"] == {**{s: t[s] for s in STATUSES}, "total": t["total"]} or \
        all(as_json["tests"][s] == t[s] for s in STATUSES)
    assert as_json["exitCode"] == model["overall"]["exitCode"] == 1
    console_rules = {r["rule"]: r for r in as_json["rules"]}
    for entry in model["rules"]:
        assert console_rules[entry["id"]]["verdict"] == entry["verdict"], entry["id"]
        assert {s: console_rules[entry["id"]]["counts"][s] for s in STATUSES} == \
            {s: entry["counts"][s] for s in STATUSES}, entry["id"]


def test_certification_md_says_the_same_counts(run_dir):
    out = run_dir[0]
    model = _model(out)
    t = model["overall"]["tests"]
    md = (out / "certification.md").read_text()
    line = re.search(r"(\d+) passed, (\d+) failed, (\d+) warning, (\d+) skipped[^,]*, (\d+) expected", md)
    assert line
    assert [int(g) for g in line.groups()] == [t[s] for s in STATUSES]
    rows = {m.group(1): m for m in re.finditer(
        r"^\| ([a-z0-9_.-]+) \| (MUST|SHOULD|MAY) \| [^|]*?([a-z-]+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|",
        md, re.MULTILINE)}
    assert rows, "certification.md has no rule table"
    for entry in model["rules"]:
        if entry["id"] in rows:
            row = rows[entry["id"]]
            assert row.group(3) == entry["verdict"], entry["id"]
            assert [int(row.group(i)) for i in range(4, 9)] == [entry["counts"][s] for s in STATUSES], entry["id"]


def test_junit_counts_are_the_models(run_dir):
    out = run_dir[0]
    t = _model(out)["overall"]["tests"]
    root = ET.parse(out / "junit.xml").getroot()
    assert int(root.get("tests")) == t["total"]
    assert int(root.get("failures")) == t["failed"]
    assert int(root.get("skipped")) == t["skipped"] + t["expected-failure"]
    cases = root.findall(".//testcase")
    assert len(cases) == t["total"]
    assert sum(1 for c in cases if c.find("failure") is not None) == t["failed"]


def test_allure_results_counts_are_the_models(run_dir):
    out = run_dir[0]
    t = _model(out)["overall"]["tests"]
    results = [json.loads(p.read_text()) for p in (out / "allure-results").glob("*-result.json")]
    if not results:
        pytest.skip("allure-pytest is not installed: no Allure results to compare")
    by_status = Counter(r["status"] for r in results)
    assert len(results) == t["total"]
    assert by_status["failed"] + by_status["broken"] == t["failed"]
    assert by_status["passed"] == t["passed"] + t["warning"]          # JUnit and Allure have no warning state
    assert by_status["skipped"] == t["skipped"] + t["expected-failure"]


@pytest.mark.parametrize("name", ["certification.html", "summary.md"])
def test_html_and_the_short_summary_say_the_same_counts(run_dir, name):
    out = run_dir[0]
    path = out / name
    if not path.is_file():
        pytest.skip(f"{name} is not written by this version of the report writers")
    t = _model(out)["overall"]["tests"]
    text = path.read_text()
    line = re.search(r"(\d+) passed, (\d+) failed, (\d+) warning, (\d+) skipped[^,]*, (\d+) expected", text)
    assert line, f"{name} has no test counts"
    assert [int(g) for g in line.groups()] == [t[s] for s in STATUSES]


def test_allure_stories_count_each_failure_under_the_rules_it_is_charged_to(run_dir):
    out = run_dir[0]
    results = [json.loads(p.read_text()) for p in (out / "allure-results").glob("*-result.json")]
    if not results:
        pytest.skip("allure-pytest is not installed: no Allure results to compare")
    failed_by_story: Counter = Counter()
    for r in results:
        if r["status"] in ("failed", "broken"):
            for label in r.get("labels", []):
                if label["name"] == "story":
                    failed_by_story[label["value"]] += 1
    model = {e["id"]: e["counts"]["failed"] for e in _model(out)["rules"] if e["counts"]["failed"]}
    assert dict(failed_by_story) == model
