"""Attribution (issue 14): each failure is charged to the rule the IUT broke, from evidence —
its reported rule ids, a diagnosis of its output, the vector's primary rule as the last resort —
and the reasons of a right rejection are checked."""
from __future__ import annotations

import dataclasses
from binascii import crc_hqx
from pathlib import Path

import pytest

from qrinterop.conformance import diagnosis as dx
from qrinterop.conformance import judge
from qrinterop.conformance.cases import Case, VectorSet
from qrinterop.conformance.oracle import reference_oracle
from qrinterop.emv.mpm import build_mpm
from qrinterop.iut.base import Reply

VSET = VectorSet("t", "1", "0" * 64, Path("/nonexistent/t.json"))
OBJS = [{"id": "00", "value": "01"}, {"id": "26", "children": [{"id": "00", "value": "jp.or.paymentsjapan"},
                                                             {"id": "01", "value": "0000000000001"}]},
        {"id": "52", "value": "5812"}, {"id": "53", "value": "392"}, {"id": "58", "value": "JP"},
        {"id": "59", "value": "CAFE"}, {"id": "60", "value": "TOKYO"},
        {"id": "64", "children": [{"id": "00", "value": "ja"}, {"id": "01", "value": "喫茶さくら"}]}]
PAYLOAD = build_mpm(OBJS)
ORACLE = reference_oracle()


def case(op, result, rules=("mpm.tlv.length",), **kw):
    return Case(set=VSET, tc_id=1, operation=op, profile="emv", result=result, payload=kw.pop("payload", PAYLOAD),
                rules=tuple(rules), **kw)


def err(op, code, message="x"):
    return Reply(op, ok=False, error={"code": code, "message": message})


def _with_crc(body_before_tag: str, crc: int) -> str:
    return f"{body_before_tag}6304{crc:04X}"


@pytest.mark.parametrize("how, crc_of", [
    ("without '6304'", lambda before, body: crc_hqx(before.encode(), 0xFFFF)),
    ("low byte of each UTF-16 code unit", lambda before, body: crc_hqx(bytes(b for i, b in enumerate(body.encode("utf-16-be")) if i % 2), 0xFFFF)),
    ("Shift_JIS", lambda before, body: crc_hqx(body.encode("cp932"), 0xFFFF)),
    ("initial value 0x0000", lambda before, body: crc_hqx(body.encode(), 0)),
])
def test_a_wrong_crc_is_diagnosed_with_how_it_was_computed(how, crc_of):
    before = PAYLOAD[:-8]
    built = _with_crc(before, crc_of(before, before + "6304"))
    out = judge.judge_build(case("build", "valid", ["mpm.tlv.length", "mpm.crc.mismatch"], objects=OBJS),
                            Reply("build", ok=True, result={"payload": built}), ORACLE)
    assert out.status == "failed"
    assert out.attribution.rules == ("mpm.crc.mismatch",) and out.attribution.method == "diagnosis"
    assert (how.replace("without '6304'", "before '6304'") in out.attribution.text) or how in out.attribution.text


@pytest.mark.parametrize("mangle, how", [
    (lambda v: v.encode().decode("latin-1"), "Latin-1"),
    (lambda v: bytes(b for i, b in enumerate(v.encode("utf-16-be")) if i % 2).decode("latin-1"), "UTF-16"),
    (lambda v: v.encode().decode("cp932", errors="replace"), "Shift_JIS"),
])
def test_mangled_text_in_a_parsed_tree_is_charged_to_utf8_and_says_which_charset(mangle, how):
    _, tree, _ = ORACLE.parse(PAYLOAD, "mpm")
    tree[-2]["children"][1]["value"] = mangle(tree[-2]["children"][1]["value"])
    out = judge.judge_parse(case("parse", "valid", ["mpm.tlv.length"]), Reply("parse", ok=True, result={"objects": tree}),
                            ORACLE)
    assert out.attribution.rules == ("mpm.payload.utf8",) and how in out.attribution.text
    assert out.category == "charset"


