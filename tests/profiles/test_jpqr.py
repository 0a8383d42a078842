"""JPQR in depth: the rules of qrinterop.rules.jpqr on the public vectors and broken copies of them."""
from __future__ import annotations

import pytest

from qrinterop.rules import validate
from tests.profiles.mutate import mutate
from tests.profiles.samples import BY_KEY

MERCARI = BY_KEY["jpqr_mercari"].payload


def _rules(payload: str, profile: str = "jpqr") -> set[tuple[str, str]]:
    return {(v.rule, v.path) for v in validate(payload, profile).violations}


def test_mercari_vector_is_clean_jpqr():
    report = validate(MERCARI, "jpqr")
    assert report.profiles == ["emv", "jpqr"]
    assert report.violations == []


def test_gui_found_in_any_mai_template_not_only_26():
    moved = mutate(MERCARI, "26", rename="27")
    assert validate(moved, "jpqr").violations == []
    assert "jpqr" in validate(moved, "auto").profiles


@pytest.mark.parametrize("path,value,drop,rule,where", [
    ("26.00", "jp.or.paymentsjapam", False, "jpqr.mai.gui", ""),          # a near-miss GUI: not JPQR at all
    ("26.00", "JP.OR.PAYMENTSJAPAN", False, "jpqr.mai.gui", "26.00"),     # recognised, but wrongly cased
    ("26.01", "000000000001", False, "jpqr.store_code.length", "26.01"),  # 12 of 13
    ("26.02", "00001", False, "jpqr.store_code.length", "26.02"),
    ("26.03", "00001", False, "jpqr.store_code.length", "26.03"),
    ("26.04", "0000001", False, "jpqr.store_code.length", "26.04"),
    ("26.03", None, True, "jpqr.store_code.required", "26.03"),
    ("26.04", "00000A", False, "jpqr.store_code.format", "26.04"),
    ("58", "US", False, "jpqr.country", "58"),
    ("53", "840", False, "jpqr.currency", "53"),
    ("61", None, True, "jpqr.postal.required", "61"),
    ("61", "106-6143", False, "jpqr.postal.format", "61"),
    ("64", None, True, "jpqr.lang.required", "64"),
    ("64.00", "ZH", False, "jpqr.lang.ja", "64.00"),
    ("64.02", "東京", False, "jpqr.lang.city_absent", "64.02"),
    ("54", "100.", False, "jpqr.amount.integer", "54"),
    ("54", "1000.50", False, "jpqr.amount.integer", "54"),
])
def test_broken_copy_fails_with_its_rule_and_path(path, value, drop, rule, where):
    broken = mutate(MERCARI, path, value, drop=drop)
    found = _rules(broken)
    assert (rule, where) in found
    # nothing else of JPQR's breaks: each copy isolates one rule
    assert {r for r, _ in found if r.startswith("jpqr.")} == {rule}


def test_violation_carries_offending_value_and_offset():
    broken = mutate(MERCARI, "26.02", "00001")
    v = next(v for v in validate(broken, "jpqr").violations if v.rule == "jpqr.store_code.length")
    assert v.value == "00001"
    assert broken[v.offset:v.offset + 5] == "00001"
    assert "exactly 4" in v.message


def test_integer_yen_amount_is_fine():
    assert validate(mutate(MERCARI, "54", "1500"), "jpqr").violations == []


def test_not_jpqr_payload_reports_missing_gui_and_lists_what_it_found():
    pix = BY_KEY["pix_manual"].payload
    v = next(v for v in validate(pix, "jpqr").violations if v.rule == "jpqr.mai.gui")
    assert "26 'br.gov.bcb.pix'" in v.message


def test_level_of_warning_rules_is_should():
    report = validate(mutate(MERCARI, "61", "106-6143"), "jpqr")
    assert report.valid and [w.rule for w in report.warnings] == ["jpqr.postal.format"]
