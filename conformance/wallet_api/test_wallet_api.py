"""One test per (wallet, rule): `<wallet>.api.<aspect>`, judged against the documented answers in
`drivers.py`. Each test creates its own payments (fresh merchant ids), so the tests are
independent and may run in any order, against a fresh or a long-running implementation."""
from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from qrinterop.conformance.wallet_api.catalogue import aspects_of, rule_id
from qrinterop.conformance.wallet_api.drivers import Driver, new_id
from qrinterop.simulators.wallets import WALLET_IDS, alipayplus, modelled, wechatpay


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    aspect = getattr(metafunc.function, "aspect", None)
    if aspect is None or "wallet" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.getoption("qri_wallet_ids", None)
    wallets = [w.strip() for w in chosen.split(",") if w.strip()] if chosen else list(WALLET_IDS)
    unknown = [w for w in wallets if w not in WALLET_IDS]
    if unknown:
        raise pytest.UsageError(f"--qri-wallet-ids: unknown wallet id(s) {', '.join(unknown)}; known: {', '.join(WALLET_IDS)}")
    params = [pytest.param(w, id=w, marks=[pytest.mark.rule(id=rule_id(w, aspect)), pytest.mark.profile(name=w),
                                           pytest.mark.kind(name="wallet-api")])
              for w in wallets if w in WALLET_IDS and aspect in aspects_of(w)]
    metafunc.parametrize("wallet", params or [pytest.param(None, marks=pytest.mark.skip(reason="no wallet has this rule"))])


def aspect(name: str):
    def mark(fn):
        fn.aspect = name
        return fn
    return mark


def _err(drv: Driver, r) -> tuple[int, str]:
    return drv.error(r)


def _paid(drv: Driver, iut, judge, amount: int, **create_kw: Any) -> str:
    """A payment the user has paid (and the merchant confirmed where needed); its merchant id."""
    mpid = new_id()
    created = judge.saw(drv.create(mpid, amount, **create_kw))
    assert drv.ok(created), f"create refused: {created.text[:300]}"
    iut.consumer_pay(drv.wallet, drv.code(created))
    drv.after_user_paid(mpid, amount)
    return mpid


@aspect("auth")
def test_auth(wallet: str, drv: Driver, judge) -> None:
    unsigned, tampered, good = new_id(), new_id(), new_id()
    r = judge.saw(drv.create(unsigned, 100, sign=False))
    judge.expect(_err(drv, r) == (drv.AUTH.status, drv.AUTH.code),
                 f"unsigned request: expected HTTP {drv.AUTH.status} {drv.AUTH.code}, got {_err(drv, r)}")
    r = judge.saw(drv.create(tampered, 100, signed_body=drv.create_body(tampered, 999)))
    judge.expect(_err(drv, r) == (drv.AUTH.status, drv.AUTH.code),
                 f"signature over another body: expected HTTP {drv.AUTH.status} {drv.AUTH.code}, got {_err(drv, r)}")
    judge.expect(not drv.ok(judge.saw(drv.status(tampered))), "a refused request still created a payment")
    r = judge.saw(drv.create(good, 100))
    judge.expect(drv.ok(r), f"a correctly signed request was refused: HTTP {r.status_code} {r.text[:200]}")
    judge.done()


@aspect("auth.freshness")
def test_auth_freshness(wallet: str, drv: Driver, judge) -> None:
    assert drv.FRESHNESS_WINDOW and drv.FRESHNESS_ARG
    old = int(time.time() - drv.FRESHNESS_WINDOW - 60)
    r = judge.saw(drv.create(new_id(), 100, sign_kw={drv.FRESHNESS_ARG: old}))
    judge.expect(_err(drv, r) == (drv.AUTH.status, drv.AUTH.code),
                 f"signed {drv.FRESHNESS_WINDOW + 60:.0f} s ago: expected HTTP {drv.AUTH.status} {drv.AUTH.code}, "
                 f"got {_err(drv, r)}")
    r = judge.saw(drv.create(new_id(), 100, sign_kw={drv.FRESHNESS_ARG: int(time.time()) - 5}))
    judge.expect(drv.ok(r), f"signed 5 s ago (inside the window) but refused: {r.text[:200]}")
    judge.done()


