"""Inputs an attacker or a buggy client sends, replays, header faults, merchants and secrets:
every answer is the wallet's own error (never a 5xx), nothing is forged or replayed, faults are
bounded, secrets stay put."""
from __future__ import annotations

import json
import os
import signal
import stat
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from qrinterop.simulators.commands import is_loopback
from qrinterop.simulators.engine.errors import Kind
from qrinterop.simulators.engine.store import SqliteStore
from qrinterop.simulators.mock import mock
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import WALLET_IDS, spec
from tests.simulators.serveproc import ServeProcess

CREATE: dict[str, tuple[str, dict[str, Any]]] = {
    "paypay": ("/v2/codes", {"merchantPaymentId": "h-1", "amount": {"amount": 100, "currency": "JPY"},
                             "codeType": "ORDER_QR"}),
    "linepay": ("/v3/payments/request", {"amount": 100, "currency": "JPY", "orderId": "h-1",
                                         "redirectUrls": {"confirmUrl": "https://m.example/c", "cancelUrl": "https://m.example/x"},
                                         "packages": [{"id": "p", "amount": 100,
                                                       "products": [{"name": "x", "quantity": 1, "price": 100}]}]}),
    "wechatpay": ("/v3/pay/transactions/native", {"appid": "wx", "mchid": "1900000001", "description": "d",
                                                  "out_trade_no": "h000001", "notify_url": "https://m.example/n",
                                                  "amount": {"total": 100, "currency": "JPY"}}),
    "alipayplus": ("/ams/api/v1/payments/pay", {
        "productCode": "IN_STORE_PAYMENT", "paymentRequestId": "h-1", "paymentAmount": {"currency": "JPY", "value": "100"},
        "order": {"referenceOrderId": "r", "orderDescription": "d", "orderAmount": {"currency": "JPY", "value": "100"}},
        "paymentMethod": {"paymentMethodType": "X"}, "paymentFactor": {"inStorePaymentScenario": "ORDERCODE"}}),
    **{w: ("/v1/payments/qr", {"merchantPaymentId": "h-1", "amount": 100, "currency": "JPY"})
       for w in ("dbarai", "merpay", "rakutenpay", "aupay")},
}
AMOUNT_AT = {"paypay": ("amount", "amount"), "linepay": ("amount",), "wechatpay": ("amount", "total"),
             "alipayplus": ("paymentAmount", "value"), "dbarai": ("amount",), "merpay": ("amount",),
             "rakutenpay": ("amount",), "aupay": ("amount",)}
ID_AT = {"paypay": "merchantPaymentId", "linepay": "orderId", "wechatpay": "description", "alipayplus": "paymentRequestId",
         "dbarai": "merchantPaymentId", "merpay": "merchantPaymentId", "rakutenpay": "merchantPaymentId",
         "aupay": "merchantPaymentId"}


def wallet_code(wallet: str, resp: httpx.Response) -> tuple[int, str]:
    """(HTTP status, the wallet's own error code) of an answer."""
    body = resp.json()
    if wallet == "paypay":
        return resp.status_code, body["resultInfo"]["code"]
    if wallet == "linepay":
        return resp.status_code, body["returnCode"]
    if wallet == "wechatpay":
        return resp.status_code, body["code"]
    if wallet == "alipayplus":
        return resp.status_code, body["result"]["resultCode"]
    return resp.status_code, body["error"]["code"]


def parameter_errors(wallet: str) -> set[tuple[int, str]]:
    errors = spec(wallet).errors
    return {errors[k] for k in (Kind.MALFORMED_JSON, Kind.INVALID_FIELD, Kind.MISSING_FIELD, Kind.BODY_TOO_LARGE)}


def _with(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(body))
    node = out
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return out


