"""Property tests run against the IUT: round trip and differential against the reference."""
from __future__ import annotations

import pytest

from qrinterop.conformance import diagnosis as dx
from qrinterop.conformance import judge
from qrinterop.conformance.properties import DEFAULT_EXAMPLES, Problem, as_vector, run_property, without_crc
from qrinterop.conformance.strategies import broken_payloads, mpm_objects, payloads
from qrinterop.conformance.suite_rules import failure_rule
from qrinterop.emv.mpm import build_mpm
from qrinterop.iut.base import Reply
from hypothesis import strategies as st

pytestmark = [pytest.mark.kind(name="property"), pytest.mark.profile(name="emv")]


def _transport(reply: Reply, rules: list[str], payload: str | None) -> Problem:
    broken = failure_rule(reply.category) or "iut.protocol.wire"
    return Problem(f"no valid answer from the IUT: {reply.failure}", [*rules, broken],
                   judge.record_category(reply.category), {"payload": payload, "stderr": reply.stderr},
                   transport=True, finding=dx.Finding((broken,), dx.DIAGNOSIS, f"no valid answer: {reply.failure}"))


def _tree_rule(charset: bool) -> str:
    """The catalogue rule a wrong tree most likely breaks: text not read as UTF-8, or LEN not
    counted in characters (both show up as shifted or mangled values)."""
    return "mpm.payload.utf8" if charset else "mpm.tlv.length"


def _finish(conformance, result, name: str, rules: list[str]) -> None:
    if result.problem is None:
        conformance.finish(judge.Outcome(judge.PASSED, f"{result.examples} examples, no counterexample", rules))
        return
    p = result.problem
    finding = p.finding or dx.primary(rules)
    conformance.finish(judge.Outcome(judge.FAILED, f"{p.message} (shrunk counterexample after "
                                     f"{result.examples} examples; see evidence.counterexample)",
                                     list(dict.fromkeys([*(r for r in p.rules if r), *finding.rules])), p.category,
                                     p.evidence, finding))


@pytest.mark.rule(id="iut.roundtrip")
@pytest.mark.op(name="build")
def test_roundtrip(iut, oracle, conformance, suite_options):
    rules = ["iut.roundtrip"]
    conformance.skip_unless(iut, "build")
    conformance.skip_unless(iut, "parse")

    def prop(objects: list[dict]) -> Problem | None:
        expected_payload = build_mpm(objects)
        built = iut.build(objects, "mpm")
        if not built.answered:
            return _transport(built, rules, expected_payload)
        ev = {"payload": expected_payload, "expected": {"payload": expected_payload}}
        if not built.ok or not isinstance(built.result.get("payload"), str):
            ev["actual"] = {"error": built.error, "result": built.result}
            ev["counterexample"] = as_vector("build", expected_payload, True, rules, "IUT could not build these",
                                             objects=objects)
            return Problem(f"IUT refused to build valid objects: {built.describe_error()}", rules, "wrong-verdict", ev,
                           finding=dx.Finding(("iut.roundtrip",), dx.DIAGNOSIS, "it refused to build valid objects"))
        payload = built.result["payload"]
        ev["actual"] = {"payload": payload}
        found = oracle.violations(payload, "emv")
        broken = [v for v in found if v[1] == "MUST"]
        if broken:
            named = [r for r, _, _ in broken]
            ok_b, tree_b, _ = oracle.parse(payload, "mpm")
            finding = dx.build_finding(payload, expected_payload, found, tree_b if ok_b else None, objects)
            ev["counterexample"] = as_vector("build", expected_payload, True, named,
                                             f"IUT built {payload!r}", objects=objects)
            return Problem("the payload the IUT built is invalid: " + "; ".join(f"{r}: {m}" for r, _, m in broken[:3]),
                           [*rules, *named], "charset" if not payload.isascii() else "wrong-value", ev,
                           finding=finding)
        parsed = iut.parse(payload, "mpm")
        if not parsed.answered:
            return _transport(parsed, rules, payload)
        back = without_crc(parsed.result.get("objects")) if parsed.ok else None
        diff = judge.tree_diff(objects, back) if parsed.ok else [f"IUT rejected its own payload: {parsed.describe_error()}"]
        if diff and not parsed.ok:
            reported = judge._reasons(parsed, oracle).known
            finding = dx.rejection_finding(payload, reported) or dx.choose(["iut.roundtrip"], reported=reported)
        elif diff:
            finding = dx.tree_finding(objects, back)
        if diff:
            ev["diff"] = diff
            charset = judge.looks_like_charset(objects, back)
            ev["counterexample"] = as_vector("parse", payload, True, [_tree_rule(charset)], "round trip through the IUT",
                                             expected={"objects": oracle.parse(payload, "mpm")[1]})
            return Problem("parse(build(objects)) differs: " + "; ".join(diff[:3]), [*rules, _tree_rule(charset)],
                           "charset" if charset else "wrong-value", ev, finding=finding)
        return None

    examples = suite_options["examples"] or DEFAULT_EXAMPLES["roundtrip"]
    _finish(conformance, run_property(prop, mpm_objects(), examples), "roundtrip", rules)