@aspect("state_machine")
def test_state_machine(wallet: str, drv: Driver, judge, wallet_iut) -> None:
    mpid = new_id()
    created = judge.saw(drv.create(mpid, 500))
    assert drv.ok(created), f"create refused: {created.text[:300]}"
    name = drv.status_name(judge.saw(drv.status(mpid)))
    judge.expect(name == drv.STATUS["created"], f"new payment: expected {drv.STATUS['created']}, got {name!r}")
    r = judge.saw(drv.refund(mpid, new_id("RF"), 500, 500))
    judge.expect(_err(drv, r) == (drv.NOT_PAID.status, drv.NOT_PAID.code),
                 f"refund of an unpaid payment: expected HTTP {drv.NOT_PAID.status} {drv.NOT_PAID.code}, got {_err(drv, r)}")
    wallet_iut.consumer_pay(wallet, drv.code(created))
    if "authorized" in drv.STATUS:
        name = drv.status_name(judge.saw(drv.status(mpid)))
        judge.expect(name == drv.STATUS["authorized"], f"approved by the user: expected {drv.STATUS['authorized']}, "
                                                       f"got {name!r}")
    drv.after_user_paid(mpid, 500)
    name = drv.status_name(judge.saw(drv.status(mpid)))
    judge.expect(name == drv.STATUS["paid"], f"paid: expected {drv.STATUS['paid']}, got {name!r}")
    refund_id = new_id("RF")
    r = judge.saw(drv.refund(mpid, refund_id, 500, 500))
    judge.expect(drv.ok(r), f"full refund of a paid payment refused: {r.text[:200]}")
    if drv.STATUS["refunded"] is not None:
        name = drv.refunded_name(mpid, refund_id)
        judge.expect(name == drv.STATUS["refunded"], f"refunded: expected {drv.STATUS['refunded']}, got {name!r}")
    judge.done()


@aspect("idempotency")
def test_idempotency(wallet: str, drv: Driver, judge) -> None:
    mpid = new_id()
    method, path = drv.CREATE
    body = drv.create_body(mpid, 300)
    first = judge.saw(drv.send(method, path, body))
    again = judge.saw(drv.send(method, path, body))
    assert drv.ok(first), f"create refused: {first.text[:300]}"
    judge.expect(drv.ok(again), f"the same request sent again was refused: {again.text[:200]}")
    if drv.ok(again):
        judge.expect(drv.code(again) == drv.code(first), "the same request sent again made another payment "
                     f"({drv.code(first)!r} then {drv.code(again)!r})")
    other = judge.saw(drv.send(method, path, drv.create_body(mpid, 301)))
    judge.expect(_err(drv, other) == (drv.CONFLICT.status, drv.CONFLICT.code),
                 f"same id, different body: expected HTTP {drv.CONFLICT.status} {drv.CONFLICT.code}, got {_err(drv, other)}")
    judge.done()


@aspect("refund")
def test_refund(wallet: str, drv: Driver, judge, wallet_iut) -> None:
    mpid = _paid(drv, wallet_iut, judge, 1000)
    first = new_id("RF")
    r = judge.saw(drv.refund(mpid, first, 300, 1000))
    judge.expect(drv.ok(r), f"partial refund of 300 refused: {r.text[:200]}")
    if drv.REFUND_IDEMPOTENT:
        r = judge.saw(drv.refund(mpid, first, 300, 1000))
        judge.expect(drv.ok(r), f"the same refund (same id) sent again was refused: {r.text[:200]}")
    r = judge.saw(drv.refund(mpid, new_id("RF"), 701, 1000))
    judge.expect(_err(drv, r) == (drv.REFUND_EXCEEDED.status, drv.REFUND_EXCEEDED.code),
                 f"refund of 701 with 700 left: expected HTTP {drv.REFUND_EXCEEDED.status} {drv.REFUND_EXCEEDED.code}, "
                 f"got {_err(drv, r)}")
    r = judge.saw(drv.refund(mpid, new_id("RF"), 700, 1000))
    judge.expect(drv.ok(r), f"refund of the 700 left refused (was the repeated refund counted twice?): {r.text[:200]}")
    judge.done()


