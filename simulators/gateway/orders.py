"""The gateway's order book rules: pure functions over frozen records; the clock is passed in.

An order is what the shop sells; an *attempt* is one wallet's try at paying it (the wallet-side
payment the gateway created through that wallet's merchant API). Several wallets may scan the
same dynamic code, so an order can have several attempts; the rules make sure it is paid once:

- `open_attempt` refuses an order that is not OPEN (already paid, expired, canceled), an amount
  that differs from the order's, and a static code without an amount;
- `settle` takes what a wallet says about one attempt (status from a webhook or a poll) and
  decides: the first attempt seen PAID wins the order (compare-and-set on OPEN → PAID — the
  caller holds the order's lock); a later PAID attempt on a PAID order is a duplicate payment
  and must be *reversed* (refunded to its wallet); news the order already knows is absorbed;
- an attempt AUTHORIZED by a wallet that needs the merchant's confirmation (LINE Pay) is
  confirmed only while the order is OPEN, so the loser of a race is never captured.

The functions return the new order and the `Action`s the shell must carry out; they never
perform I/O.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum


class OrderState(str, Enum):
    OPEN = "OPEN"
    PAID = "PAID"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"
    EXPIRED = "EXPIRED"
    CANCELED = "CANCELED"


class WalletStatus(str, Enum):
    """A wallet payment's state in the gateway's words (each client maps its wallet's names)."""
    PENDING = "PENDING"          # created, the user has not paid (or the wallet is processing)
    AUTHORIZED = "AUTHORIZED"    # the user approved; the merchant must confirm (LINE Pay)
    PAID = "PAID"
    REFUNDED = "REFUNDED"        # paid, then (partly) refunded
    CLOSED = "CLOSED"            # failed, canceled, expired: no money moved


class AttemptState(str, Enum):
    PENDING = "PENDING"
    PAID = "PAID"                # this attempt paid the order
    REVERSED = "REVERSED"        # paid, but the order was already paid: refunded to the wallet
    CLOSED = "CLOSED"


class GatewayRefusal(Exception):
    """A request the gateway refuses; `code` is stable (see docs/unified-code.md), `status` HTTP."""

    def __init__(self, code: str, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Attempt:
    attempt_id: str              # also the merchant payment id sent to the wallet (idempotency key)
    order_id: str
    wallet: str
    amount: int
    created_at: float
    state: AttemptState = AttemptState.PENDING
    wallet_status: WalletStatus = WalletStatus.PENDING
    wallet_payment_id: str = ""  # the wallet's own id (needed for refunds)
    code: str = ""               # what the wallet's user confirms (code id / QR content)


@dataclass(frozen=True)
class Order:
    order_id: str
    amount: int | None           # None: a static code (the customer enters the amount)
    created_at: float
    expires_at: float | None
    state: OrderState = OrderState.OPEN
    description: str = ""
    merchant_order_id: str = ""
    parent: str = ""             # a sale made from a static code: the static code's order id
    attempts: tuple[str, ...] = ()
    paid_by: str = ""            # attempt id of the one payment that counts
    paid_wallet: str = ""
    paid_at: float | None = None
    refunded: int = 0
    refunds: tuple[str, ...] = ()
    events: tuple[str, ...] = field(default=())   # event ids already emitted for this order

    @property
    def static(self) -> bool:
        return self.amount is None and not self.parent


@dataclass(frozen=True)
class Action:
    kind: str                    # notify | reverse | close | confirm
    attempt_id: str = ""
    event: str = ""              # notify: order.paid / order.refunded / order.expired


def expire_if_due(order: Order, now: float) -> Order:
    if order.state is OrderState.OPEN and order.expires_at is not None and now >= order.expires_at:
        return dataclasses.replace(order, state=OrderState.EXPIRED)
    return order


def open_attempt(order: Order, wallet: str, amount: int | None, now: float) -> int:
    """Check that `wallet` may start paying `order` now; return the amount to charge."""
    order = expire_if_due(order, now)
    if order.static:
        raise GatewayRefusal("STATIC_CODE", "a static code is paid through a new sale; route it with an amount", 400)
    if order.state is OrderState.EXPIRED:
        raise GatewayRefusal("ORDER_EXPIRED", f"order {order.order_id} expired; ask the shop for a new code")
    if order.state is OrderState.CANCELED:
        raise GatewayRefusal("ORDER_CANCELED", f"order {order.order_id} was canceled by the shop")
    if order.state is not OrderState.OPEN:
        raise GatewayRefusal("ORDER_ALREADY_PAID", f"order {order.order_id} is already paid")
    assert order.amount is not None
    if amount is not None and amount != order.amount:
        raise GatewayRefusal("AMOUNT_MISMATCH", f"amount {amount} differs from the order's {order.amount} JPY", 400)
    return order.amount


def add_attempt(order: Order, attempt_id: str) -> Order:
    return dataclasses.replace(order, attempts=(*order.attempts, attempt_id))


def _event(order: Order, name: str, suffix: str = "") -> tuple[Order, Action | None]:
    event_id = f"{order.order_id}:{name}{suffix}"
    if event_id in order.events:
        return order, None
    return dataclasses.replace(order, events=(*order.events, event_id)), Action("notify", event=event_id)


def settle(order: Order, attempt: Attempt, status: WalletStatus, now: float, *,
           needs_confirmation: bool = False) -> tuple[Order, Attempt, list[Action]]:
    """Apply what the wallet says about `attempt`. The caller holds the order's lock."""
    actions: list[Action] = []
    attempt = dataclasses.replace(attempt, wallet_status=status)
    if status is WalletStatus.CLOSED:
        if attempt.state is AttemptState.PENDING:
            attempt = dataclasses.replace(attempt, state=AttemptState.CLOSED)
        return order, attempt, actions
    if status is WalletStatus.PENDING or attempt.state is not AttemptState.PENDING:
        return order, attempt, actions          # nothing new, or news already absorbed
    order = expire_if_due(order, now)
    if status is WalletStatus.AUTHORIZED:
        if needs_confirmation and order.state is OrderState.OPEN:
            actions.append(Action("confirm", attempt.attempt_id))
        # Not confirmed on a paid/expired order: the wallet lets the authorisation lapse, no money moves.
        return order, attempt, actions
    # PAID or REFUNDED: money moved at the wallet for this attempt.
    if order.state is OrderState.OPEN or (order.state is OrderState.EXPIRED and not order.paid_by):
        # A payment the wallet completed before the order expired is honoured even if the news is late.
        order = dataclasses.replace(order, state=OrderState.PAID, paid_by=attempt.attempt_id,
                                    paid_wallet=attempt.wallet, paid_at=now)
        attempt = dataclasses.replace(attempt, state=AttemptState.PAID)
        order, notify = _event(order, "order.paid")
        actions += [notify] if notify else []
        actions += [Action("close", other) for other in order.attempts if other != attempt.attempt_id]
    elif order.paid_by != attempt.attempt_id:
        attempt = dataclasses.replace(attempt, state=AttemptState.REVERSED)
        actions.append(Action("reverse", attempt.attempt_id))
    return order, attempt, actions


def record_refund(order: Order, refund_id: str, amount: int) -> tuple[Order, Action | None]:
    paid = order.amount or 0
    total = order.refunded + amount
    state = OrderState.REFUNDED if total >= paid else OrderState.PARTIALLY_REFUNDED
    order = dataclasses.replace(order, refunded=total, refunds=(*order.refunds, refund_id), state=state)
    return _event(order, "order.refunded", f":{refund_id}")


def check_refund(order: Order, amount: int | None) -> int:
    """The amount to refund (None: all that is left), or a refusal."""
    if order.state not in (OrderState.PAID, OrderState.PARTIALLY_REFUNDED):
        raise GatewayRefusal("ORDER_NOT_PAID", f"order {order.order_id} is {order.state.value}; only a paid order can be refunded")
    left = (order.amount or 0) - order.refunded
    value = left if amount is None else amount
    if value <= 0 or value > left:
        raise GatewayRefusal("REFUND_EXCEEDED", f"refund {value} JPY: between 1 and the {left} JPY left", 400)
    return value
