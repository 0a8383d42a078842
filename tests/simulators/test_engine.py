"""The pure engine: state machine, refunds, idempotency records, stores, locks, replay, faults."""
from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings, strategies as st

from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.faults import FaultSyntaxError, parse_fault, parse_fault_header
from qrinterop.simulators.engine.idempotency import fingerprint
from qrinterop.simulators.engine.model import PAID_STATES, TRANSITIONS, Payment, State, check_transition
from qrinterop.simulators.engine.replay import ReplayGuard
from qrinterop.simulators.engine.store import KeyedLocks, MemoryStore, SqliteStore, UnitOfWork
from qrinterop.simulators.engine.webhooks import BACKOFF_SECONDS, after_attempt
from qrinterop.simulators.engine.model import Webhook


def new_payment(uow: UnitOfWork, pid: str = "p1", amount: int = 1000, capture: bool = True) -> Payment:
    p = Payment("w", "m", pid, f"mp-{pid}", amount, "JPY", State.CREATED, 0.0, expires_at=100.0, capture=capture)
    return payments.create_payment(uow, p)


def test_terminal_states_accept_no_transition() -> None:
    for terminal in (State.CANCELED, State.EXPIRED, State.FAILED, State.REFUNDED):
        for target in State:
            with pytest.raises(SimError) as e:
                check_transition(terminal, target)
            assert e.value.kind is Kind.ILLEGAL_STATE


def test_the_design_path_is_legal_and_shortcuts_are_not() -> None:
    check_transition(State.CREATED, State.AUTHORIZED)
    check_transition(State.AUTHORIZED, State.COMPLETED)
    check_transition(State.COMPLETED, State.PARTIALLY_REFUNDED)
    check_transition(State.PARTIALLY_REFUNDED, State.REFUNDED)
    for bad in [(State.CREATED, State.COMPLETED), (State.CREATED, State.REFUNDED), (State.AUTHORIZED, State.REFUNDED),
                (State.COMPLETED, State.EXPIRED), (State.COMPLETED, State.AUTHORIZED)]:
        assert bad[1] not in TRANSITIONS[bad[0]]
        with pytest.raises(SimError):
            check_transition(*bad)


def test_operations_refuse_what_the_state_forbids() -> None:
    uow = UnitOfWork(MemoryStore())
    p = new_payment(uow)
    with pytest.raises(SimError) as e:
        payments.refund(uow, p, refund_id="r", merchant_refund_id="r", amount=1, now=1)
    assert e.value.kind is Kind.NOT_PAID
    p = payments.consumer_pay(uow, p, 1.0)
    assert p.state is State.COMPLETED and p.paid_at == 1.0
    with pytest.raises(SimError) as e:
        payments.consumer_pay(uow, p, 2.0)
    assert e.value.kind is Kind.ALREADY_PAID
    pre = payments.consumer_pay(uow, new_payment(uow, "p2", capture=False), 1.0)
    assert pre.state is State.AUTHORIZED
    with pytest.raises(SimError) as e:
        payments.capture(uow, pre, 2.0, amount=999)
    assert e.value.kind is Kind.AMOUNT_MISMATCH
    late = new_payment(uow, "p3")
    assert payments.get_payment(uow, "p3", 100.0).state is State.EXPIRED      # expiry on the injected clock
    with pytest.raises(SimError) as e:
        payments.consumer_pay(uow, payments.get_payment(uow, "p3", 100.0), 100.0)
    assert e.value.kind is Kind.EXPIRED and late.state is State.CREATED


@settings(max_examples=60, deadline=None)
@given(amount=st.integers(1, 10_000), refunds=st.lists(st.integers(-5, 12_000), max_size=12))
def test_refund_totals_never_exceed_the_captured_amount(amount: int, refunds: list[int]) -> None:
    uow = UnitOfWork(MemoryStore())
    p = payments.consumer_pay(uow, new_payment(uow, amount=amount), 1.0)
    accepted = 0
    for i, value in enumerate(refunds):
        try:
            p, r = payments.refund(uow, p, refund_id=f"r{i}", merchant_refund_id=f"r{i}", amount=value, now=2.0)
            accepted += r.amount
        except SimError as e:
            assert e.kind in (Kind.REFUND_EXCEEDED, Kind.INVALID_FIELD, Kind.ALREADY_REFUNDED)
        assert p.refunded == accepted <= amount
        assert (p.state is State.REFUNDED) == (accepted == amount)
        assert p.state in PAID_STATES or p.state is State.REFUNDED


def test_fingerprint_ignores_key_order_and_spacing() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_stores_commit_atomically_and_survive_reopen(tmp_path, kind: str) -> None:
    path = str(tmp_path / "s.db")
    store = MemoryStore() if kind == "memory" else SqliteStore(path)
    uow = UnitOfWork(store)
    p = payments.consumer_pay(uow, new_payment(uow), 1.0)
    assert store.get("payment", "p1") is None            # nothing before commit
    uow.commit()
    assert store.get("payment", "p1") == p and store.get("payref", "w:m:mp-p1") == "p1"
    assert store.count("payment") == 1
    if kind == "sqlite":
        store.close()
        again = SqliteStore(path)
        assert again.get("payment", "p1") == p           # a restarted server has every payment
        assert again._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        again.close()


def test_keyed_locks_serialise_one_key_and_clean_up() -> None:
    locks, inside, peak = KeyedLocks(), [0], [0]

    def work() -> None:
        with locks.hold("k"):
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
            inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 1 and locks._locks == {}


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_replay_guard_remembers_per_scope_until_expiry_in_the_store(kind: str, tmp_path) -> None:
    store = MemoryStore() if kind == "memory" else SqliteStore(str(tmp_path / "n.db"))
    g = ReplayGuard(store)
    assert g.check_and_remember("w:m1", "a", now=0, until=10)
    assert not g.check_and_remember("w:m1", "a", now=5, until=15)       # inside its validity: a replay
    assert g.check_and_remember("w:m2", "a", now=5, until=15)           # another merchant's book
    assert g.check_and_remember("w:m1", "a", now=11, until=21)          # expired: fresh again
    if kind == "sqlite":
        store.close()
        again = ReplayGuard(SqliteStore(str(tmp_path / "n.db")))       # a restart remembers
        assert not again.check_and_remember("w:m1", "a", now=12, until=22)


def test_fault_grammar() -> None:
    assert [str(f) for f in parse_fault_header("latency=250ms, error=503,timeout")] == ["latency=250ms", "error=503", "timeout"]
    assert parse_fault("latency=1.5s").seconds() == 1.5
    for bad in ("latency=fast", "error=404", "webhook=lose", "explode", "ratelimit=x"):
        with pytest.raises(FaultSyntaxError):
            parse_fault(bad)


def test_webhook_backoff_then_dead() -> None:
    w = Webhook("id", "w", "u", b"", (), 0.0, 0.0)
    for attempt, delay in enumerate(BACKOFF_SECONDS, start=1):
        w = after_attempt(w, False, 100.0, "HTTP 500")
        assert w.attempts == attempt and w.next_at == 100.0 + delay and not w.dead
    w = after_attempt(w, False, 200.0)
    assert w.dead
    assert after_attempt(Webhook("id", "w", "u", b"", (), 0.0, 0.0), True, 1.0).delivered
