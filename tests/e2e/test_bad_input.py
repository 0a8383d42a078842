"""Bad input: a clear refusal at the right layer, and no money recorded (let alone twice)."""
from __future__ import annotations

import time

import pytest

from qrinterop.emv.mpm import build_mpm
from qrinterop.imaging import render_png

PIX = ("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
       "5913Fulano de Tal6008BRASILIA62070503***63041D3D")


def _scan(world, wallet: str, png: bytes):
    return world.app(wallet).scan(png)


def test_an_image_without_a_code_is_refused_at_the_image_layer(world) -> None:
    blank = render_png("x").data[:100]                       # a truncated PNG
    shown = _scan(world, "paypay", blank)
    assert not shown.accepted and shown.layer == "image" and "not a readable image" in shown.reason
    shown = _scan(world, "paypay", b"GIF89a not really")
    assert not shown.accepted and shown.layer == "image"


def test_text_that_is_not_a_unified_code_is_refused_naming_the_rule(world) -> None:
    shown = _scan(world, "dbarai", render_png("https://example.com/pay?x=1").data)
    assert not shown.accepted and shown.layer == "code"
    assert shown.reason.startswith("invalid code: [mpm.")


def test_a_code_with_a_broken_crc_is_refused(world) -> None:
    payload = world.order(100)["payload"]
    broken = payload[:-4] + ("0000" if payload[-4:] != "0000" else "1111")
    shown = _scan(world, "merpay", render_png(broken).data)
    assert not shown.accepted and shown.layer == "code" and "mpm.crc" in shown.reason


def test_a_foreign_scheme_code_is_not_recognised(world) -> None:
    shown = _scan(world, "aupay", render_png(PIX).data)
    assert not shown.accepted and shown.layer == "wallet"
    assert "no template it reads" in shown.reason and "br.gov.bcb.pix" in shown.reason


def test_a_wallet_the_shop_did_not_register_refuses_and_the_gateway_too(world) -> None:
    world.gw.config.wallets = tuple(w for w in world.gw.config.wallets if w != "aupay")
    world.registry.register(world.gw.merchant.store_code, f"{world.gateway_base}/v1/route", world.gw.config.wallets)
    oid = world.order(100)["order_id"]
    shown = _scan(world, "aupay", world.png(oid))
    assert not shown.accepted and shown.layer == "wallet" and "not registered with aupay" in shown.reason
    # a wallet that skips its own check is still stopped by the gateway, before any payment exists
    r = world.http.post(f"{world.gateway_base}/v1/route", json={"wallet": "aupay", "store_code": world.gw.merchant.store_code,
                                                                 "reference": oid, "amount": 100})
    assert r.status_code == 403 and r.json()["error"]["code"] == "WALLET_NOT_ACCEPTED"
    assert world.journal("aupay", "createQrPayment") == []


def test_counting_only_observed_participation_refuses_an_invented_one(world) -> None:
    oid = world.order(100)["order_id"]
    shown = world.app("paypay", bases=("observed",)).scan(world.png(oid))
    assert not shown.accepted and "basis 'invented'" in shown.reason
    assert world.app("dbarai", bases=("observed",)).scan(world.png(oid)).accepted


def test_an_expired_order_is_refused_by_the_gateway(world) -> None:
    oid = world.order(100, ttl=0.05)["order_id"]
    png = world.png(oid)
    time.sleep(0.1)
    paid = world.app("linepay").pay(_scan(world, "linepay", png))
    assert not paid.ok and paid.layer == "gateway" and paid.code == "ORDER_EXPIRED"
    assert world.status(oid)["status"] == "EXPIRED"
    assert world.journal("linepay", "requestPayment") == []


def test_an_already_paid_order_is_refused_before_any_wallet_payment(world) -> None:
    oid = world.order(100)["order_id"]
    png = world.png(oid)
    assert world.app("paypay").pay(_scan(world, "paypay", png)).ok
    world.flush()
    again = world.app("wechatpay").pay(_scan(world, "wechatpay", png))
    assert not again.ok and again.layer == "gateway" and again.code == "ORDER_ALREADY_PAID"
    assert world.journal("wechatpay", "nativePrepay") == []
    same = world.app("paypay").pay(_scan(world, "paypay", png))      # the same wallet, a second time
    assert not same.ok and same.code == "ORDER_ALREADY_PAID"
    assert len(world.gw.ledger()) == 1 and len(world.unique_events("order.paid", oid)) == 1


def test_an_amount_that_differs_from_the_order_is_refused(world) -> None:
    oid = world.order(1000)["order_id"]
    shown = _scan(world, "alipayplus", world.png(oid))
    paid = world.app("alipayplus").pay(shown, amount=100)
    assert not paid.ok and paid.layer == "gateway" and paid.code == "AMOUNT_MISMATCH"
    assert "1000" in paid.reason and world.status(oid)["status"] == "OPEN"


def test_a_tampered_amount_in_the_code_breaks_its_crc(world) -> None:
    """Someone reprints the dynamic code with a lower amount: the CRC no longer matches."""
    payload = world.order(1000)["payload"]
    tampered = payload.replace("54041000", "54040100")
    assert tampered != payload
    shown = _scan(world, "rakutenpay", render_png(tampered).data)
    assert not shown.accepted and "mpm.crc" in shown.reason


