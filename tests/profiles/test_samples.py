"""Every public sample payload of the notes under its profile and under "auto", and a deliberately
broken copy of each that fails with the right rule at the right path."""
from __future__ import annotations

import pytest

from qrinterop.errors import UsageError
from qrinterop.rules import MUST, rules_for, validate
from tests.profiles.mutate import mutate
from tests.profiles.samples import BY_KEY, SAMPLES

NATIONAL = ["jpqr", "pix", "sgqr", "promptpay", "qris", "upi", "bharatqr", "duitnow", "qrph", "vietqr", "khqr", "fps"]


def _split(violations):
    return ({v.rule for v in violations if v.level == MUST}, {v.rule for v in violations if v.level != MUST})


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.key)
def test_sample_under_its_profile(sample):
    report = validate(sample.payload, sample.profile)
    errors, warnings = _split(report.violations)
    assert errors == sample.errors, sample.source
    assert warnings == sample.warnings, sample.source
    assert report.valid == (not sample.errors)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.key)
def test_auto_detects_the_sample_profile_and_agrees(sample):
    report = validate(sample.payload, "auto")
    assert sample.profile in report.profiles
    if sample.profile == "emv":
        assert report.profiles == ["emv"]
    assert _split(report.violations) == _split(validate(sample.payload, sample.profile).violations)


def test_indian_codes_claim_both_upi_and_bharatqr():
    for key in ("bharat_razorpay", "bharat_axis"):
        report = validate(BY_KEY[key].payload, "auto")
        assert report.profiles == ["emv", "upi", "bharatqr"] and report.violations == []


def test_every_profile_has_a_detected_sample():
    detected = {p for s in SAMPLES for p in validate(s.payload, "auto").profiles}
    assert set(NATIONAL) <= detected


