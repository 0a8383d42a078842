"""Two `serve` processes on one SQLite file (WAL): the same guarantees as on PostgreSQL — the
file's primary keys and version checks decide, SQLite serialises the writers."""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator

import httpx
import pytest

from tests.simulators.serveproc import ServeProcess, serve_pair, signed


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, ServeProcess]]:
    with serve_pair(str(tmp_path_factory.mktemp("shared") / "sim.db"), "dbarai") as servers:
        yield servers


def _race(n: int, call: Any) -> list[httpx.Response]:
    barrier = threading.Barrier(n)

    def one(i: int) -> httpx.Response:
        with httpx.Client(timeout=30) as http:
            barrier.wait(timeout=30)
            return call(i, http)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_identical_creates_and_refunds_across_two_processes_on_one_sqlite_file(pair) -> None:
    a, b = pair
    creds = a.creds("dbarai")
    body = {"merchantPaymentId": f"sq-{uuid.uuid4().hex[:8]}", "amount": 1000, "currency": "JPY"}
    answers = _race(40, lambda i, http: signed(http, (a, b)[i % 2].base, creds, "dbarai", "POST", "/v1/payments/qr", body))
    assert {r.status_code for r in answers} == {201} and len({r.content for r in answers}) == 1
    made = [p for p in httpx.get(f"{b.base}/_sim/payments/dbarai").json()["payments"]
            if p["merchant_payment_id"] == body["merchantPaymentId"]]
    assert len(made) == 1
    pid = answers[0].json()["paymentId"]
    assert httpx.post(f"{a.base}/_sim/consumer/dbarai/pay", json={"code": pid}).status_code == 200
    refunds = _race(40, lambda i, http: signed(http, (a, b)[i % 2].base, creds, "dbarai", "POST", "/v1/refunds",
                                               {"merchantRefundId": f"r{i}-{time.time_ns()}", "paymentId": pid,
                                                "amount": 100}))
    assert all(r.status_code < 500 for r in refunds)
    assert sum(r.status_code == 201 for r in refunds) == 10
    assert httpx.get(f"{a.base}/_sim/payments/dbarai/{pid}").json()["refunded"] == 1000


def test_a_key_rotated_on_one_process_is_refused_by_the_other_within_a_second(pair) -> None:
    a, b = pair
    merchant = {"wallet": "dbarai", "merchant_id": f"rot-{uuid.uuid4().hex[:6]}", "api_key": f"k1-{uuid.uuid4().hex[:6]}",
                "secret": "s"}
    assert httpx.post(f"{a.base}/_sim/merchants", json=merchant).status_code == 201
    time.sleep(1.1)                                   # past the other process's merchant cache
    with httpx.Client(timeout=10) as http:
        assert signed(http, b.base, merchant, "dbarai", "GET", "/v1/payments/none").status_code == 404
        rotated = {**merchant, "api_key": f"k2-{uuid.uuid4().hex[:6]}"}
        assert httpx.post(f"{a.base}/_sim/merchants", json=rotated).status_code == 201
        time.sleep(1.1)
        old = signed(http, b.base, merchant, "dbarai", "GET", "/v1/payments/none")
        assert old.status_code == 401 and old.json()["error"]["code"] == "INVALID_SIGNATURE"
        assert signed(http, b.base, rotated, "dbarai", "GET", "/v1/payments/none").status_code == 404
