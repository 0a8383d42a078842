"""Rule verdicts and the overall verdict (docs/run-record.md), on fixture and hand-built records."""
from __future__ import annotations

import copy

import pytest

from report_fixtures import BUGGY, REFERENCE, interrupted, load, case_by_id
from qrinterop.reports.verdicts import RuleInfo, Verdict, decide, decide_rule, natural_key, rule_group


def _info(level: str = "MUST") -> RuleInfo:
    return RuleInfo("mpm.x.y", "t", "EMV MPM 1.1 §1", level, "emv", "", True)


def _t(status: str, tid: str = "s/1", result: str | None = "invalid") -> dict:
    return {"id": tid, "status": status, "result": result, "part": "codec", "rules": ["mpm.x.y"]}


@pytest.mark.parametrize("statuses, level, expected", [
    (["passed", "failed"], "MUST", Verdict.FAIL),
    (["passed", "failed"], "SHOULD", Verdict.WARNING),          # a SHOULD rule broken is a warning
    (["passed", "warning"], "MUST", Verdict.WARNING),
    (["passed", "passed"], "MUST", Verdict.PASS),
    (["skipped", "skipped"], "MUST", Verdict.NOT_IMPLEMENTED),
    (["skipped", "passed"], "MUST", Verdict.PASS),               # pass if at least one passed
    (["expected-failure", "passed"], "MUST", Verdict.EXPECTED_FAILURE),
    (["expected-failure", "failed"], "MUST", Verdict.FAIL),      # a real failure beats a known one
    ([], "MUST", Verdict.NOT_TESTED),
])
def test_rule_verdict_logic(statuses, level, expected):
    tests = [_t(s, f"s/{i}") for i, s in enumerate(statuses)]
    assert decide_rule(_info(level), tests).verdict is expected


def test_acceptable_choice_only_when_every_warning_is_an_acceptable_vector():
    acceptable = [_t("warning", "s/1", result="acceptable"), _t("passed", "s/2")]
    assert decide_rule(_info("SHOULD"), acceptable).verdict is Verdict.ACCEPTABLE_CHOICE
    mixed = acceptable + [_t("warning", "s/3", result="invalid")]
    assert decide_rule(_info("SHOULD"), mixed).verdict is Verdict.WARNING


def test_first_failing_cases_in_natural_order_and_the_rest_counted():
    tests = [_t("failed", f"s/{n}") for n in (17, 2, 100, 9)] + [_t("passed", "s/1")]
    rv = decide_rule(_info(), tests, max_cases=3)
    assert [c["id"] for c in rv.cases] == ["s/2", "s/9", "s/17"]
    assert rv.more_cases == 1
    assert rv.counts == {"passed": 1, "failed": 4, "warning": 0, "skipped": 0, "expected-failure": 0, "total": 5}


def test_natural_key_and_rule_group():
    assert sorted(["a/10", "a/9", "b/1", "a/100"], key=natural_key) == ["a/9", "a/10", "a/100", "b/1"]
    assert rule_group("mpm.crc.mismatch") == "mpm.crc"
    assert rule_group("paypay.api") == "paypay"


def test_reference_run_passes_every_rule():
    d = decide(load(REFERENCE))
    assert d.overall.verdict == "PASS"
    assert {rv.verdict for rv in d.rules} == {Verdict.PASS}
    assert [rv.rule.id for rv in d.rules] == sorted(rv.rule.id for rv in d.rules)


def test_buggy_run_names_each_planted_bug_by_rule():
    d = decide(load(BUGGY))
    by = {rv.rule.id: rv for rv in d.rules}
    assert d.overall.verdict == "FAIL"
    assert set(d.overall.failing_must_rules) == {"mpm.crc.mismatch", "mpm.tlv.length", "mpm.charset.utf8",
                                                 "mpm.tlv.duplicate", "cpm.base64.alphabet", "mpm.tlv.truncated"}
    categories = {rid: {c["category"] for c in by[rid].cases} for rid in d.overall.failing_must_rules}
    assert categories["cpm.base64.alphabet"] == {"iut-crash"}
    assert categories["mpm.tlv.truncated"] == {"timeout"}
    assert categories["mpm.charset.utf8"] == {"charset"}
    assert categories["mpm.tlv.length"] == {"wrong-value"}
    assert by["mpm.crc.format"].verdict is Verdict.ACCEPTABLE_CHOICE
    assert by["jpqr.merchant.id"].verdict is Verdict.WARNING
    assert by["imaging.render.readable"].verdict is Verdict.NOT_IMPLEMENTED
    assert by["mpm.pfi.first"].verdict is Verdict.EXPECTED_FAILURE
    assert by["mpm.crc.mismatch"].counts["passed"] == 2 and by["mpm.crc.mismatch"].counts["failed"] == 2


def test_expected_failure_and_not_implemented_do_not_fail_the_certification():
    record = load(REFERENCE)
    case_by_id(record, "mpm-pfi/2").update(status="expected-failure", expectedFailure="known")
    case_by_id(record, "imaging-render/1").update(status="skipped", message="not implemented")
    d = decide(record)
    assert d.overall.verdict == "PASS"
    assert d.overall.must_rule_counts["expected-failure"] == 1
    assert d.overall.must_rule_counts["not-implemented"] == 1


def test_a_run_where_nothing_passed_certifies_nothing():
    record = load(REFERENCE)
    for t in record["tests"]:
        t["status"] = "skipped"
    assert decide(record).overall.verdict == "FAIL"


def test_interrupted_run_is_incomplete_and_says_how_it_stood():
    d = decide(interrupted(load(BUGGY), keep=6))
    assert d.overall.verdict == "INCOMPLETE" and not d.overall.complete
    assert d.overall.verdict_so_far == "FAIL"  # cpm-base64/5 crashed within the first six tests
    assert d.overall.test_counts["total"] == 6
    assert any(rv.verdict is Verdict.NOT_TESTED for rv in d.rules)
    passing_start = interrupted(load(REFERENCE), keep=3)
    assert decide(passing_start).overall.verdict_so_far == "PASS"
    assert decide(passing_start).overall.verdict == "INCOMPLETE"


def test_rule_missing_from_the_catalogue_is_treated_as_must_and_flagged():
    record = load(REFERENCE)
    record["tests"].append({"id": "x/1", "kind": "vector", "part": "codec", "feature": "emv",
                            "rules": ["mpm.new.rule"], "status": "failed", "message": "boom"})
    d = decide(record)
    rv = next(rv for rv in d.rules if rv.rule.id == "mpm.new.rule")
    assert rv.rule.level == "MUST" and not rv.rule.in_catalogue and rv.verdict is Verdict.FAIL
    assert d.overall.verdict == "FAIL"


def test_decide_is_pure():
    record = load(BUGGY)
    before = copy.deepcopy(record)
    assert decide(record) == decide(record)
    assert record == before


def test_untested_rule_of_an_undeclared_profile_is_not_implemented():
    info = RuleInfo("pix.gui", "t", "BR Code §2", "MUST", "pix", "", True)
    assert decide_rule(info, [], declared_profiles=frozenset({"emv", "jpqr"})).verdict is Verdict.NOT_IMPLEMENTED
    assert decide_rule(info, [], declared_profiles=frozenset({"pix"})).verdict is Verdict.NOT_TESTED
    general = RuleInfo("iut.robust.crash", "t", "suite", "MUST", "general", "", True)
    assert decide_rule(general, [], declared_profiles=frozenset({"emv"})).verdict is Verdict.NOT_TESTED
