"""What a wallet module supplies: a `WalletSpec` — mostly tables — and what its handlers get (`Ctx`).

A wallet module is a table (STYLE: eight wallets, one engine): operationId → handler,
engine error kind → (HTTP status, wallet code), engine state → wallet status name, plus its
authenticate / sign / notify functions. Everything else (routing, body checks, idempotency,
faults, journal, store commits) is the simulator's, shared by all eight.
"""
from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from qrinterop.paths import OPENAPI_DIR  # package data, found the same in a checkout and a wheel
from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.contract import Contract, Operation
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.faults import Fault
from qrinterop.simulators.engine.http import SimRequest, SimResponse, dumps
from qrinterop.simulators.engine.model import Merchant, Payment, Refund, State, Webhook
from qrinterop.simulators.engine.replay import ReplayGuard
from qrinterop.simulators.engine.store import KeyedLocks, UnitOfWork

if TYPE_CHECKING:
    from qrinterop.simulators.simulator import Simulator


def load_contract(wallet_id: str) -> Contract:
    return Contract(json.loads((OPENAPI_DIR / f"{wallet_id}.json").read_text(encoding="utf-8")))


@dataclass
class AuthInput:
    """What `authenticate` may look at: the request, its wallet-relative path, the wall clock."""
    request: SimRequest
    path: str                       # wallet-relative, e.g. /v2/codes — what the SDKs sign
    wall_now: float
    by_key: Callable[[str], Merchant | None]
    by_id: Callable[[str], Merchant | None]
    replay: ReplayGuard
    force_mismatch: bool = False    # the `sigmismatch` fault


@dataclass
class Ctx:
    sim: "Simulator"
    spec: "WalletSpec"
    request: SimRequest
    op: Operation
    params: dict[str, str]
    merchant: Merchant
    body: Any
    now: float                      # the business clock (advanceable)
    uow: UnitOfWork
    faults: list[Fault]
    locks: KeyedLocks
    held: ExitStack

    def lock(self, key: str) -> None:
        """Hold `key`'s lock until this request's writes are committed."""
        self.held.enter_context(self.locks.hold(key))

    def new_id(self, kind: str) -> str:
        return self.spec.new_id(kind, self.sim.rng)

    def fault(self, kind: str) -> Fault | None:
        return next((f for f in self.faults if f.kind == kind), None)

    def json(self, status: int, obj: object) -> SimResponse:
        return SimResponse(status, dumps(obj), {"content-type": self.spec.content_type})

    def status_name(self, p: Payment) -> str:
        return self.spec.status_names[p.state]

    def create_payment(self, p: Payment) -> Payment:
        """Store a new payment and index every code a consumer may scan for it."""
        payments.create_payment(self.uow, p)
        if self.spec.index_codes:
            for code in self.spec.code_of(p):
                self.uow.put("code", f"{p.wallet}:{code}", p.payment_id)
        return p

    def payment(self, merchant_payment_id: str, *, field: str = "") -> Payment:
        """This merchant's payment by the merchant's own id, locked for the rest of the request."""
        pid = self.uow.get("payref", payments.payment_ref(self.spec.id, self.merchant.merchant_id, merchant_payment_id))
        if not isinstance(pid, str):
            raise SimError(Kind.PAYMENT_NOT_FOUND, f"no payment {merchant_payment_id!r} for this merchant", field=field)
        return self.payment_by_id(pid, field=field)

    def payment_by_id(self, payment_id: str, *, field: str = "") -> Payment:
        """This merchant's payment by the wallet's id, locked for the rest of the request."""
        self.lock(f"payment:{payment_id}")
        p = payments.get_payment(self.uow, payment_id, self.now)
        if p is None or p.wallet != self.spec.id or p.merchant_id != self.merchant.merchant_id:
            raise SimError(Kind.PAYMENT_NOT_FOUND, f"no payment {payment_id!r} for this merchant", field=field)
        return p

    def payment_by_code(self, code: str, *, field: str = "") -> Payment:
        key = self.spec.normalize_code(code)
        pid = key if not self.spec.index_codes else self.uow.get("code", f"{self.spec.id}:{key}")
        if not isinstance(pid, str):
            raise SimError(Kind.PAYMENT_NOT_FOUND, f"no code {code!r}", field=field)
        return self.payment_by_id(pid, field=field)

    def refund_by_ref(self, merchant_refund_id: str, *, field: str = "") -> Refund:
        r = payments.find_refund(self.uow, self.spec.id, self.merchant.merchant_id, merchant_refund_id)
        if r is None:
            raise SimError(Kind.REFUND_NOT_FOUND, f"no refund {merchant_refund_id!r} for this merchant", field=field)
        return r


Handler = Callable[[Ctx], SimResponse]


@dataclass
class Idempotency:
    scope: str
    key: Callable[[Any], str | None]        # from the parsed body (or path params via the ctx)


@dataclass
class WalletSpec:
    id: str
    title: str
    contract: Contract
    handlers: dict[str, Handler]
    errors: dict[Kind, tuple[int, str]]
    route_errors: dict[tuple[str, Kind], tuple[int, str]]   # (operationId, kind) overrides
    error_body: Callable[[str, str, str], object]          # (code, message, field) -> JSON
    authenticate: Callable[[AuthInput], Merchant]
    status_names: dict[State, str]
    new_id: Callable[[str, Any], str]                       # (kind, rng) -> id
    default_merchant: Callable[["Simulator"], Merchant]
    idempotency: dict[str, Idempotency] = field(default_factory=dict)
    notification: Callable[["Simulator", Merchant, Payment, str], Webhook | None] | None = None
    sign_response: Callable[["Simulator", Merchant | None, SimRequest, str, SimResponse, bool], None] | None = None
    is_final: Callable[[SimResponse], bool] = lambda r: r.status < 300
    content_type: str = "application/json"
    code_of: Callable[[Payment], list[str]] = lambda p: []   # what a consumer may scan for this payment
    normalize_code: Callable[[str], str] = lambda c: c         # scanned content -> an indexed code or payment id
    index_codes: bool = True                                   # False: codes are derived from the payment id
    client_signer: Callable[..., dict[str, str]] | None = None
    doc: str = ""

    def error(self, kind: Kind, message: str, field: str = "", operation_id: str = "") -> SimResponse:
        status, code = (self.route_errors.get((operation_id, kind)) or self.errors.get(kind)
                        or self.errors[Kind.SERVER_ERROR])
        return SimResponse(status, dumps(self.error_body(code, message, field)), {"content-type": self.content_type})

    def sim_error(self, exc: SimError, operation_id: str = "") -> SimResponse:
        return self.error(exc.kind, exc.message, exc.field, operation_id)
