"""Which rules changed verdict between two runs, regressions first. Pure.

Each change is one of, in the order `report diff` prints them:
- **regression**: the rule fails now and did not before (pass -> fail, not-tested -> fail, …);
- **fix**: the rule failed before and does not now;
- **worse** / **better**: any other move along VERDICT_RANK (pass < acceptable-choice < warning
  < not-implemented/not-tested < expected-failure < fail), e.g. pass -> not-implemented when a
  profile was dropped; **changed**: same rank (not-implemented <-> not-tested).
A rule present in only one run counts as not-tested in the other.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping

from qrinterop.reports.certification import build_certification
from qrinterop.reports.record import RUN_SCHEMA_ID
from qrinterop.reports.verdicts import VERDICT_RANK, Verdict

KINDS = ("regression", "fix", "worse", "better", "changed")
FAIL = Verdict.FAIL.value


@dataclass(frozen=True)
class VerdictChange:
    rule: str
    before: str
    after: str
    level: str = ""
    profile: str = ""

    @property
    def worse(self) -> bool:
        return VERDICT_RANK[self.after] > VERDICT_RANK[self.before]

    @property
    def direction(self) -> str:
        if self.worse:
            return "worse"
        return "better" if VERDICT_RANK[self.after] < VERDICT_RANK[self.before] else "changed"

    @property
    def kind(self) -> str:
        if self.after == FAIL and self.before != FAIL:
            return "regression"
        if self.before == FAIL and self.after != FAIL:
            return "fix"
        return self.direction

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "before": self.before, "after": self.after, "kind": self.kind,
                "direction": self.direction, "level": self.level, "profile": self.profile}


def certification_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """A certification document from a run record or a certification document."""
    return build_certification(document) if document.get("schema") == RUN_SCHEMA_ID else document


def _rules(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {r["id"]: r for p in certification_of(document)["profiles"] for r in p["rules"]}


def verdicts_of(document: Mapping[str, Any]) -> dict[str, str]:
    """Rule verdicts of a run record or of a certification document."""
    return {rid: r["verdict"] for rid, r in _rules(document).items()}


def diff_verdicts(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[VerdictChange]:
    """The changes from run `a` to run `b`: regressions first, then fixes, worse, better,
    changed; by rule id within each."""
    before, after = _rules(a), _rules(b)
    missing = {"verdict": Verdict.NOT_TESTED.value}
    changes = []
    for rule in set(before) | set(after):
        x, y = before.get(rule, missing), after.get(rule, missing)
        if x["verdict"] != y["verdict"]:
            info = y if rule in after else x
            changes.append(VerdictChange(rule, x["verdict"], y["verdict"], info.get("level") or "",
                                         info.get("profile") or ""))
    return sorted(changes, key=lambda c: (KINDS.index(c.kind), c.rule))


def counts(changes: list[VerdictChange]) -> dict[str, int]:
    n = Counter(c.kind for c in changes)
    return {kind: n.get(kind, 0) for kind in KINDS}


TITLES = {"regression": "Regressions: rules that fail now and did not before",
          "fix": "Fixes: rules that failed before and do not now",
          "worse": "Other changes for the worse", "better": "Other changes for the better",
          "changed": "Other changes"}


def render_diff(changes: list[VerdictChange], *, verbose: bool = False, paint: Any = None) -> str:
    """Regressions and fixes one line each; the other changes grouped by transition (one line
    each, with how many per profile), every rule listed with `verbose`."""
    paint = paint or (lambda text, style: text)
    if not changes:
        return "no rule changed verdict\n"
    width = max(len(c.rule) for c in changes)
    lines = []
    for kind in KINDS:
        group = [c for c in changes if c.kind == kind]
        if not group:
            continue
        style = {"regression": "bold-red", "fix": "bold-green"}.get(kind, "bold")
        lines.append(paint(f"{TITLES[kind]} ({len(group)}):", style))
        if kind in ("regression", "fix") or verbose or len(group) <= 5:
            lines += [f"  {c.rule:<{width}}  {c.before} -> {c.after}  ({c.level or '?'}, {c.profile or '?'})"
                      for c in group]
            continue
        by_move: dict[tuple[str, str], list[VerdictChange]] = {}
        for c in group:
            by_move.setdefault((c.before, c.after), []).append(c)
        for (x, y), moved in sorted(by_move.items(), key=lambda kv: -len(kv[1])):
            per_profile = Counter(c.profile or "?" for c in moved)
            where = ", ".join(f"{p} {n}" for p, n in sorted(per_profile.items()))
            lines.append(f"  {x} -> {y}: {len(moved)} rule(s) ({where}); -v lists them")
    n = counts(changes)
    lines.append(f"{len(changes)} rule(s) changed verdict: {n['regression']} regression(s), {n['fix']} fix(es), "
                 f"{n['worse']} other worse, {n['better']} other better, {n['changed']} other")
    return "\n".join(lines) + "\n"
