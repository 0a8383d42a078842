import base64

import pytest

from qrinterop.emv.cpm import build_cpm, encode_tlv, parse_cpm, scan_cpm
from qrinterop.errors import CpmError
from qrinterop.rules import rules_for, validate
from tests.codec.samples import CPM_EXAMPLE_1, CPM_EXAMPLE_2


def b64(hex_: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_)).decode()


def app(*objs, tag="61"):
    return {"id": tag, "children": list(objs)}


PFI = {"id": "85", "value": b"CPV01".hex()}
AID = {"id": "4F", "value": "A0000000555555"}
TRACK2 = {"id": "57", "value": "1234567890123458D191220112345F"}
PAN = {"id": "5A", "value": "1234567890123458"}


def payload(*objs) -> str:
    return build_cpm(list(objs))


@pytest.mark.parametrize("text", [CPM_EXAMPLE_1, CPM_EXAMPLE_2])
def test_spec_examples_round_trip_and_validate(text):
    parsed = parse_cpm(text)
    assert build_cpm(parsed.to_objects()) == text
    assert validate(text, "cpm").violations == []


def test_example_2_tree():
    p = parse_cpm(CPM_EXAMPLE_2)
    assert [o.tag for o in p.objects] == ["85", "61", "61", "62"]
    common = p.objects[3]
    assert bytes.fromhex(common.child("5F20").value.hex()) == b"CARDHOLDER/EMV"
    assert [c.tag for c in common.child("64").children] == ["9F10", "9F26", "9F36", "9F37"]


@pytest.mark.parametrize("size, length_hex", [(127, "7F"), (128, "8180"), (200, "81C8"), (300, "82012C")])
def test_long_form_lengths(size, length_hex):
    # notes C1: encoders that keep one length byte break templates over 127 bytes
    data = encode_tlv([{"id": "9F10", "value": "00" * size}])
    assert data.hex().upper().startswith("9F10" + length_hex)
    assert scan_cpm(data).issues == () and len(scan_cpm(data).objects[0].value) == size


@pytest.mark.parametrize("text, rule", [
    ("hQVD!!UFY", "cpm.base64"),
    (b64("850543505630"), "cpm.ber.truncated"),
    (b64("8580"), "cpm.ber.length"),
    (b64("8583010203"), "cpm.ber.length"),
    (b64("5F"), "cpm.ber.tag"),
])
def test_structural_errors_are_located(text, rule):
    with pytest.raises(CpmError) as err:
        parse_cpm(text)
    assert err.value.rule == rule


VIOLATIONS = {
    "cpm.base64": "hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8",  # padding dropped
    "cpm.ber.tag": b64("85054350563031" + "5F"),
    "cpm.ber.length": b64("85054350563031" + "6180"),
    "cpm.ber.truncated": b64("85054350563031" + "6110"),
    "cpm.pfi.first": payload(app(AID, TRACK2), PFI),
    "cpm.pfi.value": payload({"id": "85", "value": b"CPV02".hex()}, app(AID, TRACK2)),
    "cpm.app.present": payload(PFI),
    "cpm.app.count": payload(PFI, app(AID, TRACK2), app(AID, TRACK2), app(AID, TRACK2)),
    "cpm.app.aid": payload(PFI, app({"id": "4F", "value": "A000"}, TRACK2)),
    "cpm.account.present": payload(PFI, app(AID)),
    "cpm.duplicate": payload(PFI, app(AID, PAN), app(PAN, tag="62")),
    "cpm.order": payload(PFI, app(PAN, tag="62"), app(AID, TRACK2)),
    "cpm.size": payload(PFI, app(AID, TRACK2), {"id": "63", "children": [{"id": "9F10", "value": "00" * 400}]}),
    "cpm.field.length": payload(PFI, app(AID, TRACK2, {"id": "5F20", "value": b"A".hex()})),
    "cpm.field.format": payload(PFI, app(AID, TRACK2, {"id": "50", "value": b"Pay!".hex()})),
    "cpm.track2.format": payload(PFI, app(AID, {"id": "57", "value": "1234567890123458E1912201"})),
    "cpm.issuer_url.scheme": payload(PFI, app(AID, TRACK2, {"id": "5F50", "value": b"https://x".hex()})),
}


def test_every_cpm_rule_has_a_violating_example():
    assert {r.id for r in rules_for("cpm")} == set(VIOLATIONS)


@pytest.mark.parametrize("rule_id", sorted(VIOLATIONS))
def test_cpm_rule_is_reported(rule_id):
    report = validate(VIOLATIONS[rule_id], "cpm")
    assert rule_id in {v.rule for v in report.violations}, [v.describe() for v in report.violations]


def test_duplicate_85_negative_vector_from_mvallim():
    report = validate(b64("8505435056303185054350563031"), "cpm")
    assert "cpm.duplicate" in {v.rule for v in report.violations}


def test_transparent_templates_are_not_checked_as_poi_data():
    text = payload(PFI, app(AID, TRACK2, {"id": "63", "children": [{"id": "57", "value": "FF"}]}))
    assert validate(text, "cpm").violations == []
