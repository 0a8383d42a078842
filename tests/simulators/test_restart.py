"""SQLite state: a restarted simulator has every acknowledged payment, even after kill -9."""
from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import httpx

from qrinterop.simulators.engine.store import SqliteStore
from qrinterop.simulators.mock import mock
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import paypay, wechatpay

from qrinterop.localserver import serve_in_thread
from tests.simulators.serveproc import ServeProcess, signed


def test_restart_keeps_payments_merchants_and_platform_keys(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.db")
    with mock(simulator=Simulator(["paypay", "wechatpay"], store=SqliteStore(db))) as sim:
        creds = sim.credentials("paypay")
        body = json.dumps({"merchantPaymentId": "keep-1", "amount": {"amount": 10, "currency": "JPY"},
                           "codeType": "ORDER_QR"}).encode()
        r = httpx.post(sim.url("paypay") + "/v2/codes", content=body,
                       headers=paypay.sign_request(creds, "POST", "/v2/codes", body))
        assert r.status_code == 201
        sim.consumer_pay("paypay", r.json()["data"]["codeId"])
        wx = sim.credentials("wechatpay")
        sim.store.close()
    with mock(simulator=Simulator(["paypay", "wechatpay"], store=SqliteStore(db))) as sim:
        assert sim.payment("paypay", r.json()["data"]["codeId"])["state"] == "COMPLETED"
        again = httpx.post(sim.url("paypay") + "/v2/codes", content=body,
                           headers=paypay.sign_request(creds, "POST", "/v2/codes", body))
        assert again.content == r.content                  # the idempotency record survived too
        assert sim.credentials("wechatpay") == wx          # same merchant key and platform key
        q = httpx.get(sim.url("wechatpay") + "/v3/refund/domestic/refunds/none",
                      headers=wechatpay.sign_request(wx, "GET", "/v3/refund/domestic/refunds/none"))
        assert wechatpay.verify_signed(wx["platform_public_key_pem"], dict(q.headers), q.content)
        sim.store.close()


LINE_BODY = {"amount": 1000, "currency": "JPY", "redirectUrls": {"confirmUrl": "https://m.example/ok", "cancelUrl": "https://m.example/no"},
             "packages": [{"id": "p", "amount": 1000, "products": [{"name": "tea", "quantity": 1, "price": 1000}]}]}


class Ledger:
    """What the server acknowledged (a 2xx answer, or LINE's 0000), per wallet, across restarts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.payments: list[dict] = []       # {wallet, mpid, pid, code}
        self.refunds: list[dict] = []        # {wallet, mpid, pid, rid, mrid}

    def add(self, table: list[dict], **row: object) -> None:
        with self.lock:
            table.append(row)


def _flow(wallet: str, http: httpx.Client, base: str, creds: dict, ledger: Ledger, mpid: str) -> None:
    """One create → pay → partial refund; records each step the server acknowledged."""
    if wallet == "paypay":
        r = signed(http, base, creds, wallet, "POST", "/v2/codes",
                   {"merchantPaymentId": mpid, "amount": {"amount": 1000, "currency": "JPY"}, "codeType": "ORDER_QR"})
        assert r.status_code == 201, r.text
        code = r.json()["data"]["codeId"]
        ledger.add(ledger.payments, wallet=wallet, mpid=mpid, pid=None, code=code)
        paid = http.post(f"{base}/_sim/consumer/paypay/pay", json={"code": code})
        assert paid.status_code == 200, paid.text
        pid = paid.json()["payment_id"]
        ledger.add(ledger.payments, wallet=wallet, mpid=mpid, pid=pid, code=code)
        r = signed(http, base, creds, wallet, "POST", "/v2/refunds", {"merchantRefundId": mpid + "-r", "paymentId": pid,
                                                                       "amount": {"amount": 300, "currency": "JPY"},
                                                                       "requestedAt": int(time.time())})
        assert r.status_code == 201, r.text
        ledger.add(ledger.refunds, wallet=wallet, mpid=mpid, pid=pid, rid=mpid + "-r", mrid=mpid + "-r")
    elif wallet == "linepay":
        r = signed(http, base, creds, wallet, "POST", "/v3/payments/request", {**LINE_BODY, "orderId": mpid})
        assert r.json()["returnCode"] == "0000", r.text
        tx = str(r.json()["info"]["transactionId"])
        ledger.add(ledger.payments, wallet=wallet, mpid=mpid, pid=tx, code=tx)
        assert http.post(f"{base}/_sim/consumer/linepay/pay", json={"code": tx}).status_code == 200
        r = signed(http, base, creds, wallet, "POST", f"/v3/payments/{tx}/confirm", {"amount": 1000, "currency": "JPY"})
        assert r.json()["returnCode"] == "0000", r.text
        r = signed(http, base, creds, wallet, "POST", f"/v3/payments/{tx}/refund", {"refundAmount": 300})
        assert r.json()["returnCode"] == "0000", r.text            # 1172 "refund id already used" was the bug
        ledger.add(ledger.refunds, wallet=wallet, mpid=mpid, pid=tx, rid=str(r.json()["info"]["refundTransactionId"]),
                   mrid=None)
    else:
        r = signed(http, base, creds, wallet, "POST", "/v1/payments/qr",
                   {"merchantPaymentId": mpid, "amount": 1000, "currency": "JPY"})
        assert r.status_code == 201, r.text
        pid = r.json()["paymentId"]
        ledger.add(ledger.payments, wallet=wallet, mpid=mpid, pid=pid, code=r.json()["qrContent"])
        assert http.post(f"{base}/_sim/consumer/{wallet}/pay", json={"code": r.json()["qrContent"]}).status_code == 200
        r = signed(http, base, creds, wallet, "POST", "/v1/refunds",
                   {"merchantRefundId": mpid + "-r", "paymentId": pid, "amount": 300})
        assert r.status_code == 201, r.text
        ledger.add(ledger.refunds, wallet=wallet, mpid=mpid, pid=pid, rid=r.json()["refundId"], mrid=mpid + "-r")


def _load(server: ServeProcess, ledger: Ledger, phase: str, stop: threading.Event, errors: list[str]) -> list[threading.Thread]:
    creds = {w: server.creds(w) for w in ("paypay", "linepay", "aupay")}

    def client(wallet: str) -> None:
        with httpx.Client(timeout=5) as http:
            for i in range(400):                               # bounded; the phase ends it sooner
                if stop.is_set():
                    return
                try:
                    _flow(wallet, http, server.base, creds[wallet], ledger, f"{phase}-{wallet}-{i}")
                except httpx.HTTPError:
                    return                                     # the server went away mid-flow: not acknowledged
                except AssertionError as exc:                  # a refusal the server should not give
                    errors.append(f"{phase} {wallet} {i}: {exc}")
                    return

    threads = [threading.Thread(target=client, args=(w,)) for w in ("paypay", "linepay", "aupay")]
    for t in threads:
        t.start()
    return threads


def _read_back(server: ServeProcess, ledger: Ledger) -> tuple[list[str], int]:
    """Every acknowledged payment and refund, read from the restarted server: what differs."""
    creds = {w: server.creds(w) for w in ("paypay", "linepay", "aupay")}
    wrong: list[str] = []
    reads = 0
    final = {}
    for row in ledger.payments:                  # the last acknowledged step of each payment wins
        final[(row["wallet"], row["mpid"])] = row
    refunds = {(r["wallet"], r["mpid"]): r for r in ledger.refunds}
    with httpx.Client(timeout=10) as http:
        for (wallet, mpid), row in final.items():
            reads += 1
            if wallet == "paypay":
                r = signed(http, server.base, creds[wallet], wallet, "GET", f"/v2/codes/payments/{mpid}")
                data = r.json()["data"] if r.status_code == 200 else {}
                if data.get("merchantPaymentId") != mpid or data.get("amount", {}).get("amount") != 1000 or (
                        row["pid"] and data.get("paymentId") != row["pid"]):
                    wrong.append(f"paypay {mpid}: {r.status_code} {r.text[:200]}")
                by_code = http.get(f"{server.base}/_sim/payments/paypay/{row['code']}").json()
                if by_code.get("merchant_payment_id") != mpid:   # the code must still lead to this order
                    wrong.append(f"paypay code {row['code']} now leads to {by_code.get('merchant_payment_id')}")
            elif wallet == "linepay":
                r = signed(http, server.base, creds[wallet], wallet, "GET", f"/v3/payments?orderId={mpid}")
                info = r.json().get("info") or [{}]
                if str(info[0].get("transactionId")) != row["pid"]:
                    wrong.append(f"linepay {mpid}: {r.text[:200]}")
                ref = refunds.get((wallet, mpid))
                if ref and ref["rid"] not in {str(x["refundTransactionId"]) for x in info[0].get("refundList", [])}:
                    wrong.append(f"linepay refund {ref['rid']} of {mpid} missing")
            else:
                r = signed(http, server.base, creds[wallet], wallet, "GET", f"/v1/payments/{mpid}")
                if r.status_code != 200 or r.json().get("paymentId") != row["pid"]:
                    wrong.append(f"{wallet} {mpid}: {r.status_code} {r.text[:200]}")
        for (wallet, mpid), ref in refunds.items():
            reads += 1
            if wallet == "paypay":
                r = signed(http, server.base, creds[wallet], wallet, "GET", f"/v2/refunds/{ref['mrid']}")
                ok = r.status_code == 200 and r.json()["data"]["paymentId"] == ref["pid"] and \
                    r.json()["data"]["amount"]["amount"] == 300
            elif wallet == "aupay":
                r = signed(http, server.base, creds[wallet], wallet, "GET", f"/v1/refunds/{ref['mrid']}")
                ok = r.status_code == 200 and r.json()["refundId"] == ref["rid"] and r.json()["paymentId"] == ref["pid"]
            else:
                continue                                       # LINE refunds were checked with their payment
            if not ok:
                wrong.append(f"{wallet} refund {ref['mrid']}: {r.status_code} {r.text[:200]}")
    return wrong, reads


def test_restarts_under_load_lose_overwrite_and_reuse_nothing(tmp_path: Path) -> None:
    """SIGTERM, then SIGKILL, of the real server on the same --state while clients create, pay and
    refund; after each restart new ids never repeat old ones and every acknowledged record reads
    back exactly as acknowledged (the bug: seed-0 ids reused, INSERT OR REPLACE overwrote)."""
    db = str(tmp_path / "sim.db")
    ledger, errors = Ledger(), []
    server = ServeProcess(db, "paypay,linepay,aupay").start()
    try:
        for phase, sig in (("a", signal.SIGTERM), ("b", signal.SIGKILL), ("c", None)):
            stop = threading.Event()
            threads = _load(server, ledger, phase, stop, errors)
            before = len(ledger.payments)
            deadline = time.time() + 8
            while len(ledger.payments) - before < 60 and time.time() < deadline:
                time.sleep(0.05)
            if sig is not None:
                server.signal(sig)                             # while the clients are mid-flow
                server.wait(timeout=10)
            stop.set()
            for t in threads:
                t.join(timeout=15)
            if sig is not None:
                server = ServeProcess(db, "paypay,linepay,aupay", port=server.port).start()
        assert errors == [], errors[:5]
        assert len(ledger.payments) >= 150, "the load did not get going"
        ids = [(r["wallet"], r["pid"]) for r in ledger.payments if r["pid"] and r["wallet"] != "paypay"] + \
              [("paypay", r["pid"]) for r in ledger.payments if r["wallet"] == "paypay" and r["pid"]]
        by_order = {}
        for wallet, pid in ids:
            by_order.setdefault((wallet, pid), set())
        for r in ledger.payments:
            if r["pid"]:
                by_order[(r["wallet"], r["pid"])].add(r["mpid"])
        reused = {k: v for k, v in by_order.items() if len(v) > 1}
        assert reused == {}, f"payment ids given to two orders: {list(reused.items())[:3]}"
        refund_ids = [(r["wallet"], r["rid"]) for r in ledger.refunds]
        assert len(refund_ids) == len(set(refund_ids)), "a refund id was given twice"
        wrong, reads = _read_back(server, ledger)
        assert wrong == [], f"{len(wrong)} of {reads} acknowledged records lost or overwritten: {wrong[:5]}"
        print(f"restart SIGTERM+SIGKILL: {len({(r['wallet'], r['mpid']) for r in ledger.payments})} payments, "
              f"{len(ledger.refunds)} refunds acknowledged, {reads} read back, 0 lost, 0 overwritten, 0 ids reused")
    finally:
        server.stop()


def test_served_simulator_delivers_webhooks_by_itself() -> None:
    from qrinterop.simulators.server import create_app
    from qrinterop.simulators.wallets import modelled

    sim = Simulator(["aupay"])
    with serve_in_thread(create_app(sim), fast=False) as base:
        deadline = time.time() + 10
        creds = sim.credentials("aupay")
        body = json.dumps({"merchantPaymentId": "bg-1", "amount": 5, "currency": "JPY",
                           "notifyUrl": f"{base}/_sim/inbox/bg"}).encode()
        r = httpx.post(f"{base}/aupay/v1/payments/qr", content=body,
                       headers=modelled.sign_request(creds, "POST", "/v1/payments/qr", body))
        httpx.post(f"{base}/_sim/consumer/aupay/pay", json={"code": r.json()["qrContent"]})
        received: list = []
        while not received and time.time() < deadline:      # the 200 ms background loop, no /deliver call
            received = httpx.get(f"{base}/_sim/inbox/bg").json()["received"]
            time.sleep(0.05)
        assert received and json.loads(received[0]["body"])["eventType"] == "PAYMENT.COMPLETED"
