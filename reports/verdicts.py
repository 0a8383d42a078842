"""Run record -> a verdict per rule, and the overall verdict. Pure: no I/O, no clock.

The rule-verdict logic is the one in docs/run-record.md:
  fail if any MUST test of the rule failed; else warning / acceptable-choice if any warned;
  pass if at least one test passed; not-implemented if all were skipped.
Refinements this module adds, and why:
- a *failed* test of a SHOULD or MAY rule makes the rule a **warning**, not a fail: the contract
  calls "a SHOULD rule broken" a warning, and only MUST rules decide certification;
- **acceptable-choice** when every warning comes from an `acceptable` vector (the spec allows
  either answer; the report shows what the IUT chose), **warning** otherwise;
- **expected-failure** (the IUT's expected-failures file matched and the test did fail) ranks just
  below fail: it is a known deviation, shown as such, and does not fail the certification;
- **not-tested** for a catalogue rule no test named (a gap in the vectors, or an interrupted run),
  but **not-implemented** when the rule belongs to a profile the IUT does not declare in hello;
- a catalogue rule with no profile is filed under `general` (the suite's own rules: no crash…);
- a rule a test names but the catalogue lacks is treated as MUST (the safe reading) and flagged.

Attribution (issue 14): a failed test is charged to the rules its `attribution.rules` names (the
rules the IUT actually broke, decided by the suite from the IUT's own reported rule ids, a
diagnosis of its output, or the vector's primary rule as the last resort), not to every rule the
vector lists. A rule the failed test names but is not charged with counts that test as
`inconclusive` for it: it neither passes nor fails the rule, and does not make it tested. A test
counts once in the test totals however many rules it is charged to.

Coverage is part of the verdict: a MUST rule is *applicable* when its profile is in the run's
scope (declared by the IUT, narrowed by `--profile`; `general` rules always are) and one of the
operations that can exercise it (the rule's `ops`, absent = any) is declared by the IUT. An
applicable MUST rule no test exercised is `not-tested` and listed in `untestedMustRules`.

Overall: FAIL when any MUST rule fails, or when no MUST rule passed at all (a run where nothing
passed certifies nothing); otherwise INCOMPLETE when the run was interrupted (`complete: false`),
when an applicable MUST rule was never exercised, or when fewer vector cases ran than the vector
sets hold (`vectors.cases`); PASS otherwise. An interrupted run is INCOMPLETE whatever it found, and
`verdictSoFar` says how it stood. `certification` spells the verdict as the writers print it
(CERTIFIED / NOT CERTIFIED / INCOMPLETE) and `exitCode` is `qrinterop certify`'s exit code for it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping, Sequence

from qrinterop.errors import EXIT_FAIL, EXIT_INCOMPLETE, EXIT_OK


class Verdict(str, Enum):
    PASS = "pass"
    ACCEPTABLE_CHOICE = "acceptable-choice"
    WARNING = "warning"
    NOT_IMPLEMENTED = "not-implemented"
    NOT_TESTED = "not-tested"
    EXPECTED_FAILURE = "expected-failure"
    FAIL = "fail"


# Best to worst; `report diff` calls a move to a higher rank "worse". Losing a capability
# (-> not-implemented / not-tested) is worse than a warning: the claim is no longer backed.
VERDICT_RANK: dict[str, int] = {
    Verdict.PASS.value: 0,
    Verdict.ACCEPTABLE_CHOICE.value: 1,
    Verdict.WARNING.value: 2,
    Verdict.NOT_IMPLEMENTED.value: 3,
    Verdict.NOT_TESTED.value: 3,
    Verdict.EXPECTED_FAILURE.value: 4,
    Verdict.FAIL.value: 5,
}

STATUSES = ("passed", "failed", "warning", "skipped", "expected-failure")
DEFAULT_MAX_CASES = 3
ATTRIBUTION_METHODS = ("reported", "diagnosis", "primary")
CERTIFICATION = {"PASS": "CERTIFIED", "FAIL": "NOT CERTIFIED", "INCOMPLETE": "INCOMPLETE"}
# `qrinterop certify` exit codes (docs/conformance.md); 2 (usage) and 3 (internal error) are
# decided before or outside the model.
EXIT_CERTIFIED, EXIT_NOT_CERTIFIED = EXIT_OK, EXIT_FAIL     # certify's names for them
EXIT_CODES = {"PASS": EXIT_CERTIFIED, "FAIL": EXIT_NOT_CERTIFIED, "INCOMPLETE": EXIT_INCOMPLETE}
GENERAL = "general"  # the profile of rules that hold for every profile


@dataclass(frozen=True)
class RuleInfo:
    id: str
    title: str
    source: str
    level: str
    profile: str
    description: str
    in_catalogue: bool
    ops: tuple[str, ...] | None = None   # operations that can exercise the rule; None: any


@dataclass(frozen=True)
class RuleVerdict:
    rule: RuleInfo
    verdict: Verdict
    counts: dict[str, int]
    parts: tuple[str, ...]
    cases: tuple[Mapping[str, Any], ...]  # the first failing (or warning / xfail / skipped) tests
    more_cases: int                        # how many such tests were left out of `cases`
    applicable: bool = True                # in scope for this IUT (profile and ops declared)
    why: str = ""                          # why not applicable / not tested, one sentence
    inconclusive: int = 0                  # failed tests that named the rule but were charged to others


@dataclass(frozen=True)
class Overall:
    verdict: str          # PASS | FAIL | INCOMPLETE
    verdict_so_far: str   # PASS | FAIL: what the tests that ran say
    complete: bool
    test_counts: dict[str, int]
    rule_counts: dict[str, int]
    must_rule_counts: dict[str, int]
    failing_must_rules: tuple[str, ...]
    untested_must_rules: tuple[str, ...] = ()
    incomplete_because: tuple[str, ...] = ()     # why INCOMPLETE (or would be, once failures are fixed)
    cases_expected: int | None = None            # vector cases in scope (vectors.cases)
    cases_run: int = 0                           # vector tests in the record
    attribution_methods: dict[str, int] = field(default_factory=dict)  # failed tests per method

    @property
    def certification(self) -> str:
        return CERTIFICATION[self.verdict]

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        """The `verdicts.overall` object of run.json (docs/run-record.md)."""
        return {"verdict": self.verdict, "certification": self.certification, "exitCode": self.exit_code,
                "verdictSoFar": self.verdict_so_far, "complete": self.complete,
                "tests": dict(self.test_counts), "rules": dict(self.rule_counts),
                "mustRules": dict(self.must_rule_counts), "failingMustRules": list(self.failing_must_rules),
                "untestedMustRules": list(self.untested_must_rules),
                "incompleteBecause": list(self.incomplete_because),
                "casesExpected": self.cases_expected, "casesRun": self.cases_run,
                "attributionMethods": dict(self.attribution_methods)}


@dataclass(frozen=True)
class Decision:
    rules: tuple[RuleVerdict, ...]        # sorted by rule id
    overall: Overall
    groups: tuple[Mapping[str, Any], ...] = field(default=())  # pass rate per rule group


def natural_key(text: str) -> tuple:
    """'mpm-crc/2' before 'mpm-crc/17': ids carry tcIds, and reports must sort them as people do."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part != "")


