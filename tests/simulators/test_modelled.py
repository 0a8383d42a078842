"""The four wallets with no public API (d払い, Merpay, Rakuten Pay, au PAY) on the INVENTED shape."""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from qrinterop.simulators.wallets import modelled, spec

from .conftest import Env

WALLETS = ["dbarai", "merpay", "rakutenpay", "aupay"]
wallet_param = pytest.mark.parametrize("w", WALLETS)


def qr(mpid: str, amount: int = 800, **extra: object) -> dict:
    return {"merchantPaymentId": mpid, "amount": amount, "currency": "JPY", "storeId": "s-1", **extra}


def err(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


@wallet_param
def test_docstring_says_modelled_not_real(w: str) -> None:
    doc = spec(w).doc
    assert "MODELLED" in doc and "not the real" in doc
    assert "INVENTED" in spec(w).contract.doc["info"]["title"]


@wallet_param
def test_happy_path_with_signed_webhooks(env: Env, w: str) -> None:
    hooks = f"{w}-hooks"
    r = env.call(w, "POST", "/v1/payments/qr", qr("m-1", notifyUrl=env.inbox_url(hooks)))
    assert r.status_code == 201 and r.json()["status"] == "CREATED"
    assert env.pay(w, r.json()["qrContent"])["status"] == "COMPLETED"
    g = env.call(w, "GET", "/v1/payments/m-1")
    assert g.json()["status"] == "COMPLETED" and g.json()["paidAt"] > 0
    pid = g.json()["paymentId"]
    r = env.call(w, "POST", "/v1/refunds", {"merchantRefundId": "mr-1", "paymentId": pid, "amount": 300})
    assert r.status_code == 201 and r.json()["status"] == "COMPLETED"
    assert env.call(w, "GET", "/v1/payments/m-1").json()["status"] == "PARTIALLY_REFUNDED"
    assert env.call(w, "GET", "/v1/refunds/mr-1").json()["amount"] == 300
    env.deliver()
    got = env.inbox(hooks)
    secret = env.creds(w)["secret"]
    assert [json.loads(h["body"])["eventType"] for h in got] == ["PAYMENT.COMPLETED", "PAYMENT.REFUNDED"]
    for h in got:
        assert modelled.verify_webhook(secret, h["headers"]["x-sim-signature"], h["body"].encode())
        assert not modelled.verify_webhook("other-secret", h["headers"]["x-sim-signature"], h["body"].encode())


@wallet_param
def test_customer_presented_codes(env: Env, w: str) -> None:
    body = {"merchantPaymentId": "c-1", "userCode": "1234567890123456", "amount": 500, "currency": "JPY"}
    r = env.call(w, "POST", "/v1/payments/code", body)
    assert r.status_code == 200 and r.json()["status"] == "COMPLETED"
    r = env.call(w, "POST", "/v1/payments/code", {**body, "merchantPaymentId": "c-2", "userCode": "9912345678901234"})
    assert err(r) == (400, "USER_CODE_EXPIRED")
    r = env.call(w, "POST", "/v1/payments/code", {**body, "merchantPaymentId": "c-3", "userCode": "9812345678901234"})
    assert r.json()["status"] == "FAILED" and r.json()["failureCode"] == "INSUFFICIENT_BALANCE"


@wallet_param
def test_error_codes(env: Env, w: str) -> None:
    assert err(env.call(w, "GET", "/v1/payments/none")) == (404, "PAYMENT_NOT_FOUND")
    assert err(env.call(w, "GET", "/v1/refunds/none")) == (404, "REFUND_NOT_FOUND")
    r = env.call(w, "POST", "/v1/payments/qr", {"merchantPaymentId": "x", "currency": "JPY"})
    assert err(r) == (400, "INVALID_PARAMETER") and r.json()["error"]["field"] == "amount"
    env.call(w, "POST", "/v1/payments/qr", qr("d-1"))
    assert err(env.call(w, "POST", "/v1/payments/qr", qr("d-1", 801))) == (409, "DUPLICATE_REQUEST")
    r = env.call(w, "POST", "/v1/payments/qr", qr("p-1"))
    env.pay(w, r.json()["qrContent"])
    pid = env.call(w, "GET", "/v1/payments/p-1").json()["paymentId"]
    big = {"merchantRefundId": "big", "paymentId": pid, "amount": 801}
    assert err(env.call(w, "POST", "/v1/refunds", big)) == (400, "REFUND_AMOUNT_EXCEEDED")
    assert env.call(w, "POST", "/v1/refunds", {**big, "merchantRefundId": "all", "amount": 800}).status_code == 201
    assert err(env.call(w, "POST", "/v1/refunds", {**big, "merchantRefundId": "more", "amount": 1})) == (409, "ALREADY_REFUNDED")
    env.call(w, "POST", "/v1/payments/qr", qr("x-1", expiresInSec=60))
    env.control("POST", "/clock/advance", {"seconds": 61})
    assert env.call(w, "GET", "/v1/payments/x-1").json()["status"] == "EXPIRED"
    assert err(env.call(w, "POST", "/v1/payments/x-1/cancel")) == (409, "PAYMENT_EXPIRED")
    assert err(env.call(w, "POST", "/v1/nowhere", {})) == (404, "NOT_FOUND")


@wallet_param
def test_cancel_same_day_only(env: Env, w: str) -> None:
    r = env.call(w, "POST", "/v1/payments/qr", qr("cx-1"))
    env.pay(w, r.json()["qrContent"])
    assert env.call(w, "POST", "/v1/payments/cx-1/cancel").json()["status"] == "CANCELED"
    assert err(env.call(w, "POST", "/v1/payments/cx-1/cancel")) == (409, "INVALID_STATE")
    r = env.call(w, "POST", "/v1/payments/qr", qr("cx-2"))
    env.pay(w, r.json()["qrContent"])
    env.control("POST", "/clock/advance", {"seconds": 86400})
    assert err(env.call(w, "POST", "/v1/payments/cx-2/cancel")) == (409, "INVALID_STATE")


@wallet_param
def test_auth_rejections(env: Env, w: str) -> None:
    creds = env.creds(w)
    body = json.dumps(qr("a-1")).encode()
    url = f"{env.base}/{w}/v1/payments/qr"
    assert err(env.http.post(url, content=body, headers={"Content-Type": "application/json"})) == (401, "INVALID_SIGNATURE")
    h = modelled.sign_request({**creds, "secret": "bad"}, "POST", "/v1/payments/qr", body)
    assert err(env.http.post(url, content=body, headers=h)) == (401, "INVALID_SIGNATURE")
    h = modelled.sign_request(creds, "POST", "/v1/payments/qr", body, ts=int(time.time()) - 301)
    assert err(env.http.post(url, content=body, headers=h)) == (401, "INVALID_SIGNATURE")
    h = modelled.sign_request(creds, "POST", "/v1/payments/qr", body)
    assert env.http.post(url, content=body, headers=h).status_code == 201
    r = env.http.post(url, content=body, headers=h)
    assert err(r) == (401, "INVALID_SIGNATURE") and "replayed" in r.text
    other = "merpay" if w != "merpay" else "aupay"                    # one wallet's key is not another's
    h = modelled.sign_request(env.creds(other), "POST", "/v1/payments/qr", body)
    assert err(env.http.post(url, content=body, headers=h)) == (401, "INVALID_SIGNATURE")


@wallet_param
def test_fifty_concurrent_duplicates(env: Env, w: str) -> None:
    body = qr(f"dup-{uuid.uuid4().hex[:8]}")
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: env.call(w, "POST", "/v1/payments/qr", body), range(50)))
    assert {r.status_code for r in responses} == {201} and len({r.content for r in responses}) == 1
    assert len([p for p in env.control("GET", f"/payments/{w}").json()["payments"]
                if p["merchant_payment_id"] == body["merchantPaymentId"]]) == 1


def test_one_id_on_two_create_routes_is_a_conflict_not_a_replay(env: Env) -> None:
    w = "dbarai"
    body = {"merchantPaymentId": "two-routes", "userCode": "1234567890123456", "amount": 100, "currency": "JPY"}
    assert env.call(w, "POST", "/v1/payments/code", body).status_code == 200
    assert err(env.call(w, "POST", "/v1/payments/qr", body)) == (409, "DUPLICATE_REQUEST")