@pytest.mark.parametrize("change, words", [
    (lambda t: [o for o in t if o["id"] != "60"], "dropped"),
    (lambda t: [{**o, "value": o["value"].strip()} if o["id"] == "59" else o for o in t], "trimmed"),
    (lambda t: sorted(t, key=lambda o: o["id"], reverse=True), "order"),
    (lambda t: [{"id": "26", "value": "0019jp.or.paymentsjapan"} if o["id"] == "26" else o for o in t], "nesting"),
])
def test_tree_differences_are_classified_and_charged_to_parse_faithful(change, words):
    objs = [{**o, "value": "  CAFE "} if o["id"] == "59" else o for o in OBJS]
    payload = build_mpm(objs)
    _, tree, _ = ORACLE.parse(payload, "mpm")
    out = judge.judge_parse(case("parse", "valid", ["mpm.tlv.id"], payload=payload),
                            Reply("parse", ok=True, result={"objects": change(tree)}), ORACLE)
    assert out.status == "failed" and out.attribution.rules == ("iut.parse.faithful",)
    assert words in out.attribution.text


def test_a_crash_or_hang_is_charged_to_the_robustness_rule_alone():
    for category, rule in (("iut-crash", "iut.robust.crash"), ("timeout", "iut.robust.timeout"),
                           ("protocol", "iut.protocol.wire")):
        out = judge.judge_validate(case("validate", "invalid", ["mpm.tlv.length", "mpm.crc.mismatch"]),
                                   Reply("validate", failure="boom", category=category), ORACLE)
        assert out.status == "failed" and out.attribution.rules == (rule,)


def test_a_valid_payload_rejected_with_reasons_is_charged_to_the_reported_rule():
    out = judge.judge_validate(case("validate", "valid", ["mpm.country.format"], payload=build_mpm(OBJS[:7])),
                               Reply("validate", ok=True, result={"valid": False, "violations": [
                                   {"rule": "mpm.amount.format", "message": "no"}]}), ORACLE)
    assert out.attribution.rules == ("mpm.amount.format",) and out.attribution.method == "reported"


def test_non_ascii_payload_rejected_as_malformed_is_lengths_in_bytes():
    out = judge.judge_validate(case("validate", "valid", ["mpm.payload.utf8"]),
                               Reply("validate", ok=True, result={"valid": False, "violations": [
                                   {"rule": "mpm.tlv.id", "message": "id '\u00e5' is not two digits"}]}), ORACLE)
    assert out.attribution.rules == ("mpm.tlv.length",) and out.attribution.method == "diagnosis"


def test_no_evidence_falls_back_to_the_primary_rule():
    out = judge.judge_parse(case("parse", "valid", ["mpm.tlv.truncated", "mpm.tlv.id"]), err("parse", "E42"), ORACLE)
    assert out.attribution.rules == ("mpm.tlv.truncated",) and out.attribution.method == "primary"


def test_an_accepted_invalid_payload_is_charged_to_the_rules_the_reference_confirms():
    dup = build_mpm(OBJS[:6]).replace("5904CAFE", "5904CAFE5904CAFE")
    out = judge.judge_parse(case("parse", "invalid", ["mpm.tlv.duplicate", "mpm.crc.mismatch"], payload=dup),
                            Reply("parse", ok=True, result={"objects": []}), ORACLE)
    assert "mpm.tlv.duplicate" in out.attribution.rules and out.attribution.method == "diagnosis"


def test_right_rejection_for_another_reason_is_a_recorded_warning():
    bad = PAYLOAD[:-4] + ("0000" if PAYLOAD[-4:] != "0000" else "1111")       # wrong CRC only
    out = judge.judge_validate(case("validate", "invalid", ["mpm.crc.mismatch"], payload=bad),
                               Reply("validate", ok=True, result={"valid": False, "violations": [
                                   {"rule": "mpm.country.format", "message": "?"}]}), ORACLE)
    assert out.status == "warning" and out.warnings[0].startswith("rejected for another reason")
    related = judge.judge_validate(case("validate", "invalid", ["mpm.crc.mismatch"], payload=bad),
                                   Reply("validate", ok=True, result={"valid": False, "violations": [
                                       {"rule": "mpm.crc.mismatch", "message": "crc"}]}), ORACLE)
    assert related.status == "passed" and not related.warnings


