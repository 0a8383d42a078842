import pytest

from qrinterop.emv.crc import crc16_ccitt_false, crc_hex
from qrinterop.emv.mpm import build_mpm, parse_mpm, scan_mpm
from qrinterop.errors import MpmError
from qrinterop.rules import validate
from tests.codec.samples import EMVCO_B7, JPQR_MERCARI, VALID_MPM


def test_crc_check_value_and_spec_example():
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert crc_hex(EMVCO_B7[:-4]) == "A13A"
    small = next(p for p in (f"5904N{i:03d}6304" for i in range(2000)) if crc16_ccitt_false(p.encode()) < 0x1000)
    assert crc_hex(small).startswith("0") and len(crc_hex(small)) == 4  # zero-padded (notes A2)


@pytest.mark.parametrize("payload", VALID_MPM)
def test_published_samples_round_trip_and_validate(payload):
    parsed = parse_mpm(payload)
    assert build_mpm(parsed.to_objects()) == payload
    assert validate(payload).valid


def test_lengths_count_characters_and_crc_runs_over_utf8():
    p = parse_mpm(JPQR_MERCARI)
    name = p.find("64.01")
    assert name.value == "メルペイ カフェ" and name.length == 8
    assert len(JPQR_MERCARI.encode()) - len(JPQR_MERCARI) == 14  # 7 kana, 3 bytes each
    assert p.get("64.00") == "JA"
    names = parse_mpm(EMVCO_B7)
    assert names.get("64.01") == "最佳运输" and names.get("64.02") == "北京"


def test_astral_character_is_one_character():
    payload = build_mpm([{"id": "00", "value": "01"}, {"id": "64", "children": [
        {"id": "00", "value": "JA"}, {"id": "01", "value": "𠮷野家"}]}])
    assert "0103𠮷野家" in payload
    assert parse_mpm(payload).get("64.01") == "𠮷野家"


def test_templates_are_parsed_into_children_and_primitive_mai_is_not():
    p = parse_mpm(EMVCO_B7)
    assert [c.id for c in p.find("62").children] == ["03", "06", "07", "09"]
    assert p.find("91").child("00").value == "A011223344998877"
    primitive = parse_mpm("00020102164045875687459041")
    assert primitive.find("02").children is None


def test_adf_payment_system_template_is_nested():
    payload = build_mpm([{"id": "00", "value": "01"}, {"id": "62", "children": [
        {"id": "05", "value": "R1"}, {"id": "50", "children": [{"id": "00", "value": "com.x"}, {"id": "01", "value": "y"}]}]}])
    assert parse_mpm(payload).get("62.50.01") == "y"


@pytest.mark.parametrize("text, rule, offset", [
    ("000201AB02xx", "mpm.tlv.id", 6),
    ("00020159X1", "mpm.tlv.length", 8),
    ("0002015905AB", "mpm.tlv.truncated", 8),
    ("00020159", "mpm.tlv.truncated", 6),
    ("0002015900", "mpm.tlv.empty", 8),
    ("00020100020162", "mpm.tlv.duplicate", 6),
    ("00020126060004abcd", "mpm.tlv.truncated", 12),
])
def test_strict_parse_names_rule_and_offset(text, rule, offset):
    with pytest.raises(MpmError) as err:
        parse_mpm(text)
    assert err.value.rule == rule and err.value.offset == offset
    assert f"offset {offset}" in str(err.value)


def test_scan_reports_every_structural_problem_without_raising():
    result = scan_mpm("0002010002015900")
    assert {v.rule for v in result.issues} == {"mpm.tlv.duplicate", "mpm.tlv.empty"}


def test_build_orders_pfi_first_and_recomputes_crc():
    payload = build_mpm([{"id": "59", "value": "A"}, {"id": "00", "value": "01"}, {"id": "63", "value": "FFFF"}])
    assert payload.startswith("000201") and payload[-4:] == crc_hex(payload[:-4])
    assert build_mpm([{"id": "59", "value": "A"}, {"id": "00", "value": "01"}, {"id": "52", "value": "1"}],
                     order="canonical").startswith("0002015201")


@pytest.mark.parametrize("objects, rule", [
    ([{"id": "5", "value": "x"}], "mpm.tlv.id"),
    ([{"id": "59", "value": ""}], "mpm.tlv.empty"),
    ([{"id": "59", "value": "x" * 100}], "mpm.field.length"),
    ([{"id": "59", "value": "a"}, {"id": "59", "value": "b"}], "mpm.tlv.duplicate"),
    ([{"id": "59", "value": 5}], "mpm.field.format"),
    ([{"value": "x"}], "mpm.tlv.id"),
])
def test_build_rejects_bad_objects_with_a_located_error(objects, rule):
    with pytest.raises(MpmError) as err:
        build_mpm(objects)
    assert err.value.rule == rule


def test_template_over_99_characters_is_refused():
    with pytest.raises(MpmError, match="at most 99"):
        build_mpm([{"id": "62", "children": [{"id": f"0{i}", "value": "x" * 20} for i in range(1, 6)]}])
