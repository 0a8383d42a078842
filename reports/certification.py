"""Run record -> the certification document (`certification.json`). Pure.

The document is the single source for certification.md and certification.html and what
`report diff` compares, so it carries everything they print. Ordering is stable (profiles and
rules by id, cases by natural test id, vector sets by name) and the only timestamps are the run's
own, so two runs of the same IUT diff cleanly line by line.
"""
from __future__ import annotations

from typing import Any, Mapping

from qrinterop.reports.evidence import readable_evidence, visible
from qrinterop.reports.verdicts import DEFAULT_MAX_CASES, Decision, RuleVerdict, decide

SCHEMA_ID = "qrinterop/certification@1"


def _rule_entry(rv: RuleVerdict) -> dict[str, Any]:
    return {
        "id": rv.rule.id,
        "title": rv.rule.title,
        "source": rv.rule.source,
        "level": rv.rule.level,
        "profile": rv.rule.profile,
        "description": rv.rule.description,
        "inCatalogue": rv.rule.in_catalogue,
        "verdict": rv.verdict.value,
        "counts": dict(rv.counts),
        "parts": list(rv.parts),
        "cases": [{**case, "message": visible(case.get("message")),
                   "evidence": readable_evidence(case.get("evidence"))} for case in rv.cases],
        "moreCases": rv.more_cases,
        "applicable": rv.applicable,
        "why": rv.why or None,
        "inconclusive": rv.inconclusive,
    }


def build_certification(record: Mapping[str, Any], decision: Decision | None = None,
                        max_cases: int = DEFAULT_MAX_CASES) -> dict[str, Any]:
    decision = decision or decide(record, max_cases)
    iut = record.get("iut") or {}
    vectors = record.get("vectors") or {}
    profiles: dict[str, list[dict[str, Any]]] = {}
    for rv in decision.rules:
        profiles.setdefault(rv.rule.profile, []).append(_rule_entry(rv))
    o = decision.overall
    return {
        "schema": SCHEMA_ID,
        "qrinteropVersion": record.get("qrinteropVersion"),
        "python": record.get("python"),
        "platform": record.get("platform"),
        "run": {"startedAt": record.get("startedAt"), "finishedAt": record.get("finishedAt"),
                "complete": bool(record.get("complete"))},
        "iut": {"spec": iut.get("spec"), "adapter": iut.get("adapter"), "name": iut.get("name"),
                "version": iut.get("version"), "ops": sorted(iut.get("ops") or []),
                "profiles": sorted(iut.get("profiles") or [])},
        "vectors": {"dir": vectors.get("dir"), "manifestSha256": vectors.get("manifestSha256"),
                    "sets": sorted(({"name": s.get("name"), "version": s.get("version"),
                                     "sha256": s.get("sha256")} for s in vectors.get("sets") or []),
                                   key=lambda s: s["name"])},
        "expectedFailuresFile": record.get("expectedFailuresFile"),
        "overall": {
            "verdict": o.verdict,
            "verdictSoFar": o.verdict_so_far,
            "complete": o.complete,
            "tests": dict(o.test_counts),
            "rules": dict(o.rule_counts),
            "mustRules": dict(o.must_rule_counts),
            "failingMustRules": list(o.failing_must_rules),
            "certification": o.certification,
            "exitCode": o.exit_code,
            "untestedMustRules": list(o.untested_must_rules),
            "incompleteBecause": list(o.incomplete_because),
            "casesExpected": o.cases_expected,
            "casesRun": o.cases_run,
            "attributionMethods": dict(o.attribution_methods),
        },
        "groups": [dict(g) for g in decision.groups],
        "profiles": [{"profile": name, "rules": rules} for name, rules in sorted(profiles.items())],
    }


def rule_verdicts(document: Mapping[str, Any]) -> dict[str, str]:
    """rule id -> verdict, from a certification document (what `report diff` compares)."""
    return {rule["id"]: rule["verdict"] for p in document["profiles"] for rule in p["rules"]}


def exit_code(document: Mapping[str, Any]) -> int:
    """DESIGN §7 / docs/conformance.md: 0 CERTIFIED, 1 NOT CERTIFIED, 4 INCOMPLETE (the model's)."""
    from qrinterop.reports.verdicts import EXIT_CODES
    return int(document["overall"].get("exitCode", EXIT_CODES[document["overall"]["verdict"]]))
