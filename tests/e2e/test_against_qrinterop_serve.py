"""Every wallet, end to end, against the simulators as users run them: `qrinterop serve` in its
own process. The gateway runs on its own local server with its pump on; the simulators deliver
their webhooks by themselves. Nothing is driven by hand."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from qrinterop.simulators.apps import WalletApp
from qrinterop.simulators.gateway import connect, verify_signature
from qrinterop.simulators.gateway.http_api import create_app
from qrinterop.simulators.gateway.registry import Registry, publish
from qrinterop.simulators.wallets import WALLET_IDS

from qrinterop.localserver import free_port

from .conftest import Uvicorn


@pytest.fixture(scope="module")
def serve() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("qrinterop")), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 20
        while True:
            try:
                if httpx.get(f"{base}/_sim/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else "qrinterop serve exited"
            assert time.time() < deadline, "qrinterop serve did not answer in 20 s"
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_wallet_pays_through_qrinterop_serve(serve: str) -> None:
    holder: dict[str, Any] = {}
    with Uvicorn(create_app(lambda: holder.get("gw"))) as gw_server, httpx.Client(timeout=15) as http:
        gw = connect(http, sim_base=serve, gateway_base=f"{gw_server.base}/gateway",
                     merchant_webhook_url=f"{serve}/_sim/inbox/shop-{time.time_ns()}")
        holder["gw"] = gw
        registry = Registry()
        publish(registry, gw)
        auth = {"Authorization": f"Bearer {gw.config.merchant_api_key}"}
        orders = {}
        for i, wallet in enumerate(WALLET_IDS):
            order = http.post(f"{gw_server.base}/gateway/v1/orders", json={"amount": 1000 + i}, headers=auth).json()
            png = http.get(f"{gw_server.base}/gateway/v1/orders/{order['order_id']}/qr.png").content
            app = WalletApp(wallet, http, sim_base=serve, registry=registry)
            shown = app.scan(png)
            assert shown.accepted and shown.amount == 1000 + i, shown.reason
            paid = app.pay(shown)
            assert paid.ok, paid.reason
            orders[order["order_id"]] = wallet

        def events() -> dict[str, dict]:
            got = {}
            for item in http.get(gw.config.merchant_webhook_url).json()["received"]:
                body = item["body"].encode()
                assert verify_signature(gw.config.webhook_secret, item["headers"]["x-gateway-signature"], body, time.time())
                got[item["headers"]["x-gateway-event-id"]] = item
            return got

        deadline = time.time() + 15
        while len(events()) < len(orders) and time.time() < deadline:
            time.sleep(0.1)
        assert set(events()) == {f"{oid}:order.paid" for oid in orders}, gw.log[-10:]
        for oid, wallet in orders.items():
            st = http.get(f"{gw_server.base}/gateway/v1/orders/{oid}", headers=auth).json()
            assert (st["status"], st["payment"]["wallet"]) == ("PAID", wallet)
        assert len(gw.ledger()) == len(WALLET_IDS)
