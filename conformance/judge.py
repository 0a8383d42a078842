"""Judging an IUT's answer to one vector: pure functions from (case, reply, oracle) to an Outcome.

No I/O here: the test modules call the IUT and the reference, this module decides. The
decisions, in one place:
- no well-formed answer (crash, hang, garbage) → failed, under the suite's robustness rule too;
- `invalid` vector: an error answer (or `valid: false`) is the correct answer;
- `valid` vector: the answer must be ok and equal the expected tree/payload;
- `acceptable`: either answer passes; the choice is recorded, and a warning when it is the less
  common one (the vector's `preferred`, else the reference's answer);
- a wrong answer on a vector whose every rule is SHOULD/MAY is a warning, not a failure;
- every failed test says which rule(s) the IUT actually broke and how that was decided
  (`Outcome.attribution`, from qrinterop.conformance.diagnosis): its own reported rule ids, a
  diagnosis of its output, or the vector's primary rule as the last resort;
- a correct rejection for an unrelated reason is a warning ("rejected for another reason"), and a
  rejection that is the IUT's runtime failing (a decoder exception) is no rejection: it fails.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from qrinterop.conformance import diagnosis as dx
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
    attribution: dx.Finding | None = None      # failed / warning: the rules charged, and how
    warnings: list[str] = field(default_factory=list)

    def record_fields(self) -> dict[str, Any]:
        """attribution / diagnosis / warnings as the run record stores them."""
        charged = self.attribution if self.status in (FAILED, WARNING) else None
        return {"attribution": charged.attribution() if charged else None,
                "diagnosis": charged.text if charged else None,
                "warnings": list(self.warnings) or None}


@dataclass(frozen=True)
class Oracle:
    """What the judge may ask the reference: pure functions over payload text."""
    parse: Callable[[str, str], tuple[bool, list | None, str | None]]     # (ok, objects, error rule/msg)
    violations: Callable[[str, str], list[tuple[str, str, str]]]          # [(rule, level, message)]
    levels: Mapping[str, str]                                             # rule id → MUST/SHOULD/MAY
    error_codes: Mapping[str, str] = field(default_factory=dict)          # the IUT's codes → rule ids


def record_category(category: str | None) -> str | None:
    """Run-record category of a transport failure: a timeout, a protocol fault (garbage, an answer
    for an id not in flight, oversize output: the IUT is alive but speaks wrongly), or a crash."""
    return {"timeout": "timeout", "protocol": "protocol", None: None}.get(category, "iut-crash")


def failure_outcome(case_rules: list[str], reply: Reply, evidence: dict[str, Any]) -> Outcome:
    """No well-formed answer: charged to the robustness / protocol rule alone (a hang is one
    failure, not one per rule of the vector)."""
    broken = failure_rule(reply.category) or "iut.protocol.wire"
    rules = list(dict.fromkeys([*case_rules, broken]))
    if reply.stderr:
        evidence["stderr"] = reply.stderr
    what = {"iut.robust.crash": "the IUT crashed", "iut.robust.timeout": "the IUT did not answer in time",
            "iut.protocol.wire": "the IUT's answer was malformed"}[broken]
    return Outcome(FAILED, f"no valid answer from the IUT: {reply.failure}", rules,
                   record_category(reply.category), evidence,
                   dx.Finding((broken,), dx.DIAGNOSIS, f"{what}: {reply.failure}"))


def crash_outcome(rules: list[str], reply: Reply, evidence: dict[str, Any], verdict_was: str) -> Outcome:
    """An error answer that is the IUT's runtime failing (decoder exception, stack trace): not a
    judgement of the payload, so not a pass even where rejecting was right."""
    text = dx.crash_like(reply.error) or reply.describe_error()
    return Outcome(FAILED, f"the IUT's {verdict_was} came from its own runtime failing ({text}), not from a "
                   "check of the payload", list(dict.fromkeys([*rules, dx.CRASH_RULE])), "iut-crash", evidence,
                   dx.Finding((dx.CRASH_RULE,), dx.DIAGNOSIS, f"its decoder failed: {text}"))


def _reasons(reply: Reply, oracle: Oracle) -> dx.Reasons:
    return dx.reported_reasons(reply.ok, reply.result, reply.error, oracle.levels, oracle.error_codes)


def _reference_findings(case: Case, oracle: Oracle) -> set[str]:
    """Every rule the reference finds in the vector's payload (its parse error and its validator's
    violations at any level): the reasons a rejection may legitimately give."""
    if case.payload is None:
        return set()
    found: set[str] = set()
    ok, _, error = oracle.parse(case.payload, case.mode)
    if not ok and error:
        found.add(error.split(":", 1)[0])
    if case.mode != "cpm":
        found.update(r for r, _, _ in oracle.violations(case.payload, case.profile))
    return found


def _check_rejection(case: Case, reply: Reply, oracle: Oracle, outcome: Outcome) -> Outcome:
    """A right rejection: is its reason related? (else a warning); unknown codes are noted."""
    reasons = _reasons(reply, oracle)
    if reasons.unknown:
        outcome.warnings.append(f"unknown error code(s) {', '.join(reasons.unknown)}: not catalogue rule ids; "
                                "map them with an error-codes file")
    if reasons.known:
        related = set(case.rules) | _reference_findings(case, oracle)
        if not related & set(reasons.known):
            note = (f"rejected for another reason: the IUT names {', '.join(reasons.known)}; the vector tests "
                    f"{', '.join(case.rules) or 'no named rule'}")
            outcome.warnings.append(note)
            outcome.status, outcome.message = WARNING, note
            outcome.attribution = dx.rejection_finding(case.payload, reasons.known) or \
                dx.Finding(tuple(case.rules[:1]) or (dx.VECTOR_VALID,), dx.REPORTED, note)
    return outcome


def _missed(case: Case, oracle: Oracle) -> dx.Finding:
    """The IUT accepted an invalid payload: which of the vector's rules does the reference confirm?"""
    found = _reference_findings(case, oracle)
    confirmed = [r for r in case.rules if r in found]
    return dx.accepted_by_bytes(case.payload, confirmed or list(case.rules)) or \
        dx.choose(list(case.rules), confirmed=confirmed)