def rule_group(rule_id: str) -> str:
    """`mpm.crc.mismatch` -> `mpm.crc`: the family a rule belongs to (what the plot shows)."""
    parts = rule_id.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


def _rule_info(rule_id: str, catalogue: Mapping[str, Mapping[str, Any]],
               tests: Sequence[Mapping[str, Any]]) -> RuleInfo:
    entry = catalogue.get(rule_id)
    if entry is not None:
        ops = entry.get("ops")
        return RuleInfo(rule_id, entry.get("title") or "", entry.get("source") or "",
                        entry.get("level") or "MUST", entry.get("profile") or GENERAL,
                        entry.get("description") or "", True, tuple(ops) if ops else None)
    features = sorted({t.get("feature") or "" for t in tests} - {""})
    return RuleInfo(rule_id, "", "", "MUST", features[0] if features else GENERAL,
                    "not in the run's rule catalogue; treated as MUST", False)


def _case(test: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "nodeid", "kind", "part", "feature", "operation", "result", "status", "category",
            "message", "expectedFailure", "evidence", "attribution", "diagnosis", "warnings")
    return {k: test.get(k) for k in keys}


def charged_rules(test: Mapping[str, Any]) -> list[str]:
    """The rules a test's outcome counts for: a failed (or warning, expected-failure) test with an
    `attribution` is charged to the rules the IUT actually broke; any other test to all its rules."""
    attribution = test.get("attribution")
    if test.get("status") in ("failed", "warning", "expected-failure") and isinstance(attribution, Mapping) \
            and attribution.get("rules"):
        return list(dict.fromkeys(attribution["rules"]))
    return list(dict.fromkeys(test.get("rules") or []))


