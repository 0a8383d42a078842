"""`qrinterop demo`: the unified-code scenario, run locally and told step by step.

A shop (さくらカフェ / Sakura Cafe) shows one JPQR code per order. For each wallet, a customer
scans the code *image* with that wallet's app, the app decides and shows the shop's name and the
amount, the gateway routes the payment to that wallet's API, the wallet completes it, and the
shop receives one signed webhook. Then: two customers race on one code, a printed static code is
paid with a typed amount, and one order is refunded through the wallet that was paid.

Everything runs in this process (respx: no sockets) unless `serve=True`, which starts the wallet
simulators and the gateway on two free 127.0.0.1 ports and uses real HTTP.
"""
from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import httpx

from qrinterop.localserver import serve_in_thread
from qrinterop.simulators.apps import WalletApp
from qrinterop.simulators.gateway import Gateway, connect, verify_signature
from qrinterop.simulators.gateway.http_api import create_app as gateway_app, mount_mock
from qrinterop.simulators.gateway.registry import Registry, publish

Emit = Callable[[str], None]


@dataclass
class Scene:
    """Where everything is, and the plumbing the demo drives (webhook delivery, polling)."""
    transport: str
    sim_base: str
    gateway_base: str
    http: httpx.Client
    gw: Gateway
    registry: Registry

    def flush(self) -> None:
        self.http.post(f"{self.sim_base}/_sim/webhooks/deliver").raise_for_status()
        self.http.post(f"{self.gateway_base}/v1/reconcile").raise_for_status()
        self.http.post(f"{self.gateway_base}/v1/webhooks/deliver").raise_for_status()

    def shop_inbox(self) -> list[dict[str, Any]]:
        return self.http.get(f"{self.sim_base}/_sim/inbox/shop").json()["received"]


