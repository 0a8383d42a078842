"""Which rules the vectors exercise: every rule needs a valid case and a non-valid one.

A case exercises a rule when it lists it in `rules`. A non-valid case is `invalid` for a MUST
rule, `acceptable` for a SHOULD/MAY one (the reference reports those as warnings). A set may
argue, in its `exemptions`, why a rule cannot have cases in its representation (the vector
format or the reference cannot express them); that argument is then reported instead of a gap.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from qrinterop.rules import catalogue
from qrinterop.vectorsets.verify import vector_files


class Gap(NamedTuple):
    rule: str
    profile: str
    missing: str     # "valid" | "non-valid"

    def __str__(self) -> str:
        return f"{self.rule} ({self.profile}): no {self.missing} case lists it"


def coverage(root: Path) -> dict[str, Any]:
    """{"rules": {id: {"valid": n, "nonValid": n, "exempt": reason|None}}, "gaps": [Gap]}"""
    counts: dict[str, dict[str, int]] = {}
    exemptions: dict[str, str] = {}
    for path in vector_files(Path(root)):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for rule, reason in doc.get("exemptions", {}).items():
            exemptions[rule] = f"{doc['name']}: {reason}"
        for group in doc["testGroups"]:
            for test in group["tests"]:
                key = "valid" if test["result"] == "valid" else "nonValid"
                for rule in test["rules"]:
                    counts.setdefault(rule, {"valid": 0, "nonValid": 0})[key] += 1
    table, gaps = {}, []
    for rule in catalogue():
        c = counts.get(rule.id, {"valid": 0, "nonValid": 0})
        table[rule.id] = {**c, "exempt": exemptions.get(rule.id)}
        if not c["valid"] and rule.id not in exemptions:
            gaps.append(Gap(rule.id, rule.profile, "valid"))
        if not c["nonValid"] and rule.id not in exemptions:
            gaps.append(Gap(rule.id, rule.profile, "non-valid"))
    return {"rules": table, "gaps": gaps}