def _wrongly_rejected(case: Case, reply: Reply, oracle: Oracle, fallback: str = dx.VECTOR_VALID) -> dx.Finding:
    """The IUT rejected a valid payload: the rules it names are the ones it gets wrong — unless
    the diagnosis sees through them (a structure error on non-ASCII text is byte-counted LEN)."""
    reported = _reasons(reply, oracle).known
    return dx.rejection_finding(case.payload, reported) or \
        dx.choose(list(case.rules), reported=reported, fallback=fallback)


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

def parse_rules(case: Case) -> list[str]:
    """The rules a parse vector exercises: its own, and for a valid (or acceptable) one the
    faithful-tree rule (every object, in order, values verbatim, templates nested) and, for a
    valid one, `iut.vector.valid`."""
    extra = [dx.PARSE_FAITHFUL] if case.result != "invalid" else []
    if case.result == "valid":
        extra.append(dx.VECTOR_VALID)
    return list(dict.fromkeys([*case_rules(case), *extra]))


def judge_parse(case: Case, reply: Reply, oracle: Oracle) -> Outcome:
    rules = parse_rules(case)
    evidence: dict[str, Any] = {"payload": case.payload, "vector": case.to_vector()}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    accepted = reply.ok
    if reply.ok:
        evidence["actual"] = reply.result
        if not isinstance(reply.result.get("objects"), list):
            return failure_outcome(rules, Reply("parse", failure="parse result has no list 'objects'",
                                                category="protocol"), evidence)
    else:
        evidence["iutError"] = reply.error
        if dx.crash_like(reply.error):
            return crash_outcome(rules, reply, evidence, "rejection")
    if case.result == "acceptable":
        outcome = _acceptable(case, accepted, oracle, rules, evidence)
        if accepted:       # either answer is allowed, but a tree it returns must still be right
            ok, expected, _ = oracle.parse(case.payload, case.mode)
            wrong = _tree_outcome(case, reply, expected if ok else case.expected.get("objects"), rules,
                                  evidence, oracle)
            if wrong is not None:
                return wrong
        return outcome
    if case.result == "invalid":
        if not accepted:
            return _check_rejection(case, reply, oracle, Outcome(
                PASSED, f"rejected as expected ({reply.describe_error()})", rules, None, evidence))
        return soften(Outcome(FAILED, f"IUT parsed a payload that breaks {', '.join(case.rules) or 'the spec'}"
                              f"{_about(case)}; it should have been rejected", rules, "wrong-verdict", evidence,
                              _missed(case, oracle)), oracle.levels)
    # valid
    if not accepted:
        return soften(Outcome(FAILED, f"IUT rejected a valid payload{_about(case)}: {reply.describe_error()}",
                              rules, "wrong-verdict", evidence, _wrongly_rejected(case, reply, oracle)),
                      oracle.levels)
    expected = case.expected.get("objects")
    if expected is None and case.payload is not None:
        ok, expected, _ = oracle.parse(case.payload, case.mode)
    return _tree_outcome(case, reply, expected, rules, evidence, oracle) or \
        Outcome(PASSED, "tree as expected", rules, None, evidence)


