"""Each EMV MPM rule: the valid base payload passes it, and one violating example breaks it."""
import pytest

from qrinterop.emv.crc import crc_hex
from qrinterop.emv.mpm import build_mpm
from qrinterop.rules import rules_for, validate

BASE = [
    {"id": "00", "value": "01"}, {"id": "01", "value": "12"},
    {"id": "26", "children": [{"id": "00", "value": "jp.or.paymentsjapan"}, {"id": "01", "value": "0000000000001"}]},
    {"id": "52", "value": "5812"}, {"id": "53", "value": "392"}, {"id": "54", "value": "1000"},
    {"id": "58", "value": "JP"}, {"id": "59", "value": "SHOP"}, {"id": "60", "value": "TOKYO"},
    {"id": "62", "children": [{"id": "05", "value": "REF1"}]},
    {"id": "64", "children": [{"id": "00", "value": "JA"}, {"id": "01", "value": "喫茶店"}]},
]


def tlv(id_: str, value: str) -> str:
    return f"{id_}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    return body + "6304" + crc_hex(body + "6304")


def replaced(id_: str, value=None, children=None) -> str:
    objs = [o for o in BASE if o["id"] != id_]
    if value is not None:
        objs.append({"id": id_, "value": value})
    if children is not None:
        objs.append({"id": id_, "children": children})
    return build_mpm(objs)


BASE_PAYLOAD = build_mpm(BASE)
BODY = BASE_PAYLOAD[:-8]
BIG = build_mpm(BASE + [{"id": f"{80 + i}", "children": [{"id": "00", "value": "com.example"},
                                                         {"id": "01", "value": "x" * 80}]} for i in range(5)])
LOWER = next(p for p in (replaced("59", f"SHOP{i}") for i in range(50)) if any(c in "ABCDEF" for c in p[-4:]))

VIOLATIONS = {
    "mpm.tlv.id": with_crc(BODY + "X102ab"),
    "mpm.tlv.length": with_crc(BODY + "59X1"),
    "mpm.tlv.empty": with_crc(BODY + "6100"),
    "mpm.tlv.truncated": BASE_PAYLOAD[:40],
    "mpm.tlv.duplicate": with_crc(BODY + tlv("59", "OTHER")),
    "mpm.payload.size": BIG,
    "mpm.payload.utf8": BASE_PAYLOAD.encode("utf-8")[:-30] + b"\xff" + BASE_PAYLOAD.encode("utf-8")[-29:],
    "mpm.order.pfi_first": with_crc(BODY[6:] + "000201"),
    "mpm.order.crc_last": with_crc(BODY) + tlv("61", "1000001"),
    "mpm.crc.present": BODY,
    "mpm.crc.format": BODY + "6304" + "12G4",
    "mpm.crc.uppercase": LOWER[:-4] + LOWER[-4:].lower(),
    "mpm.crc.mismatch": BASE_PAYLOAD[:-1] + ("0" if BASE_PAYLOAD[-1] != "0" else "1"),
    "mpm.root.mandatory": build_mpm([o for o in BASE if o["id"] != "52"]),
    "mpm.pfi.value": with_crc(tlv("00", "02") + BODY[6:]),
    "mpm.poi.value": replaced("01", "13"),
    "mpm.mai.present": build_mpm([o for o in BASE if o["id"] != "26"]),
    "mpm.template.gui": replaced("26", children=[{"id": "01", "value": "0000000000001"}]),
    "mpm.template.gui_first": replaced("26", children=[{"id": "01", "value": "1"}, {"id": "00", "value": "a.b"}]),
    "mpm.field.format": replaced("59", "ショップ"),
    "mpm.field.length": replaced("59", "A" * 26),
    "mpm.rfu.id": build_mpm(BASE + [{"id": "65", "value": "x"}]),
    "mpm.country.format": replaced("58", "jp"),
    "mpm.currency.known": replaced("53", "999"),
    "mpm.amount.format": replaced("54", "0.00"),
    "mpm.amount.decimals": replaced("54", "100.5"),
    "mpm.tip.value": build_mpm(BASE + [{"id": "55", "value": "04"}]),
    "mpm.tip.fixed": build_mpm(BASE + [{"id": "55", "value": "02"}]),
    "mpm.tip.percentage": build_mpm(BASE + [{"id": "55", "value": "03"}, {"id": "57", "value": "100"}]),
    "mpm.adf.nonempty": with_crc(BODY.replace(tlv("62", tlv("05", "REF1")), "") + "6200"),
    "mpm.adf.consumer_request": replaced("62", children=[{"id": "09", "value": "AA"}]),
    "mpm.lang.required": replaced("64", children=[{"id": "00", "value": "JA"}]),
    "mpm.lang.code": replaced("64", children=[{"id": "00", "value": "J1"}, {"id": "01", "value": "店"}]),
    "mpm.adf.v11_fields": replaced("62", children=[{"id": "11", "value": "123"}]),
}


def test_base_payload_is_clean():
    report = validate(BASE_PAYLOAD)
    assert report.valid and report.violations == []


def test_every_emv_rule_has_a_violating_example():
    assert {r.id for r in rules_for("emv")} == set(VIOLATIONS)


@pytest.mark.parametrize("rule_id", sorted(VIOLATIONS))
def test_rule_is_reported(rule_id):
    rule = next(r for r in rules_for("emv") if r.id == rule_id)
    report = validate(VIOLATIONS[rule_id])
    found = [v for v in report.violations if v.rule == rule_id]
    assert found, f"{rule_id} not reported; got {[v.rule for v in report.violations]}"
    assert all(v.level == rule.level for v in found)
    assert report.valid == (rule.level != "MUST" and all(v.level != "MUST" for v in report.violations))
    assert all(v.message for v in found)


def test_violations_name_path_and_offset():
    report = validate(replaced("59", "A" * 26))
    (v,) = report.violations
    assert (v.rule, v.path, v.value) == ("mpm.field.length", "59", "A" * 26)
    assert report.payload[v.offset - 4:v.offset - 2] == "59"


def test_all_violations_are_reported_not_just_the_first():
    payload = with_crc(BODY.replace(tlv("54", "1000"), tlv("54", "ab")).replace(tlv("58", "JP"), tlv("58", "jp"))
                       + tlv("59", "TWICE"))
    rules = {v.rule for v in validate(payload).violations}
    assert {"mpm.amount.format", "mpm.country.format", "mpm.tlv.duplicate"} <= rules


def test_crc_diagnosis_names_the_known_bug():
    body = BODY + "6304"
    wrong = f"{__import__('binascii').crc_hqx(body[:-4].encode(), 0xFFFF):04X}"
    report = validate(body + wrong)
    (v,) = [v for v in report.violations if v.rule == "mpm.crc.mismatch"]
    assert "before '6304'" in v.message


def test_auto_applies_an_override_only_when_every_detected_profile_makes_it():
    from qrinterop.rules import _levels
    assert _levels(("emv", "promptpay"))["mpm.root.mandatory"] == "OFF"
    assert _levels(("emv", "promptpay", "pix"))["mpm.root.mandatory"] == "MUST"
