"""What every wallet shares: bad input, faults, the control API, the OpenAPI contract."""
from __future__ import annotations

import dataclasses
import json
import time
from typing import Any, Callable

import httpx
import pytest

from qrinterop.simulators.engine.errors import Kind
from qrinterop.simulators.engine.http import SimRequest
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import WALLET_IDS, alipayplus, paypay, spec, wechatpay

from .conftest import Env


def _code(w: str) -> Callable[[httpx.Response], str]:
    return {"paypay": lambda r: r.json()["resultInfo"]["code"], "linepay": lambda r: r.json()["returnCode"],
            "wechatpay": lambda r: r.json()["code"], "alipayplus": lambda r: r.json()["result"]["resultCode"]}.get(
        w, lambda r: r.json()["error"]["code"])


def create_request(env: Env, w: str, n: str) -> tuple[str, dict[str, Any]]:
    """A valid create-payment request for wallet `w` (path, body)."""
    if w == "paypay":
        return "/v2/codes", {"merchantPaymentId": n, "amount": {"amount": 100, "currency": "JPY"}, "codeType": "ORDER_QR"}
    if w == "linepay":
        return "/v3/payments/request", {"amount": 100, "currency": "JPY", "orderId": n,
                                        "packages": [{"id": "p", "amount": 100, "products": [{"name": "x", "quantity": 1, "price": 100}]}],
                                        "redirectUrls": {"confirmUrl": "https://m.example/c", "cancelUrl": "https://m.example/x"}}
    if w == "wechatpay":
        return "/v3/pay/transactions/native", {"appid": "wx1", "mchid": env.creds(w)["merchant_id"], "description": "d",
                                               "out_trade_no": f"{n}-000000", "notify_url": "https://m.example/n",
                                               "amount": {"total": 100, "currency": "JPY"}}
    if w == "alipayplus":
        return "/ams/api/v1/payments/pay", {"productCode": "IN_STORE_PAYMENT", "paymentRequestId": n,
                                            "order": {"referenceOrderId": n, "orderDescription": "d",
                                                      "orderAmount": {"currency": "JPY", "value": "100"}},
                                            "paymentAmount": {"currency": "JPY", "value": "100"},
                                            "paymentMethod": {"paymentMethodType": "CONNECT_WALLET"},
                                            "paymentFactor": {"inStorePaymentScenario": "ORDERCODE"}}
    return "/v1/payments/qr", {"merchantPaymentId": n, "amount": 100, "currency": "JPY"}


# Each wallet's documented answer to a body it cannot use: (HTTP status, code).
BAD_INPUT = {"paypay": (400, "INVALID_REQUEST_PARAMS"), "linepay": (200, "2102"), "wechatpay": (400, "PARAM_ERROR"),
             "alipayplus": (200, "PARAM_ILLEGAL")}
WRONG_TYPE = {"paypay": (400, "INVALID_PARAMS"), "linepay": (200, "2101"), "wechatpay": (400, "PARAM_ERROR"),
              "alipayplus": (200, "PARAM_ILLEGAL")}
MODELLED = (400, "INVALID_PARAMETER")


def _wrong_type(body: dict[str, Any]) -> dict[str, Any]:
    b = json.loads(json.dumps(body))
    for key in ("merchantPaymentId", "orderId", "out_trade_no", "paymentRequestId"):
        if key in b:
            b[key] = 12345
    return b


@pytest.mark.parametrize("w", WALLET_IDS)
def test_bad_input_gets_the_wallets_own_error_and_writes_nothing(env: Env, w: str) -> None:
    path, body = create_request(env, w, "bad")
    code = _code(w)
    expect_bad, expect_type = BAD_INPUT.get(w, MODELLED), WRONG_TYPE.get(w, MODELLED)
    before = len(env.control("GET", f"/payments/{w}").json()["payments"])
    r = env.call(w, "POST", path, b'{"truncated": ', headers={"Content-Type": "application/json"})
    assert (r.status_code, code(r)) == expect_bad, r.text
    r = env.call(w, "POST", path, b"\xff\xfe not utf-8", headers={"Content-Type": "application/json"})
    assert (r.status_code, code(r)) == expect_bad, r.text
    r = env.call(w, "POST", path, b"[1, 2]", headers={"Content-Type": "application/json"})
    assert r.status_code < 500 and code(r) in (expect_bad[1], expect_type[1]), r.text
    r = env.call(w, "POST", path, _wrong_type(body))
    assert (r.status_code, code(r)) == expect_type, r.text
    raw = json.dumps(body).encode()
    if w == "paypay":          # PayPay hashes the content type into the MAC: sign what is sent
        headers = paypay.sign_request(env.creds(w), "POST", path, raw, content_type="text/plain")
        r = env.http.post(f"{env.base}/{w}{path}", content=raw, headers=headers)
    else:
        r = env.call(w, "POST", path, raw, headers={"Content-Type": "text/plain"})
    assert r.status_code < 500 and code(r) in (expect_bad[1], expect_type[1]), r.text
    huge = json.dumps({**body, "padding": "x" * 70_000}).encode()
    r = env.call(w, "POST", path, huge, headers={"Content-Type": "application/json"})
    assert r.status_code < 500 and code(r) in (expect_bad[1], expect_type[1]) and "limit" in r.text, r.text
    assert len(env.control("GET", f"/payments/{w}").json()["payments"]) == before
    assert env.call(w, "POST", path, body).status_code in (200, 201)       # and the store still works