def applicability(info: RuleInfo, scope_profiles: frozenset[str] | None, declared_profiles: frozenset[str] | None,
                  declared_ops: frozenset[str] | None) -> tuple[bool, str]:
    """(applicable, why not): is the rule in scope for the IUT's declared profiles and operations?"""
    if info.profile != GENERAL and declared_profiles is not None and info.profile not in declared_profiles:
        return False, f"the IUT does not declare the profile {info.profile!r}"
    if info.profile != GENERAL and scope_profiles is not None and info.profile not in scope_profiles:
        return False, f"the profile {info.profile!r} was not requested (--profile)"
    if info.ops is not None and declared_ops is not None and not set(info.ops) & declared_ops:
        return False, f"needs one of the operations {', '.join(info.ops)}; the IUT declares none of them"
    return True, ""


def decide_rule(info: RuleInfo, tests: Sequence[Mapping[str, Any]],
                max_cases: int = DEFAULT_MAX_CASES, declared_profiles: frozenset[str] | None = None, *,
                inconclusive: int = 0, applicable: bool | None = None, why: str = "") -> RuleVerdict:
    """The verdict of one rule from the tests charged to it (see `charged_rules`); `inconclusive`
    counts tests that named the rule but failed for another one."""
    if applicable is None:
        applicable, why = applicability(info, None, declared_profiles, None)
    ordered = sorted(tests, key=lambda t: natural_key(str(t["id"])))
    counts = Counter(t["status"] for t in ordered)
    must = info.level == "MUST"
    failed = [t for t in ordered if t["status"] == "failed"]
    warned = [t for t in ordered if t["status"] == "warning"] + ([] if must else failed)
    xfailed = [t for t in ordered if t["status"] == "expected-failure"]
    skipped = [t for t in ordered if t["status"] == "skipped"]

    if not ordered:
        declared_elsewhere = why.startswith("the profile") and "not requested" in why
        verdict = Verdict.NOT_TESTED if applicable or declared_elsewhere else Verdict.NOT_IMPLEMENTED
        shown = []
        if applicable:
            why = ("only tests that failed for another rule named it" if inconclusive
                   else "no test exercised it")
    elif must and failed:
        verdict, shown = Verdict.FAIL, failed
    elif xfailed:
        verdict, shown = Verdict.EXPECTED_FAILURE, xfailed
    elif warned:
        warned.sort(key=lambda t: natural_key(str(t["id"])))
        all_acceptable = all(t.get("result") == "acceptable" and t["status"] == "warning" for t in warned)
        verdict = Verdict.ACCEPTABLE_CHOICE if all_acceptable else Verdict.WARNING
        shown = warned
    elif counts["passed"]:
        verdict, shown = Verdict.PASS, []
    else:
        verdict, shown = Verdict.NOT_IMPLEMENTED, skipped[:1]

    full_counts = {s: counts.get(s, 0) for s in STATUSES}
    full_counts["total"] = len(ordered)
    parts = tuple(sorted({t.get("part") or "" for t in ordered} - {""}))
    return RuleVerdict(info, verdict, full_counts, parts,
                       tuple(_case(t) for t in shown[:max_cases]), max(0, len(shown) - max_cases),
                       applicable, why if verdict in (Verdict.NOT_TESTED, Verdict.NOT_IMPLEMENTED) else "",
                       inconclusive)


def _group_rates(verdicts: Sequence[RuleVerdict]) -> tuple[dict[str, Any], ...]:
    """Pass rate per rule group over the tests that produced an answer (skipped ones did not)."""
    acc: dict[str, Counter] = {}
    for rv in verdicts:
        c = acc.setdefault(rule_group(rv.rule.id), Counter())
        for status in STATUSES:
            c[status] += rv.counts[status]
        c["rules"] += 1
    out = []
    for name in sorted(acc):
        c = acc[name]
        decided = c["passed"] + c["failed"] + c["warning"] + c["expected-failure"]
        out.append({"group": name, "rules": c["rules"], "passed": c["passed"], "decided": decided,
                    "passRate": round(c["passed"] / decided, 4) if decided else None})
    return tuple(out)


