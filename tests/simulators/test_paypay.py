"""PayPay OPA: happy path, every error code the simulator emits, auth rejections, idempotency."""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor


from qrinterop.simulators.wallets import paypay

from .conftest import Env

W = "paypay"


def code_body(mpid: str, amount: int = 1000, **extra: object) -> dict:
    return {"merchantPaymentId": mpid, "amount": {"amount": amount, "currency": "JPY"}, "codeType": "ORDER_QR",
            "requestedAt": int(time.time()), **extra}


def refund_body(rid: str, payment_id: str, amount: int) -> dict:
    return {"merchantRefundId": rid, "paymentId": payment_id, "amount": {"amount": amount, "currency": "JPY"},
            "requestedAt": int(time.time())}


def result_code(r) -> str:
    return r.json()["resultInfo"]["code"]


def create(env: Env, mpid: str, **kw: object) -> dict:
    r = env.call(W, "POST", "/v2/codes", code_body(mpid, **kw))
    assert r.status_code == 201, r.text
    return r.json()["data"]


def test_happy_path_create_pay_complete_refund(env: Env) -> None:
    env.control("POST", "/merchants", {"wallet": W, "merchant_id": "hook-m", "api_key": "hook-k", "secret": "hook-s",
                                       "notify_url": env.inbox_url("paypay-hooks")})
    creds = {"api_key": "hook-k", "secret": "hook-s", "merchant_id": "hook-m"}
    r = env.call(W, "POST", "/v2/codes", code_body("o-1", 1500, orderDescription="ラーメン"), creds=creds)
    assert r.status_code == 201 and result_code(r) == "SUCCESS"
    data = r.json()["data"]
    assert data["codeId"].startswith("04-") and data["merchantPaymentId"] == "o-1" and data["codeType"] == "ORDER_QR"
    r = env.call(W, "GET", "/v2/codes/payments/o-1", creds=creds)
    assert r.status_code == 200 and r.json()["data"]["status"] == "CREATED"
    paid = env.pay(W, data["url"])                     # the user scans the QR content
    assert paid["status"] == "COMPLETED"
    r = env.call(W, "GET", "/v2/codes/payments/o-1", creds=creds)
    details = r.json()["data"]
    assert details["status"] == "COMPLETED" and details["acceptedAt"] > 0
    r = env.call(W, "POST", "/v2/refunds", refund_body("rf-1", details["paymentId"], 500), creds=creds)
    assert r.status_code == 201 and r.json()["data"]["status"] == "CREATED"
    r = env.call(W, "POST", "/v2/refunds", refund_body("rf-2", details["paymentId"], 1000), creds=creds)
    assert r.status_code == 201
    assert env.call(W, "GET", "/v2/codes/payments/o-1", creds=creds).json()["data"]["status"] == "REFUNDED"
    r = env.call(W, "GET", "/v2/refunds/rf-1", creds=creds)
    assert r.status_code == 200 and r.json()["data"]["status"] == "REFUNDED" and r.json()["data"]["amount"]["amount"] == 500
    assert env.deliver() >= 1
    hooks = env.inbox("paypay-hooks")
    assert [h["body"] for h in hooks if '"state":"COMPLETED"' in h["body"]], hooks   # unsigned, as documented


def test_preauthorization_capture_and_revert(env: Env) -> None:
    a = create(env, "pre-1", isAuthorization=True)
    assert env.pay(W, a["codeId"])["status"] == "AUTHORIZED"
    body = {"merchantPaymentId": "pre-1", "amount": {"amount": 1000, "currency": "JPY"}, "merchantCaptureId": "cap-1",
            "requestedAt": int(time.time()), "orderDescription": "capture"}
    r = env.call(W, "POST", "/v2/payments/capture", body)
    assert r.status_code == 200 and r.json()["data"]["status"] == "COMPLETED"
    r = env.call(W, "POST", "/v2/payments/capture", {**body, "merchantCaptureId": "cap-2"})
    assert r.status_code == 400 and result_code(r) == "ALREADY_CAPTURED"
    b = create(env, "pre-2", isAuthorization=True)
    env.pay(W, b["codeId"])
    pid = env.call(W, "GET", "/v2/payments/pre-2").json()["data"]["paymentId"]
    r = env.call(W, "POST", "/v2/payments/preauthorize/revert",
                 {"merchantRevertId": "rv-1", "paymentId": pid, "requestedAt": int(time.time())})
    assert r.status_code == 200 and r.json()["data"]["status"] == "CANCELED"