@aspect("errors")
def test_errors(wallet: str, drv: Driver, judge) -> None:
    r = judge.saw(drv.status(new_id("NOSUCH")))
    judge.expect(_err(drv, r) == (drv.NOT_FOUND.status, drv.NOT_FOUND.code),
                 f"unknown payment: expected HTTP {drv.NOT_FOUND.status} {drv.NOT_FOUND.code}, got {_err(drv, r)}")
    method, path = drv.CREATE
    r = judge.saw(drv.send(method, path, b'{"not json'))
    judge.expect(r.status_code < 500 and not drv.ok(r),
                 f"a body that is not JSON: expected a client error, got HTTP {r.status_code} {r.text[:200]}")
    judge.expect(_err(drv, r)[1] != "", f"a body that is not JSON: the answer carries no error code ({r.text[:200]})")
    judge.done()


@aspect("webhook")
def test_webhook(wallet: str, drv: Driver, judge, wallet_iut) -> None:
    inbox = new_id("ctinbox").lower()
    url = wallet_iut.inbox_url(inbox)
    if drv.WEBHOOK == "unsigned":                       # PayPay: the URL is a merchant setting
        drv.creds = wallet_iut.merchant_with_webhook(wallet, url)
    mpid = _paid(drv, wallet_iut, judge, 100, notify_url=url)
    received = wallet_iut.webhooks(inbox)
    judge.expect(len(received) >= 1, "no notification arrived after the user paid")
    for item in received[:1]:
        body = item["body"].encode()
        headers = {k.lower(): v for k, v in item["headers"].items()}
        for problem in _webhook_problems(drv, headers, body, mpid, urlsplit(url).path):
            judge.expect(False, problem)
    judge.done()


def _webhook_problems(drv: Driver, headers: dict[str, str], body: bytes, mpid: str, path: str) -> list[str]:
    try:
        obj = json.loads(body)
    except ValueError:
        return ["the notification body is not JSON"]
    out: list[str] = []
    if drv.WEBHOOK == "unsigned":
        for field, want in (("notification_type", "Transaction"), ("merchant_order_id", mpid), ("state", "COMPLETED"),
                            ("order_amount", "100")):
            if obj.get(field) != want:
                out.append(f"{field}: expected {want!r}, got {obj.get(field)!r}")
    elif drv.WEBHOOK == "hmac":
        secret = drv.creds["secret"]
        if not modelled.verify_webhook(secret, headers.get("x-sim-signature", ""), body):
            out.append("X-Sim-Signature does not verify with the merchant secret")
        if modelled.verify_webhook(secret, headers.get("x-sim-signature", ""), body + b" "):
            out.append("X-Sim-Signature also verifies a changed body")
        if obj.get("eventType") != "PAYMENT.COMPLETED" or obj.get("payment", {}).get("merchantPaymentId") != mpid:
            out.append(f"expected PAYMENT.COMPLETED for {mpid}, got {obj.get('eventType')} "
                       f"{obj.get('payment', {}).get('merchantPaymentId')}")
    elif drv.WEBHOOK == "rsa":
        pub = drv.creds["platform_public_key_pem"]
        if not alipayplus.verify_signed(pub, "POST", path, headers, body):
            out.append("Signature does not verify with the Antom public key over 'POST <path>\\n<client-id>.<time>.<body>'")
        if alipayplus.verify_signed(pub, "POST", path, headers, body + b" "):
            out.append("Signature also verifies a changed body")
        if obj.get("paymentRequestId") != mpid or obj.get("result", {}).get("resultStatus") != "S":
            out.append(f"expected a successful PAYMENT_RESULT for {mpid}, got {obj.get('paymentRequestId')}")
    elif drv.WEBHOOK == "rsa+aes":
        pub = drv.creds["platform_public_key_pem"]
        if not wechatpay.verify_signed(pub, headers, body):
            out.append("Wechatpay-Signature does not verify with the platform key (or is outside 5 minutes)")
        try:
            plain = wechatpay.decrypt_resource(drv.creds["secret"], obj["resource"])
        except Exception as exc:      # InvalidTag, KeyError: both are the IUT's fault
            return out + [f"resource does not decrypt with the APIv3 key: {type(exc).__name__}"]
        if plain.get("out_trade_no") != mpid or plain.get("trade_state") != "SUCCESS":
            out.append(f"decrypted transaction: expected SUCCESS for {mpid}, got {plain.get('trade_state')} "
                       f"{plain.get('out_trade_no')}")
    return out
