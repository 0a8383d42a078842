"""Two wallets paying one dynamic code; wallets that fail, hang or lose their webhooks.
In every case: the order is paid once, the shop hears of it once, no money is kept twice."""
from __future__ import annotations

import threading

import httpx
import pytest

from qrinterop.simulators.gateway.orders import AttemptState


def _scan(world, wallet: str, png: bytes):
    shown = world.app(wallet).scan(png)
    assert shown.accepted, shown.reason
    return shown


def _money_kept(world, oid: str) -> int:
    """Sum over every wallet payment made for the order of what the wallet kept (paid − refunded)."""
    kept = 0
    for a in world.gw.attempts_of(oid):
        if not a.wallet_payment_id:
            continue
        p = world.wallet_payment(a.wallet, a.wallet_payment_id)
        if p["state"] in ("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"):
            kept += p["amount"] - p["refunded"]
    return kept


@pytest.mark.parametrize("first, second", [("paypay", "dbarai"), ("wechatpay", "linepay"), ("alipayplus", "aupay")])
def test_two_wallets_pay_the_same_code_exactly_one_counts(world, first: str, second: str) -> None:
    oid = world.order(990)["order_id"]
    png = world.png(oid)
    shown = {w: _scan(world, w, png) for w in (first, second)}
    results: dict[str, object] = {}
    start = threading.Barrier(2)

    def pay(wallet: str) -> None:
        start.wait(timeout=5)
        results[wallet] = world.app(wallet).pay(shown[wallet])

    threads = [threading.Thread(target=pay, args=(w,)) for w in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    world.flush()
    world.reconcile()              # LINE Pay sends no webhook; anything still unknown is polled

    status = world.status(oid)
    assert status["status"] == "PAID"
    winner = status["payment"]["wallet"]
    assert winner in (first, second)
    assert len(world.unique_events("order.paid", oid)) == 1
    assert [x["order_id"] for x in world.gw.ledger()] == [oid]
    assert _money_kept(world, oid) == 990                   # the loser, if it paid, was refunded
    loser = second if winner == first else first
    for a in world.gw.attempts_of(oid):
        if a.wallet == loser:
            assert a.state in (AttemptState.CLOSED, AttemptState.REVERSED, AttemptState.PENDING)


def test_settling_two_paid_attempts_concurrently_gives_one_winner(mock_world) -> None:
    """Both users paid before the gateway heard of either; both syncs run at once on the gateway."""
    w = mock_world
    oid = w.order(700)["order_id"]
    png = w.png(oid)
    paid = [w.app(x).pay(_scan(w, x, png)) for x in ("merpay", "rakutenpay", "wechatpay")]
    assert all(p.ok for p in paid), [p.reason for p in paid]
    barrier = threading.Barrier(3)

    def sync(attempt_id: str) -> None:
        barrier.wait(timeout=5)
        w.gw.sync_attempt(attempt_id)

    threads = [threading.Thread(target=sync, args=(p.attempt_id,)) for p in paid]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    states = sorted(w.gw.attempts[p.attempt_id].state.value for p in paid)
    # The winner closes the others at their wallets: a same-day cancel (CLOSED) where the wallet
    # allows cancelling a paid payment, else the gateway refunds it (REVERSED). Either way the
    # money goes back.
    assert states.count("PAID") == 1 and set(states) <= {"PAID", "REVERSED", "CLOSED"}
    assert _money_kept(w, oid) == 700
    w.flush()                                              # late wallet webhooks: absorbed
    assert len(w.unique_events("order.paid", oid)) == 1
    assert w.gw.pending_reversals == set()


def test_a_wallet_5xx_on_create_is_retried_with_the_same_key(world) -> None:
    world.fault("error=503", "paypay", "createQRCode", count=2)
    oid = world.order(300)["order_id"]
    paid = world.app("paypay").pay(_scan(world, "paypay", world.png(oid)))
    assert paid.ok, paid.reason
    creates = world.journal("paypay", "createQRCode")
    assert [e["status"] for e in creates] == [503, 503, 201]
    world.flush()
    assert world.status(oid)["status"] == "PAID"


def test_a_wallet_that_stays_down_gives_a_clear_refusal_and_no_payment(world) -> None:
    world.fault("error=500", "dbarai", "createQrPayment", count=None)
    oid = world.order(300)["order_id"]
    refused = world.app("dbarai").pay(_scan(world, "dbarai", world.png(oid)))
    assert not refused.ok and refused.layer == "gateway" and refused.code == "WALLET_UNAVAILABLE"
    assert "dbarai" in refused.reason and "HTTP 500" in refused.reason
    assert world.status(oid)["status"] == "OPEN"          # another wallet can still pay it
    world.http.delete(f"{world.sim_base}/_sim/faults")
    assert world.app("merpay").pay(_scan(world, "merpay", world.png(oid))).ok


def test_a_wallet_timeout_is_retried(world) -> None:
    world.fault("timeout", "wechatpay", "nativePrepay", count=1)
    oid = world.order(420)["order_id"]
    paid = world.app("wechatpay").pay(_scan(world, "wechatpay", world.png(oid)))
    assert paid.ok, paid.reason
    world.flush()
    assert world.status(oid)["status"] == "PAID"


def test_a_dropped_webhook_is_made_up_by_status_polling(world) -> None:
    oid = world.order(610)["order_id"]
    paid = world.app("aupay").pay(_scan(world, "aupay", world.png(oid)), fault="webhook=drop")
    assert paid.ok
    world.flush()
    assert world.status(oid)["status"] == "OPEN"          # the gateway has not heard yet
    assert world.reconcile() >= 1
    assert world.status(oid)["status"] == "PAID"
    # the wallet retries its webhook later: absorbed, the shop still hears once
    world.http.post(f"{world.sim_base}/_sim/clock/advance", json={"seconds": 120})
    world.flush()
    assert len(world.unique_events("order.paid", oid)) == 1


def test_a_duplicated_webhook_is_absorbed(world) -> None:
    oid = world.order(260)["order_id"]
    assert world.app("rakutenpay").pay(_scan(world, "rakutenpay", world.png(oid)), fault="webhook=dup").ok
    world.flush()
    world.flush()
    assert world.status(oid)["status"] == "PAID"
    assert len(world.unique_events("order.paid", oid)) == 1
    assert len(world.gw.ledger()) == 1


def test_merchant_webhooks_are_retried_until_the_shop_answers(mock_world) -> None:
    w = mock_world
    answers = iter([500, 503, 200])
    calls: list[httpx.Request] = []

    def shop(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(next(answers))

    w.router.route(host="shop.local").mock(side_effect=shop)
    w.gw.config.merchant_webhook_url = "http://shop.local/hook"
    now = [1_000_000.0]
    w.gw.clock = lambda: now[0]
    oid = w.order(150)["order_id"]
    assert w.app("paypay").pay(_scan(w, "paypay", w.png(oid))).ok
    w.flush()
    for _ in range(4):
        now[0] += 10
        w.gw.deliver_webhooks()
    assert len(calls) == 3
    assert len({c.headers["x-gateway-event-id"] for c in calls}) == 1
    event = next(iter(w.gw.events.values()))
    assert event.delivered and event.attempts == 3


def _paid_order(world, wallet: str, amount: int) -> tuple[str, object]:
    oid = world.order(amount)["order_id"]
    paid = world.app(wallet).pay(_scan(world, wallet, world.png(oid)))
    assert paid.ok, paid.reason
    world.flush()
    assert world.status(oid)["status"] == "PAID"
    return oid, world.gw.attempts[paid.attempt_id]


def test_a_refund_retried_after_a_5xx_is_made_once(world) -> None:
    oid, attempt = _paid_order(world, "paypay", 800)
    world.fault("error=502", "paypay", "refundPayment", count=1)
    r = world.refund(oid, 300)
    assert r.status_code == 201, r.text
    assert [e["status"] for e in world.journal("paypay", "refundPayment")] == [502, 201]
    assert world.wallet_payment("paypay", attempt.wallet_payment_id)["refunded"] == 300


@pytest.mark.parametrize("world", ["server"], indirect=True)
def test_a_line_refund_whose_answer_was_lost_is_not_sent_twice(world) -> None:
    """LINE's refund has no idempotency key. The answer arrives after the gateway's read timeout
    (LINE did refund); the shop retries; the gateway sees the refund at LINE and records it once."""
    oid, attempt = _paid_order(world, "linepay", 900)
    world.fault("latency=1.5s", "linepay", "refundPayment", count=1)
    first = world.refund(oid, 400)
    assert first.status_code == 502 and first.json()["error"]["code"] == "WALLET_UNAVAILABLE"
    assert [e["status"] for e in world.journal("linepay", "refundPayment")] == [200]     # sent once, not retried
    again = world.refund(oid, 400)
    assert again.status_code == 201, again.text
    assert world.wallet_payment("linepay", attempt.wallet_payment_id)["refunded"] == 400
    assert len(world.journal("linepay", "refundPayment")) == 1
    assert world.status(oid)["refunded"] == 400
