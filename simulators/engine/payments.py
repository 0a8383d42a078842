"""Payment and refund operations over a unit of work. Pure: `now` is passed in, no clock here.

Callers hold the payment's lock (see `Engine.tx`) so two refunds of one payment cannot both
read the same refunded total.
"""
from __future__ import annotations

import dataclasses

from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.model import (OPEN_STATES, PAID_STATES, Payment, Refund, State,
                                               check_transition)
from qrinterop.simulators.engine.store import UnitOfWork


def payment_ref(wallet: str, merchant_id: str, merchant_payment_id: str) -> str:
    return f"{wallet}:{merchant_id}:{merchant_payment_id}"


def refund_ref(wallet: str, merchant_id: str, merchant_refund_id: str) -> str:
    return f"{wallet}:{merchant_id}:{merchant_refund_id}"


def get_payment(uow: UnitOfWork, payment_id: str, now: float) -> Payment | None:
    p = uow.get("payment", payment_id)
    return expire_if_due(uow, p, now) if isinstance(p, Payment) else None


def create_payment(uow: UnitOfWork, payment: Payment) -> Payment:
    ref = payment_ref(payment.wallet, payment.merchant_id, payment.merchant_payment_id)
    if uow.get("payref", ref) is not None:
        # Reached only when the idempotency record is absent (e.g. an earlier attempt failed
        # after creating); the wallets treat it as a duplicate id.
        raise SimError(Kind.IDEMPOTENCY_CONFLICT, f"payment id {payment.merchant_payment_id!r} already used")
    if payment.amount <= 0:
        raise SimError(Kind.INVALID_FIELD, "amount must be positive", field="amount")
    uow.put("payment", payment.payment_id, payment)
    uow.put("payref", ref, payment.payment_id)
    return payment


def transition(uow: UnitOfWork, p: Payment, new: State, now: float, **changes: object) -> Payment:
    check_transition(p.state, new)
    q = dataclasses.replace(p, state=new, updated_at=now, **changes)  # type: ignore[arg-type]
    uow.put("payment", q.payment_id, q)
    return q


def expire_if_due(uow: UnitOfWork, p: Payment, now: float) -> Payment:
    if p.state in OPEN_STATES and p.expires_at is not None and now >= p.expires_at:
        return transition(uow, p, State.EXPIRED, now)
    return p


def _refuse_closed(p: Payment, verb: str) -> None:
    if p.state is State.EXPIRED:
        raise SimError(Kind.EXPIRED, f"payment expired; cannot {verb}")
    if p.state in (State.CANCELED, State.FAILED):
        raise SimError(Kind.ALREADY_CLOSED, f"payment is {p.state.value}; cannot {verb}")
    if p.state is State.REFUNDED:
        raise SimError(Kind.ALREADY_REFUNDED, f"payment is refunded; cannot {verb}")


def consumer_pay(uow: UnitOfWork, p: Payment, now: float, *, stuck: bool = False) -> Payment:
    """The user confirms in the app. Pre-auth payments stop at AUTHORIZED until captured.

    `stuck` models a payment the wallet never finishes: it stays AUTHORIZED (in process).
    """
    _refuse_closed(p, "pay")
    if p.state is not State.CREATED:
        raise SimError(Kind.ALREADY_PAID, f"payment is already {p.state.value}")
    q = transition(uow, p, State.AUTHORIZED, now)
    if p.capture and not stuck:
        q = transition(uow, q, State.COMPLETED, now, paid_at=now)
    return q


def consumer_reject(uow: UnitOfWork, p: Payment, now: float) -> Payment:
    _refuse_closed(p, "reject")
    if p.state is not State.CREATED and p.state is not State.AUTHORIZED:
        raise SimError(Kind.ALREADY_PAID, f"payment is already {p.state.value}")
    return transition(uow, p, State.FAILED, now)


def capture(uow: UnitOfWork, p: Payment, now: float, amount: int | None = None) -> Payment:
    _refuse_closed(p, "capture")
    if p.state in PAID_STATES:
        raise SimError(Kind.ALREADY_CAPTURED, "payment is already captured")
    if p.state is not State.AUTHORIZED:
        raise SimError(Kind.NOT_PAID, "the user has not authorised this payment yet")
    if amount is not None and amount != p.amount:
        raise SimError(Kind.AMOUNT_MISMATCH, f"amount {amount} differs from the authorised {p.amount}", field="amount")
    return transition(uow, p, State.COMPLETED, now, paid_at=now)


def cancel(uow: UnitOfWork, p: Payment, now: float, target: State = State.CANCELED) -> Payment:
    if p.state is State.PARTIALLY_REFUNDED:
        raise SimError(Kind.ILLEGAL_STATE, "payment is partially refunded; refund the rest instead")
    _refuse_closed(p, "cancel")
    return transition(uow, p, target, now)


def refund(uow: UnitOfWork, p: Payment, *, refund_id: str, merchant_refund_id: str, amount: int | None,
           now: float, reason: str = "", allow_multiple: bool = True) -> tuple[Payment, Refund]:
    """Refund `amount` (None: everything left). The refunded total never exceeds the paid amount."""
    if p.state is State.REFUNDED:
        raise SimError(Kind.ALREADY_REFUNDED, "payment is already fully refunded")
    if p.state not in PAID_STATES:
        _refuse_closed(p, "refund")
        raise SimError(Kind.NOT_PAID, f"payment is {p.state.value}; only a paid payment can be refunded")
    if p.refunded and not allow_multiple:
        raise SimError(Kind.MULTIPLE_REFUND_REJECTED, "this merchant may refund a payment only once")
    value = p.refundable if amount is None else amount
    if value <= 0:
        raise SimError(Kind.INVALID_FIELD, "refund amount must be positive", field="amount")
    if value > p.refundable:
        raise SimError(Kind.REFUND_EXCEEDED,
                       f"refund {value} exceeds the refundable {p.refundable} of {p.amount}", field="amount")
    if value < p.amount and not allow_multiple:
        raise SimError(Kind.MULTIPLE_REFUND_REJECTED, "this merchant may only refund in full")
    ref = refund_ref(p.wallet, p.merchant_id, merchant_refund_id)
    if uow.get("refref", ref) is not None:
        raise SimError(Kind.IDEMPOTENCY_CONFLICT, f"refund id {merchant_refund_id!r} already used")
    total = p.refunded + value
    new = State.REFUNDED if total == p.amount else State.PARTIALLY_REFUNDED
    q = transition(uow, p, new, now, refunded=total, refund_ids=(*p.refund_ids, refund_id))
    r = Refund(p.wallet, p.merchant_id, refund_id, merchant_refund_id, p.payment_id, value, p.currency, now, reason)
    uow.put("refund", refund_id, r)
    uow.put("refref", ref, refund_id)
    return q, r


def find_refund(uow: UnitOfWork, wallet: str, merchant_id: str, merchant_refund_id: str) -> Refund | None:
    rid = uow.get("refref", refund_ref(wallet, merchant_id, merchant_refund_id))
    r = uow.get("refund", rid) if isinstance(rid, str) else None
    return r if isinstance(r, Refund) else None


def refunds_of(uow: UnitOfWork, p: Payment) -> list[Refund]:
    return [r for r in (uow.get("refund", rid) for rid in p.refund_ids) if isinstance(r, Refund)]
