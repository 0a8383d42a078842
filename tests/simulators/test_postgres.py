"""Scale-out: several `qrinterop serve` processes on one PostgreSQL store. Idempotency, refund
limits and replay protection must hold across processes — decided by the database (primary keys,
version checks), since nothing else is shared between the processes.

A real throwaway cluster on 127.0.0.1 (Debian's `postgresql` package); skipped, with the reason,
only where no cluster can be started.
"""
from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator

import httpx
import pytest

from qrinterop.simulators.engine.store import StoreConflict, UnitOfWork
from qrinterop.simulators.wallets import spec
from tests.simulators.serveproc import ServeProcess, serve_pair, signed

psycopg = pytest.importorskip("psycopg", reason="psycopg (psycopg[binary]) is needed for the PostgreSQL store")
from qrinterop.simulators.engine.store_postgres import PostgresStore  # noqa: E402
from qrinterop.simulators.pgcluster import Cluster, PostgresUnavailable, throwaway_cluster  # noqa: E402

WALLETS = "paypay,dbarai,linepay"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    try:
        with throwaway_cluster() as c:
            yield c
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL cluster can be started here: {exc}")


@pytest.fixture(scope="module")
def two_servers(cluster: Cluster) -> Iterator[tuple[ServeProcess, ServeProcess]]:
    """Two serve processes sharing one database (shared by the tests here: each uses its own keys)."""
    with serve_pair(cluster.new_database(), WALLETS) as pair:
        yield pair


def test_store_refuses_a_second_insert_and_a_stale_update(cluster: Cluster) -> None:
    url = cluster.new_database()
    one, two = PostgresStore(url), PostgresStore(url)
    try:
        u = UnitOfWork(one)
        u.put("payref", "k", "p1")
        u.commit()
        late = UnitOfWork(two)
        late.put("payment-new", "fresh", "x")
        late.put("payref", "k", "p2")                      # never read: an INSERT of an existing key
        with pytest.raises(StoreConflict) as caught:
            late.commit()
        assert (caught.value.op, caught.value.kind, caught.value.key) == ("insert", "payref", "k")
        assert two.get("payment-new", "fresh") is None      # all or nothing: the other insert is gone too
        a, b = UnitOfWork(one), UnitOfWork(two)
        a.get("payref", "k"), b.get("payref", "k")
        a.put("payref", "k", "p3")
        a.commit()
        b.put("payref", "k", "p4")                         # read version 1, but it is 2 now
        with pytest.raises(StoreConflict) as caught:
            b.commit()
        assert (caught.value.op, caught.value.kind, caught.value.key) == ("update", "payref", "k")
        assert two.get("payref", "k") == "p3"
        assert one.use_nonce("w:m", "n", 100.0, 0.0) and not two.use_nonce("w:m", "n", 100.0, 50.0)
    finally:
        one.close()
        two.close()


def _race(n: int, call: Any) -> list[Any]:
    barrier = threading.Barrier(n)

    def one(i: int) -> Any:
        with httpx.Client(timeout=30) as http:
            barrier.wait(timeout=30)
            return call(i, http)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


CREATES = {
    "paypay": ("/v2/codes", lambda key: {"merchantPaymentId": key, "amount": {"amount": 1000, "currency": "JPY"},
                                         "codeType": "ORDER_QR"}),
    "dbarai": ("/v1/payments/qr", lambda key: {"merchantPaymentId": key, "amount": 1000, "currency": "JPY"}),
    "linepay": ("/v3/payments/request", lambda key: {
        "amount": 1000, "currency": "JPY", "orderId": key,
        "redirectUrls": {"confirmUrl": "https://m.example/ok", "cancelUrl": "https://m.example/no"},
        "packages": [{"id": "p", "amount": 1000, "products": [{"name": "tea", "quantity": 1, "price": 1000}]}]}),
}


@pytest.mark.parametrize("wallet", sorted(CREATES))
def test_50_concurrent_identical_creates_across_two_processes_make_one_payment(
        two_servers: tuple[ServeProcess, ServeProcess], wallet: str) -> None:
    a, b = two_servers
    creds = a.creds(wallet)
    path, make = CREATES[wallet]
    body = make(f"race-{uuid.uuid4().hex[:10]}")
    answers = _race(50, lambda i, http: signed(http, (a, b)[i % 2].base, creds, wallet, "POST", path, body))
    assert all(r.status_code < 300 for r in answers), {r.status_code: r.text[:200] for r in answers}
    assert len({r.content for r in answers}) == 1, "the 50 answers differ: more than one payment was made"
    key = body.get("merchantPaymentId") or body.get("orderId")
    made = [p for p in httpx.get(f"{a.base}/_sim/payments/{wallet}").json()["payments"] if p["merchant_payment_id"] == key]
    assert len(made) == 1, f"{len(made)} payments for one idempotency key in the shared store"


