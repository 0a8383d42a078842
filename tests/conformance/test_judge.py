"""The judge: verdicts per result kind, tree diffs, charset detection, SHOULD softening."""
from __future__ import annotations

from pathlib import Path

from qrinterop.conformance import judge
from qrinterop.conformance.cases import Case, VectorSet
from qrinterop.conformance.oracle import reference_oracle
from qrinterop.emv.mpm import build_mpm
from qrinterop.iut.base import Reply

VSET = VectorSet("t", "1", "0" * 64, Path("/nonexistent/t.json"))
OBJS = [{"id": "00", "value": "01"}, {"id": "26", "children": [{"id": "00", "value": "jp.or.paymentsjapan"}]},
        {"id": "52", "value": "5812"}, {"id": "53", "value": "392"}, {"id": "58", "value": "JP"},
        {"id": "59", "value": "CAFE"}, {"id": "60", "value": "TOKYO"},
        {"id": "64", "children": [{"id": "00", "value": "ja"}, {"id": "01", "value": "喫茶"}]}]
PAYLOAD = build_mpm(OBJS)


def case(op, result, rules=("mpm.tlv.length",), **kw):
    return Case(set=VSET, tc_id=1, operation=op, profile="emv", result=result, payload=kw.pop("payload", PAYLOAD),
                rules=tuple(rules), **kw)


def ok(op, result):
    return Reply(op, ok=True, result=result)


def test_invalid_vector_rejected_is_a_pass_accepted_is_a_wrong_verdict():
    oracle = reference_oracle()
    assert judge.judge_parse(case("parse", "invalid"), Reply("parse", ok=False, error={"code": "x", "message": "y"}),
                             oracle).status == "passed"
    out = judge.judge_parse(case("parse", "invalid"), ok("parse", {"objects": []}), oracle)
    assert out.status == "failed" and out.category == "wrong-verdict"


def test_valid_vector_tree_diff_names_the_path_and_spots_mangled_utf8():
    oracle = reference_oracle()
    _, objects, _ = oracle.parse(PAYLOAD, "mpm")
    mangled = [dict(o) for o in objects]
    mangled[7] = {"id": "64", "children": [{"id": "00", "value": "ja"},
                                           {"id": "01", "value": "喫茶".encode().decode("latin-1")}]}
    out = judge.judge_parse(case("parse", "valid"), ok("parse", {"objects": mangled}), oracle)
    assert out.status == "failed" and out.category == "charset" and "64.01" in out.message
    good = judge.judge_parse(case("parse", "valid"), ok("parse", {"objects": objects}), oracle)
    assert good.status == "passed"


def test_transport_failure_fails_under_the_robustness_rule_with_stderr():
    out = judge.judge_validate(case("validate", "valid"),
                               Reply("validate", failure="exited", category="iut-crash", stderr="Traceback"),
                               reference_oracle())
    assert out.status == "failed" and out.category == "iut-crash" and "iut.robust.crash" in out.rules
    assert out.evidence["stderr"] == "Traceback"


def test_wrong_answer_on_should_rules_is_a_warning():
    out = judge.judge_validate(case("validate", "invalid", rules=("mpm.crc.uppercase",)),
                               ok("validate", {"valid": True, "violations": []}), reference_oracle())
    assert out.status == "warning"


def test_acceptable_records_the_choice_and_warns_on_the_less_common_one():
    lower = PAYLOAD[:-4] + PAYLOAD[-4:].lower()
    c = case("validate", "acceptable", rules=("mpm.crc.uppercase",), payload=lower, preferred="valid")
    same = judge.judge_validate(c, ok("validate", {"valid": True}), reference_oracle())
    other = judge.judge_validate(c, ok("validate", {"valid": False}), reference_oracle())
    assert (same.status, same.evidence["choice"]) == ("passed", "valid")
    assert (other.status, other.evidence["choice"]) == ("warning", "invalid")


def test_build_failure_names_the_rule_the_reference_finds():
    bad = PAYLOAD[:-4] + "0000"
    out = judge.judge_build(case("build", "valid", rules=(), objects=OBJS), ok("build", {"payload": bad}),
                            reference_oracle())
    assert out.status == "failed" and "mpm.crc.mismatch" in out.rules and "mpm.crc.mismatch" in out.message


def test_tree_diff_pairs_repeated_ids_by_occurrence():
    a = [{"id": "61", "children": [{"id": "4F", "value": "A1"}]}, {"id": "61", "children": [{"id": "4F", "value": "A2"}]}]
    assert judge.tree_diff(a, a) == []
    b = [a[0], {"id": "61", "children": [{"id": "4F", "value": "XX"}]}]
    assert judge.tree_diff(a, b) == ["61[1].4F: expected 'A2', got 'XX'"]


def test_garbage_answer_is_a_protocol_failure_not_a_crash():
    out = judge.judge_validate(case("validate", "valid"),
                               Reply("validate", failure="IUT wrote a line that is not JSON", category="protocol"),
                               reference_oracle())
    assert out.status == "failed" and out.category == "protocol" and "iut.protocol.wire" in out.rules


def test_protocol_failure_on_a_should_rule_stays_a_failure():
    levels = {"mpm.crc.uppercase": "SHOULD"}
    outcome = judge.Outcome(judge.FAILED, "garbage", ["mpm.crc.uppercase"], "protocol")
    assert judge.soften(outcome, levels).status == judge.FAILED


def test_acceptable_image_refused_is_a_recorded_choice_not_a_failure():
    image_case = case("decode_image", "acceptable")
    out = judge.judge_decoded_payload(image_case, Reply("decode_image", error={"code": "E", "message": "Shift_JIS"}),
                                      "000201", ["mpm.payload.utf8"])
    assert out.status == "warning" and out.evidence["choice"] == "refused"
    valid_case = case("decode_image", "valid")
    out = judge.judge_decoded_payload(valid_case, Reply("decode_image", error={"code": "E", "message": "no"}),
                                      "000201", ["iut.decode.exact"])
    assert out.status == "failed"