# (sample, path, new value or None to drop, rule, path of the violation)
BROKEN = [
    ("pix_manual", "26.01", "fulano@", "pix.key.format", "26.01"),
    ("pix_manual", "26.01", "52998224724", "pix.key.checksum", "26.01"),
    ("pix_manual", "26.01", None, "pix.key_or_url", "26"),
    ("pix_manual", "58", "PT", "pix.country", "58"),
    ("pix_manual", "53", "840", "pix.currency", "53"),
    ("pix_manual", "62", None, "pix.txid.required", "62.05"),
    ("pix_dynamic", "26.25", "https://bx.com.br/pix/8b3da2f3", "pix.url.scheme", "26.25"),
    ("pix_brcode", "61", "7007-490", "pix.postal.format", "61"),
    ("sgqr_paynow_uen", "26.01", "3", "sgqr.paynow.proxy_type", "26.01"),
    ("sgqr_paynow_uen", "26.02", "+6591234567", "sgqr.paynow.proxy_value", "26.02"),
    ("sgqr_paynow_uen", "26.02", "2020123456", "sgqr.paynow.proxy_value", "26.02"),
    ("sgqr_paynow_dyn", "26.01", "0", "sgqr.paynow.proxy_value", "26.02"),
    ("sgqr_paynow_uen", "26.03", "0", "sgqr.paynow.editable_poi", "26.03"),
    ("sgqr_paynow_uen", "26.03", "Y", "sgqr.paynow.editable", "26.03"),
    ("sgqr_paynow_uen", "26.04", "20210231", "sgqr.paynow.expiry", "26.04"),
    ("sgqr_paynow_uen", "26.00", "sg.paynow", "sgqr.mai.gui", "26.00"),
    ("sgqr_nets", "51.02", "1.0001", "sgqr.meta.version", "51.02"),
    ("sgqr_nets", "51.03", "79027", "sgqr.meta.postal", "51.03"),
    ("sgqr_nets", "51.05", "123456", "sgqr.meta.location", "51.05"),
    ("sgqr_nets", "51.07", "2018091", "sgqr.meta.revision", "51.07"),
    ("sgqr_nets", "53", "840", "sgqr.currency", "53"),
    ("sgqr_paynow_dyn", "58", "MY", "sgqr.country", "58"),
    ("pp_mobile", "29.01", "0812345678", "promptpay.proxy.format", "29.01"),
    ("pp_mobile", "29.02", "1234567890123", "promptpay.proxy.required", "29"),
    ("pp_mobile", "53", None, "promptpay.root.mandatory", "53"),
    ("pp_mobile", "53", "840", "promptpay.currency", "53"),
    ("pp_mobile", "58", "LA", "promptpay.country", "58"),
    ("pp_mobile", "29.00", "A000000677019999", "promptpay.mai.aid", "29.00"),
    ("pp_ewallet", "29.03", "01234567890123", "promptpay.proxy.format", "29.03"),
    ("pp_bill", "30.01", "0105535090912", "promptpay.bill.biller", "30.01"),
    ("pp_bill", "30.02", None, "promptpay.bill.refs", "30.02"),
    ("pp_bill", "30.03", "W2293293555555555555X", "promptpay.bill.refs", "30.03"),
    ("pp_bill", "01", "11", "promptpay.poi.amount", "01"),
    ("pp_kshop", "31.01", "04", "promptpay.innovation.acquirer", "31.01"),
    ("qris_gojek", "51.02", "ID102434455646", "qris.nmid.format", "51.02"),
    ("qris_gojek", "51.02", None, "qris.nmid.format", "51.02"),
    ("qris_gojek", "51.03", "XYZ", "qris.criteria", "51.03"),
    ("qris_gojek", "26.03", "umi", "qris.criteria", "26.03"),
    ("qris_gojek", "26.01", "936109143573316009", "qris.pan.format", "26.01"),
    ("qris_gojek", "26.02", "G5733160090123456", "qris.merchant_id.length", "26.02"),
    ("qris_gojek", "51.00", "ID.CO.QRIS.WWX", "qris.mai.gui", "51.00"),
    ("qris_bni", "61", "707140", "qris.postal.format", "61"),
    ("qris_bni", "53", "840", "qris.currency", "53"),
    ("bharat_razorpay", "26.01", "razorpaybqr.icici", "upi.vpa.format", "26.01"),
    ("bharat_razorpay", "26.02", "1,10", "upi.min_amount.format", "26.02"),
    ("bharat_razorpay", "58", "NP", "upi.country", "58"),
    ("bharat_razorpay", "02", "5392630000000085", "bharatqr.mpan.format", "02"),
    ("bharat_razorpay", "02", "4392630000000086", "bharatqr.mpan.luhn", "02"),
    ("bharat_razorpay", "04", "54046100000000", "bharatqr.mpan.format", "04"),
    ("bharat_razorpay", "08", "YESB1CMSNOC2223330048827001", "bharatqr.ifsc", "08"),
    ("bharat_axis", "61", "70009", "bharatqr.postal.format", "61"),
    ("bharat_axis", "53", "840", "bharatqr.currency", "53"),
    ("duitnow_1", "26.01", "89005", "duitnow.participant", "26.01"),
    ("duitnow_1", "26.02", None, "duitnow.account", "26.02"),
    ("duitnow_1", "26.00", "A000000615", "duitnow.mai.gui", "26.00"),
    ("duitnow_2", "58", "SG", "duitnow.country", "58"),
    ("duitnow_2", "53", "702", "duitnow.currency", "53"),
    ("qrph_p2p", "27.01", "GXCHPHM2X", "qrph.bic", "27.01"),
    ("qrph_p2p", "27.03", None, "qrph.account", "27.03"),
    ("qrph_p2p", "27.05", "09171234567", "qrph.p2p.mobile", "27.05"),
    ("qrph_p2p", "52", "5411", "qrph.p2p.mcc", "52"),
    ("qrph_p2m", "28.03", None, "qrph.account", "28.03"),
    ("qrph_p2m", "53", "840", "qrph.currency", "53"),
    ("qrph_p2m", "58", "US", "qrph.country", "58"),
    ("vietqr", "38.01", "00059704101130011001932418", "vietqr.beneficiary", "38.01.00"),
    ("vietqr", "38.01", "0006970415", "vietqr.beneficiary", "38.01.01"),
    ("vietqr", "38.01", "0006970415011", "vietqr.beneficiary", "38.01"),
    ("vietqr", "38.02", "QRPUSH", "vietqr.service", "38.02"),
    ("vietqr", "54", "120000.50", "vietqr.amount.integer", "54"),
    ("vietqr", "58", None, "vietqr.root.mandatory", "58"),
    ("vietqr", "53", "840", "vietqr.currency", "53"),
    ("khqr", "29.00", "ishinvin.devb", "khqr.account.format", "29.00"),
    ("khqr", "53", "764", "khqr.currency", "53"),
    ("khqr", "29.02", "Dev Bank of a very long name for KH", "khqr.merchant.fields", "29.02"),
    ("khqr", "29.00", "ishinvin@devb.example.long.domain.kh", "khqr.account.format", "29.00"),
    ("khqr", "58", "TH", "khqr.country", "58"),
    ("khqr", "99.00", "169355596738", "khqr.timestamp", "99.00"),
    ("fps_odoo", "26.03", "+85267891234", "fps.mobile", "26.03"),
    ("fps_2", "26.02", "60005090", "fps.fps_id", "26.02"),
    ("fps_odoo", "26.03", None, "fps.proxy.required", "26"),
    ("fps_odoo", "26.04", "pay.example.hk", "fps.email", "26.04"),
    ("fps_odoo", "26.01", "04", "fps.clearing_code", "26.01"),
    ("fps_2", "26.02", "60005", "fps.fps_id", "26.02"),
    ("fps_2", "53", "840", "fps.currency", "53"),
    ("fps_2", "58", "CN", "fps.country", "58"),
    ("jpqr_mercari", "26.01", "00000000000001", "jpqr.store_code.length", "26.01"),
    ("bharat_axis", "58", "NP", "bharatqr.country", "58"),
    ("fps_2", "26.00", "hk.com.hkicx", "fps.mai.gui", ""),
    ("khqr", "29", None, "khqr.mai.present", ""),
    ("pix_manual", "26.00", "br.gov.bcb.pixx", "pix.mai.gui", ""),
    ("qris_gojek", "58", "MY", "qris.country", "58"),
    ("qrph_p2m", "28.00", "ph.ppmi.p2x", "qrph.mai.gui", ""),
    ("bharat_razorpay", "53", "840", "upi.currency", "53"),
    ("bharat_razorpay", "26.01", None, "upi.vpa.required", "26.01"),
    ("vietqr", "58", "KH", "vietqr.country", "58"),
    ("vietqr", "38.00", "A000000728", "vietqr.mai.gui", ""),
]
# rules whose broken copies need more than one edit: each has its own test below
TESTED_ELSEWHERE = {"khqr.merchant.fields", "qris.mai.present", "upi.mai.gui", "bharatqr.mai.present"}