BAD_BODIES: dict[str, Any] = {
    "nested [ x 30000": lambda w: b"[" * 30000,
    "nested {\"a\": x 5000": lambda w: b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "lone surrogate": lambda w: json.dumps(_with(CREATE[w][1], (ID_AT[w],), "x")).replace('"x"', '"a\\ud800b"').encode(),
    "NaN amount": lambda w: json.dumps(_with(CREATE[w][1], AMOUNT_AT[w], float("nan"))).encode(),
    "1e999 amount": lambda w: json.dumps(_with(CREATE[w][1], AMOUNT_AT[w], 7), separators=(",", ":"))
                              .replace(':7}', ':1e999}').replace(':7,', ':1e999,').encode(),
    "2^63 amount": lambda w: json.dumps(_with(CREATE[w][1], AMOUNT_AT[w], 2**63 if w != "alipayplus" else str(2**63))).encode(),
    "10^30 amount": lambda w: json.dumps(_with(CREATE[w][1], AMOUNT_AT[w], 10**30 if w != "alipayplus" else str(10**30))).encode(),
    "401-digit amount": lambda w: json.dumps(_with(CREATE[w][1], AMOUNT_AT[w], int("9" * 401) if w != "alipayplus" else "9" * 401)).encode(),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_hostile_bodies_get_each_wallets_parameter_error(env, case: str) -> None:
    """The issue's 500s (RecursionError, UnicodeEncodeError) and accepted absurd amounts, on all eight."""
    for wallet in WALLET_IDS:
        path, _ = CREATE[wallet]
        raw = BAD_BODIES[case](wallet)
        before = env.sim.store.count("payment")
        r = env.call(wallet, "POST", path, raw)
        assert r.status_code < 500, (wallet, r.status_code, r.text[:200])
        assert wallet_code(wallet, r) in parameter_errors(wallet), (wallet, case, r.text[:300])
        assert env.sim.store.count("payment") == before, f"{wallet}: a refused request created a payment"


def test_header_faults_are_capped_and_can_be_switched_off() -> None:
    sim = Simulator(["paypay"], max_fault_latency=5)
    with mock(simulator=sim) as m, httpx.Client() as http:
        creds = sim.credentials("paypay")
        path, body = CREATE["paypay"]
        raw = json.dumps(body).encode()
        for latency in ("99999999999999999999999s", "6s", "5001ms"):
            h = {**spec("paypay").client_signer(creds, "POST", path, raw), "X-Sim-Fault": f"latency={latency}"}
            r = http.post(m.url("paypay") + path, content=raw, headers=h)
            assert r.status_code == 400 and "maximum of 5 s" in r.json()["sim_error"], r.text
        with pytest.raises(ValueError, match="maximum"):
            sim.add_fault("latency=10s")
        h = {**spec("paypay").client_signer(creds, "POST", path, raw), "X-Sim-Fault": "latency=10ms"}
        assert http.post(m.url("paypay") + path, content=raw, headers=h).status_code == 201
    off = Simulator(["paypay"], header_faults=False)
    with mock(simulator=off) as m, httpx.Client() as http:
        h = {**spec("paypay").client_signer(off.credentials("paypay"), "POST", path, raw), "X-Sim-Fault": "error=503"}
        r = http.post(m.url("paypay") + path, content=raw, headers=h)
        assert r.status_code == 400 and "--no-header-faults" in r.json()["sim_error"]
        assert off.store.count("payment") == 0
        r = http.post(m.base_url + "/_sim/consumer/paypay/pay", json={"code": "x"}, headers={"X-Sim-Fault": "stuck"})
        assert r.status_code == 400 and "--no-header-faults" in r.json()["sim_error"]


def test_sigterm_ends_the_server_within_2s_with_a_request_sleeping_in_a_latency_fault() -> None:
    with ServeProcess(None, "paypay") as server:
        creds = server.creds("paypay")
        path, body = CREATE["paypay"]
        raw = json.dumps(body).encode()
        outcome: list[object] = []

        def slow() -> None:
            h = {**spec("paypay").client_signer(creds, "POST", path, raw), "X-Sim-Fault": "latency=55s"}
            try:
                outcome.append(httpx.post(f"{server.base}/paypay{path}", content=raw, headers=h, timeout=60).status_code)
            except httpx.HTTPError as exc:
                outcome.append(type(exc).__name__)

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)                                     # the request is now sleeping in the server
        started = time.monotonic()
        server.signal(signal.SIGTERM)
        code = server.wait(timeout=10)
        took = time.monotonic() - started
        t.join(timeout=10)
        assert took < 2.0, f"SIGTERM took {took:.2f} s with a faulted request pending"
        assert code in (0, -signal.SIGTERM) and outcome and outcome[0] != 201, (code, outcome)


