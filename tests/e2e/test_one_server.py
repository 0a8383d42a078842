"""The gateway mounted on the simulators' own server (one port), with the background machinery
on: the simulators deliver their webhooks by themselves and the gateway polls and notifies by
itself — nobody calls `deliver` or `reconcile`."""
from __future__ import annotations

import time
from typing import Any, Iterator

import httpx
import pytest

from qrinterop.simulators.apps import WalletApp
from qrinterop.simulators.gateway import Gateway, connect
from qrinterop.simulators.gateway.http_api import with_simulators
from qrinterop.simulators.gateway.registry import Registry, publish
from qrinterop.simulators.server import create_app
from qrinterop.simulators.simulator import Simulator

from .conftest import Uvicorn


@pytest.fixture(scope="module")
def one_server() -> Iterator[tuple[str, dict[str, Any]]]:
    holder: dict[str, Any] = {}
    app = with_simulators(create_app(Simulator(timeout_seconds=2.0)), lambda: holder.get("gw"))
    with Uvicorn(app) as server:
        yield server.base, holder


def _wait(check, seconds: float = 8.0) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("wallet, fault", [("paypay", ""), ("linepay", ""), ("dbarai", "webhook=drop"),
                                           ("wechatpay", "webhook=dup")])
def test_paid_and_notified_without_any_manual_step(one_server, wallet: str, fault: str) -> None:
    base, holder = one_server
    with httpx.Client(timeout=15) as http:
        inbox = f"shop-{wallet}"
        gw: Gateway = connect(http, sim_base=base, gateway_base=f"{base}/gateway", wallets=[wallet],
                              merchant_webhook_url=f"{base}/_sim/inbox/{inbox}")
        holder["gw"] = gw
        registry = Registry()
        publish(registry, gw)
        auth = {"Authorization": f"Bearer {gw.config.merchant_api_key}"}
        order = http.post(f"{base}/gateway/v1/orders", json={"amount": 777}, headers=auth).json()
        png = http.get(f"{base}/gateway/v1/orders/{order['order_id']}/qr.png").content
        app = WalletApp(wallet, http, sim_base=base, registry=registry)
        assert app.pay(app.scan(png), fault=fault).ok

        def received() -> list[dict]:
            return http.get(f"{base}/_sim/inbox/{inbox}").json()["received"]

        assert _wait(lambda: len(received()) >= 1), gw.log
        time.sleep(0.5)                         # room for a late duplicate to arrive (it must not)
        ids = {r["headers"]["x-gateway-event-id"] for r in received()}
        assert ids == {f"{order['order_id']}:order.paid"}
        status = http.get(f"{base}/gateway/v1/orders/{order['order_id']}", headers=auth).json()
        assert status["status"] == "PAID" and status["payment"]["wallet"] == wallet