# The wallet's code for an outage (503), a server error (500) and rate limiting (429).
FAULT_CODES = {"paypay": ("MAINTENANCE_MODE", "INTERNAL_SERVER_ERROR", "RATE_LIMIT"),
               "linepay": ("9000", "9000", "9000"),
               "wechatpay": ("SYSTEM_ERROR", "SYSTEM_ERROR", "FREQUENCY_LIMITED"),
               "alipayplus": ("UNKNOWN_EXCEPTION", "UNKNOWN_EXCEPTION", "REQUEST_TRAFFIC_EXCEED_LIMIT")}


@pytest.mark.parametrize("w", WALLET_IDS)
def test_request_faults(env: Env, w: str) -> None:
    path, body = create_request(env, w, "f")
    code = _code(w)
    unavailable, server_error, limited = FAULT_CODES.get(w, ("SERVICE_UNAVAILABLE", "INTERNAL_ERROR", "RATE_LIMITED"))
    r = env.call(w, "POST", path, body, fault="error=503")
    assert (r.status_code, code(r)) == (503, unavailable)
    r = env.call(w, "POST", path, body, fault="error=500")
    assert (r.status_code, code(r)) == (500, server_error)
    r = env.call(w, "POST", path, body, fault="ratelimit=7")
    assert (r.status_code, code(r)) == (429, limited) and r.headers["retry-after"] == "7"
    started = time.perf_counter()
    r = env.call(w, "POST", path, {**body}, fault="latency=250ms")
    assert time.perf_counter() - started >= 0.25 and r.status_code in (200, 201)
    path2, body2 = create_request(env, w, "malformed")
    r = env.call(w, "POST", path2, body2, fault="malformed")
    assert r.status_code in (200, 201)
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)
    with pytest.raises(httpx.TimeoutException):
        env.http.post(f"{env.base}/{w}{path}", content=json.dumps(body).encode(), timeout=0.3,
                      headers={**spec(w).client_signer(env.creds(w), "POST", path, json.dumps(body).encode()),
                               "X-Sim-Fault": "timeout"})
    r = env.call(w, "POST", path, body, fault="bogus")
    assert r.status_code == 400 and "unknown fault" in r.json()["sim_error"]


def test_signature_mismatch_fault(env: Env) -> None:
    path, body = create_request(env, "paypay", "sig")
    assert env.call("paypay", "POST", path, body, fault="sigmismatch").status_code == 401
    path, body = create_request(env, "wechatpay", "sig")
    r = env.call("wechatpay", "POST", path, body, fault="sigmismatch")
    assert r.status_code == 401
    path, body = create_request(env, "alipayplus", "sig")
    r = env.call("alipayplus", "POST", path, body, fault="sigmismatch")
    assert r.json()["result"]["resultCode"] == "INVALID_SIGNATURE"
    assert not alipayplus.verify_signed(env.creds("alipayplus")["platform_public_key_pem"], "POST", path,
                                        dict(r.headers), r.content)


def test_fault_rules_through_the_control_api(env: Env) -> None:
    r = env.control("POST", "/faults", {"fault": "error=500", "wallet": "paypay", "route": "createQRCode", "count": 1})
    assert r.status_code == 201
    path, body = create_request(env, "paypay", "rule-1")
    assert env.call("paypay", "POST", path, body).status_code == 500
    assert env.call("paypay", "POST", path, body).status_code == 201
    assert env.control("GET", "/faults").json()["rules"][0]["count"] == 0
    assert env.control("POST", "/faults", {"fault": "nonsense"}).status_code == 400
    assert env.control("POST", "/faults", {"fault": "error=200"}).status_code == 400
    assert env.control("POST", "/faults", {"fault": "latency=1s", "probability": 2}).status_code == 400
    assert env.control("DELETE", "/faults").status_code == 200 and env.control("GET", "/faults").json()["rules"] == []


