"""In-process transport: a respx router bound to the same `Simulator.handle` the server uses.

    with qrinterop.simulators.mock(wallets=["paypay"]) as sim:
        r = httpx.post(sim.url("paypay") + "/v2/codes", content=body, headers=signed_headers)

No socket is opened. Requests to any other host fail loudly (respx: not mocked) unless the test
adds its own route on `sim.router` — e.g. to capture webhooks sent to a merchant URL.
A `timeout` fault raises httpx.ReadTimeout; a `latency` fault sleeps in the calling thread.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

import httpx
import respx

from qrinterop.simulators.engine.http import SimRequest
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import WALLET_IDS, parse_wallets

DEFAULT_BASE_URL = "http://sim.local"


def to_sim_request(request: httpx.Request) -> SimRequest:
    return SimRequest(request.method, request.url.path, request.url.query.decode("ascii", "replace"),
                      dict(request.headers), request.read(),
                      raw_path=request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace"))


class MockedSimulator:
    """The Simulator (every control method) plus where it is mounted and its respx router."""

    def __init__(self, sim: Simulator, base_url: str, router: respx.MockRouter) -> None:
        self.sim, self.base_url, self.router = sim, base_url.rstrip("/"), router

    def url(self, wallet: str) -> str:
        return f"{self.base_url}/{wallet}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sim, name)


@contextmanager
def mock(wallets: str | Iterable[str] = WALLET_IDS, *, base_url: str = DEFAULT_BASE_URL,
         simulator: Simulator | None = None, **options: Any) -> Iterator[MockedSimulator]:
    """Serve the wallets to httpx in this process. `options` go to `Simulator` (store, seed, …)."""
    ids = parse_wallets(wallets) if isinstance(wallets, str) else tuple(wallets)
    sim = simulator or Simulator(ids, **options)
    parts = urlsplit(base_url)

    def side_effect(request: httpx.Request) -> httpx.Response:
        resp = sim.handle(to_sim_request(request))
        if resp.hang:
            raise httpx.ReadTimeout("simulated timeout (X-Sim-Fault: timeout)", request=request)
        if resp.delay:
            time.sleep(resp.delay)
        return httpx.Response(resp.status, headers=resp.headers, content=resp.body)

    with respx.mock(assert_all_called=False) as router:
        pattern: dict[str, Any] = {"scheme": parts.scheme, "host": parts.hostname}
        if parts.port:
            pattern["port"] = parts.port
        router.route(**pattern).mock(side_effect=side_effect)
        yield MockedSimulator(sim, base_url, router)