def test_a_forged_code_with_a_valid_crc_still_cannot_change_the_amount(world) -> None:
    oid = world.order(1000)["order_id"]
    st = world.gw.merchant
    a, b, c, d = st.store_code.split("/")
    forged = build_mpm([("00", "01"), ("01", "12"), ("26", [("00", "jp.or.paymentsjapan"), ("01", a), ("02", b), ("03", c),
                                                            ("04", d)]),
                        ("52", "5812"), ("53", "392"), ("54", "10"), ("58", "JP"), ("59", "Sakura Cafe"),
                        ("60", "Chiyoda-ku"), ("61", "1000001"), ("62", [("05", oid)]), ("64", [("00", "JA"), ("01", "さくらカフェ")])])
    shown = _scan(world, "merpay", render_png(forged).data)
    assert shown.accepted and shown.amount == 10          # the app cannot know…
    paid = world.app("merpay").pay(shown)
    assert not paid.ok and paid.code == "AMOUNT_MISMATCH"  # …the gateway can


@pytest.mark.parametrize("body, field", [({"amount": -5}, "amount"), ({"amount": 1.5}, "amount"),
                                         ({"amount": "100"}, "amount"), ({"amount": 10, "ttl": -1}, "ttl")])
def test_bad_orders_are_refused_naming_the_field(world, body: dict, field: str) -> None:
    r = world.http.post(f"{world.gateway_base}/v1/orders", json=body, headers=world.auth)
    assert r.status_code == 400 and field in r.json()["error"]["message"]


def test_the_merchant_api_needs_the_merchant_key(world) -> None:
    r = world.http.post(f"{world.gateway_base}/v1/orders", json={"amount": 100}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "UNAUTHORIZED"
    r = world.http.post(f"{world.gateway_base}/v1/orders", content=b"{not json", headers=world.auth)
    assert r.status_code == 400 and "not JSON" in r.json()["error"]["message"]


def test_a_forged_wallet_webhook_is_refused(world) -> None:
    oid = world.order(100)["order_id"]
    r = world.http.post(f"{world.gateway_base}/v1/notify/dbarai",
                        json={"eventType": "PAYMENT.COMPLETED", "payment": {"merchantPaymentId": "AFAKE"}},
                        headers={"X-Sim-Signature": "t=1,v1=00"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "NOTIFICATION_REJECTED"
    # PayPay's webhooks are unsigned: for a real, unpaid attempt the gateway asks PayPay instead of believing it
    r = world.http.post(f"{world.gateway_base}/v1/route", json={"wallet": "paypay", "store_code": world.gw.merchant.store_code,
                                                                 "reference": oid, "amount": 100})
    attempt = r.json()["attempt_id"]
    r = world.http.post(f"{world.gateway_base}/v1/notify/paypay", json={"merchant_order_id": attempt, "state": "COMPLETED"})
    assert r.status_code == 200 and r.json()["attempt_id"] == attempt
    assert world.status(oid)["status"] == "OPEN" and world.gw.ledger() == []
    assert world.unique_events("order.paid", oid) == []


def test_an_idempotent_order_create_returns_the_same_order(world) -> None:
    first = world.order(300, merchant_order_id="till-7-0001")
    again = world.order(300, merchant_order_id="till-7-0001")
    assert first["order_id"] == again["order_id"]
    r = world.http.post(f"{world.gateway_base}/v1/orders", json={"amount": 301, "merchant_order_id": "till-7-0001"},
                        headers=world.auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "DUPLICATE_ORDER"


def test_an_order_that_expires_while_a_wallet_holds_it_cannot_be_paid_late(world) -> None:
    oid = world.order(100, ttl=0.3)["order_id"]
    png = world.png(oid)
    r = world.http.post(f"{world.gateway_base}/v1/route", json={"wallet": "merpay", "store_code": world.gw.merchant.store_code,
                                                                 "reference": oid, "amount": 100})
    assert r.status_code == 200, r.text                       # routed while the order was open
    time.sleep(0.4)
    assert world.status(oid)["status"] == "EXPIRED"           # expiring closes the payment at the wallet
    late = world.http.post(f"{world.sim_base}/_sim/consumer/merpay/pay", json={"code": r.json()["code"]})
    assert late.status_code != 200
    assert not world.app("merpay").pay(world.app("merpay").scan(png)).ok
    world.reconcile()
    assert world.gw.ledger() == [] and world.unique_events("order.paid", oid) == []


def test_a_code_for_an_order_the_gateway_never_issued_is_refused(world) -> None:
    from qrinterop.simulators.apps import all_apps
    from qrinterop.simulators.gateway import unified_payload
    payload = unified_payload(world.gw.merchant, amount=500, reference="ONOSUCHORDER0000")
    apps = all_apps(world.http, sim_base=world.sim_base, registry=world.registry)
    assert len(apps) == 8
    for wallet in ("paypay", "wechatpay"):
        shown = apps[wallet].scan(render_png(payload).data)
        assert shown.accepted                                   # a well-formed code…
        paid = apps[wallet].pay(shown)
        assert not paid.ok and paid.layer == "gateway" and paid.code == "ORDER_NOT_FOUND"   # …for no order
    assert world.journal("paypay", "createQRCode") == [] and world.gw.ledger() == []