def test_random_faults_are_deterministic_by_seed() -> None:
    def run(seed: int) -> list[int]:
        sim = Simulator(["dbarai"], seed=seed)
        sim.add_fault("error=502", probability=0.5)
        return [sim.handle(SimRequest("GET", "/dbarai/v1/payments/x")).status for _ in range(40)]
    a, b, c = run(7), run(7), run(8)
    assert a == b and a != c and 502 in a and 401 in a


def test_webhook_faults_drop_duplicate_reorder(mock_env: Env) -> None:
    env, w = mock_env, "dbarai"
    for i, fault in enumerate(("webhook=drop", "webhook=dup")):
        r = env.call(w, "POST", "/v1/payments/qr", {"merchantPaymentId": f"h-{i}", "amount": 1, "currency": "JPY",
                                                     "notifyUrl": env.inbox_url(fault)})
        env.pay(w, r.json()["qrContent"], fault=fault)
    env.deliver()
    assert len(env.inbox("webhook=drop")) == 0 and len(env.inbox("webhook=dup")) == 2
    assert len(env.sim.pending_webhooks()) == 1                 # the dropped one waits for its retry
    env.control("POST", "/clock/advance", {"seconds": 1})
    env.deliver()
    assert len(env.inbox("webhook=drop")) == 1 and env.sim.pending_webhooks() == []
    for i in range(3):
        r = env.call(w, "POST", "/v1/payments/qr", {"merchantPaymentId": f"o-{i}", "amount": 1, "currency": "JPY",
                                                     "notifyUrl": env.inbox_url("order")})
        env.pay(w, r.json()["qrContent"], fault="webhook=reorder")
        env.sim.clock.advance(0.001)
    env.deliver()
    ids = [json.loads(h["body"])["payment"]["merchantPaymentId"] for h in env.inbox("order")]
    assert ids == ["o-2", "o-1", "o-0"]


def test_webhooks_retry_with_backoff_until_the_receiver_answers_2xx(mock_env: Env) -> None:
    env = mock_env
    calls: list[int] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(500 if len(calls) < 3 else 200)

    env.router.post("https://merchant.example/hook").mock(side_effect=receiver)
    r = env.call("merpay", "POST", "/v1/payments/qr", {"merchantPaymentId": "rt-1", "amount": 1, "currency": "JPY",
                                                       "notifyUrl": "https://merchant.example/hook"})
    env.pay("merpay", r.json()["qrContent"])
    env.deliver()
    assert len(calls) == 1 and env.sim.pending_webhooks()[0].attempts == 1
    env.deliver()                                        # not due yet: backoff 1 s
    assert len(calls) == 1
    for step in (1, 2):
        env.sim.advance_clock(step)
        env.deliver()
    assert len(calls) == 3 and env.sim.pending_webhooks() == [] and len(env.sim.delivered) == 1


def test_stuck_payment_stays_in_process(env: Env) -> None:
    path, body = create_request(env, "paypay", "stuck-1")
    code = env.call("paypay", "POST", path, body).json()["data"]["codeId"]
    assert env.pay("paypay", code, fault="stuck")["state"] == "AUTHORIZED"


def test_control_api(env: Env) -> None:
    assert env.control("GET", "/health").json()["ok"] is True
    creds = env.control("GET", "/merchants").json()["merchants"]
    assert {c["wallet"] for c in creds} == set(WALLET_IDS)
    path, body = create_request(env, "paypay", "j-1")
    env.call("paypay", "POST", path, body)
    entries = env.control("GET", "/journal", params={"wallet": "paypay"}).json()["entries"]
    assert entries[-1]["route"] == "createQRCode" and entries[-1]["status"] == 201
    doc = env.control("GET", "/openapi/wechatpay.json").json()
    assert doc == spec("wechatpay").contract.doc
    assert env.control("GET", "/openapi/nope.json").status_code == 400
    assert env.control("POST", "/clock/advance", {"seconds": -1}).status_code == 400
    assert env.control("POST", "/clock/advance", {"seconds": "soon"}).status_code == 400
    assert env.control("POST", "/consumer/paypay/pay", {"code": "no-such-code"}).status_code == 404
    assert env.control("POST", "/consumer/paypay/pay", {}).json()["sim_error"] == "missing field 'code'"
    assert env.control("POST", "/merchants", {"wallet": "nope", "merchant_id": "x", "api_key": "k"}).status_code == 400
    r = env.control("POST", "/merchants", {"wallet": "wechatpay", "merchant_id": "1", "secret": "short",
                                           "public_key_pem": "not a key", "key_serial": "S"})
    assert r.status_code == 400 and "public_key_pem" in r.json()["sim_error"]
    assert "32 bytes" in env.control("POST", "/merchants", {"wallet": "wechatpay", "merchant_id": "1", "secret": "short",
                                                            "public_key_pem": env.creds("alipayplus")["platform_public_key_pem"],
                                                            "key_serial": "S"}).json()["sim_error"]
    assert "api_key" in env.control("POST", "/merchants", {"wallet": "paypay", "merchant_id": "x"}).json()["sim_error"]
    assert env.control("GET", "/nothing").status_code == 404
    wrong = env.control("DELETE", "/health")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET" and "not allowed" in wrong.json()["sim_error"]
    assert env.http.get(f"{env.base}/nowallet/v1/x").status_code == 404
    assert env.control("POST", "/reset", {"seed": 3}).json()["seed"] == 3
    assert env.control("GET", "/journal").json()["entries"] == []
    assert env.control("GET", "/payments/paypay").json()["payments"] == []
    assert len(env.control("GET", "/merchants").json()["merchants"]) >= len(WALLET_IDS)   # merchants survive reset


