"""Fixtures: the same tests run in-process (respx) and against a real uvicorn server.

`env` is parametrized over the two transports; everything a test does goes through HTTP
(wallet APIs and the /_sim control API), so both paths are exercised identically. After each
test, the simulator must have recorded no contract drift and no internal error.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

import httpx
import pytest

from qrinterop.simulators.mock import mock
from qrinterop.localserver import serve_in_thread
from qrinterop.simulators.server import create_app
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import spec


class Env:
    """A client of one simulator, whichever transport carries it."""

    def __init__(self, sim: Simulator, base: str, http: httpx.Client, transport: str) -> None:
        self.sim, self.base, self.http, self.transport = sim, base.rstrip("/"), http, transport
        self._creds: dict[str, dict[str, str]] = {}
        self.router: Any = None          # the respx router (in-process transport only)

    def creds(self, wallet: str) -> dict[str, str]:
        if wallet not in self._creds:
            r = self.http.get(f"{self.base}/_sim/merchants", params={"wallet": wallet, "secrets": "1"})
            assert r.status_code == 200, r.text
            self._creds[wallet] = r.json()["merchants"][0]
        return self._creds[wallet]

    def call(self, wallet: str, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
             sign: bool = True, creds: dict[str, str] | None = None, fault: str = "") -> httpx.Response:
        raw = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body, ensure_ascii=False).encode())
        h: dict[str, str] = {}
        if sign:
            h.update(spec(wallet).client_signer(creds or self.creds(wallet), method, path, raw))
        if fault:
            h["X-Sim-Fault"] = fault
        h.update(headers or {})
        return self.http.request(method, f"{self.base}/{wallet}{path}", content=raw or None, headers=h)

    def control(self, method: str, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.http.request(method, f"{self.base}/_sim{path}", json=body, **kw)

    def pay(self, wallet: str, code: str, *, fault: str = "") -> dict[str, Any]:
        r = self.control("POST", f"/consumer/{wallet}/pay", {"code": code},
                         headers={"X-Sim-Fault": fault} if fault else None)
        assert r.status_code == 200, r.text
        return r.json()

    def inbox_url(self, name: str) -> str:
        return f"{self.base}/_sim/inbox/{name}"

    def deliver(self) -> int:
        r = self.control("POST", "/webhooks/deliver")
        assert r.status_code == 200, r.text
        return r.json()["attempted"]

    def inbox(self, name: str) -> list[dict[str, Any]]:
        return self.control("GET", f"/inbox/{name}").json()["received"]


class LiveServer:
    """The simulator on a free 127.0.0.1 port (webhooks delivered on demand) for a with-block."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._serving = serve_in_thread(create_app(sim, deliver_webhooks=False))
        self.base = ""

    def __enter__(self) -> "LiveServer":
        self.base = self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(*exc)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    # Webhooks are delivered on demand (POST /_sim/webhooks/deliver) so tests are deterministic.
    with LiveServer(Simulator(timeout_seconds=2.0)) as server:
        yield server


def _assert_clean(sim: Simulator) -> None:
    assert list(sim.contract_drift) == [], "the simulator answered outside its OpenAPI contract"
    assert list(sim.internal_errors) == [], "the simulator hit an internal error"


@pytest.fixture(params=["mock", "server"])
def env(request: pytest.FixtureRequest) -> Iterator[Env]:
    if request.param == "mock":
        with mock(simulator=Simulator(timeout_seconds=2.0)) as m, httpx.Client() as http:
            yield Env(m.sim, m.base_url, http, "mock")
            _assert_clean(m.sim)
    else:
        server: LiveServer = request.getfixturevalue("live_server")
        server.sim.reset()
        with httpx.Client(timeout=10) as http:
            yield Env(server.sim, server.base, http, "server")
        _assert_clean(server.sim)


@pytest.fixture
def mock_env() -> Iterator[Env]:
    """In-process only: for tests that need the Python object (clock internals, webhook faults)."""
    with mock(simulator=Simulator(timeout_seconds=2.0)) as m, httpx.Client() as http:
        e = Env(m.sim, m.base_url, http, "mock")
        e.router = m.router
        yield e
        _assert_clean(m.sim)
