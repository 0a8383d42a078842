"""Judging an IUT's answer to one vector: pure functions from (case, reply, oracle) to an Outcome.

No I/O here: the test modules call the IUT and the reference, this module decides. The
decisions, in one place:
- no well-formed answer (crash, hang, garbage) → failed, under the suite's robustness rule too;
- `invalid` vector: an error answer (or `valid: false`) is the correct answer;
- `valid` vector: the answer must be ok and equal the expected tree/payload;
- `acceptable`: either answer passes; the choice is recorded, and a warning when it is the less
  common one (the vector's `preferred`, else the reference's answer);
- a wrong answer on a vector whose every rule is SHOULD/MAY is a warning, not a failure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from qrinterop.conformance.cases import Case
from qrinterop.conformance.suite_rules import failure_rule
from qrinterop.iut.base import Reply

PASSED, FAILED, WARNING, SKIPPED = "passed", "failed", "warning", "skipped"


@dataclass
class Outcome:
    status: str
    message: str
    rules: list[str]
    category: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Oracle:
    """What the judge may ask the reference: pure functions over payload text."""
    parse: Callable[[str, str], tuple[bool, list | None, str | None]]     # (ok, objects, error rule/msg)
    violations: Callable[[str, str], list[tuple[str, str, str]]]          # [(rule, level, message)]
    levels: Mapping[str, str]                                             # rule id → MUST/SHOULD/MAY


def record_category(category: str | None) -> str | None:
    """Run-record category of a transport failure: a timeout, a protocol fault (garbage, an answer
    for an id not in flight, oversize output: the IUT is alive but speaks wrongly), or a crash."""
    return {"timeout": "timeout", "protocol": "protocol", None: None}.get(category, "iut-crash")


def failure_outcome(case_rules: list[str], reply: Reply, evidence: dict[str, Any]) -> Outcome:
    rules = list(dict.fromkeys([*case_rules, failure_rule(reply.category) or "iut.protocol.wire"]))
    if reply.stderr:
        evidence["stderr"] = reply.stderr
    return Outcome(FAILED, f"no valid answer from the IUT: {reply.failure}", rules,
                   record_category(reply.category), evidence)


def should_only(rules: list[str], levels: Mapping[str, str]) -> bool:
    return bool(rules) and all(levels.get(r, "MUST") in ("SHOULD", "MAY") for r in rules)


def soften(outcome: Outcome, levels: Mapping[str, str]) -> Outcome:
    """A wrong answer on SHOULD/MAY rules only is a warning (transport failures stay failures)."""
    if outcome.status == FAILED and outcome.category not in ("iut-crash", "timeout", "protocol") \
            and should_only(outcome.rules, levels):
        outcome.status = WARNING
        outcome.message = f"SHOULD-level: {outcome.message}"
    return outcome


def case_rules(case: Case) -> list[str]:
    return list(case.rules) or ["iut.vector.valid"]


# ---- tree comparison ---------------------------------------------------------------------------

def tree_diff(expected: list[dict] | None, actual: Any, path: str = "") -> list[str]:
    """Differences between two object trees, one line each, with the object path."""
    if not isinstance(actual, list):
        return [f"{path or 'objects'}: expected a list of objects, got {type(actual).__name__}"]
    expected = expected or []
    lines: list[str] = []
    exp_ids = [o.get("id") for o in expected]
    act_ids = [o.get("id") if isinstance(o, dict) else None for o in actual]
    if exp_ids != act_ids:
        lines.append(f"{path or 'root'}: expected ids {exp_ids}, got {act_ids}")
    # Pair objects by (id, occurrence): CPM repeats tags (two 61 application templates).
    act_by_key = {key: o for key, o in _keyed(o for o in actual if isinstance(o, dict))}
    for key, exp in _keyed(expected):
        ident, nth = key
        here = (f"{path}.{ident}" if path else str(ident)) + (f"[{nth}]" if nth else "")
        got = act_by_key.get(key)
        if got is None:
            continue
        if "children" in exp:
            if not isinstance(got.get("children"), list):
                lines.append(f"{here}: expected a template, got value {got.get('value')!r}")
            else:
                lines.extend(tree_diff(exp["children"], got["children"], here))
        elif got.get("value") != exp.get("value"):
            lines.append(f"{here}: expected {exp.get('value')!r}, got "
                         f"{got.get('value') if 'value' in got else 'a template'!r}")
    return lines


def _keyed(objects: Any) -> list[tuple[tuple[Any, int], dict]]:
    seen: dict[Any, int] = {}
    keyed = []
    for o in objects:
        ident = o.get("id")
        keyed.append(((ident, seen.get(ident, 0)), o))
        seen[ident] = seen.get(ident, 0) + 1
    return keyed


def looks_like_charset(expected: list[dict] | None, actual: Any) -> bool:
    """A value difference where the expected text is non-ASCII: mangled UTF-8 (latin-1 decoding,
    U+FFFD, bytes counted as characters) rather than a logic error."""
    def values(objs: Any, out: dict[str, str], prefix: str = "") -> dict[str, str]:
        for o in objs or []:
            if not isinstance(o, dict):
                continue
            key = f"{prefix}{o.get('id')}"
            if isinstance(o.get("children"), list):
                values(o["children"], out, key + ".")
            elif isinstance(o.get("value"), str):
                out[key] = o["value"]
        return out
    exp, act = values(expected, {}), values(actual if isinstance(actual, list) else [], {})
    return any(not v.isascii() and act.get(k) != v for k, v in exp.items())


# ---- per operation ----------------------------------------------------------------------------

def judge_parse(case: Case, reply: Reply, oracle: Oracle) -> Outcome:
    rules = case_rules(case)
    evidence: dict[str, Any] = {"payload": case.payload, "vector": case.to_vector()}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    accepted = reply.ok
    if reply.ok:
        evidence["actual"] = reply.result
    else:
        evidence["iutError"] = reply.error
    if case.result == "acceptable":
        return _acceptable(case, accepted, oracle, rules, evidence)
    if case.result == "invalid":
        if not accepted:
            return Outcome(PASSED, f"rejected as expected ({reply.describe_error()})", rules, None, evidence)
        return soften(Outcome(FAILED, f"IUT parsed a payload that breaks {', '.join(case.rules) or 'the spec'}"
                              f"{_about(case)}; it should have been rejected", rules, "wrong-verdict", evidence),
                      oracle.levels)
    # valid
    if not accepted:
        return soften(Outcome(FAILED, f"IUT rejected a valid payload{_about(case)}: {reply.describe_error()}",
                              rules, "wrong-verdict", evidence), oracle.levels)
    expected = case.expected.get("objects")
    if expected is None and case.payload is not None:
        ok, expected, _ = oracle.parse(case.payload, case.mode)
    evidence["expected"] = {"objects": expected}
    diff = tree_diff(expected, reply.result.get("objects"))
    if not diff:
        return Outcome(PASSED, "tree as expected", rules, None, evidence)
    evidence["diff"] = diff
    category = "charset" if looks_like_charset(expected, reply.result.get("objects")) else "wrong-value"
    return soften(Outcome(FAILED, f"tree differs: {'; '.join(diff[:3])}" + (" …" if len(diff) > 3 else ""),
                          rules, category, evidence), oracle.levels)


def judge_validate(case: Case, reply: Reply, oracle: Oracle) -> Outcome:
    rules = case_rules(case)
    evidence: dict[str, Any] = {"payload": case.payload, "vector": case.to_vector()}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    if reply.ok:
        valid = reply.result.get("valid")
        if not isinstance(valid, bool):
            return failure_outcome(rules, Reply("validate", failure="validate result has no boolean 'valid'",
                                                category="protocol"), evidence)
        evidence["actual"] = {"valid": valid, "violations": reply.result.get("violations", [])}
    else:
        valid = False      # "cannot even parse it" is a rejection
        evidence["iutError"] = reply.error
    if case.result == "acceptable":
        return _acceptable(case, valid, oracle, rules, evidence)
    if case.result == "invalid":
        if not valid:
            return Outcome(PASSED, "judged invalid as expected", rules, None, evidence)
        return soften(Outcome(FAILED, f"IUT said valid; the payload breaks {', '.join(case.rules) or 'the spec'}"
                              f"{_about(case)}", rules, "wrong-verdict", evidence), oracle.levels)
    if valid:
        return Outcome(PASSED, "judged valid as expected", rules, None, evidence)
    said = _violation_summary(reply)
    return soften(Outcome(FAILED, f"IUT said invalid for a valid payload{_about(case)}: {said}", rules,
                          "wrong-verdict", evidence), oracle.levels)


def judge_build(case: Case, reply: Reply, oracle: Oracle, profile: str = "emv") -> Outcome:
    rules = case_rules(case)
    expected_payload = case.payload or case.expected.get("payload")
    evidence: dict[str, Any] = {"payload": expected_payload, "vector": case.to_vector(),
                                "expected": {"payload": expected_payload}}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    built = reply.result.get("payload") if reply.ok else None
    if reply.ok and not isinstance(built, str):
        return failure_outcome(rules, Reply("build", failure="build result has no string 'payload'",
                                            category="protocol"), evidence)
    evidence["actual"] = {"payload": built} if reply.ok else {"error": reply.error}
    if case.result == "invalid":
        if not reply.ok:
            return Outcome(PASSED, f"refused to build as expected ({reply.describe_error()})", rules, None, evidence)
        return soften(Outcome(FAILED, f"IUT built {built!r} from objects that break "
                              f"{', '.join(case.rules) or 'the spec'}{_about(case)}", rules, "wrong-verdict",
                              evidence), oracle.levels)
    if not reply.ok:
        if case.result == "acceptable":
            return _acceptable(case, False, oracle, rules, evidence)
        return soften(Outcome(FAILED, f"IUT refused to build valid objects{_about(case)}: "
                              f"{reply.describe_error()}", rules, "wrong-verdict", evidence), oracle.levels)
    if built == expected_payload or (expected_payload is None and not oracle.violations(built, profile)):
        return Outcome(PASSED, "built the expected payload", rules, None, evidence)
    # Name the broken rule: what does the reference find wrong in what the IUT built?
    found = [v for v in oracle.violations(built, profile) if v[1] == "MUST"]
    evidence["diff"] = [f"expected {expected_payload!r}", f"got      {built!r}",
                        *(f"[{r}] {m}" for r, _, m in found)]
    named = list(dict.fromkeys([*rules, *(r for r, _, _ in found)]))
    why = "; ".join(f"{r}: {m}" for r, _, m in found[:3]) or "payload differs from the expected one"
    category = "charset" if expected_payload and not expected_payload.isascii() else "wrong-value"
    return soften(Outcome(FAILED, f"IUT built a different payload{_about(case)} — {why}", named, category,
                          evidence), oracle.levels)


def judge_decoded_payload(case: Case, reply: Reply, expected_payload: str, rules: list[str]) -> Outcome:
    evidence: dict[str, Any] = {"payload": expected_payload, "vector": case.to_vector(), "image": case.image}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    got = reply.result.get("payload") if reply.ok else None
    evidence["actual"] = {"payload": got} if reply.ok else {"error": reply.describe_error()}
    if got == expected_payload:
        return Outcome(PASSED, "decoded exactly", rules, None, evidence)
    if case.result == "acceptable":
        # e.g. a Shift_JIS symbol: refusing it, or handing back its bytes undecoded, is a legitimate
        # choice; the reference's own answer is the common one. Record the choice.
        evidence["choice"] = "refused" if not reply.ok else "decoded differently"
        return Outcome(WARNING, f"acceptable either way; the IUT {evidence['choice']} "
                                f"({reply.describe_error() if not reply.ok else repr(got)}){_about(case)}",
                       rules, None, evidence)
    if not reply.ok:
        return Outcome(FAILED, f"IUT could not decode the image: {reply.describe_error()}", rules,
                       "wrong-verdict", evidence)
    category = "charset" if not expected_payload.isascii() else "wrong-value"
    return Outcome(FAILED, f"decoded {got!r}, expected {expected_payload!r}", rules, category, evidence)


def _acceptable(case: Case, accepted: bool, oracle: Oracle, rules: list[str], evidence: dict) -> Outcome:
    choice = "valid" if accepted else "invalid"
    evidence["choice"] = choice
    preferred = case.preferred
    if preferred is None and case.payload is not None:
        if case.operation == "validate":
            preferred = "invalid" if any(v[1] == "MUST" for v in oracle.violations(case.payload, case.profile)) \
                else "valid"
        else:
            preferred = "valid" if oracle.parse(case.payload, case.mode)[0] else "invalid"
    if preferred is None or choice == preferred:
        return Outcome(PASSED, f"acceptable either way; the IUT chose {choice} (the common choice)", rules,
                       None, evidence)
    return Outcome(WARNING, f"acceptable either way; the IUT chose {choice}, the less common choice "
                            f"(most implementations say {preferred}){_about(case)}", rules, None, evidence)


def _about(case: Case) -> str:
    return f" ({case.comment})" if case.comment else ""


def _violation_summary(reply: Reply) -> str:
    if not reply.ok:
        return reply.describe_error()
    vs = reply.result.get("violations") or []
    return "; ".join(f"{v.get('rule', '?')}: {v.get('message', '')}" for v in vs[:3] if isinstance(v, dict)) \
        or "no violations given"