@pytest.mark.parametrize("key,path,value,rule,where", BROKEN, ids=[f"{b[3]}@{b[0]}:{b[1]}" for b in BROKEN])
def test_broken_copy_fails_with_the_right_rule_and_path(key, path, value, rule, where):
    sample = BY_KEY[key]
    profile = rule.split(".")[0]
    broken = mutate(sample.payload, path, value, drop=value is None)
    found = validate(broken, profile).violations
    profile_rules = {v.rule for v in found if v.rule.split(".")[0] == profile} - sample.warnings
    assert (rule, where) in {(v.rule, v.path) for v in found}, [v.describe() for v in found]
    assert profile_rules == {rule}, [v.describe() for v in found]   # only the intended rule of the profile
    hit = next(v for v in found if v.rule == rule)
    if value is not None and hit.offset is not None and hit.value:
        assert broken[hit.offset:hit.offset + len(hit.value)] == hit.value


def test_every_national_rule_is_exercised_by_a_sample_or_a_broken_copy():
    exercised = {b[3] for b in BROKEN} | {r for s in SAMPLES for r in s.warnings | s.errors} | TESTED_ELSEWHERE
    import tests.profiles.test_jpqr as jp
    exercised |= {case[3] for case in jp.test_broken_copy_fails_with_its_rule_and_path.pytestmark[0].args[1]}
    declared = {r.id for name in NATIONAL for r in rules_for(name) if r.profile == name and ".uri." not in r.id}
    assert declared - exercised == set()