def test_no_header_faults_option_refuses_the_header_on_the_real_server() -> None:
    with ServeProcess(None, "dbarai", extra=("--no-header-faults", "--max-fault-latency", "2")) as server:
        r = httpx.get(f"{server.base}/dbarai/v1/payments/x", headers={"X-Sim-Fault": "latency=1s"})
        assert r.status_code == 400 and "--no-header-faults" in r.json()["sim_error"]
        r = httpx.post(f"{server.base}/_sim/faults", json={"fault": "latency=3s"})
        assert r.status_code == 400 and "maximum of 2 s" in r.json()["sim_error"]


def test_wrong_method_is_405_in_the_wallets_shape_and_odd_methods_get_json(env) -> None:
    r = env.http.request("PUT", f"{env.base}/paypay/v2/codes")
    assert r.status_code == 405 and r.headers["allow"] == "POST" and r.json()["resultInfo"]["code"] == "RESOURCE_NOT_FOUND"
    r = env.http.request("DELETE", f"{env.base}/wechatpay/v3/pay/transactions/native")
    assert r.status_code == 405 and r.json()["code"] == "RESOURCE_NOT_EXISTS"
    r = env.http.request("GET", f"{env.base}/paypay/v2/nothing")
    assert r.status_code == 404 and r.json()["resultInfo"]["code"] == "RESOURCE_NOT_FOUND"
    for method in ("PROPFIND", "TRACE", "PATCH"):
        r = env.http.request(method, f"{env.base}/dbarai/v1/refunds")
        assert r.status_code == 405 and r.json()["error"]["code"] == "NOT_FOUND", (method, r.text)
    r = env.http.request("PROPFIND", f"{env.base}/_sim/health")
    assert r.status_code == 405 and r.headers["content-type"].startswith("application/json")


def _register(env, wallet: str, merchant_id: str, api_key: str, secret: str = "s3cret") -> httpx.Response:
    return env.control("POST", "/merchants", {"wallet": wallet, "merchant_id": merchant_id, "api_key": api_key,
                                               "secret": secret})


def test_key_rotation_revokes_the_old_key_and_a_taken_key_is_a_conflict(env) -> None:
    assert _register(env, "dbarai", "rot-m", "rot-k1").status_code == 201
    old = {"wallet": "dbarai", "merchant_id": "rot-m", "api_key": "rot-k1", "secret": "s3cret"}
    assert env.call("dbarai", "GET", "/v1/payments/none", creds=old).status_code == 404       # authenticated
    assert _register(env, "dbarai", "rot-m", "rot-k2").status_code == 201                    # rotation
    r = env.call("dbarai", "GET", "/v1/payments/none", creds=old)
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_SIGNATURE"         # old key revoked now
    assert env.call("dbarai", "GET", "/v1/payments/none", creds={**old, "api_key": "rot-k2"}).status_code == 404
    taken = _register(env, "dbarai", "thief", "rot-k2")
    assert taken.status_code == 409 and "another" in taken.json()["sim_error"]
    assert env.call("dbarai", "GET", "/v1/payments/none", creds={**old, "api_key": "rot-k2"}).status_code == 404
    default = env.creds("paypay")
    assert _register(env, "paypay", "thief", default["api_key"]).status_code == 409


def test_merchant_secrets_are_served_only_when_asked_and_only_on_loopback(env) -> None:
    plain = env.control("GET", "/merchants", params={"wallet": "wechatpay"}).json()["merchants"][0]
    assert "secret" not in plain and "private_key_pem" not in plain and plain["merchant_id"] == "1900000001"
    assert "BEGIN PUBLIC KEY" in plain["platform_public_key_pem"]
    full = env.control("GET", "/merchants", params={"wallet": "wechatpay", "secrets": "1"}).json()["merchants"][0]
    assert "PRIVATE KEY" in full["private_key_pem"] and len(full["secret"]) == 32
    every = env.control("GET", "/merchants").json()["merchants"]
    assert len(every) >= 8 and all("secret" not in m and "private_key_pem" not in m for m in every)