def _tree_outcome(case: Case, reply: Reply, expected: list | None, rules: list[str], evidence: dict,
                  oracle: Oracle) -> Outcome | None:
    """None when the IUT's tree equals `expected`; else the failure, diagnosed."""
    actual = reply.result.get("objects")
    evidence["expected"] = {"objects": expected}
    diff = tree_diff(expected, actual)
    if not diff:
        return None
    evidence["diff"] = diff
    finding = dx.tree_finding(expected, actual) or dx.primary(list(case.rules), dx.PARSE_FAITHFUL)
    category = finding.category or ("charset" if looks_like_charset(expected, actual) else "wrong-value")
    return soften(Outcome(FAILED, f"tree differs: {'; '.join(diff[:3])}" + (" …" if len(diff) > 3 else ""),
                          list(dict.fromkeys([*rules, *finding.rules])), category, evidence, finding), oracle.levels)


def judge_validate(case: Case, reply: Reply, oracle: Oracle) -> Outcome:
    rules = case_rules(case) + ([dx.VECTOR_VALID] if case.result == "valid" and case.rules else [])
    evidence: dict[str, Any] = {"payload": case.payload, "vector": case.to_vector()}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    if reply.ok:
        valid = reply.result.get("valid")
        violations = reply.result.get("violations", [])
        if not isinstance(valid, bool) or not isinstance(violations, list):
            return failure_outcome(rules, Reply("validate", failure="validate result needs a boolean 'valid' "
                                                "and a list 'violations'", category="protocol"), evidence)
        evidence["actual"] = {"valid": valid, "violations": violations}
    else:
        valid = False      # "cannot even parse it" is a rejection
        evidence["iutError"] = reply.error
        if dx.crash_like(reply.error):
            return crash_outcome(rules, reply, evidence, "verdict 'invalid'")
    if case.result == "acceptable":
        return _acceptable(case, valid, oracle, rules, evidence)
    if case.result == "invalid":
        if not valid:
            return _check_rejection(case, reply, oracle, Outcome(PASSED, "judged invalid as expected", rules,
                                                                 None, evidence))
        return soften(Outcome(FAILED, f"IUT said valid; the payload breaks {', '.join(case.rules) or 'the spec'}"
                              f"{_about(case)}", rules, "wrong-verdict", evidence, _missed(case, oracle)),
                      oracle.levels)
    if valid:
        return Outcome(PASSED, "judged valid as expected", rules, None, evidence)
    said = _violation_summary(reply)
    return soften(Outcome(FAILED, f"IUT said invalid for a valid payload{_about(case)}: {said}", rules,
                          "wrong-verdict", evidence, _wrongly_rejected(case, reply, oracle)), oracle.levels)


