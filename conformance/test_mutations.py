"""Mutation tests: every single mutation of a valid payload that the reference rejects must be
rejected by the IUT too (through `validate` when the IUT has it, else `parse`)."""
from __future__ import annotations

import pytest

from qrinterop.conformance import diagnosis as dx
from qrinterop.conformance import judge
from qrinterop.conformance.mutations import single_mutations
from qrinterop.conformance.properties import as_vector
from qrinterop.conformance.suite_rules import failure_rule
from qrinterop.emv.mpm import build_mpm

pytestmark = [pytest.mark.kind(name="mutation"), pytest.mark.profile(name="emv"), pytest.mark.rule(id="iut.mutation")]

_MAI = {"id": "26", "children": [{"id": "00", "value": "jp.or.paymentsjapan"}, {"id": "01", "value": "0000000000001"}]}
SEEDS = {
    "ascii": [{"id": "00", "value": "01"}, {"id": "01", "value": "12"}, _MAI, {"id": "52", "value": "5812"},
              {"id": "53", "value": "392"}, {"id": "54", "value": "1500"}, {"id": "58", "value": "JP"},
              {"id": "59", "value": "SAKURA CAFE"}, {"id": "60", "value": "TOKYO"},
              {"id": "62", "children": [{"id": "05", "value": "INV-0042"}]}],
    "japanese": [{"id": "00", "value": "01"}, _MAI, {"id": "52", "value": "5812"}, {"id": "53", "value": "392"},
                 {"id": "58", "value": "JP"}, {"id": "59", "value": "SAKURA"}, {"id": "60", "value": "OSAKA"},
                 {"id": "64", "children": [{"id": "00", "value": "ja"}, {"id": "01", "value": "さくら食堂"}]}],
}
MUTANTS_PER_FAMILY = 60
MAX_LISTED = 10


def _reference_rejects(oracle, payload: str, op: str) -> str | None:
    """The rule the reference rejects `payload` for, or None when it accepts it."""
    ok, _, error = oracle.parse(payload, "mpm")
    if not ok:
        return error.split(":", 1)[0]
    if op == "validate":
        broken = [r for r, level, _ in oracle.violations(payload, "emv") if level == "MUST"]
        return broken[0] if broken else None
    return None


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_mutation(seed, iut, oracle, conformance):
    rules = ["iut.mutation"]
    op = "validate" if iut.supports("validate") else "parse"
    conformance.meta(operation=op)
    conformance.skip_unless(iut, op)
    payload = build_mpm(SEEDS[seed])
    mutants = [(m, rule) for m in single_mutations(payload, MUTANTS_PER_FAMILY)
               if (rule := _reference_rejects(oracle, m.payload, op))]
    fields = (lambda p: {"payload": p, "profile": "emv"}) if op == "validate" else (lambda p: {"payload": p, "mode": "mpm"})
    futures = [iut.submit(op, fields(m.payload)) for m, _ in mutants]      # pipelined
    accepted, broken = [], []
    for (mutant, rule), future in zip(mutants, futures):
        reply = future.result()
        if not reply.answered:
            broken.append((mutant, rule, reply))
        elif reply.ok and (op == "parse" or reply.result.get("valid") is True):
            accepted.append((mutant, rule))
    evidence = {"payload": payload, "mutants": len(mutants), "operation": op}
    if broken:
        mutant, rule, reply = broken[0]
        evidence.update(stderr=reply.stderr, counterexample=as_vector(op, mutant.payload, False, [rule], mutant.how))
        failed_rule = failure_rule(reply.category) or "iut.protocol.wire"
        conformance.finish(judge.Outcome(judge.FAILED, f"{len(broken)} of {len(mutants)} mutants got no valid answer; "
                                         f"first ({mutant.how}): {reply.failure}",
                                         [*rules, failed_rule], judge.record_category(reply.category),
                                         evidence, dx.Finding((failed_rule,), dx.DIAGNOSIS,
                                                              f"a mutant ({mutant.how}) got no answer: {reply.failure}")))
    if accepted:
        named = list(dict.fromkeys(rule for _, rule in accepted))
        evidence["accepted"] = [{"how": m.how, "payload": m.payload, "referenceRule": r} for m, r in accepted[:MAX_LISTED]]
        first, rule = accepted[0]
        evidence["counterexample"] = as_vector(op, first.payload, False, [rule], f"mutant of seed {seed}: {first.how}")
        conformance.finish(judge.Outcome(judge.FAILED, f"IUT accepted {len(accepted)} of {len(mutants)} mutants the "
                                         f"reference rejects (rules: {', '.join(named)}); first: {first.how}",
                                         [*rules, *named], "wrong-verdict", evidence,
                                         dx.Finding(tuple(named), dx.DIAGNOSIS,
                                                    f"it accepted mutants the reference rejects for "
                                                    f"{', '.join(named)}; first: {first.how}")))
    conformance.finish(judge.Outcome(judge.PASSED, f"all {len(mutants)} rejected mutants rejected", rules,
                                     None, evidence))