def decide(record: Mapping[str, Any], max_cases: int = DEFAULT_MAX_CASES) -> Decision:
    """All rule verdicts and the overall verdict of one run record (already schema-checked)."""
    catalogue = {r["id"]: r for r in record.get("rules", [])}
    tests_by_rule: dict[str, list[Mapping[str, Any]]] = {rid: [] for rid in catalogue}
    inconclusive: Counter = Counter()
    for test in record.get("tests", []):
        charged = charged_rules(test)
        for rid in charged:                     # a test naming a rule twice counts once
            tests_by_rule.setdefault(rid, []).append(test)
        for rid in dict.fromkeys(test.get("rules") or []):
            if rid not in charged:
                inconclusive[rid] += 1
                tests_by_rule.setdefault(rid, [])

    iut = record.get("iut") or {}
    declared = iut.get("profiles")
    declared_profiles = frozenset(declared) if declared else None
    declared_ops = frozenset(iut["ops"]) if iut.get("ops") else None
    scope = record.get("scope") or {}
    scope_profiles = frozenset(scope["profiles"]) if scope.get("profiles") else None

    verdicts = []
    for rid, tests in sorted(tests_by_rule.items()):
        info = _rule_info(rid, catalogue, tests)
        applicable, why = applicability(info, scope_profiles, declared_profiles, declared_ops)
        verdicts.append(decide_rule(info, tests, max_cases, declared_profiles, inconclusive=inconclusive[rid],
                                    applicable=applicable, why=why))
    verdicts = tuple(verdicts)

    all_tests = record.get("tests", [])
    test_counts = Counter(t["status"] for t in all_tests)
    rule_counts = Counter(rv.verdict.value for rv in verdicts)
    must = [rv for rv in verdicts if rv.rule.level == "MUST"]
    must_counts = Counter(rv.verdict.value for rv in must)
    failing = tuple(rv.rule.id for rv in must if rv.verdict is Verdict.FAIL)
    untested = tuple(rv.rule.id for rv in must if rv.verdict is Verdict.NOT_TESTED and rv.applicable)
    so_far = "FAIL" if failing or not must_counts[Verdict.PASS.value] else "PASS"
    complete = bool(record.get("complete"))

    vectors = record.get("vectors") or {}
    expected_cases = vectors.get("cases")
    cases_run = sum(1 for t in all_tests if t.get("kind") == "vector")
    because = []
    if not complete:
        because.append("the run was interrupted")
    if untested:
        because.append(f"{len(untested)} applicable MUST rule(s) never exercised: {', '.join(untested)}")
    shard = (record.get("scope") or {}).get("shard")   # one shard of a run: a part of the cases, by design
    if isinstance(expected_cases, int) and cases_run < expected_cases and not shard:
        because.append(f"{cases_run} of the {expected_cases} vector cases in scope ran")
    if not complete:
        verdict = "INCOMPLETE"
    elif so_far == "FAIL":
        verdict = "FAIL"
    else:
        verdict = "INCOMPLETE" if because else "PASS"
    methods = Counter((t.get("attribution") or {}).get("method") for t in all_tests
                      if t.get("status") == "failed" and t.get("attribution"))
    overall = Overall(
        verdict=verdict,
        verdict_so_far=so_far,
        complete=complete,
        test_counts={**{s: test_counts.get(s, 0) for s in STATUSES}, "total": sum(test_counts.values())},
        rule_counts={v.value: rule_counts.get(v.value, 0) for v in Verdict},
        must_rule_counts={v.value: must_counts.get(v.value, 0) for v in Verdict},
        failing_must_rules=failing,
        untested_must_rules=untested,
        incomplete_because=tuple(because),
        cases_expected=expected_cases if isinstance(expected_cases, int) else None,
        cases_run=cases_run,
        attribution_methods={m: methods.get(m, 0) for m in ATTRIBUTION_METHODS},
    )
    return Decision(verdicts, overall, _group_rates(verdicts))


def rule_entry(rv: RuleVerdict) -> dict[str, Any]:
    """One rule of `verdicts.rules` in run.json: what every writer prints for the rule."""
    return {"id": rv.rule.id, "level": rv.rule.level, "profile": rv.rule.profile, "verdict": rv.verdict.value,
            "applicable": rv.applicable, "why": rv.why or None, "counts": dict(rv.counts),
            "inconclusive": rv.inconclusive,
            "firstCases": [c["id"] for c in rv.cases], "moreCases": rv.more_cases}


def verdict_model(record: Mapping[str, Any]) -> dict[str, Any]:
    """The `verdicts` object the run record carries (docs/run-record.md): computed once, here,
    when the record is finished; every writer renders it and none recomputes it differently."""
    decision = decide(record)
    return {"overall": decision.overall.to_dict(), "rules": [rule_entry(rv) for rv in decision.rules]}
