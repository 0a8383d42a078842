"""The one verdict model (reports/verdicts.py, run.json `verdicts`): attribution decides which rules
a failed test counts against, coverage is part of the verdict, a deselected run is not a pass."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from qrinterop.paths import ROOT
from qrinterop.reports.verdicts import Verdict, decide, verdict_model

FIXTURE_VECTORS = Path(__file__).parent / "fixtures" / "vectors"


def _rule(rid, level="MUST", profile="emv", ops=None):
    return {"id": rid, "title": rid, "source": "EMV MPM §1", "level": level, "profile": profile,
            "description": "", **({"ops": ops} if ops else {})}


def _test(tid, rules, status="passed", attribution=None, kind="vector"):
    return {"id": tid, "kind": kind, "part": "codec", "rules": rules, "status": status, "result": "valid",
            "attribution": attribution}


def _record(tests, rules, *, ops=("hello", "parse", "validate"), profiles=("emv",), cases=None, complete=True):
    return {"complete": complete, "iut": {"ops": list(ops), "profiles": list(profiles)},
            "vectors": {"cases": cases}, "rules": rules, "tests": tests}


RULES = [_rule("mpm.crc.mismatch", ops=["validate"]), _rule("mpm.tlv.length", ops=["parse", "validate"]),
         _rule("iut.robust.timeout", profile=None), _rule("iut.render.readable", profile=None, ops=["render"]),
         _rule("jpqr.mai.gui", profile="jpqr")]


def _all_pass(extra=()):
    return [_test("a/1", ["mpm.crc.mismatch", "mpm.tlv.length"]), _test("robustness/t", ["iut.robust.timeout"], kind="robustness"),
            *extra]


def test_a_failed_test_counts_only_against_the_rules_it_is_charged_to():
    failed = _test("a/2", ["mpm.crc.mismatch", "mpm.tlv.length", "iut.robust.timeout"], "failed",
                   {"rules": ["iut.robust.timeout"], "method": "diagnosis"})
    d = decide(_record(_all_pass([failed]), RULES))
    by = {rv.rule.id: rv for rv in d.rules}
    assert by["iut.robust.timeout"].verdict is Verdict.FAIL
    assert by["mpm.crc.mismatch"].verdict is Verdict.PASS and by["mpm.crc.mismatch"].inconclusive == 1
    assert d.overall.failing_must_rules == ("iut.robust.timeout",)
    assert d.overall.test_counts["failed"] == 1 and d.overall.test_counts["total"] == 3   # counted once
    assert d.overall.attribution_methods == {"reported": 0, "diagnosis": 1, "primary": 0}


def test_certified_only_when_every_applicable_must_rule_ran():
    d = decide(_record(_all_pass(), RULES))
    by = {rv.rule.id: rv for rv in d.rules}
    assert d.overall.verdict == "PASS" and d.overall.untested_must_rules == ()
    # render is not declared, jpqr is not declared: not applicable, not-implemented, not a gap
    assert by["iut.render.readable"].verdict is Verdict.NOT_IMPLEMENTED and not by["iut.render.readable"].applicable
    assert by["jpqr.mai.gui"].verdict is Verdict.NOT_IMPLEMENTED
    gap = decide(_record(_all_pass()[:1], RULES))
    assert gap.overall.verdict == "INCOMPLETE" and gap.overall.untested_must_rules == ("iut.robust.timeout",)
    assert gap.overall.exit_code == 4 and gap.overall.certification == "INCOMPLETE"
    declared = decide(_record(_all_pass(), RULES, ops=("hello", "parse", "validate", "render")))
    assert declared.overall.verdict == "INCOMPLETE" and "iut.render.readable" in declared.overall.untested_must_rules


def test_fewer_vector_cases_than_in_scope_is_incomplete_and_a_failure_still_wins():
    d = decide(_record(_all_pass(), RULES, cases=5))
    assert d.overall.verdict == "INCOMPLETE" and "1 of the 5 vector cases" in d.overall.incomplete_because[0]
    failed = _test("a/2", ["mpm.crc.mismatch"], "failed", {"rules": ["mpm.crc.mismatch"], "method": "primary"})
    assert decide(_record(_all_pass([failed]), RULES, cases=5)).overall.verdict == "FAIL"
    assert decide(_record(_all_pass(), RULES, complete=False)).overall.verdict == "INCOMPLETE"


def test_the_model_in_run_json_is_decide():
    record = _record(_all_pass(), RULES)
    model = verdict_model(record)
    assert model["overall"]["certification"] == "CERTIFIED" and model["overall"]["exitCode"] == 0
    assert {r["id"]: r["verdict"] for r in model["rules"]} == {rv.rule.id: rv.verdict.value for rv in decide(record).rules}


def test_a_run_that_deselected_vector_cases_is_a_usage_error(tmp_path):
    """PYTEST_ADDOPTS leaking `-k` into certify: fewer cases ran than the vector sets hold."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "qrinterop.cli", "certify", "--vectors", str(FIXTURE_VECTORS),
                           "--out", str(out), "--no-reports"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTEST_ADDOPTS": "-k conf-fixture/1"})
    assert proc.returncode == 2, proc.stdout[-1500:] + proc.stderr[-1500:]
    assert "vector cases" in proc.stderr
    overall = json.loads((out / "run.json").read_text())["verdicts"]["overall"]
    assert overall["casesRun"] < overall["casesExpected"]