def _paid_payment(server: ServeProcess, wallet: str, creds: dict[str, str]) -> str:
    path, make = CREATES[wallet]
    with httpx.Client(timeout=10) as http:
        r = signed(http, server.base, creds, wallet, "POST", path, make(f"refund-race-{uuid.uuid4().hex[:8]}"))
        assert r.status_code == 201, r.text
        code = r.json()["data"]["codeId"] if wallet == "paypay" else r.json()["qrContent"]
        paid = http.post(f"{server.base}/_sim/consumer/{wallet}/pay", json={"code": code})
        assert paid.status_code == 200 and paid.json()["state"] == "COMPLETED", paid.text
        return paid.json()["payment_id"]


@pytest.mark.parametrize("wallet", ["paypay", "dbarai"])
def test_50_concurrent_refunds_across_two_processes_never_exceed_the_captured_amount(
        two_servers: tuple[ServeProcess, ServeProcess], wallet: str) -> None:
    a, b = two_servers
    creds = a.creds(wallet)
    pid = _paid_payment(a, wallet, creds)

    def refund(i: int, http: httpx.Client) -> httpx.Response:
        rid = f"r-{i}"
        body = ({"merchantRefundId": rid, "paymentId": pid, "amount": {"amount": 100, "currency": "JPY"},
                 "requestedAt": int(time.time())} if wallet == "paypay"
                else {"merchantRefundId": rid, "paymentId": pid, "amount": 100})
        path = "/v2/refunds" if wallet == "paypay" else "/v1/refunds"
        return signed(http, (a, b)[i % 2].base, creds, wallet, "POST", path, body)

    answers = _race(50, refund)
    assert all(r.status_code < 500 for r in answers), [r.text[:200] for r in answers if r.status_code >= 500]
    accepted = [r for r in answers if r.status_code == 201]
    assert len(accepted) == 10, f"{len(accepted)} refunds of 100 accepted on a payment of 1000"
    state = httpx.get(f"{b.base}/_sim/payments/{wallet}/{pid}").json()
    assert state["refunded"] == 1000 and state["state"] == "REFUNDED", state


def test_a_request_replayed_to_the_other_process_is_refused(two_servers: tuple[ServeProcess, ServeProcess]) -> None:
    a, b = two_servers
    creds = a.creds("dbarai")
    raw = json.dumps({"merchantPaymentId": "replay-x", "amount": 10, "currency": "JPY"}).encode()
    headers = spec("dbarai").client_signer(creds, "POST", "/v1/payments/qr", raw)
    first = httpx.post(f"{a.base}/dbarai/v1/payments/qr", content=raw, headers=headers)
    assert first.status_code == 201, first.text
    again = httpx.post(f"{b.base}/dbarai/v1/payments/qr", content=raw, headers=headers)
    assert again.status_code == 401 and again.json()["error"]["code"] == "INVALID_SIGNATURE", again.text


def test_kill_9_of_one_process_under_load_loses_no_acknowledged_payment(cluster: Cluster) -> None:
    with serve_pair(cluster.new_database(), WALLETS) as (a, b):
        _kill_9_under_load(a, b)


def _kill_9_under_load(a: ServeProcess, b: ServeProcess) -> None:
    creds = a.creds("paypay")
    acknowledged: list[str] = []
    lock, stop = threading.Lock(), threading.Event()

    def client(n: int) -> None:
        server = (a, b)[n % 2]
        with httpx.Client(timeout=5) as http:
            for i in range(2000):                          # bounded; the kill and the stop end it sooner
                if stop.is_set():
                    return
                mpid = f"k9-{n}-{i}"
                try:
                    r = signed(http, server.base, creds, "paypay", "POST", "/v2/codes",
                               {"merchantPaymentId": mpid, "amount": {"amount": 100, "currency": "JPY"},
                                "codeType": "ORDER_QR"})
                except httpx.HTTPError:
                    return                                  # that server died mid-request: not acknowledged
                if r.status_code == 201:
                    with lock:
                        acknowledged.append(mpid)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while len(acknowledged) < 300 and time.time() < deadline:
        time.sleep(0.02)
    a.signal(signal.SIGKILL)
    a.wait(timeout=10)
    time.sleep(0.3)                                         # the survivor keeps serving meanwhile
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert len(acknowledged) >= 100, "the load did not get going before the kill"
    missing = []
    with httpx.Client(timeout=10) as http:
        for mpid in acknowledged:
            r = signed(http, b.base, creds, "paypay", "GET", f"/v2/codes/payments/{mpid}")
            if r.status_code != 200 or r.json()["data"]["merchantPaymentId"] != mpid:
                missing.append((mpid, r.status_code))
    assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged payments lost"
    print(f"postgres kill -9 of 1 of 2 processes: {len(acknowledged)} acknowledged, 0 lost")