def test_a_non_loopback_server_refuses_to_serve_secrets() -> None:
    with mock(simulator=Simulator(["paypay"], serve_secrets=False)) as m, httpx.Client() as http:
        r = http.get(m.base_url + "/_sim/merchants", params={"secrets": "1"})
        assert r.status_code == 403 and "loopback" in r.json()["sim_error"]
        assert "secret" not in http.get(m.base_url + "/_sim/merchants").json()["merchants"][0]
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.8.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_state_file_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sim.db"
    sim = Simulator(["paypay"], store=SqliteStore(str(path)))
    sim.credentials("paypay")
    for f in (path, Path(str(path) + "-wal")):
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, f"{f.name} is {oct(stat.S_IMODE(os.stat(f).st_mode))}"
    sim.store.close()


def test_wechatpay_verifies_the_path_as_sent_not_percent_decoded(env) -> None:
    creds = env.creds("wechatpay")
    path, body = CREATE["wechatpay"]
    assert env.call("wechatpay", "POST", path, {**body, "out_trade_no": "pct-0001"}).status_code == 200
    sent = "/v3/pay/transactions/out-trade-no/pct%2D0001?mchid=1900000001"        # %2D is "-"
    ok = env.http.get(f"{env.base}/wechatpay{sent}", headers=spec("wechatpay").client_signer(creds, "GET", sent))
    assert ok.status_code == 200 and ok.json()["out_trade_no"] == "pct-0001", ok.text
    decoded = "/v3/pay/transactions/out-trade-no/pct-0001?mchid=1900000001"
    bad = env.http.get(f"{env.base}/wechatpay{sent}", headers=spec("wechatpay").client_signer(creds, "GET", decoded))
    assert bad.status_code == 401 and bad.json()["code"] == "SIGN_ERROR"


def _signed_request(sim: Simulator, wallet: str, method: str, path: str, body: bytes = b"",
                    creds: dict[str, str] | None = None) -> tuple[str, bytes, dict[str, str]]:
    return path, body, spec(wallet).client_signer(creds or sim.credentials(wallet), method, path, body)


@pytest.mark.parametrize("wallet", ["paypay", "dbarai", "wechatpay", "linepay"])
def test_a_request_replayed_after_a_restart_is_refused(tmp_path: Path, wallet: str) -> None:
    db = str(tmp_path / "sim.db")
    path, body = CREATE[wallet]
    raw = json.dumps({**body, ID_AT[wallet]: "replay1" if wallet != "wechatpay" else "d"}
                     | ({"out_trade_no": "replay00001"} if wallet == "wechatpay" else {})).encode()
    sim = Simulator([wallet], store=SqliteStore(db))
    headers = spec(wallet).client_signer(sim.credentials(wallet), "POST", path, raw)
    with mock(simulator=sim) as m, httpx.Client() as http:
        first = http.post(m.url(wallet) + path, content=raw, headers=headers)
        assert first.status_code in (200, 201), first.text
    sim.store.close()
    again = Simulator([wallet], store=SqliteStore(db))
    with mock(simulator=again) as m, httpx.Client() as http:
        replayed = http.post(m.url(wallet) + path, content=raw, headers=headers)
    assert wallet_code(wallet, replayed) == spec(wallet).errors[Kind.REPLAYED_SIGNATURE], replayed.text
    again.store.close()