def test_a_code_of_another_scheme_breaks_each_profile():
    pix, jp = BY_KEY["pix_manual"].payload, BY_KEY["jpqr_mercari"].payload
    for name in NATIONAL:
        errors = {v.rule for v in validate(pix if name != "pix" else jp, name).errors}
        assert any(r.startswith(name + ".") for r in errors), (name, errors)


def test_duitnow_pfi_02_is_a_warning_under_duitnow_but_an_error_under_plain_emv():
    code = BY_KEY["duitnow_1"].payload
    assert validate(code, "duitnow").valid
    assert not validate(code, "emv").valid


def test_promptpay_without_52_59_60_fails_plain_emv_but_not_promptpay():
    code = BY_KEY["pp_mobile"].payload
    assert {v.rule for v in validate(code, "emv").violations} == {"mpm.root.mandatory"}
    assert validate(code, "promptpay").violations == []


def test_pix_gui_is_case_insensitive_but_other_guis_are_checked_for_case():
    upper = mutate(BY_KEY["pix_manual"].payload, "26.00", "BR.GOV.BCB.PIX")
    assert validate(upper, "pix").violations == []
    lower = mutate(BY_KEY["fps_2"].payload, "26.00", "HK.COM.HKICL")
    assert {(v.rule, v.path) for v in validate(lower, "auto").violations} == {("fps.mai.gui", "26.00")}


def test_scheme_template_found_outside_its_usual_tag():
    moved = mutate(BY_KEY["vietqr"].payload, "38", rename="44")
    assert validate(moved, "auto").profiles == ["emv", "vietqr"] and validate(moved, "vietqr").violations == []


def test_khqr_merchant_template_needs_its_fields():
    merchant = mutate(BY_KEY["khqr"].payload, "29", rename="30")   # 29-01/02 read as merchant ID / bank
    assert validate(merchant, "khqr").violations == []
    found = {(v.rule, v.path) for v in validate(mutate(merchant, "30.02", drop=True), "khqr").violations}
    assert found == {("khqr.merchant.fields", "30.02")}


def test_unknown_profile_is_a_usage_error_listing_the_known_ones():
    with pytest.raises(UsageError) as exc:
        validate(BY_KEY["jpqr_mercari"].payload, "jpqrr")
    for name in ["emv", *NATIONAL, "auto"]:
        assert name in str(exc.value)


def test_qris_needs_national_template_or_a_merchant_account():
    bare = mutate(mutate(BY_KEY["qris_gojek"].payload, "26", drop=True), "51", drop=True)
    found = {(v.rule, v.path) for v in validate(bare, "qris").violations}
    assert ("qris.mai.present", "") in found


def test_upi_gui_missing():
    found = {(v.rule, v.path) for v in validate(BY_KEY["emv_v2_kh"].payload, "upi").violations}
    assert ("upi.mai.gui", "") in found


def test_upi_npci_org_gui_claim_is_not_accepted():
    code = mutate(mutate(BY_KEY["bharat_razorpay"].payload, "26.00", "upi.npci.org"), "27", drop=True)
    assert "upi.mai.gui" in {v.rule for v in validate(code, "upi").errors}


def test_bharatqr_needs_a_card_account_or_upi():
    found = {(v.rule, v.path) for v in validate(BY_KEY["emv_v2_kh"].payload, "bharatqr").violations}
    assert ("bharatqr.mai.present", "") in found


def test_docs_list_every_national_rule():
    from qrinterop.paths import ROOT
    doc = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    missing = [r.id for name in NATIONAL for r in rules_for(name) if r.profile == name and f"`{r.id}`" not in doc]
    assert missing == []
