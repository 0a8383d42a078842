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

Overall: FAIL when any MUST rule fails; PASS when none fails and at least one MUST rule passed
(a run where nothing passed certifies nothing); INCOMPLETE whenever the run was interrupted
(`complete: false`) — the summary still describes what ran, and `verdictSoFar` says how it stood.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping, Sequence


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


@dataclass(frozen=True)
class RuleVerdict:
    rule: RuleInfo
    verdict: Verdict
    counts: dict[str, int]
    parts: tuple[str, ...]
    cases: tuple[Mapping[str, Any], ...]  # the first failing (or warning / xfail / skipped) tests
    more_cases: int                        # how many such tests were left out of `cases`


@dataclass(frozen=True)
class Overall:
    verdict: str          # PASS | FAIL | INCOMPLETE
    verdict_so_far: str   # PASS | FAIL: what the tests that ran say
    complete: bool
    test_counts: dict[str, int]
    rule_counts: dict[str, int]
    must_rule_counts: dict[str, int]
    failing_must_rules: tuple[str, ...]


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
        return RuleInfo(rule_id, entry.get("title") or "", entry.get("source") or "",
                        entry.get("level") or "MUST", entry.get("profile") or GENERAL,
                        entry.get("description") or "", True)
    features = sorted({t.get("feature") or "" for t in tests} - {""})
    return RuleInfo(rule_id, "", "", "MUST", features[0] if features else GENERAL,
                    "not in the run's rule catalogue; treated as MUST", False)


def _case(test: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "nodeid", "kind", "part", "feature", "operation", "result", "status", "category",
            "message", "expectedFailure", "evidence")
    return {k: test.get(k) for k in keys}


def decide_rule(info: RuleInfo, tests: Sequence[Mapping[str, Any]],
                max_cases: int = DEFAULT_MAX_CASES, declared_profiles: frozenset[str] | None = None) -> RuleVerdict:
    ordered = sorted(tests, key=lambda t: natural_key(str(t["id"])))
    counts = Counter(t["status"] for t in ordered)
    must = info.level == "MUST"
    failed = [t for t in ordered if t["status"] == "failed"]
    warned = [t for t in ordered if t["status"] == "warning"] + ([] if must else failed)
    xfailed = [t for t in ordered if t["status"] == "expected-failure"]
    skipped = [t for t in ordered if t["status"] == "skipped"]

    if not ordered:
        undeclared = (declared_profiles is not None and info.profile != GENERAL
                      and info.profile not in declared_profiles)
        verdict, shown = (Verdict.NOT_IMPLEMENTED if undeclared else Verdict.NOT_TESTED), []
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
                       tuple(_case(t) for t in shown[:max_cases]), max(0, len(shown) - max_cases))


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
    for test in record.get("tests", []):
        for rid in dict.fromkeys(test.get("rules") or []):  # a test naming a rule twice counts once
            tests_by_rule.setdefault(rid, []).append(test)

    declared = (record.get("iut") or {}).get("profiles")
    declared_profiles = frozenset(declared) if declared else None
    verdicts = tuple(decide_rule(_rule_info(rid, catalogue, tests), tests, max_cases, declared_profiles)
                     for rid, tests in sorted(tests_by_rule.items()))

    test_counts = Counter(t["status"] for t in record.get("tests", []))
    rule_counts = Counter(rv.verdict.value for rv in verdicts)
    must = [rv for rv in verdicts if rv.rule.level == "MUST"]
    must_counts = Counter(rv.verdict.value for rv in must)
    failing = tuple(rv.rule.id for rv in must if rv.verdict is Verdict.FAIL)
    so_far = "FAIL" if failing or not must_counts[Verdict.PASS.value] else "PASS"
    complete = bool(record.get("complete"))
    overall = Overall(
        verdict=so_far if complete else "INCOMPLETE",
        verdict_so_far=so_far,
        complete=complete,
        test_counts={**{s: test_counts.get(s, 0) for s in STATUSES}, "total": sum(test_counts.values())},
        rule_counts={v.value: rule_counts.get(v.value, 0) for v in Verdict},
        must_rule_counts={v.value: must_counts.get(v.value, 0) for v in Verdict},
        failing_must_rules=failing,
    )
    return Decision(verdicts, overall, _group_rates(verdicts))