@dataclass
class DemoResult:
    steps: list[dict[str, Any]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    ok: bool = True


@contextlib.contextmanager
def stage(wallets: Sequence[str], *, serve: bool = False) -> Iterator[Scene]:
    """Simulators + gateway + registry, in-process or on real local servers."""
    from qrinterop.simulators.simulator import Simulator
    sim = Simulator(wallets, timeout_seconds=2.0)
    with contextlib.ExitStack() as stack:
        http = stack.enter_context(httpx.Client(timeout=15.0))
        if not serve:
            from qrinterop.simulators.mock import mock
            m = stack.enter_context(mock(simulator=sim))
            gateway_base = "http://gateway.local/gateway"
            gw = connect(http, sim_base=m.base_url, gateway_base=gateway_base, wallets=wallets,
                         merchant_webhook_url=f"{m.base_url}/_sim/inbox/shop")
            mount_mock(m.router, gw, gateway_base)
            sim_base = m.base_url
        else:
            from qrinterop.simulators.server import create_app as simulator_app
            sim_base = stack.enter_context(serve_in_thread(simulator_app(sim, deliver_webhooks=False)))
            holder: dict[str, Gateway] = {}
            gw_root = stack.enter_context(serve_in_thread(gateway_app(lambda: holder["gw"], pump=False)))
            gateway_base = gw_root + "/gateway"
            gw = connect(http, sim_base=sim_base, gateway_base=gateway_base, wallets=wallets,
                         merchant_webhook_url=f"{sim_base}/_sim/inbox/shop")
            holder["gw"] = gw
        registry = Registry()
        publish(registry, gw)
        yield Scene("server" if serve else "in-process", sim_base, gateway_base, http, gw, registry)


def run_demo(wallets: Sequence[str], out: Path | None, emit: Emit, *, serve: bool = False) -> DemoResult:
    result = DemoResult()

    def step(kind: str, text: str, **data: Any) -> None:
        result.steps.append({"step": kind, "text": text, **data})
        emit(text)

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    with stage(wallets, serve=serve) as scene:
        gw = scene.gw
        auth = {"Authorization": f"Bearer {gw.config.merchant_api_key}"}
        step("setup", f"shop {gw.merchant.name_ja} ({gw.merchant.name}), JPQR store code {gw.merchant.store_code}; "
                      f"gateway at {scene.gateway_base} ({scene.transport}); wallets: {', '.join(wallets)}")

        def new_order(amount: int | None, label: str) -> tuple[str, bytes]:
            r = scene.http.post(f"{scene.gateway_base}/v1/orders", json={"amount": amount, "description": label},
                                headers=auth)
            r.raise_for_status()
            oid = r.json()["order_id"]
            png = scene.http.get(f"{scene.gateway_base}/v1/orders/{oid}/qr.png").content
            if out is not None:
                path = out / f"{label}.png"
                path.write_bytes(png)
                result.images.append(str(path))
            return oid, png

        def app(wallet: str, language: str = "ja") -> WalletApp:
            return WalletApp(wallet, scene.http, sim_base=scene.sim_base, registry=scene.registry, language=language)

        def status(oid: str) -> dict[str, Any]:
            return scene.http.get(f"{scene.gateway_base}/v1/orders/{oid}", headers=auth).json()

        paid_orders: list[tuple[str, str]] = []
        for i, wallet in enumerate(wallets, 1):
            amount = 300 + 110 * i
            oid, png = new_order(amount, f"order-{i}-{wallet}")
            step("order", f"[{wallet}] order {oid}: {amount} JPY → one unified JPQR code ({len(png)} byte PNG)",
                 wallet=wallet, order_id=oid)
            shown = app(wallet, "ja" if i % 2 else "en").scan(png)
            step("scan", f"[{wallet}] app scans the image: {shown.line()}", wallet=wallet, accepted=shown.accepted)
            paid = app(wallet).pay(shown)
            if not paid.ok:
                step("refused", f"[{wallet}] payment refused ({paid.layer}): {paid.reason}", wallet=wallet)
                result.ok = False
                continue
            step("route", f"[{wallet}] gateway routed order {oid} to {wallet}'s API (attempt {paid.attempt_id}); "
                          f"the user confirmed: wallet state {paid.wallet_state}", wallet=wallet)
            scene.flush()
            st = status(oid)
            events = [e for e in scene.shop_inbox() if json.loads(e["body"])["order"]["order_id"] == oid]
            signed = all(verify_signature(gw.config.webhook_secret, e["headers"].get("x-gateway-signature", ""),
                                          e["body"].encode(), time.time()) for e in events)
            step("paid", f"[{wallet}] order {oid} {st['status']} by {st.get('payment', {}).get('wallet')}; shop notified "
                         f"({len(events)} webhook, signature {'valid' if signed else 'INVALID'})", wallet=wallet,
                 status=st["status"])
            result.ok &= st["status"] == "PAID" and len(events) == 1 and signed
            paid_orders.append((oid, wallet))

        if len(wallets) >= 2:
            a, b = wallets[0], wallets[1]
            oid, png = new_order(990, "race")
            step("race", f"[race] {a} and {b} both scan order {oid} (990 JPY) and pay at once")
            shown = {w: app(w).scan(png) for w in (a, b)}
            results: dict[str, Any] = {}
            threads = [threading.Thread(target=lambda w=w: results.__setitem__(w, app(w).pay(shown[w]))) for w in (a, b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            scene.flush()
            st = status(oid)
            fate = {"REVERSED": "paid too, refunded by the gateway", "CLOSED": "canceled at its wallet",
                    "PENDING": "never completed"}
            others = [f"{x['wallet']} {fate.get(x['state'], x['state'])}" for x in st["attempts"] if x["state"] != "PAID"]
            step("race", f"[race] order {oid} {st['status']} once, by {st['payment']['wallet']}; "
                         f"the other: {', '.join(others) or 'none'}")
            result.ok &= st["status"] == "PAID"

        oid, png = new_order(None, "static-sticker")
        wallet = wallets[-1]
        shown = app(wallet).scan(png)
        step("static", f"[static] printed code scanned by {wallet}: {shown.line()}")
        paid = app(wallet).pay(shown, 1500)
        scene.flush()
        if paid.ok:
            st = status(paid.order_id)
            step("static", f"[static] customer typed 1,500 JPY → sale {paid.order_id} {st['status']} by {wallet}")
            result.ok &= st["status"] == "PAID"
        else:
            step("static", f"[static] refused: {paid.reason}")
            result.ok = False

        if paid_orders:
            oid, wallet = paid_orders[0]
            r = scene.http.post(f"{scene.gateway_base}/v1/orders/{oid}/refunds", json={"amount": 100}, headers=auth)
            body = r.json()
            if r.status_code == 201:
                step("refund", f"[refund] 100 JPY of order {oid} refunded through {body['wallet']} "
                               f"(order now {body['status']})")
            else:
                step("refund", f"[refund] refused: {body}")
                result.ok = False
            scene.flush()

        ledger = gw.ledger()
        step("summary", f"ledger: {len(ledger)} paid orders, {sum(x['amount'] for x in ledger):,} JPY taken, "
                        f"{sum(x['refunded'] for x in ledger):,} JPY refunded; shop received "
                        f"{len(scene.shop_inbox())} signed webhooks")
    return result