def test_cancel_moves_completed_to_failed_and_created_to_canceled(env: Env) -> None:
    a = create(env, "c-1")
    env.pay(W, a["codeId"])
    r = env.call(W, "DELETE", "/v2/payments/c-1")
    assert r.status_code == 202
    assert env.call(W, "GET", "/v2/payments/c-1").json()["data"]["status"] == "FAILED"
    create(env, "c-2")
    assert env.call(W, "DELETE", "/v2/payments/c-2").status_code == 202
    assert env.call(W, "GET", "/v2/payments/c-2").json()["data"]["status"] == "CANCELED"


def test_error_codes(env: Env) -> None:
    r = env.call(W, "GET", "/v2/codes/payments/nope")
    assert (r.status_code, result_code(r)) == (400, "DYNAMIC_QR_PAYMENT_NOT_FOUND")
    r = env.call(W, "DELETE", "/v2/codes/04-NOPE")
    assert (r.status_code, result_code(r)) == (404, "DYNAMIC_QR_NOT_FOUND")
    r = env.call(W, "GET", "/v2/payments/nope")
    assert (r.status_code, result_code(r)) == (404, "RESOURCE_NOT_FOUND")
    r = env.call(W, "GET", "/v2/refunds/nope")
    assert (r.status_code, result_code(r)) == (404, "NO_SUCH_REFUND_ORDER")
    r = env.call(W, "POST", "/v2/codes", {"amount": {"amount": 1, "currency": "JPY"}, "codeType": "ORDER_QR"})
    assert (r.status_code, result_code(r)) == (400, "MISSING_REQUEST_PARAMS") and "merchantPaymentId" in r.text
    r = env.call(W, "POST", "/v2/codes", code_body("bad", amount="100"))       # type: ignore[arg-type]
    assert (r.status_code, result_code(r)) == (400, "INVALID_PARAMS") and "amount.amount" in r.text
    r = env.call(W, "POST", "/v2/codes", b"{not json", headers={"Content-Type": "application/json"})
    assert (r.status_code, result_code(r)) == (400, "INVALID_REQUEST_PARAMS")
    a = create(env, "e-1")
    env.pay(W, a["codeId"])
    pid = env.call(W, "GET", "/v2/payments/e-1").json()["data"]["paymentId"]
    r = env.call(W, "POST", "/v2/refunds", refund_body("big", pid, 1001))
    assert (r.status_code, result_code(r)) == (400, "REFUND_LIMIT_EXCEEDED")
    assert env.call(W, "POST", "/v2/refunds", refund_body("all", pid, 1000)).status_code == 201
    r = env.call(W, "DELETE", "/v2/payments/e-1")
    assert (r.status_code, result_code(r)) == (400, "ORDER_NOT_REVERSIBLE")
    r = env.call(W, "POST", "/v2/payments/capture", {"merchantPaymentId": "e-1", "amount": {"amount": 1000, "currency": "JPY"},
                                                     "merchantCaptureId": "x", "requestedAt": 1, "orderDescription": "d"})
    assert (r.status_code, result_code(r)) == (400, "ORDER_NOT_REVERSIBLE")
    create(env, "e-2")
    env.control("POST", "/clock/advance", {"seconds": 301})
    r = env.call(W, "GET", "/v2/payments/e-2")
    assert r.json()["data"]["status"] == "EXPIRED"
    r = env.call(W, "POST", "/v2/payments/capture", {"merchantPaymentId": "e-2", "amount": {"amount": 1000, "currency": "JPY"},
                                                     "merchantCaptureId": "y", "requestedAt": 1, "orderDescription": "d"})
    assert (r.status_code, result_code(r)) == (400, "ORDER_EXPIRED")
    create(env, "e-3")
    env.control("POST", "/consumer/paypay/reject", {"code": env.call(W, "GET", "/v2/payments/e-3").json()["data"]["paymentId"]})
    r = env.call(W, "DELETE", "/v2/payments/e-3")
    assert (r.status_code, result_code(r)) == (400, "ORDER_NO_LONGER_AVAILABLE")
    r = env.call(W, "POST", "/v2/nowhere", {})
    assert (r.status_code, result_code(r)) == (404, "RESOURCE_NOT_FOUND")


