"""The unified-code world, on either transport: wallet simulators + gateway + wallet apps + shop.

`world` is parametrized: "mock" runs everything in this process through respx (no sockets);
"server" runs the simulators on uvicorn (the same app `qrinterop serve` runs) and the gateway on a
second uvicorn server, each on a free 127.0.0.1 port, and everything talks real HTTP. Webhooks
and polling are driven explicitly (`flush`, `reconcile`) so the tests are deterministic; the
servers' background delivery is off.
"""
from __future__ import annotations

import contextlib
import json
import time
from typing import Any, Iterator

import httpx
import pytest

from qrinterop.simulators.apps import WalletApp
from qrinterop.simulators.gateway import Gateway, connect, verify_signature
from qrinterop.simulators.gateway.http_api import create_app as gateway_app, mount_mock
from qrinterop.localserver import serve_in_thread
from qrinterop.simulators.gateway.registry import Registry, publish
from qrinterop.simulators.mock import mock
from qrinterop.simulators.server import create_app as simulator_app
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import WALLET_IDS

SIM_TIMEOUT = 2.0          # how long a `timeout` fault makes the simulator hang
CLIENT_TIMEOUT = 1.0       # the gateway's read timeout (shorter, so a hang is a timeout)


class Uvicorn:
    """An app on a free 127.0.0.1 port while the with-block runs (`.base` is its URL)."""

    def __init__(self, app: Any) -> None:
        self._serving = serve_in_thread(app)
        self.base = ""

    def __enter__(self) -> "Uvicorn":
        self.base = self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(*exc)


