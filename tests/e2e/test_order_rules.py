"""The gateway's pure order rules (`orders.py`), the unified payload and the merchant signature."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrinterop.rules import validate
from qrinterop.simulators.gateway import merchant_webhooks as mw
from qrinterop.simulators.gateway.orders import (Attempt, AttemptState, GatewayRefusal, Order, OrderState, WalletStatus,
                                                 add_attempt, check_refund, open_attempt, record_refund, settle)
from qrinterop.simulators.gateway.onboarding import DEMO_SHOP
from qrinterop.simulators.gateway.unified_code import MerchantProfile, unified_payload


def _order(amount: int | None = 1000, expires: float | None = 100.0) -> Order:
    return Order("O1", amount, 0.0, expires)


def _attempt(aid: str, wallet: str = "paypay") -> Attempt:
    return Attempt(aid, "O1", wallet, 1000, 0.0)


def test_open_attempt_refusals() -> None:
    assert open_attempt(_order(), "paypay", None, 1.0) == 1000
    with pytest.raises(GatewayRefusal) as e:
        open_attempt(_order(), "paypay", 999, 1.0)
    assert e.value.code == "AMOUNT_MISMATCH" and e.value.status == 400
    with pytest.raises(GatewayRefusal) as e:
        open_attempt(_order(), "paypay", None, 100.0)
    assert e.value.code == "ORDER_EXPIRED"
    with pytest.raises(GatewayRefusal) as e:
        open_attempt(Order("O1", 1000, 0, None, state=OrderState.PAID), "paypay", None, 1.0)
    assert e.value.code == "ORDER_ALREADY_PAID"
    with pytest.raises(GatewayRefusal) as e:
        open_attempt(_order(amount=None, expires=None), "paypay", 100, 1.0)
    assert e.value.code == "STATIC_CODE"


def test_first_paid_attempt_wins_and_a_later_one_is_reversed() -> None:
    order = add_attempt(add_attempt(_order(), "A1"), "A2")
    order, a1, actions = settle(order, _attempt("A1"), WalletStatus.PAID, 5.0)
    assert order.state is OrderState.PAID and order.paid_by == "A1" and a1.state is AttemptState.PAID
    assert [a.kind for a in actions] == ["notify", "close"] and actions[1].attempt_id == "A2"
    order2, a2, actions = settle(order, _attempt("A2", "dbarai"), WalletStatus.PAID, 6.0)
    assert order2 == order and a2.state is AttemptState.REVERSED
    assert [(a.kind, a.attempt_id) for a in actions] == [("reverse", "A2")]


def test_news_already_known_is_absorbed() -> None:
    order = add_attempt(_order(), "A1")
    order, a1, _ = settle(order, _attempt("A1"), WalletStatus.PAID, 5.0)
    for status in (WalletStatus.PAID, WalletStatus.REFUNDED, WalletStatus.PENDING):
        again, same, actions = settle(order, a1, status, 7.0)
        assert again == order and same.state is AttemptState.PAID and actions == []


def test_confirmation_only_while_the_order_is_open() -> None:
    order = add_attempt(_order(), "A1")
    _, _, actions = settle(order, _attempt("A1", "linepay"), WalletStatus.AUTHORIZED, 1.0, needs_confirmation=True)
    assert [a.kind for a in actions] == ["confirm"]
    paid = Order("O1", 1000, 0, 100.0, state=OrderState.PAID, paid_by="A0")
    _, a, actions = settle(paid, _attempt("A1", "linepay"), WalletStatus.AUTHORIZED, 1.0, needs_confirmation=True)
    assert actions == [] and a.state is AttemptState.PENDING


def test_a_closed_attempt_is_closed_and_moves_no_money() -> None:
    order, a, actions = settle(_order(), _attempt("A1"), WalletStatus.CLOSED, 1.0)
    assert order.state is OrderState.OPEN and a.state is AttemptState.CLOSED and actions == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(list(WalletStatus))), max_size=20))
def test_any_sequence_of_wallet_news_pays_the_order_at_most_once(news: list[tuple[int, WalletStatus]]) -> None:
    order = _order(expires=None)
    attempts = {i: _attempt(f"A{i}", "w") for i in range(4)}
    for i in range(4):
        order = add_attempt(order, f"A{i}")
    notified = 0
    for i, status in news:
        order, attempts[i], actions = settle(order, attempts[i], status, 1.0)
        notified += sum(a.kind == "notify" for a in actions)
    paid = [a for a in attempts.values() if a.state is AttemptState.PAID]
    assert len(paid) <= 1 and notified == len(paid)
    assert (order.state is OrderState.PAID) == bool(paid)
    if paid:
        assert order.paid_by == paid[0].attempt_id


def test_refunds_never_exceed_the_payment() -> None:
    order = Order("O1", 1000, 0, None, state=OrderState.PAID, paid_by="A1")
    assert check_refund(order, None) == 1000
    order, notify = record_refund(order, "R1", 600)
    assert order.state is OrderState.PARTIALLY_REFUNDED and notify is not None
    with pytest.raises(GatewayRefusal) as e:
        check_refund(order, 401)
    assert e.value.code == "REFUND_EXCEEDED"
    order, _ = record_refund(order, "R2", check_refund(order, None))
    assert order.state is OrderState.REFUNDED and order.refunded == 1000
    with pytest.raises(GatewayRefusal):
        check_refund(order, 1)


@pytest.mark.parametrize("amount, reference", [(None, None), (1, "O1"), (999999, "OABCDEF0123456789")])
def test_the_unified_payload_is_valid_jpqr(amount: int | None, reference: str | None) -> None:
    payload = unified_payload(DEMO_SHOP, amount=amount, reference=reference)
    report = validate(payload, "jpqr")
    assert report.violations == [], report.violations
    assert payload.startswith("00020101021" + ("1" if amount is None else "2"))


def test_bad_merchant_profiles_and_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="store_code"):
        MerchantProfile("123/1/1/1", "x", "x", "x", "1000001")
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="amount"):
            unified_payload(DEMO_SHOP, amount=bad, reference="O1")  # type: ignore[arg-type]


def test_merchant_signature_round_trip_and_rejections() -> None:
    body = b'{"id":"O1:order.paid"}'
    header = mw.sign("s3cret", 1_000_000, body)
    assert mw.verify_signature("s3cret", header, body, 1_000_010)
    assert not mw.verify_signature("other", header, body, 1_000_010)
    assert not mw.verify_signature("s3cret", header, body + b" ", 1_000_010)
    assert not mw.verify_signature("s3cret", header, body, 1_000_000 + 301)      # too old
    assert not mw.verify_signature("s3cret", "garbage", body, 1_000_000)


def test_merchant_event_backoff_is_bounded() -> None:
    e = mw.new_event("O1:order.paid", "order.paid", {}, 0.0)
    waits = []
    for n in itertools.count(1):
        before = e.next_at
        e = mw.after_attempt(e, False, before, "HTTP 500")
        waits.append(e.next_at - before)
        if e.dead:
            break
    assert n == mw.MAX_ATTEMPTS and max(waits) == 60.0 and waits[0] == 0.5
