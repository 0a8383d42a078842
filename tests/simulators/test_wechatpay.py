"""WeChat Pay v3 Native: happy path, signed answers, encrypted notifications, errors, auth."""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from qrinterop.simulators.engine.signing import new_rsa_key_pem
from qrinterop.simulators.wallets import wechatpay

from .conftest import Env

W = "wechatpay"
MCH = "1900000001"


def order(env: Env, out_trade_no: str, total: int = 100, notify: str = "https://merchant.example/wx") -> dict:
    return {"appid": "wxd678efh567hg6787", "mchid": env.creds(W)["merchant_id"], "description": "Image形象店-深圳腾大-QQ公仔",
            "out_trade_no": out_trade_no, "notify_url": notify, "amount": {"total": total, "currency": "JPY"}}


def err(r) -> tuple[int, str]:
    return r.status_code, r.json()["code"]


def test_happy_path_and_signed_responses(env: Env) -> None:
    creds = env.creds(W)
    r = env.call(W, "POST", "/v3/pay/transactions/native", order(env, "wx-order-0001", notify=env.inbox_url("wx")))
    assert r.status_code == 200 and r.json()["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
    assert wechatpay.verify_signed(creds["platform_public_key_pem"], dict(r.headers), r.content)
    q = env.call(W, "GET", f"/v3/pay/transactions/out-trade-no/wx-order-0001?mchid={MCH}")
    assert q.status_code == 200 and q.json()["trade_state"] == "NOTPAY"
    env.pay(W, r.json()["code_url"])
    t = env.call(W, "GET", f"/v3/pay/transactions/out-trade-no/wx-order-0001?mchid={MCH}").json()
    assert t["trade_state"] == "SUCCESS" and t["amount"]["payer_total"] == 100
    by_id = env.call(W, "GET", f"/v3/pay/transactions/id/{t['transaction_id']}?mchid={MCH}")
    assert by_id.status_code == 200 and by_id.json()["out_trade_no"] == "wx-order-0001"
    refund = {"transaction_id": t["transaction_id"], "out_refund_no": "wx-refund-1",
              "amount": {"refund": 40, "total": 100, "currency": "JPY"}}
    r = env.call(W, "POST", "/v3/refund/domestic/refunds", refund)
    assert r.status_code == 200 and r.json()["status"] == "SUCCESS" and r.json()["amount"]["refund"] == 40
    assert env.call(W, "GET", "/v3/refund/domestic/refunds/wx-refund-1").json()["out_refund_no"] == "wx-refund-1"
    assert env.call(W, "GET", f"/v3/pay/transactions/out-trade-no/wx-order-0001?mchid={MCH}").json()["trade_state"] == "REFUND"
    # Notifications: signed by the platform key, resource decrypts with the APIv3 key.
    env.deliver()
    hooks = env.inbox("wx")
    events = []
    for h in hooks:
        body = h["body"].encode()
        assert wechatpay.verify_signed(creds["platform_public_key_pem"], h["headers"], body)
        note = json.loads(body)
        assert note["resource"]["algorithm"] == "AEAD_AES_256_GCM"
        events.append((note["event_type"], wechatpay.decrypt_resource(creds["secret"], note["resource"])))
    assert ("TRANSACTION.SUCCESS", "wx-order-0001") in [(e, p["out_trade_no"]) for e, p in events]
    assert "REFUND.SUCCESS" in [e for e, _ in events]


def test_close_and_errors(env: Env) -> None:
    env.call(W, "POST", "/v3/pay/transactions/native", order(env, "wx-close-1"))
    r = env.call(W, "POST", "/v3/pay/transactions/out-trade-no/wx-close-1/close", {"mchid": MCH})
    assert r.status_code == 204 and r.content == b""
    assert env.call(W, "GET", f"/v3/pay/transactions/out-trade-no/wx-close-1?mchid={MCH}").json()["trade_state"] == "CLOSED"
    code_url = env.control("GET", "/payments/wechatpay").json()["payments"][0]["codes"][0]
    assert env.control("POST", "/consumer/wechatpay/pay", {"code": code_url}).status_code == 400   # closed: cannot pay
    closed_refund = {"out_trade_no": "wx-close-1", "out_refund_no": "r-closed", "amount": {"refund": 1, "total": 100, "currency": "JPY"}}
    assert err(env.call(W, "POST", "/v3/refund/domestic/refunds", closed_refund)) == (400, "ORDER_CLOSED")
    assert err(env.call(W, "GET", f"/v3/pay/transactions/out-trade-no/nope12345?mchid={MCH}")) == (404, "ORDER_NOT_EXIST")
    assert err(env.call(W, "GET", f"/v3/pay/transactions/id/4200000000000?mchid={MCH}")) == (404, "ORDER_NOT_EXIST")
    assert err(env.call(W, "GET", "/v3/refund/domestic/refunds/none")) == (404, "RESOURCE_NOT_EXISTS")
    r = env.call(W, "POST", "/v3/pay/transactions/native", order(env, "wx-paid-1"))
    env.pay(W, r.json()["code_url"])
    assert err(env.call(W, "POST", "/v3/pay/transactions/out-trade-no/wx-paid-1/close", {"mchid": MCH})) == (400, "ORDERPAID")
    big = {"out_trade_no": "wx-paid-1", "out_refund_no": "r-big", "amount": {"refund": 101, "total": 100, "currency": "JPY"}}
    assert err(env.call(W, "POST", "/v3/refund/domestic/refunds", big)) == (400, "INVALID_REQUEST")
    wrong_total = {**big, "amount": {"refund": 1, "total": 99, "currency": "JPY"}}
    r = env.call(W, "POST", "/v3/refund/domestic/refunds", wrong_total)
    assert err(r) == (400, "PARAM_ERROR") and r.json()["detail"]["field"] == "amount.total"
    missing = order(env, "wx-miss-1")
    del missing["notify_url"]
    r = env.call(W, "POST", "/v3/pay/transactions/native", missing)
    assert err(r) == (400, "PARAM_ERROR") and "notify_url" in r.json()["message"]
    assert err(env.call(W, "POST", "/v3/pay/transactions/native", {**order(env, "wx-mch-1"), "mchid": "1900000002"})) == (400, "PARAM_ERROR")
    env.call(W, "POST", "/v3/pay/transactions/native", order(env, "wx-exp-1"))
    env.control("POST", "/clock/advance", {"seconds": 2 * 3600 + 1})
    assert env.call(W, "GET", f"/v3/pay/transactions/out-trade-no/wx-exp-1?mchid={MCH}").json()["trade_state"] == "CLOSED"


def test_auth_rejections(env: Env) -> None:
    creds = env.creds(W)
    body = json.dumps(order(env, "wx-auth-1")).encode()
    url = f"{env.base}/wechatpay/v3/pay/transactions/native"
    assert err(env.http.post(url, content=body, headers={"Content-Type": "application/json"})) == (401, "SIGN_ERROR")
    other_private, _ = new_rsa_key_pem()
    h = wechatpay.sign_request({**creds, "private_key_pem": other_private}, "POST", "/v3/pay/transactions/native", body)
    assert err(env.http.post(url, content=body, headers=h)) == (401, "SIGN_ERROR")
    h = wechatpay.sign_request(creds, "POST", "/v3/pay/transactions/native", body, timestamp=int(time.time()) - 400)
    r = env.http.post(url, content=body, headers=h)
    assert err(r) == (401, "SIGN_ERROR") and "window" in r.json()["message"]
    h = wechatpay.sign_request(creds, "POST", "/v3/pay/transactions/native", body)
    assert env.http.post(url, content=body, headers=h).status_code == 200
    r = env.http.post(url, content=body, headers=h)
    assert err(r) == (401, "SIGN_ERROR") and "replayed" in r.json()["message"]
    h = wechatpay.sign_request({**creds, "key_serial": "OTHER"}, "POST", "/v3/pay/transactions/native", body)
    assert err(env.http.post(url, content=body, headers=h)) == (401, "SIGN_ERROR")
    # the query string is signed
    h = wechatpay.sign_request(creds, "GET", f"/v3/pay/transactions/out-trade-no/wx-auth-1?mchid={MCH}")
    r = env.http.get(f"{env.base}/wechatpay/v3/pay/transactions/out-trade-no/wx-auth-1?mchid=1", headers=h)
    assert err(r) == (401, "SIGN_ERROR")


def test_registering_a_merchant_with_its_own_key(env: Env) -> None:
    private, public = new_rsa_key_pem()
    r = env.control("POST", "/merchants", {"wallet": W, "merchant_id": "1900000777", "secret": "0123456789abcdef0123456789abcdef",
                                           "public_key_pem": public, "key_serial": "MYSERIAL"})
    assert r.status_code == 201
    creds = {"merchant_id": "1900000777", "key_serial": "MYSERIAL", "private_key_pem": private}
    body = {**order(env, "wx-own-1"), "mchid": "1900000777"}
    assert env.call(W, "POST", "/v3/pay/transactions/native", body, creds=creds).status_code == 200


def test_idempotency_and_fifty_concurrent_duplicates(env: Env) -> None:
    body = order(env, f"wxdup{uuid.uuid4().hex[:10]}")
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: env.call(W, "POST", "/v3/pay/transactions/native", body), range(50)))
    assert {r.status_code for r in responses} == {200} and len({r.content for r in responses}) == 1
    assert err(env.call(W, "POST", "/v3/pay/transactions/native", {**body, "amount": {"total": 5, "currency": "JPY"}})) == (400, "INVALID_REQUEST")
    assert len([p for p in env.control("GET", "/payments/wechatpay").json()["payments"]
                if p["merchant_payment_id"] == body["out_trade_no"]]) == 1
