"""SQLite state: a restarted simulator has every acknowledged payment, even after kill -9."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

from qrinterop.simulators.engine.store import SqliteStore
from qrinterop.simulators.mock import mock
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import paypay, wechatpay

from qrinterop.localserver import free_port, serve_in_thread


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


def _start(db: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "qrinterop.simulators", "serve", "--wallets", "paypay", "--port", str(port),
                             "--state", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_sim/health", timeout=0.5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start within 20 s")


def test_kill_9_under_load_loses_no_acknowledged_payment(tmp_path: Path) -> None:
    db, port = str(tmp_path / "sim.db"), free_port()
    proc = _start(db, port)
    base = f"http://127.0.0.1:{port}/paypay"
    creds = httpx.get(f"http://127.0.0.1:{port}/_sim/merchants?wallet=paypay&secrets=1").json()["merchants"][0]
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(timeout=2) as http:
            for i in range(5000):                          # bounded; the kill ends it much sooner
                if stop.is_set():
                    return
                mpid = f"k{n}-{i}-{uuid.uuid4().hex[:6]}"
                body = json.dumps({"merchantPaymentId": mpid, "amount": {"amount": 100, "currency": "JPY"},
                                   "codeType": "ORDER_QR"}).encode()
                try:
                    r = http.post(base + "/v2/codes", content=body,
                                  headers=paypay.sign_request(creds, "POST", "/v2/codes", body))
                except httpx.HTTPError:
                    return                                 # the server died mid-request: not acknowledged
                if r.status_code == 201:
                    with lock:
                        acknowledged.append(mpid)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while len(acknowledged) < 1500 and time.time() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)                    # no shutdown, no flush: kill -9
    proc.wait(timeout=5)
    stop.set()
    for t in threads:
        t.join(timeout=5)
    assert len(acknowledged) >= 200, "the load did not get going before the kill"
    proc = _start(db, port)
    try:
        with httpx.Client(timeout=5) as http:
            missing = []
            for mpid in acknowledged:
                r = http.get(f"{base}/v2/codes/payments/{mpid}",
                             headers=paypay.sign_request(creds, "GET", f"/v2/codes/payments/{mpid}"))
                if r.status_code != 200:
                    missing.append((mpid, r.status_code))
        assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged payments lost"
        print(f"kill -9: {len(acknowledged)} acknowledged, 0 lost")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