def judge_build(case: Case, reply: Reply, oracle: Oracle, profile: str = "emv") -> Outcome:
    rules = case_rules(case) + ([dx.BUILD_FAITHFUL] if case.result != "invalid" else [])
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
    if not reply.ok and dx.crash_like(reply.error):
        return crash_outcome(rules, reply, evidence, "refusal")
    if case.result == "invalid":
        if not reply.ok:
            return Outcome(PASSED, f"refused to build as expected ({reply.describe_error()})", rules, None, evidence)
        return soften(Outcome(FAILED, f"IUT built {built!r} from objects that break "
                              f"{', '.join(case.rules) or 'the spec'}{_about(case)}", rules, "wrong-verdict",
                              evidence, dx.primary(list(case.rules))), oracle.levels)
    if not reply.ok:
        if case.result == "acceptable":
            return _acceptable(case, False, oracle, rules, evidence)
        return soften(Outcome(FAILED, f"IUT refused to build valid objects{_about(case)}: "
                              f"{reply.describe_error()}", rules, "wrong-verdict", evidence,
                              _wrongly_rejected(case, reply, oracle, dx.BUILD_FAITHFUL)), oracle.levels)
    found = oracle.violations(built, profile) if built != expected_payload else []
    if built == expected_payload or (expected_payload is None and not [v for v in found if v[1] == "MUST"]):
        if case.result == "acceptable":
            return _acceptable(case, True, oracle, rules, evidence)
        return Outcome(PASSED, "built the expected payload", rules, None, evidence)
    mode = case.mode
    ok_b, tree_b, _ = oracle.parse(built, mode)
    ok_e, tree_e, _ = oracle.parse(expected_payload, mode) if expected_payload else (False, None, None)
    if mode == "mpm":      # the CRC depends on the order; the objects are what is compared
        tree_b = [o for o in tree_b or [] if o.get("id") != "63"] if ok_b else tree_b
        tree_e = [o for o in tree_e or [] if o.get("id") != "63"] if ok_e else tree_e
    must = [v for v in found if v[1] == "MUST"]
    lesser = [v for v in found if v[1] != "MUST"]
    if not must and ok_b and ok_e and dx.sorted_tree(tree_b) == dx.sorted_tree(tree_e):
        if lesser:     # same objects, valid, but a SHOULD/MAY rule broken (e.g. a lower-case CRC)
            named = tuple(dict.fromkeys(r for r, _, _ in lesser))
            text = "; ".join(f"{r}: {m}" for r, _, m in lesser[:2])
            evidence["actual"]["violations"] = [list(v) for v in lesser]
            return Outcome(WARNING, f"SHOULD-level: built a valid payload, but {text}",
                           list(dict.fromkeys([*rules, *named])), "wrong-value", evidence,
                           dx.Finding(named, dx.DIAGNOSIS, f"the reference finds {text} in what it built"))
        # EMV fixes only 00 first and 63 last; any other order of the same objects is the IUT's choice.
        evidence["choice"] = "another object order"
        return Outcome(PASSED, "built a valid payload holding the expected objects in another order (EMV MPM "
                       "§4.6.1 fixes only 00 first and 63 last)", rules, None, evidence)
    finding = dx.build_finding(built, expected_payload, found, tree_b if ok_b else None,
                               tree_e if ok_e else None) or dx.primary(list(case.rules), dx.BUILD_FAITHFUL)
    evidence["diff"] = [f"expected {expected_payload!r}", f"got      {built!r}",
                        *(f"[{r}] {m}" for r, _, m in must)]
    why = f"{', '.join(finding.rules)}: {finding.text}"
    category = finding.category or ("charset" if expected_payload and not expected_payload.isascii()
                                    else "wrong-value")
    return soften(Outcome(FAILED, f"IUT built a different payload{_about(case)} — {why}",
                          list(dict.fromkeys([*rules, *finding.rules])), category, evidence, finding), oracle.levels)


def judge_decoded_payload(case: Case, reply: Reply, expected_payload: str, rules: list[str]) -> Outcome:
    rules = list(dict.fromkeys(["iut.decode.exact", *rules]))
    evidence: dict[str, Any] = {"payload": expected_payload, "vector": case.to_vector(), "image": case.image}
    if not reply.answered:
        return failure_outcome(rules, reply, evidence)
    got = reply.result.get("payload") if reply.ok else None
    evidence["actual"] = {"payload": got} if reply.ok else {"error": reply.describe_error()}
    if got == expected_payload:
        return Outcome(PASSED, "decoded exactly", rules, None, evidence)
    if case.result == "acceptable" and not (not reply.ok and dx.crash_like(reply.error)):
        # e.g. a Shift_JIS symbol: refusing it, or handing back its bytes undecoded, is a legitimate
        # choice; the reference's own answer is the common one. Record the choice.
        evidence["choice"] = "refused" if not reply.ok else "decoded differently"
        return Outcome(WARNING, f"acceptable either way; the IUT {evidence['choice']} "
                                f"({reply.describe_error() if not reply.ok else repr(got)}){_about(case)}",
                       rules, None, evidence)
    if not reply.ok:
        if dx.crash_like(reply.error):
            return crash_outcome(rules, reply, evidence, "refusal")
        return Outcome(FAILED, f"IUT could not decode the image: {reply.describe_error()}", rules,
                       "wrong-verdict", evidence,
                       dx.Finding(("iut.decode.exact",), dx.DIAGNOSIS, "it could not decode a readable symbol"))
    how = dx.charset_mangling(expected_payload, got) if isinstance(got, str) else None
    text = f"the payload came back {how}" if how else f"decoded {str(got)[:60]!r}, not the payload"
    category = "charset" if how or not expected_payload.isascii() else "wrong-value"
    return Outcome(FAILED, f"decoded {got!r}, expected {expected_payload!r}", rules, category, evidence,
                   dx.Finding(("iut.decode.exact",), dx.DIAGNOSIS, text))


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