class World:
    """One shop, its gateway, the simulators, and an app per wallet — driven over HTTP only."""

    def __init__(self, transport: str, sim: Simulator, sim_base: str, gateway_base: str, http: httpx.Client,
                 gateway_http: httpx.Client, wallets: tuple[str, ...] = WALLET_IDS) -> None:
        self.transport, self.sim, self.sim_base, self.gateway_base, self.http = transport, sim, sim_base, gateway_base, http
        self.router: Any = None          # the respx router, in-process only
        self.gw: Gateway = connect(gateway_http, sim_base=sim_base, gateway_base=gateway_base, wallets=wallets,
                                   merchant_webhook_url=f"{sim_base}/_sim/inbox/merchant", sleep=lambda s: None)
        self.registry = Registry()
        publish(self.registry, self.gw)
        self.auth = {"Authorization": f"Bearer {self.gw.config.merchant_api_key}"}

    # merchant side, over the gateway's HTTP API
    def order(self, amount: int | None, **extra: Any) -> dict[str, Any]:
        r = self.http.post(f"{self.gateway_base}/v1/orders", json={"amount": amount, **extra}, headers=self.auth)
        assert r.status_code == 201, r.text
        return r.json()

    def png(self, order_id: str) -> bytes:
        r = self.http.get(f"{self.gateway_base}/v1/orders/{order_id}/qr.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png", r.text
        return r.content

    def status(self, order_id: str) -> dict[str, Any]:
        r = self.http.get(f"{self.gateway_base}/v1/orders/{order_id}", headers=self.auth)
        assert r.status_code == 200, r.text
        return r.json()

    def refund(self, order_id: str, amount: int | None = None) -> httpx.Response:
        return self.http.post(f"{self.gateway_base}/v1/orders/{order_id}/refunds", json={"amount": amount},
                              headers=self.auth)

    def app(self, wallet: str, **kw: Any) -> WalletApp:
        return WalletApp(wallet, self.http, sim_base=self.sim_base, registry=self.registry, **kw)

    # the plumbing between them
    def flush(self) -> None:
        """Deliver due wallet webhooks (to the gateway), then due merchant events (to the shop)."""
        r = self.http.post(f"{self.sim_base}/_sim/webhooks/deliver")
        assert r.status_code == 200, r.text
        r = self.http.post(f"{self.gateway_base}/v1/webhooks/deliver")
        assert r.status_code == 200, r.text

    def reconcile(self) -> int:
        r = self.http.post(f"{self.gateway_base}/v1/reconcile")
        assert r.status_code == 200, r.text
        r2 = self.http.post(f"{self.gateway_base}/v1/webhooks/deliver")
        assert r2.status_code == 200, r2.text
        return r.json()["polled"]

    def merchant_events(self) -> list[dict[str, Any]]:
        """What reached the shop, each checked: signature valid, event id header = body id."""
        r = self.http.get(f"{self.sim_base}/_sim/inbox/merchant")
        out = []
        for item in r.json()["received"]:
            body = item["body"].encode()
            headers = {k.lower(): v for k, v in item["headers"].items()}
            assert verify_signature(self.gw.config.webhook_secret, headers["x-gateway-signature"], body, time.time())
            event = json.loads(body)
            assert headers["x-gateway-event-id"] == event["id"]
            out.append(event)
        return out

    def unique_events(self, kind: str, order_id: str) -> list[dict[str, Any]]:
        """Events of `kind` for `order_id`, deduplicated by event id as a receiver must."""
        seen: dict[str, dict[str, Any]] = {}
        for e in self.merchant_events():
            if e["type"] == kind and e["order"]["order_id"] == order_id:
                seen.setdefault(e["id"], e)
        return list(seen.values())

    def wallet_payment(self, wallet: str, code: str) -> dict[str, Any]:
        r = self.http.get(f"{self.sim_base}/_sim/payments/{wallet}/{code}")
        assert r.status_code == 200, r.text
        return r.json()

    def journal(self, wallet: str, route: str) -> list[dict[str, Any]]:
        r = self.http.get(f"{self.sim_base}/_sim/journal", params={"wallet": wallet, "route": route})
        return r.json()["entries"]

    def fault(self, fault: str, wallet: str, route: str = "*", count: int | None = 1) -> None:
        rule = {"fault": fault, "wallet": wallet, "route": route, **({"count": count} if count is not None else {})}
        r = self.http.post(f"{self.sim_base}/_sim/faults", json=rule)
        assert r.status_code == 201, r.text


def _assert_clean(sim: Simulator) -> None:
    assert list(sim.contract_drift) == [], "a simulator answered outside its OpenAPI contract"
    assert list(sim.internal_errors) == [], "a simulator hit an internal error"


class _Servers:
    def __init__(self) -> None:
        self.sim = Simulator(timeout_seconds=SIM_TIMEOUT)
        self.current: Gateway | None = None
        self.sim_server = Uvicorn(simulator_app(self.sim, deliver_webhooks=False))
        self.gw_server = Uvicorn(gateway_app(lambda: self.current, pump=False))


@pytest.fixture(scope="session")
def servers() -> Iterator[_Servers]:
    s = _Servers()
    with s.sim_server, s.gw_server:
        yield s


@pytest.fixture(params=["mock", "server"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    if request.param == "mock":
        with mock(simulator=Simulator(timeout_seconds=SIM_TIMEOUT)) as m, _clients() as (http, gw_http):
            yield _mock_world(m, http, gw_http)
            _assert_clean(m.sim)
    else:
        s: _Servers = request.getfixturevalue("servers")
        s.sim.reset()
        with _clients() as (http, gw_http):
            w = World("server", s.sim, s.sim_server.base, s.gw_server.base + "/gateway", http, gw_http)
            s.current = w.gw
            yield w
        _assert_clean(s.sim)


@pytest.fixture
def mock_world() -> Iterator[World]:
    """In-process only, for tests that reach into Python objects (threads racing on the gateway)."""
    with mock(simulator=Simulator(timeout_seconds=SIM_TIMEOUT)) as m, _clients() as (http, gw_http):
        yield _mock_world(m, http, gw_http)
        _assert_clean(m.sim)


@contextlib.contextmanager
def _clients() -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """The apps' and tests' client (patient) and the gateway's (times out before a hung wallet answers)."""
    with httpx.Client(timeout=15.0) as http, httpx.Client(timeout=CLIENT_TIMEOUT) as gw_http:
        yield http, gw_http


def _mock_world(m: Any, http: httpx.Client, gw_http: httpx.Client) -> World:
    base = "http://gateway.local/gateway"
    w = World("mock", m.sim, m.base_url, base, http, gw_http)
    w.router = m.router
    mount_mock(m.router, w.gw, base)
    return w
