"""The scenario end to end, for every wallet, on both transports:
gateway order → PNG → the wallet's app scans the image → pays → the wallet completes →
the gateway routes and settles → the shop gets one signed webhook; then a refund goes back
through the wallet that was paid."""
from __future__ import annotations

import pytest

from qrinterop.simulators.wallets import WALLET_IDS


@pytest.mark.parametrize("wallet", WALLET_IDS)
def test_one_code_paid_by_each_wallet(world, wallet: str) -> None:
    order = world.order(1280, description="latte")
    oid = order["order_id"]
    assert order["status"] == "OPEN" and order["payload"].startswith("000201010212")

    shown = world.app(wallet, language="ja").scan(world.png(oid))
    assert shown.accepted, shown.reason
    assert (shown.merchant_name, shown.amount, shown.reference) == ("さくらカフェ", 1280, oid)
    assert shown.store_code == world.gw.merchant.store_code

    paid = world.app(wallet).pay(shown)
    assert paid.ok, paid.reason
    assert paid.order_id == oid and paid.amount == 1280
    world.flush()

    status = world.status(oid)
    assert status["status"] == "PAID"
    assert status["payment"]["wallet"] == wallet and status["payment"]["amount"] == 1280
    attempt = world.gw.attempts[paid.attempt_id]
    at_wallet = world.wallet_payment(wallet, attempt.wallet_payment_id)
    assert (at_wallet["state"], at_wallet["amount"], at_wallet["currency"]) == ("COMPLETED", 1280, "JPY")

    events = world.unique_events("order.paid", oid)
    assert len(events) == 1 and events[0]["order"]["payment"]["wallet"] == wallet
    assert world.gw.ledger() == [{"order_id": oid, "wallet": wallet, "amount": 1280, "refunded": 0}]

    # a refund is routed back to the wallet that was paid
    r = world.refund(oid, 280)
    assert r.status_code == 201, r.text
    assert r.json()["wallet"] == wallet and r.json()["status"] == "PARTIALLY_REFUNDED"
    assert world.wallet_payment(wallet, attempt.wallet_payment_id)["refunded"] == 280
    r = world.refund(oid)
    assert r.status_code == 201 and r.json()["status"] == "REFUNDED"
    after = world.wallet_payment(wallet, attempt.wallet_payment_id)
    assert (after["state"], after["refunded"]) == ("REFUNDED", 1280)
    assert world.refund(oid, 1).json()["error"]["code"] == "ORDER_NOT_PAID"
    world.flush()
    assert len(world.unique_events("order.refunded", oid)) == 2


def test_a_foreign_user_sees_the_latin_name(world) -> None:
    oid = world.order(500)["order_id"]
    shown = world.app("alipayplus", language="en").scan(world.png(oid))
    assert shown.accepted and shown.merchant_name == "Sakura Cafe"
    assert "Sakura Cafe — 500 JPY" in shown.line()


def test_a_static_code_is_paid_as_a_new_sale_each_time(world) -> None:
    sticker = world.order(None)
    assert sticker["static"] and sticker["payload"].startswith("000201010211")
    png = world.png(sticker["order_id"])
    sales = []
    for wallet, amount in (("merpay", 800), ("wechatpay", 450)):
        shown = world.app(wallet).scan(png)
        assert shown.accepted and shown.amount is None and shown.reference is None
        assert "enter the amount" in shown.line()
        refused = world.app(wallet).pay(shown)              # no amount typed
        assert not refused.ok and refused.code == "AMOUNT_REQUIRED"
        paid = world.app(wallet).pay(shown, amount)
        assert paid.ok, paid.reason
        sales.append((paid.order_id, wallet, amount))
    world.flush()
    for oid, wallet, amount in sales:
        st = world.status(oid)
        assert (st["status"], st["payment"]["wallet"], st["amount"]) == ("PAID", wallet, amount)
        assert len(world.unique_events("order.paid", oid)) == 1
    assert world.status(sticker["order_id"])["status"] == "OPEN"      # the sticker itself is never "paid"
