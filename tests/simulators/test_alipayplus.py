"""Alipay+ / Antom in-store: ORDERCODE and PAYMENTCODE, inquiry, cancel, refund, signatures."""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from qrinterop.simulators.engine.signing import new_rsa_key_pem
from qrinterop.simulators.wallets import alipayplus

from .conftest import Env

W = "alipayplus"
PAY = "/ams/api/v1/payments/pay"


def pay_body(request_id: str, value: int = 1000, scenario: str = "ORDERCODE", code: str = "", notify: str = "") -> dict:
    b = {"productCode": "IN_STORE_PAYMENT", "paymentRequestId": request_id,
         "order": {"referenceOrderId": f"ref-{request_id}", "orderDescription": "抹茶ラテ",
                   "orderAmount": {"currency": "JPY", "value": str(value)}},
         "paymentAmount": {"currency": "JPY", "value": str(value)},
         "paymentMethod": {"paymentMethodType": "CONNECT_WALLET", **({"paymentMethodId": code} if code else {})},
         "paymentFactor": {"inStorePaymentScenario": scenario}}
    if notify:
        b["paymentNotifyUrl"] = notify
    return b


def result(r) -> tuple[str, str]:
    assert r.status_code == 200, r.text
    res = r.json()["result"]
    return res["resultStatus"], res["resultCode"]


def test_order_code_happy_path_with_signed_answers_and_notification(env: Env) -> None:
    creds = env.creds(W)
    r = env.call(W, "POST", PAY, pay_body("ap-1", notify=env.inbox_url("antom")))
    assert result(r) == ("U", "PAYMENT_IN_PROCESS")
    assert alipayplus.verify_signed(creds["platform_public_key_pem"], "POST", PAY, dict(r.headers), r.content)
    form = r.json()["orderCodeForm"]
    payment_id = r.json()["paymentId"]
    inq = env.call(W, "POST", "/ams/api/v1/payments/inquiryPayment", {"paymentRequestId": "ap-1"})
    assert result(inq) == ("S", "SUCCESS") and inq.json()["paymentStatus"] == "PROCESSING"
    env.pay(W, form["codeDetails"][0]["codeValue"])
    inq = env.call(W, "POST", "/ams/api/v1/payments/inquiryPayment", {"paymentId": payment_id})
    assert inq.json()["paymentStatus"] == "SUCCESS" and "paymentTime" in inq.json()
    r = env.call(W, "POST", "/ams/api/v1/payments/refund",
                 {"refundRequestId": "ar-1", "paymentId": payment_id, "refundAmount": {"currency": "JPY", "value": "300"}})
    assert result(r) == ("S", "SUCCESS") and r.json()["refundAmount"]["value"] == "300"
    r = env.call(W, "POST", "/ams/api/v1/payments/inquiryRefund", {"refundRequestId": "ar-1"})
    assert result(r) == ("S", "SUCCESS") and r.json()["refundStatus"] == "SUCCESS"
    env.deliver()
    hooks = env.inbox("antom")
    assert len(hooks) >= 1
    note = hooks[0]
    assert alipayplus.verify_signed(creds["platform_public_key_pem"], "POST", "/_sim/inbox/antom", note["headers"],
                                    note["body"].encode())
    assert json.loads(note["body"])["notifyType"] == "PAYMENT_RESULT"


def test_payment_code_pays_at_once_and_magic_expired_code(env: Env) -> None:
    r = env.call(W, "POST", PAY, pay_body("pc-1", scenario="PAYMENTCODE", code="281234567890123456"))
    assert result(r) == ("S", "SUCCESS") and "paymentTime" in r.json()
    r = env.call(W, "POST", PAY, pay_body("pc-2", scenario="PAYMENTCODE", code="991234567890123456"))
    assert result(r) == ("F", "INVALID_PAYMENT_CODE")
    r = env.call(W, "POST", PAY, pay_body("pc-3", scenario="PAYMENTCODE", code="12ab"))
    assert result(r) == ("F", "PARAM_ILLEGAL")
    r = env.call(W, "POST", PAY, pay_body("pc-4", scenario="PAYMENTCODE", code="281234567890123456"), fault="stuck")
    assert result(r) == ("U", "PAYMENT_IN_PROCESS")


