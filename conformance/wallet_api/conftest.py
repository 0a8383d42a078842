"""Fixtures of the wallet API conformance tests: the implementation under test (IUT) and one
driver per wallet. Without `--qri-wallet-url` the IUT is the simulators, in this process (respx).

These tests are collected only when asked for (an argument naming `wallet_api`, or
`--qri-wallet-url`), so `qrinterop certify` — which runs `--pyargs qrinterop.conformance` for
QR-code IUTs — does not run them as a side effect.
"""
from __future__ import annotations

import contextlib
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from qrinterop.conformance.wallet_api.catalogue import level_of
from qrinterop.conformance.wallet_api.drivers import Driver, driver
from qrinterop.conformance.wallet_api.options import add_options

HERE = Path(__file__).resolve().parent


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def _asked_for(config: pytest.Config) -> bool:
    if config.getoption("qri_wallet_url", None):
        return True
    return any("wallet_api" in str(a) for a in config.args)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.is_relative_to(HERE) and collection_path.name.startswith("test_") and not _asked_for(config):
        return True
    return None


class Iut:
    """The wallet API implementation under test, reached over HTTP (real or respx)."""

    def __init__(self, base: str, http: httpx.Client) -> None:
        self.base, self.http = base.rstrip("/"), http
        try:
            r = http.get(f"{self.base}/_sim/health")
        except httpx.TransportError as exc:
            pytest.exit(f"--qri-wallet-url {base}: cannot reach GET /_sim/health ({type(exc).__name__}: {exc})", returncode=2)
        if r.status_code != 200:
            pytest.exit(f"--qri-wallet-url {base}: GET /_sim/health answered HTTP {r.status_code}; the IUT must offer "
                        "the control API subset listed in docs/unified-code.md", returncode=2)
        self.wallets = tuple(r.json().get("wallets", ()))
        self._creds: dict[str, dict[str, str]] = {}

    def creds(self, wallet: str) -> dict[str, str]:
        if wallet not in self._creds:
            r = self.http.get(f"{self.base}/_sim/merchants", params={"wallet": wallet, "secrets": "1"})
            assert r.status_code == 200 and r.json().get("merchants"), f"no test credentials for {wallet}: {r.text[:200]}"
            self._creds[wallet] = r.json()["merchants"][0]
        return self._creds[wallet]

    def merchant_with_webhook(self, wallet: str, notify_url: str) -> dict[str, str]:
        """A fresh merchant whose webhook URL is a merchant setting (PayPay's merchant panel)."""
        r = self.http.post(f"{self.base}/_sim/merchants", json={
            "wallet": wallet, "merchant_id": "ct-" + uuid.uuid4().hex[:10], "api_key": "ct-key-" + uuid.uuid4().hex[:12],
            "secret": uuid.uuid4().hex, "notify_url": notify_url})
        assert r.status_code == 201, f"POST /_sim/merchants: HTTP {r.status_code} {r.text[:200]}"
        return r.json()

    def consumer_pay(self, wallet: str, code: str) -> None:
        r = self.http.post(f"{self.base}/_sim/consumer/{wallet}/pay", json={"code": code})
        assert r.status_code == 200, f"the user could not pay {code!r}: HTTP {r.status_code} {r.text[:200]}"

    def inbox_url(self, name: str) -> str:
        return f"{self.base}/_sim/inbox/{name}"

    def webhooks(self, name: str) -> list[dict[str, Any]]:
        r = self.http.post(f"{self.base}/_sim/webhooks/deliver")
        assert r.status_code == 200, r.text[:200]
        return self.http.get(f"{self.base}/_sim/inbox/{name}").json()["received"]


@pytest.fixture(scope="session")
def wallet_iut(request: pytest.FixtureRequest) -> Iterator[Iut]:
    url = request.config.getoption("qri_wallet_url", None)
    with contextlib.ExitStack() as stack:
        if url is None:
            from qrinterop.simulators.mock import mock
            from qrinterop.simulators.simulator import Simulator
            url = stack.enter_context(mock(simulator=Simulator(timeout_seconds=1.0))).base_url
        http = stack.enter_context(httpx.Client(timeout=15.0))
        yield Iut(url, http)


@pytest.fixture
def drv(wallet_iut: Iut, request: pytest.FixtureRequest) -> Driver:
    wallet = request.node.callspec.params["wallet"]
    if wallet not in wallet_iut.wallets:
        pytest.skip(f"not implemented: the IUT does not serve {wallet}")
    d = driver(wallet, wallet_iut.base, wallet_iut.http, wallet_iut.creds(wallet))
    d.sink_url = wallet_iut.inbox_url("conformance-sink")
    return d


class Judge:
    """Collects one rule's checks and the HTTP exchanges behind them; ends the test once."""

    def __init__(self, recorder: Any, rule: str, wallet: str) -> None:
        self.recorder, self.rule, self.wallet = recorder, rule, wallet
        self.problems: list[str] = []
        self.exchanges: list[dict[str, Any]] = []
        recorder.meta(id=f"wallet-api/{wallet}/{rule.split('.api.', 1)[1]}", kind="wallet-api", part="wallet-api",
                      feature=wallet, operation=rule.split(".api.", 1)[1], rules=[rule])

    def saw(self, r: httpx.Response) -> httpx.Response:
        req_body = r.request.content.decode("utf-8", "replace")[:500] if r.request.content else ""
        self.exchanges.append({"request": {"method": r.request.method, "path": r.request.url.path, "body": req_body},
                               "response": {"status": r.status_code, "body": r.text[:500]}})
        return r

    def expect(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.problems.append(problem)
        return ok

    def done(self) -> None:
        from qrinterop.conformance.judge import Outcome
        # The run record takes one exchange as `http` (request, response): the last one, which is the
        # one that decided a failure; the earlier ones go along under `earlier`.
        evidence: dict[str, Any] = {}
        if self.exchanges:
            evidence["http"] = {**self.exchanges[-1], "earlier": self.exchanges[-6:-1]}
        if not self.problems:
            self.recorder.finish(Outcome("passed", "", [self.rule], None, evidence))
            return
        status = "warning" if level_of(self.rule) == "SHOULD" else "failed"
        self.recorder.finish(Outcome(status, "; ".join(self.problems), [self.rule], "wrong-value", evidence))


@pytest.fixture
def judge(conformance: Any, request: pytest.FixtureRequest) -> Judge:
    rule = next(m.kwargs["id"] for m in request.node.iter_markers("rule"))
    return Judge(conformance, rule, request.node.callspec.params["wallet"])


def now() -> int:
    return int(time.time())
