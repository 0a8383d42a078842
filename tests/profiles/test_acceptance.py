"""Acceptance logic: which participating wallets pay a JPQR code, and through which account."""
from __future__ import annotations

import json

import pytest

from qrinterop.profiles.acceptance import (PARTICIPANTS_FILE, acceptance, load_participants,
                                           parse_participants)
from qrinterop.rules import get_profile, validate
from tests.profiles.mutate import add_object, mutate
from tests.profiles.samples import BY_KEY

MERCARI = BY_KEY["jpqr_mercari"].payload
STORE = "0000000000001/0001/000001/000001"
WALLETS = ["paypay", "linepay", "dbarai", "merpay", "rakutenpay", "aupay", "alipayplus", "wechatpay"]


def test_participants_are_the_design_wallets_and_every_entry_has_a_basis_and_note():
    people = load_participants()
    assert [p.wallet for p in people] == WALLETS
    for p in people:
        for entry in p.accepts:
            assert entry["basis"] in ("observed", "inferred", "invented")
            assert "notes/profiles.md" in entry["note"]


def test_every_wallet_pays_a_jpqr_code_through_its_store_code_in_the_simulator_model():
    result = {a.wallet: a for a in acceptance(MERCARI)}
    assert list(result) == WALLETS
    for a in result.values():
        assert a.accepts and a.account_path == "26" and a.account == STORE
    assert result["paypay"].basis == "invented"   # PayPay joined JPQR CPM-only: the notes say so
    assert result["dbarai"].basis == "observed"


def test_observed_only_view_drops_the_invented_entries_and_says_why():
    result = {a.wallet: a for a in acceptance(MERCARI, bases=("observed",))}
    assert not result["paypay"].accepts and "invented" in result["paypay"].reason
    assert not result["alipayplus"].accepts
    assert result["merpay"].accepts and result["wechatpay"].accepts


def test_account_follows_the_template_wherever_the_gui_is():
    moved = mutate(MERCARI, "26", rename="45")
    assert {a.account_path for a in acceptance(moved)} == {"45"}


def test_registrations_limit_who_pays():
    result = {a.wallet: a for a in acceptance(MERCARI, registrations={STORE: {"merpay", "aupay"}})}
    assert [w for w, a in result.items() if a.accepts] == ["merpay", "aupay"]
    assert "not registered" in result["paypay"].reason


def test_invalid_code_is_refused_by_every_app_with_the_rule():
    for a in acceptance(BY_KEY["jpqr_kenmaz"].payload):
        assert not a.accepts and "mpm.crc.mismatch" in a.reason
    broken = mutate(MERCARI, "26.02", "001")
    assert all("jpqr.store_code.length" in a.reason for a in acceptance(broken))


def test_a_non_jpqr_code_is_not_recognised_and_the_app_says_what_it_saw():
    result = {a.wallet: a for a in acceptance(BY_KEY["pix_manual"].payload)}
    assert not result["merpay"].accepts
    assert "br.gov.bcb.pix" in result["merpay"].reason and "jpqr" in result["merpay"].reason


def test_own_template_is_preferred_over_jpqr():
    both = add_object(MERCARI, {"id": "27", "children": [{"id": "00", "value": "COM.QQ.WEIXIN.PAY"},
                                                          {"id": "01", "value": "WX-MERCHANT-1"}]})
    result = {a.wallet: a for a in acceptance(both)}
    assert result["wechatpay"].account_path == "27" and result["wechatpay"].account == "WX-MERCHANT-1"
    assert result["merpay"].account_path == "26"


def test_explain_lines_come_through_the_profile_describe_hook():
    lines = get_profile("jpqr").describe(validate(MERCARI, "jpqr").parsed)
    assert f"  paypay: accepts (26 jp.or.paymentsjapan, store {STORE}) [invented]" in lines
    assert len(lines) == 1 + len(WALLETS)


def test_bad_basis_in_data_is_refused():
    data = json.loads(PARTICIPANTS_FILE.read_text(encoding="utf-8"))
    data["participants"][0]["accepts"][0]["basis"] = "rumour"
    with pytest.raises(ValueError, match="basis"):
        parse_participants(data)


def test_explain_shows_which_wallets_accept_a_jpqr_code():
    from qrinterop.rules.explain import explain
    text = explain(MERCARI)
    assert "profiles: emv, jpqr" in text
    assert "JPQR store code level 1 (13 chars)" in text
    for wallet in WALLETS:
        assert f"    {wallet}: accepts (26 jp.or.paymentsjapan, store {STORE})" in text
    refused = explain(BY_KEY["jpqr_kenmaz"].payload)
    assert "merpay: does not accept (invalid code: [mpm.crc.mismatch]" in refused
