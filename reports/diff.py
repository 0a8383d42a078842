"""Which rules changed verdict between two runs. Pure.

"Worse" follows VERDICT_RANK (pass < acceptable-choice < warning < not-implemented/not-tested
< expected-failure < fail); a rule present in only one run counts as not-tested in the other.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from qrinterop.reports.certification import build_certification, rule_verdicts
from qrinterop.reports.record import RUN_SCHEMA_ID
from qrinterop.reports.verdicts import VERDICT_RANK, Verdict


@dataclass(frozen=True)
class VerdictChange:
    rule: str
    before: str
    after: str

    @property
    def worse(self) -> bool:
        return VERDICT_RANK[self.after] > VERDICT_RANK[self.before]

    @property
    def direction(self) -> str:
        if self.worse:
            return "worse"
        return "better" if VERDICT_RANK[self.after] < VERDICT_RANK[self.before] else "changed"


def verdicts_of(document: Mapping[str, Any]) -> dict[str, str]:
    """Rule verdicts of a run record or of a certification document."""
    if document.get("schema") == RUN_SCHEMA_ID:
        document = build_certification(document)
    return rule_verdicts(document)


def diff_verdicts(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[VerdictChange]:
    before, after = verdicts_of(a), verdicts_of(b)
    missing = Verdict.NOT_TESTED.value
    return [VerdictChange(rule, before.get(rule, missing), after.get(rule, missing))
            for rule in sorted(set(before) | set(after))
            if before.get(rule, missing) != after.get(rule, missing)]