@pytest.mark.rule(id="iut.differential")
@pytest.mark.op(name="parse")
@pytest.mark.kind(name="differential")
def test_differential_parse(iut, oracle, conformance, suite_options):
    rules = ["iut.differential"]
    conformance.skip_unless(iut, "parse")

    def prop(payload: str) -> Problem | None:
        ref_ok, ref_objects, ref_error = oracle.parse(payload, "mpm")
        reply = iut.parse(payload, "mpm")
        if not reply.answered:
            return _transport(reply, rules, payload)
        ref_rule = ref_error.split(":", 1)[0] if ref_error else None
        ev = {"payload": payload, "expected": {"objects": ref_objects} if ref_ok else {"error": ref_error},
              "actual": reply.result if reply.ok else {"error": reply.error}}
        named = [ref_rule] if ref_rule else rules
        if ref_ok and not reply.ok and not judge.dx.crash_like(reply.error) and \
                any(r == "mpm.crc.mismatch" for r, _, _ in oracle.violations(payload, "emv")):
            return None     # sound structure, wrong CRC: a parser may check the CRC (mpm-structure/31)
        if ref_ok != reply.ok:
            what = ("IUT accepted a payload the reference rejects (" + (ref_error or "") + ")") if reply.ok \
                else f"IUT rejected a payload the reference reads: {reply.describe_error()}"
            ev["counterexample"] = as_vector("parse", payload, ref_ok, named, what,
                                             expected={"objects": ref_objects} if ref_ok else None)
            if reply.ok:
                finding = dx.Finding(tuple(named), dx.DIAGNOSIS, f"it parsed a payload the reference rejects "
                                     f"for {ref_rule}") if ref_rule else None
            else:
                reported = judge._reasons(reply, oracle).known
                finding = dx.rejection_finding(payload, reported) or dx.choose(rules, reported=reported,
                                                                              fallback="iut.differential")
            return Problem(what, [*rules, *named], "wrong-verdict", ev, finding=finding)
        if ref_ok:
            diff = judge.tree_diff(ref_objects, reply.result.get("objects"))
            if diff:
                charset = judge.looks_like_charset(ref_objects, reply.result.get("objects"))
                ev["diff"] = diff
                ev["counterexample"] = as_vector("parse", payload, True, [_tree_rule(charset)], "trees differ",
                                                 expected={"objects": ref_objects})
                return Problem("IUT reads a different tree: " + "; ".join(diff[:3]), [*rules, _tree_rule(charset)],
                               "charset" if charset else "wrong-value", ev,
                               finding=dx.tree_finding(ref_objects, reply.result.get("objects")))
        return None

    examples = suite_options["examples"] or DEFAULT_EXAMPLES["differential"]
    strategy = st.one_of(payloads(), broken_payloads())
    _finish(conformance, run_property(prop, strategy, examples), "differential", rules)


@pytest.mark.rule(id="iut.differential")
@pytest.mark.op(name="validate")
@pytest.mark.kind(name="differential")
def test_differential_validate(iut, oracle, conformance, suite_options):
    """The IUT's valid/invalid verdict equals the reference's on valid payloads and on structurally
    damaged ones, under profile emv, or, for an IUT that does not declare emv (a KHQR-only
    validator, say), under the first profile it declares: it is not asked to judge a profile it
    never claimed, and a KHQR validator that calls a plain EMV code invalid breaks nothing."""
    rules = ["iut.differential"]
    conformance.skip_unless(iut, "validate")
    declared = iut.hello().profiles or ("emv",)
    profile = "emv" if "emv" in declared else declared[0]
    known = set(oracle.levels)

    def prop(payload: str) -> Problem | None:
        broken = [(r, m) for r, level, m in oracle.violations(payload, profile) if level == "MUST"]
        ref_valid = not broken
        reply = iut.validate(payload, profile)
        if not reply.answered:
            return _transport(reply, rules, payload)
        iut_valid = reply.ok and reply.result.get("valid") is True
        if iut_valid == ref_valid:
            return None
        said = [v.get("rule") for v in (reply.result or {}).get("violations") or [] if isinstance(v, dict)]
        if ref_valid:   # the IUT rejects a payload the reference accepts: name the rule it cites, if ours
            named = [r for r in said if r in known] or rules
            what = f"IUT says invalid ({_said(reply)}); the reference finds nothing wrong"
            reported = [r for r in said if r in known]
            finding = dx.rejection_finding(payload, reported) or dx.choose(rules, reported=reported,
                                                                          fallback="iut.differential")
        else:
            named = [r for r, _ in broken]
            what = f"IUT says valid; the reference finds {'; '.join(f'{r}: {m}' for r, m in broken[:2])}"
            finding = dx.Finding(tuple(dict.fromkeys(named)), dx.DIAGNOSIS,
                                 f"it judged valid a payload the reference finds breaking {', '.join(dict.fromkeys(named))}")
        ev = {"payload": payload, "profile": profile,
              "expected": {"valid": ref_valid, "violations": [r for r, _ in broken]},
              "actual": reply.result if reply.ok else {"error": reply.error},
              "counterexample": as_vector("validate", payload, ref_valid, named, what)}
        return Problem(what, [*rules, *named], "wrong-verdict", ev, finding=finding)

    examples = suite_options["examples"] or DEFAULT_EXAMPLES["differential"]
    _finish(conformance, run_property(prop, st.one_of(payloads(), broken_payloads()), examples), "differential", rules)


def _said(reply: Reply) -> str:
    if not reply.ok:
        return reply.describe_error()
    vs = reply.result.get("violations") or []
    return "; ".join(f"{v.get('rule')}: {v.get('message', '')}" for v in vs[:2] if isinstance(v, dict)) or "no reason given"
