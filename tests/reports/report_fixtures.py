"""Fixture run records for the report tests: a passing reference run and a buggy IUT's run.

The JSON files in fixtures/ follow docs/run-record.md; they were written to look like what the
conformance suite records (real EMV payloads with correct CRCs, the buggy IUT's failures:
CRC not checked, lengths counted in bytes, UTF-8 read as Latin-1, duplicates accepted, a crash
with a Node stack trace on stderr, a timeout, an op it does not implement).
"""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import segno

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = FIXTURES / "reference-run.json"
BUGGY = FIXTURES / "buggy-run.json"
# A real run of the buggy example IUT (all 480-odd tests), for layout checks at full size:
#   qrinterop certify --iut "jsonl:python examples/iut/buggy/buggy_iut.py" --out /tmp/b --no-reports
#   gzip -9 -c /tmp/b/run.json > tests/reports/fixtures/buggy-example-run.json.gz
BUGGY_EXAMPLE = FIXTURES / "buggy-example-run.json.gz"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def load(path: Path = BUGGY) -> dict[str, Any]:
    if path.suffix == ".gz":
        import gzip
        return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return json.loads(path.read_text(encoding="utf-8"))


def case_by_id(record: dict[str, Any], test_id: str) -> dict[str, Any]:
    return next(t for t in record["tests"] if t["id"] == test_id)


def write_run(tmp: Path, record: dict[str, Any], *, with_images: bool = True) -> Path:
    """run.json in `tmp`, with the QR images its evidence names (rendered with segno)."""
    tmp.mkdir(parents=True, exist_ok=True)
    run = tmp / "run.json"
    run.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    if with_images:
        for t in record["tests"]:
            ev = t.get("evidence") or {}
            if ev.get("image") and ev.get("payload"):
                img = tmp / ev["image"]
                img.parent.mkdir(parents=True, exist_ok=True)
                segno.make(ev["payload"], error="m", micro=False).save(str(img), scale=4)
    return run


def interrupted(record: dict[str, Any], keep: int = 6) -> dict[str, Any]:
    """The same run stopped half-way: finishedAt null, complete false, only the first tests."""
    cut = copy.deepcopy(record)
    cut["complete"] = False
    cut["finishedAt"] = None
    cut["tests"] = cut["tests"][:keep]
    return cut


ALLURE_TEST_MODULE = textwrap.dedent('''
    """What the conformance plugin's allure-pytest results look like, replayed from a run record."""
    import json, os
    import allure, pytest

    RECORD = json.load(open(os.environ["QRINTEROP_RUN_RECORD"], encoding="utf-8"))
    LEVEL = {r["id"]: r["level"] for r in RECORD["rules"]}
    SEVERITY = {"MUST": allure.severity_level.CRITICAL, "SHOULD": allure.severity_level.NORMAL,
                "MAY": allure.severity_level.MINOR}
    TESTS = {t["id"]: t for t in RECORD["tests"]}

    @pytest.mark.parametrize("test_id", list(TESTS))
    def test_conformance(test_id):
        t = TESTS[test_id]
        allure.dynamic.title(f"{t['id']} ({t['operation']})")
        allure.dynamic.epic(t["part"])
        allure.dynamic.feature(t["feature"] or "all")
        for rule in t["rules"]:
            allure.dynamic.story(rule)
        allure.dynamic.severity(SEVERITY[LEVEL.get(t["rules"][0], "MUST")])
        allure.dynamic.parameter("vector", t["id"])
        ev = t.get("evidence") or {}
        if ev.get("payload"):
            allure.attach(ev["payload"], "payload", allure.attachment_type.TEXT)
        if ev.get("expected") is not None:
            allure.attach(json.dumps({"expected": ev["expected"], "actual": ev.get("actual")},
                                     ensure_ascii=False, indent=2), "expected vs actual",
                          allure.attachment_type.JSON)
        if ev.get("stderr"):
            allure.attach(ev["stderr"], "IUT stderr", allure.attachment_type.TEXT)
        if t.get("category"):  # the label Allure 3 sorts categories by (see allure_support)
            allure.dynamic.label("category", t["category"])
        message = t.get("message") or ""
        if t["status"] == "skipped":
            pytest.skip(message)
        if t["status"] == "expected-failure":
            pytest.xfail(f"{t['expectedFailure']}: {message}")
        if t["status"] == "failed":
            pytest.fail(message, pytrace=False)
''')


def make_allure_results(tmp: Path, run_json: Path, results: Path) -> Path:
    """Run a tiny pytest session under allure-pytest that replays `run_json` into `results`."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "test_replay.py").write_text(ALLURE_TEST_MODULE, encoding="utf-8")
    (tmp / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:qrinterop",
                           "--alluredir", str(results), "test_replay.py"],
                          cwd=tmp, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "QRINTEROP_RUN_RECORD": str(run_json)})
    if not list(results.glob("*-result.json")):
        raise RuntimeError(f"allure-pytest wrote no results:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return results


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")
