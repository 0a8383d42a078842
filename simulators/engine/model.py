"""Records (plain frozen dataclasses) and the payment state machine (DESIGN §6).

CREATED → AUTHORIZED → COMPLETED, or → CANCELED / EXPIRED / FAILED;
COMPLETED → PARTIALLY_REFUNDED → REFUNDED. Anything not in TRANSITIONS is rejected.
COMPLETED → FAILED / CANCELED exist because PayPay's cancel API turns a completed payment into
FAILED and Antom / the modelled wallets allow a same-day cancel of a paid one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from qrinterop.simulators.engine.errors import Kind, SimError


class State(str, Enum):
    CREATED = "CREATED"
    AUTHORIZED = "AUTHORIZED"
    COMPLETED = "COMPLETED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    FAILED = "FAILED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"


_S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    _S.CREATED: frozenset({_S.AUTHORIZED, _S.CANCELED, _S.EXPIRED, _S.FAILED}),
    _S.AUTHORIZED: frozenset({_S.COMPLETED, _S.CANCELED, _S.EXPIRED, _S.FAILED}),
    _S.COMPLETED: frozenset({_S.PARTIALLY_REFUNDED, _S.REFUNDED, _S.FAILED, _S.CANCELED}),
    _S.PARTIALLY_REFUNDED: frozenset({_S.PARTIALLY_REFUNDED, _S.REFUNDED}),
    _S.CANCELED: frozenset(), _S.EXPIRED: frozenset(), _S.FAILED: frozenset(), _S.REFUNDED: frozenset(),
}
OPEN_STATES = frozenset({_S.CREATED, _S.AUTHORIZED})          # can still expire
PAID_STATES = frozenset({_S.COMPLETED, _S.PARTIALLY_REFUNDED})  # money captured, refundable


def check_transition(current: State, new: State) -> None:
    if new not in TRANSITIONS[current]:
        raise SimError(Kind.ILLEGAL_STATE, f"payment is {current.value}; it cannot become {new.value}")


@dataclass(frozen=True, slots=True)
class Merchant:
    wallet: str
    merchant_id: str
    api_key: str = ""                 # PayPay apiKey, LINE channelId, Antom client-id, modelled key
    secret: str = ""                  # HMAC secret / LINE channel secret / WeChat APIv3 key
    public_key_pem: str = ""          # RSA wallets: the merchant's public key (verifies requests)
    key_serial: str = ""              # WeChat merchant certificate serial
    notify_url: str = ""              # default webhook URL
    multiple_refunds: bool = True     # PayPay: partial / multiple refunds need enabling


@dataclass(frozen=True, slots=True)
class Payment:
    wallet: str
    merchant_id: str
    payment_id: str                   # the wallet's own id (codeId/paymentId, transactionId, …)
    merchant_payment_id: str          # the merchant's id, also the idempotency key
    amount: int                       # minor units
    currency: str
    state: State
    created_at: float
    expires_at: float | None = None
    capture: bool = True              # False: pre-authorisation, captured later
    updated_at: float = 0.0
    paid_at: float | None = None
    refunded: int = 0
    refund_ids: tuple[str, ...] = ()
    notify_url: str = ""
    meta: dict[str, object] = field(default_factory=dict)   # wallet-specific echo fields

    @property
    def refundable(self) -> int:
        return self.amount - self.refunded if self.state in PAID_STATES else 0


@dataclass(frozen=True, slots=True)
class Refund:
    wallet: str
    merchant_id: str
    refund_id: str
    merchant_refund_id: str
    payment_id: str
    amount: int
    currency: str
    created_at: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """What the idempotency layer keeps: the request fingerprint and the exact answer given."""
    fingerprint: bytes               # SHA-256 of the canonical request
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Webhook:
    """One notification in the outbox; delivered at least once, retried with backoff."""
    webhook_id: str
    wallet: str
    url: str
    body: bytes
    headers: tuple[tuple[str, str], ...]
    created_at: float
    next_at: float
    attempts: int = 0
    delivered: bool = False
    dead: bool = False
    last_error: str = ""
    fault: str = ""                   # webhook fault chosen when it was queued (drop/dup/reorder)