def test_unknown_error_codes_are_noted_and_a_mapping_file_translates_them():
    bad = PAYLOAD[:-4] + ("0000" if PAYLOAD[-4:] != "0000" else "1111")
    out = judge.judge_parse(case("parse", "invalid", ["mpm.crc.mismatch"], payload=bad), err("parse", "E_CRC"), ORACLE)
    assert out.status == "passed" and "unknown error code(s) E_CRC" in out.warnings[0]
    mapped = dataclasses.replace(ORACLE, error_codes={"E_CRC": "mpm.crc.mismatch", "E_CC": "mpm.country.format"})
    assert judge.judge_parse(case("parse", "invalid", ["mpm.crc.mismatch"], payload=bad), err("parse", "E_CRC"),
                             mapped).warnings == []
    other = judge.judge_parse(case("parse", "invalid", ["mpm.crc.mismatch"], payload=bad), err("parse", "E_CC"), mapped)
    assert other.status == "warning"


@pytest.mark.parametrize("error", [
    {"code": "UnicodeDecodeError", "message": "'utf-8' codec can't decode byte 0xe5"},
    {"code": "error", "message": "Traceback (most recent call last): …"},
    {"code": "internal", "message": "panic: runtime error: index out of range [12] with length 12"},
    {"code": "TypeError", "message": "Cannot read properties of undefined (reading 'length')"},
])
def test_a_rejection_that_is_the_iut_crashing_is_not_a_pass(error):
    out = judge.judge_parse(case("parse", "invalid", ["mpm.tlv.truncated"]), Reply("parse", ok=False, error=error),
                            ORACLE)
    assert out.status == "failed" and out.attribution.rules == ("iut.robust.crash",)


def test_a_judgement_message_is_not_mistaken_for_a_crash():
    assert dx.crash_like({"code": "mpm.tlv.id", "message": "id undefined is not two digits"}) is None
    assert dx.crash_like({"code": "mpm.tlv.length", "message": "length '1A' is not a number"}) is None


def test_builder_choosing_another_object_order_passes():
    objs = OBJS[:7]
    reordered = [objs[0], *reversed(objs[1:])]
    out = judge.judge_build(case("build", "valid", ["mpm.tlv.length"], objects=objs, payload=build_mpm(objs)),
                            Reply("build", ok=True, result={"payload": build_mpm(reordered)}), ORACLE)
    assert out.status == "passed" and "another order" in out.message


def test_record_fields_carry_attribution_only_for_failures_and_warnings():
    out = judge.judge_parse(case("parse", "valid", ["mpm.tlv.truncated"]), err("parse", "E42"), ORACLE)
    fields = out.record_fields()
    assert fields["attribution"] == {"rules": ["mpm.tlv.truncated"], "method": "primary"} and fields["diagnosis"]
    passed = judge.judge_parse(case("parse", "invalid"), err("parse", "mpm.tlv.length"), ORACLE)
    assert passed.record_fields()["attribution"] is None


@pytest.mark.parametrize("mangle, words", [
    (lambda body: crc_hqx(bytes(b for i, b in enumerate(body.encode("utf-16-be")) if i % 2), 0xFFFF),
     "low byte of each UTF-16 code unit"),
    (lambda body: crc_hqx(body.encode("shift_jis"), 0xFFFF), "Shift_JIS"),
    (lambda body: crc_hqx(body.encode(), 0), "XMODEM"),
])
def test_the_validator_names_the_wrong_crc_computation_for_japanese_text(mangle, words):
    from qrinterop.rules import validate
    body = PAYLOAD[:-4]
    report = validate(body + f"{mangle(body):04X}", profile="emv")
    crc = [v for v in report.violations if v.rule == "mpm.crc.mismatch"]
    assert crc and words in crc[0].message