def test_merchant_with_single_refunds_only(env: Env) -> None:
    env.control("POST", "/merchants", {"wallet": W, "merchant_id": "single", "api_key": "single-k", "secret": "single-s",
                                       "multiple_refunds": False})
    creds = {"api_key": "single-k", "secret": "single-s", "merchant_id": "single"}
    r = env.call(W, "POST", "/v2/codes", code_body("s-1"), creds=creds)
    env.pay(W, r.json()["data"]["codeId"])
    pid = env.call(W, "GET", "/v2/payments/s-1", creds=creds).json()["data"]["paymentId"]
    r = env.call(W, "POST", "/v2/refunds", refund_body("part", pid, 10), creds=creds)
    assert (r.status_code, result_code(r)) == (400, "MERCHANT_MULTIPLE_REFUND_REJECTED")


def test_cancel_window_closes_after_0014_jst_next_day(env: Env) -> None:
    a = create(env, "w-1")
    env.pay(W, a["codeId"])
    env.control("POST", "/clock/advance", {"seconds": 2 * 86400})
    r = env.call(W, "DELETE", "/v2/payments/w-1")
    assert (r.status_code, result_code(r)) == (400, "ORDER_NOT_REVERSIBLE") and "cancel window" in r.text


def test_auth_rejections(env: Env) -> None:
    body = code_body("auth-1")
    r = env.call(W, "POST", "/v2/codes", body, sign=False, headers={"Content-Type": "application/json"})
    assert (r.status_code, result_code(r)) == (401, "UNAUTHORIZED")
    bad = {**env.creds(W), "secret": "wrong"}
    assert result_code(env.call(W, "POST", "/v2/codes", body, creds=bad)) == "UNAUTHORIZED"
    unknown = {**env.creds(W), "api_key": "who"}
    assert env.call(W, "POST", "/v2/codes", body, creds=unknown).status_code == 401
    raw = env.http.request
    payload = json.dumps(body).encode()        # stale: epoch 3 minutes old (the window is 2)
    stale = paypay.sign_request(env.creds(W), "POST", "/v2/codes", payload, epoch=int(time.time()) - 180)
    r = raw("POST", f"{env.base}/paypay/v2/codes", content=payload, headers=stale)
    assert (r.status_code, result_code(r)) == (401, "UNAUTHORIZED") and "window" in r.text
    fresh = paypay.sign_request(env.creds(W), "POST", "/v2/codes", payload)
    assert raw("POST", f"{env.base}/paypay/v2/codes", content=payload, headers=fresh).status_code == 201
    r = raw("POST", f"{env.base}/paypay/v2/codes", content=payload, headers=fresh)          # replayed
    assert (r.status_code, result_code(r)) == (401, "UNAUTHORIZED") and "replayed" in r.text
    other = {**env.creds(W), "merchant_id": "someone-else"}
    r = env.call(W, "POST", "/v2/codes", code_body("auth-2"), creds=other)
    assert (r.status_code, result_code(r)) == (401, "OP_OUT_OF_SCOPE")
    # The signature covers the path: a body signed for /v2/codes does not pass on another route.
    h = paypay.sign_request(env.creds(W), "POST", "/v2/codes", payload)
    r = raw("POST", f"{env.base}/paypay/v2/refunds", content=payload, headers=h)
    assert r.status_code == 401


def test_content_type_variants_are_accepted(env: Env) -> None:
    for i, ctype in enumerate(("application/json", "application/json;charset=UTF-8;")):
        payload = json.dumps(code_body(f"ct-{i}")).encode()
        h = paypay.sign_request(env.creds(W), "POST", "/v2/codes", payload, content_type=ctype)
        assert env.http.post(f"{env.base}/paypay/v2/codes", content=payload, headers=h).status_code == 201


def test_idempotency_same_body_replays_and_different_body_conflicts(env: Env) -> None:
    first = env.call(W, "POST", "/v2/codes", code_body("idem-1"))
    again = env.call(W, "POST", "/v2/codes", code_body("idem-1"))
    assert first.status_code == again.status_code == 201 and first.content == again.content
    r = env.call(W, "POST", "/v2/codes", code_body("idem-1", 2000))
    assert (r.status_code, result_code(r)) == (400, "DUPLICATE_DYNAMIC_QR_REQUEST")


def test_fifty_concurrent_duplicates_make_one_payment(env: Env) -> None:
    body = code_body(f"conc-{uuid.uuid4().hex[:8]}")
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: env.call(W, "POST", "/v2/codes", body), range(50)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1                # byte-identical answers
    assert len([p for p in env.control("GET", "/payments/paypay").json()["payments"]
                if p["merchant_payment_id"] == body["merchantPaymentId"]]) == 1