def test_another_merchants_flood_cannot_evict_a_nonce() -> None:
    sim = Simulator(["dbarai"])
    with mock(simulator=sim) as m, httpx.Client() as http:
        assert http.post(m.base_url + "/_sim/merchants", json={"wallet": "dbarai", "merchant_id": "flooder",
                                                                "api_key": "flood-k", "secret": "flood-s"}).status_code == 201
        victim = spec("dbarai").client_signer(sim.credentials("dbarai"), "GET", "/v1/payments/v-1")
        assert http.get(m.url("dbarai") + "/v1/payments/v-1", headers=victim).status_code == 404
        flood = {"api_key": "flood-k", "secret": "flood-s", "merchant_id": "flooder"}
        for i in range(1000):                                    # bounded; each burns one nonce of the flooder
            h = spec("dbarai").client_signer(flood, "GET", f"/v1/payments/f{i}")
            assert http.get(m.url("dbarai") + f"/v1/payments/f{i}", headers=h).status_code == 404
        r = http.get(m.url("dbarai") + "/v1/payments/v-1", headers=victim)
        assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_SIGNATURE"


def test_a_line_pay_refund_replayed_after_620_s_is_refused_and_moves_no_money() -> None:
    wall = [time.time()]
    sim = Simulator(["linepay"], wall_clock=lambda: wall[0])
    path, body = CREATE["linepay"]
    with mock(simulator=sim) as m, httpx.Client() as http:
        creds = sim.credentials("linepay")

        def send(method: str, p: str, payload: Any) -> httpx.Response:
            raw = json.dumps(payload).encode()
            return http.post(m.url("linepay") + p, content=raw, headers=spec("linepay").client_signer(creds, method, p, raw))

        tx = str(send("POST", path, {**body, "orderId": "lp-replay"}).json()["info"]["transactionId"])
        sim.consumer_pay("linepay", tx)
        assert send("POST", f"/v3/payments/{tx}/confirm", {"amount": 100, "currency": "JPY"}).json()["returnCode"] == "0000"
        raw = json.dumps({"refundAmount": 30}).encode()
        refund_headers = spec("linepay").client_signer(creds, "POST", f"/v3/payments/{tx}/refund", raw)
        assert http.post(m.url("linepay") + f"/v3/payments/{tx}/refund", content=raw,
                         headers=refund_headers).json()["returnCode"] == "0000"
        wall[0] += 620
        replayed = http.post(m.url("linepay") + f"/v3/payments/{tx}/refund", content=raw, headers=refund_headers)
        assert replayed.json()["returnCode"] == "1198", replayed.text
        assert sim.payment("linepay", tx)["refunded"] == 30


class _Interleaving(SqliteStore):
    """A second process's view of the same file, which lets the first process finish a request in
    between two of its reads (right after it looked for the idempotency record and found none)."""

    def __init__(self, path: str, between: Any) -> None:
        super().__init__(path)
        self.between = between

    def get_versioned(self, kind: str, key: str) -> Any:
        got = super().get_versioned(kind, key)
        if kind == "idem" and self.between is not None:
            between, self.between = self.between, None
            between()
        return got


@pytest.mark.parametrize("wallet", ["paypay", "dbarai"])
def test_a_duplicate_committed_between_two_reads_is_replayed_not_refused(tmp_path: Path, wallet: str) -> None:
    """Read skew across processes: B finds no stored answer, A commits the same create, B finds
    A's payment — B must answer with A's stored answer (the bug: 409 'payment id already used')."""
    db = str(tmp_path / "shared.db")
    path, body = CREATE[wallet]
    raw = json.dumps(body).encode()
    a = Simulator([wallet], store=SqliteStore(db))
    creds = a.credentials(wallet)
    first: list[Any] = []

    def a_creates() -> None:
        first.append(a.handle(_request(wallet, path, raw, creds)))

    b = Simulator([wallet], store=_Interleaving(db, a_creates))
    answer = b.handle(_request(wallet, path, raw, creds))
    assert first and first[0].status == 201
    assert answer.status == 201 and answer.body == first[0].body, answer.body
    assert a.store.count("payment") == 1
    a.store.close()
    b.store.close()


def _request(wallet: str, path: str, raw: bytes, creds: dict[str, str]) -> Any:
    from qrinterop.simulators.engine.http import SimRequest
    return SimRequest("POST", f"/{wallet}{path}", "", spec(wallet).client_signer(creds, "POST", path, raw), raw)