def test_journal_is_a_bounded_ring_buffer() -> None:
    sim = Simulator(["dbarai"], journal_capacity=5)
    for _ in range(12):
        sim.handle(SimRequest("GET", "/dbarai/v1/payments/x"))
    entries = sim.journal.entries()
    assert len(entries) == 5 and [e["seq"] for e in entries] == [8, 9, 10, 11, 12]


@pytest.mark.parametrize("w", WALLET_IDS)
def test_routes_are_exactly_the_contracts_operations(w: str) -> None:
    s = spec(w)
    assert set(s.handlers) == set(s.contract.operations)
    assert set(Kind) <= set(s.errors), f"{w} lacks codes for {set(Kind) - set(s.errors)}"


@pytest.mark.parametrize("w", WALLET_IDS)
def test_every_error_the_wallet_can_send_is_in_its_contract(w: str) -> None:
    s = spec(w)
    for op in s.contract.operations.values():
        for kind in Kind:
            resp = s.error(kind, "m", "f", op.operation_id)
            assert s.contract.check_response(op, resp.status, json.loads(resp.body)) is None, (w, op.operation_id, kind)


def test_a_drift_between_handler_and_contract_is_caught(mock_env: Env) -> None:
    sim = mock_env.sim
    original = sim.specs["paypay"]
    broken = dataclasses.replace(original, handlers={**original.handlers,
                                                     "getRefundDetails": lambda ctx: ctx.json(200, {"oops": True})})
    sim.specs["paypay"] = broken
    try:
        mock_env.call("paypay", "GET", "/v2/refunds/any")
        assert any("getRefundDetails" in d for d in sim.contract_drift)
    finally:
        sim.specs["paypay"] = original
        sim.contract_drift.clear()


def test_wechat_responses_to_errors_are_signed_too(env: Env) -> None:
    r = env.call("wechatpay", "GET", "/v3/refund/domestic/refunds/none")
    assert r.status_code == 404
    assert wechatpay.verify_signed(env.creds("wechatpay")["platform_public_key_pem"], dict(r.headers), r.content)


def test_package_level_mock_works_for_async_clients_too() -> None:
    import asyncio

    import qrinterop.simulators as simulators

    async def run(base: str) -> tuple[int, bool]:
        async with httpx.AsyncClient() as client:
            r = await client.get(f"{base}/paypay/v2/payments/x")
            try:
                await client.get(f"{base}/paypay/v2/payments/x", headers={"X-Sim-Fault": "timeout"})
            except httpx.ReadTimeout:
                return r.status_code, True
            return r.status_code, False

    with simulators.mock(wallets="paypay") as sim:
        assert asyncio.run(run(sim.base_url)) == (401, True)


def test_a_webhook_to_an_unreachable_url_is_a_failed_attempt_not_a_crash(mock_env: Env) -> None:
    env = mock_env
    r = env.call("rakutenpay", "POST", "/v1/payments/qr", {"merchantPaymentId": "nowhere-1", "amount": 1, "currency": "JPY",
                                                           "notifyUrl": "https://unmocked.example/hook"})
    env.pay("rakutenpay", r.json()["qrContent"])
    assert env.deliver() == 1
    pending = env.sim.pending_webhooks()
    assert len(pending) == 1 and pending[0].attempts == 1 and "not mocked" in pending[0].last_error


def test_oversize_upload_is_refused_without_being_read(env: Env) -> None:
    big = b'{"merchantPaymentId":"' + b"x" * 5_000_000 + b'"}'
    r = env.http.post(f"{env.base}/paypay/v2/codes", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["resultInfo"]["code"] == "INVALID_REQUEST_PARAMS" and "limit" in r.text
