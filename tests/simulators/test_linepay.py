"""LINE Pay v3 (legacy; Japan closed 2025): request → approve → confirm → refund, return codes."""
from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

from qrinterop.simulators.wallets import linepay

from .conftest import Env

W = "linepay"


def request_body(order_id: str, amount: int = 300, capture: bool = True) -> dict:
    return {"amount": amount, "currency": "JPY", "orderId": order_id,
            "packages": [{"id": "pkg-1", "amount": amount, "products": [{"name": "コーヒー", "quantity": 1, "price": amount}]}],
            "redirectUrls": {"confirmUrl": "https://merchant.example/confirm", "cancelUrl": "https://merchant.example/cancel"},
            "options": {"payment": {"capture": capture}}}


def rc(r) -> str:
    assert r.status_code == 200, r.text
    return r.json()["returnCode"]


def reserve(env: Env, order_id: str, **kw: object) -> dict:
    r = env.call(W, "POST", "/v3/payments/request", request_body(order_id, **kw))
    assert rc(r) == "0000", r.text
    return r.json()["info"]


def test_transaction_id_is_a_json_number_above_2_pow_53(env: Env) -> None:
    r = env.call(W, "POST", "/v3/payments/request", request_body("big-1"))
    raw = r.text
    txid = r.json()["info"]["transactionId"]
    assert isinstance(txid, int) and txid > 2**53 and f'"transactionId":{txid}' in raw


def test_happy_path_request_approve_confirm_refund(env: Env) -> None:
    info = reserve(env, "lp-1")
    tx = str(info["transactionId"])
    assert rc(env.call(W, "GET", f"/v3/payments/requests/{tx}/check")) == "0000"
    r = env.call(W, "POST", f"/v3/payments/{tx}/confirm", {"amount": 300, "currency": "JPY"})
    assert rc(r) == "1169"                                     # user has not approved yet
    env.pay(W, info["paymentUrl"]["web"])                      # the user opens the payment URL and approves
    assert rc(env.call(W, "GET", f"/v3/payments/requests/{tx}/check")) == "0110"
    r = env.call(W, "POST", f"/v3/payments/{tx}/confirm", {"amount": 300, "currency": "JPY"})
    assert rc(r) == "0000" and r.json()["info"]["payInfo"][0]["amount"] == 300
    assert rc(env.call(W, "GET", f"/v3/payments/requests/{tx}/check")) == "0123"
    r = env.call(W, "POST", f"/v3/payments/{tx}/refund", {"refundAmount": 100})
    assert rc(r) == "0000" and r.json()["info"]["refundTransactionId"] > 2**53
    r = env.call(W, "GET", f"/v3/payments?transactionId={tx}")
    entry = r.json()["info"][0]
    assert rc(r) == "0000" and entry["refundList"][0]["refundAmount"] == -100 and entry["orderId"] == "lp-1"
    assert rc(env.call(W, "GET", "/v3/payments?orderId=lp-1")) == "0000"
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/refund", {"refundAmount": 201})) == "1164"
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/refund")) == "0000"             # the rest
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/refund")) == "1165"


def test_authorize_then_capture_or_void(env: Env) -> None:
    info = reserve(env, "auth-1", capture=False)
    tx = str(info["transactionId"])
    env.pay(W, info["paymentAccessToken"])
    assert rc(env.call(W, "POST", f"/v3/payments/authorizations/{tx}/capture", {"amount": 300, "currency": "JPY"})) == "1169"
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/confirm", {"amount": 300, "currency": "JPY"})) == "0000"
    assert rc(env.call(W, "GET", f"/v3/payments/requests/{tx}/check")) == "0110"
    assert rc(env.call(W, "POST", f"/v3/payments/authorizations/{tx}/capture", {"amount": 300, "currency": "JPY"})) == "0000"
    assert rc(env.call(W, "POST", f"/v3/payments/authorizations/{tx}/void")) == "1152"
    info = reserve(env, "auth-2", capture=False)
    tx2 = str(info["transactionId"])
    env.pay(W, info["paymentUrl"]["app"])
    env.call(W, "POST", f"/v3/payments/{tx2}/confirm", {"amount": 300, "currency": "JPY"})
    assert rc(env.call(W, "POST", f"/v3/payments/authorizations/{tx2}/void")) == "0000"
    assert rc(env.call(W, "GET", f"/v3/payments/requests/{tx2}/check")) == "0121"


def test_return_codes(env: Env) -> None:
    assert rc(env.call(W, "GET", "/v3/payments/requests/2999999999999999999/check")) == "1150"
    body = request_body("amt")
    body["amount"] = 999
    assert rc(env.call(W, "POST", "/v3/payments/request", body)) == "1124"
    bad = request_body("miss")
    del bad["redirectUrls"]
    r = env.call(W, "POST", "/v3/payments/request", bad)
    assert rc(r) == "2101" and "redirectUrls" in r.text
    assert rc(env.call(W, "POST", "/v3/payments/request", b"{]", headers={"Content-Type": "application/json"})) == "2102"
    info = reserve(env, "codes-1")
    tx = str(info["transactionId"])
    env.pay(W, info["paymentUrl"]["web"])
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/confirm", {"amount": 301, "currency": "JPY"})) == "1153"
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/confirm", {"amount": 300, "currency": "JPY"})) == "0000"
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/confirm", {"amount": 300, "currency": "JPY"})) == "1152"
    assert rc(env.call(W, "POST", "/v3/payments/request", request_body("codes-1", 500))) == "1172"
    info = reserve(env, "late-1")
    env.control("POST", "/clock/advance", {"seconds": 20 * 60 + 1})
    tx = str(info["transactionId"])
    assert rc(env.call(W, "GET", f"/v3/payments/requests/{tx}/check")) == "0121"
    assert rc(env.call(W, "POST", f"/v3/payments/{tx}/confirm", {"amount": 300, "currency": "JPY"})) == "1180"
    assert rc(env.call(W, "GET", "/v3/payments")) == "2101"


def test_auth_rejections(env: Env) -> None:
    body = json.dumps(request_body("a-1")).encode()
    r = env.http.post(f"{env.base}/linepay/v3/payments/request", content=body, headers={"Content-Type": "application/json"})
    assert rc(r) == "1106"
    r = env.call(W, "POST", "/v3/payments/request", request_body("a-2"), creds={**env.creds(W), "secret": "nope"})
    assert rc(r) == "1106"
    r = env.call(W, "POST", "/v3/payments/request", request_body("a-3"), creds={**env.creds(W), "api_key": "999"})
    assert rc(r) == "1104"
    h = linepay.sign_request(env.creds(W), "POST", "/v3/payments/request", body)
    assert rc(env.http.post(f"{env.base}/linepay/v3/payments/request", content=body, headers=h)) == "0000"
    r = env.http.post(f"{env.base}/linepay/v3/payments/request", content=body, headers=h)      # same nonce again
    assert rc(r) == "1198"
    # GET signs the query string: tampering with it breaks the signature
    h = linepay.sign_request(env.creds(W), "GET", "/v3/payments?orderId=a-1")
    assert rc(env.http.get(f"{env.base}/linepay/v3/payments?orderId=zzz", headers=h)) == "1106"


def test_idempotency_and_fifty_concurrent_duplicates(env: Env) -> None:
    order = f"dup-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: env.call(W, "POST", "/v3/payments/request", request_body(order)), range(50)))
    assert {rc(r) for r in responses} == {"0000"} and len({r.content for r in responses}) == 1
    assert len([p for p in env.control("GET", "/payments/linepay").json()["payments"]
                if p["merchant_payment_id"] == order]) == 1