def test_errors(env: Env) -> None:
    r = env.call(W, "POST", "/ams/api/v1/payments/inquiryPayment", {"paymentRequestId": "none"})
    assert result(r) == ("F", "ORDER_NOT_EXIST")
    r = env.call(W, "POST", "/ams/api/v1/payments/inquiryRefund", {"refundId": "none"})
    assert result(r) == ("F", "ORDER_NOT_EXIST")
    r = env.call(W, "POST", PAY, {**pay_body("bad-1"), "paymentAmount": {"currency": "JPY", "value": 1000}})
    assert result(r) == ("F", "PARAM_ILLEGAL") and "paymentAmount.value" in r.text
    assert result(env.call(W, "POST", PAY, pay_body("e-1"))) == ("U", "PAYMENT_IN_PROCESS")
    assert result(env.call(W, "POST", PAY, pay_body("e-1", 999))) == ("F", "REPEAT_REQ_INCONSISTENT")
    r = env.call(W, "POST", PAY, pay_body("e-2", scenario="PAYMENTCODE", code="281234567890123456"))
    pid = r.json()["paymentId"]
    big = {"refundRequestId": "big", "paymentId": pid, "refundAmount": {"currency": "JPY", "value": "1001"}}
    assert result(env.call(W, "POST", "/ams/api/v1/payments/refund", big)) == ("F", "REFUND_AMOUNT_EXCEED")
    r = env.call(W, "POST", "/ams/api/v1/payments/cancel", {"paymentId": pid})
    assert result(r) == ("S", "SUCCESS")
    assert env.call(W, "POST", "/ams/api/v1/payments/inquiryPayment", {"paymentId": pid}).json()["paymentStatus"] == "CANCELLED"
    ok = {"refundRequestId": "after-cancel", "paymentId": pid, "refundAmount": {"currency": "JPY", "value": "1"}}
    assert result(env.call(W, "POST", "/ams/api/v1/payments/refund", ok)) == ("F", "ORDER_IS_CLOSED")
    r = env.call(W, "POST", "/ams/api/v1/payments/nothing", {})
    assert r.status_code == 404 and r.json()["result"]["resultCode"] == "NO_INTERFACE_DEF"


def test_auth_rejections_and_idempotent_retry_of_the_same_signed_request(env: Env) -> None:
    creds = env.creds(W)
    body = json.dumps(pay_body("auth-1")).encode()
    url = f"{env.base}/alipayplus{PAY}"
    r = env.http.post(url, content=body, headers={"Content-Type": "application/json"})
    assert result(r) == ("F", "INVALID_SIGNATURE")
    other, _ = new_rsa_key_pem()
    r = env.http.post(url, content=body, headers=alipayplus.sign_request({**creds, "private_key_pem": other}, "POST", PAY, body))
    assert result(r) == ("F", "INVALID_SIGNATURE")
    r = env.http.post(url, content=body, headers=alipayplus.sign_request({**creds, "api_key": "SANDBOX_NOBODY"}, "POST", PAY, body))
    assert result(r) == ("F", "KEY_NOT_FOUND")
    stale = alipayplus.sign_request(creds, "POST", PAY, body, request_time=str(int(time.time() * 1000) - 600_000))
    assert result(env.http.post(url, content=body, headers=stale)) == ("F", "INVALID_SIGNATURE")
    iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    h = alipayplus.sign_request(creds, "POST", PAY, body, request_time=iso)      # the Python SDK's ISO form
    first = env.http.post(url, content=body, headers=h)
    again = env.http.post(url, content=body, headers=h)                       # no nonce: a retry, same answer
    assert result(first) == ("U", "PAYMENT_IN_PROCESS") and first.json() == again.json()


def test_fifty_concurrent_duplicates(env: Env) -> None:
    body = pay_body(f"dup-{uuid.uuid4().hex[:8]}")
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: env.call(W, "POST", PAY, body), range(50)))
    assert {result(r) for r in responses} == {("U", "PAYMENT_IN_PROCESS")}
    assert len({r.json()["paymentId"] for r in responses}) == 1
    assert len({r.content for r in responses}) == 1
