"""The gateway: the I/O shell around the order rules (`orders.py`).

One shop (a `MerchantProfile` with a JPQR store code) shows one code; the gateway is a merchant
of every participating wallet (it holds their credentials). The scenario, step by step:

1. `create_order(amount)` → an order and its unified JPQR payload (+ PNG): dynamic with the
   amount and the order id in 62-05, or static (no amount) for a printed sticker.
2. A wallet whose user scanned the code looks the store code up in the registry (modelled on the
   association's store-code system, `registry.py`) and asks the gateway to `route` the payment:
   "wallet W wants to pay order O (amount A)". The gateway checks the order (open, not expired,
   amount) and creates the payment *at W* through W's own merchant API — that is the routing.
3. The user confirms in W's app; W completes the payment and notifies the gateway (webhook), or
   the gateway learns it by polling W's status API (`reconcile`), or — LINE Pay — the user is
   redirected back (`return_url`) and the gateway confirms the authorised payment.
4. `sync_attempt` asks W for the payment's status and applies `orders.settle` under the order's
   lock: the first paid attempt wins; any other paid attempt of the same order is refunded to its
   wallet; each merchant event is emitted once and delivered (signed) at least once.
5. `refund(order)` goes back to the wallet that was paid.

Everything is in memory (one process); the clock is injected so tests can expire orders.
"""
from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import httpx

from qrinterop.simulators.gateway import merchant_webhooks as mw
from qrinterop.simulators.gateway.notifications import NotificationRejected, attempt_of
from qrinterop.simulators.gateway.orders import (Action, Attempt, AttemptState, GatewayRefusal, Order, OrderState,
                                                 WalletStatus, add_attempt, check_refund, expire_if_due,
                                                 open_attempt, record_refund, settle)
from qrinterop.simulators.gateway.unified_code import MerchantProfile, unified_payload
from qrinterop.simulators.gateway.wallet_clients import WalletCallError, WalletClient

log = logging.getLogger("qrinterop.simulators.gateway")
DEFAULT_TTL = 300.0


@dataclass
class GatewayConfig:
    merchant: MerchantProfile
    wallets: tuple[str, ...]          # the wallets this shop accepts (registered with its store code)
    base_url: str                     # where wallets reach the gateway, e.g. http://127.0.0.1:8701/gateway
    merchant_webhook_url: str = ""    # where the shop wants its events ("" = keep them in the outbox)
    webhook_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    merchant_api_key: str = field(default_factory=lambda: "gw_" + secrets.token_hex(12))
    order_ttl: float = DEFAULT_TTL


class Gateway:
    def __init__(self, config: GatewayConfig, clients: Mapping[str, WalletClient],
                 creds: Mapping[str, Mapping[str, str]], http: httpx.Client, *,
                 clock: Callable[[], float] = time.time) -> None:
        missing = [w for w in config.wallets if w not in clients]
        if missing:
            raise ValueError(f"no wallet client for {', '.join(missing)}")
        self.config, self.clients, self.creds, self.http, self.clock = config, dict(clients), creds, http, clock
        self.orders: dict[str, Order] = {}
        self.attempts: dict[str, Attempt] = {}
        self.by_merchant_order: dict[str, str] = {}
        self.events: dict[str, mw.MerchantEvent] = {}        # the merchant outbox, by event id
        self.pending_reversals: set[str] = set()
        self.log: list[str] = []                               # what happened, in words (the demo prints it)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}

    # ---- small helpers ------------------------------------------------------------------
    def _lock(self, order_id: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(order_id, threading.RLock())

    def _say(self, text: str) -> None:
        self.log.append(text)
        log.info(text)

    def _new_id(self, prefix: str) -> str:
        return prefix + secrets.token_hex(8).upper()          # 17 chars: fits 62-05 (25) and every wallet's id

    @property
    def merchant(self) -> MerchantProfile:
        return self.config.merchant

    def registrations(self) -> dict[str, tuple[str, ...]]:
        """{store code: wallets} as `qrinterop.profiles.acceptance(registrations=…)` takes it."""
        return {self.merchant.store_code: tuple(self.config.wallets)}

    # ---- merchant side --------------------------------------------------------------------
    def create_order(self, amount: int | None, *, description: str = "", merchant_order_id: str = "",
                     ttl: float | None = None) -> Order:
        """A dynamic order (amount in yen) or, with amount None, the shop's static code."""
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0):
            raise GatewayRefusal("INVALID_AMOUNT", f"amount {amount!r}: expected a positive whole number of yen", 400)
        with self._guard:
            if merchant_order_id and merchant_order_id in self.by_merchant_order:
                existing = self.orders[self.by_merchant_order[merchant_order_id]]
                if existing.amount != amount:
                    raise GatewayRefusal("DUPLICATE_ORDER", f"merchant_order_id {merchant_order_id!r} was used "
                                         f"for an order of {existing.amount} JPY", 409)
                return existing                       # idempotent create
            now = self.clock()
            order = Order(self._new_id("O"), amount, now,
                          None if amount is None else now + (ttl or self.config.order_ttl),
                          description=description, merchant_order_id=merchant_order_id)
            self.orders[order.order_id] = order
            if merchant_order_id:
                self.by_merchant_order[merchant_order_id] = order.order_id
        self._say(f"order {order.order_id}: {'static code' if amount is None else f'{amount} JPY'} created")
        return order

    def payload(self, order_id: str) -> str:
        order = self.order(order_id)
        return unified_payload(self.merchant, amount=order.amount, reference=None if order.static else order.order_id)

    def png(self, order_id: str, scale: int = 4) -> bytes:
        from qrinterop.imaging import RenderOptions, render_png
        return render_png(self.payload(order_id), RenderOptions(scale=scale)).data

    def order(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise GatewayRefusal("ORDER_NOT_FOUND", f"no order {order_id!r}", 404)
        return order

    def order_view(self, order_id: str) -> dict[str, Any]:
        with self._lock(order_id):
            order = self._expire(self.order(order_id))
        view: dict[str, Any] = {"order_id": order.order_id, "status": order.state.value, "amount": order.amount,
                                "currency": "JPY", "static": order.static, "created_at": order.created_at,
                                "expires_at": order.expires_at, "description": order.description,
                                "merchant_order_id": order.merchant_order_id, "refunded": order.refunded}
        if order.parent:
            view["static_code"] = order.parent
        if order.paid_by:
            a = self.attempts[order.paid_by]
            view["payment"] = {"wallet": a.wallet, "attempt_id": a.attempt_id, "wallet_payment_id": a.wallet_payment_id,
                               "amount": a.amount, "paid_at": order.paid_at}
        view["attempts"] = [{"attempt_id": a.attempt_id, "wallet": a.wallet, "state": a.state.value,
                             "wallet_status": a.wallet_status.value} for a in (self.attempts[x] for x in order.attempts)]
        return view

    def _expire(self, order: Order) -> Order:
        """Mark a due order EXPIRED and stop its unpaid wallet payments, so no user can pay it late.
        (A payment a wallet completed anyway before hearing of it is still honoured by `settle`.)"""
        new = expire_if_due(order, self.clock())
        if new is not order:
            self.orders[order.order_id] = new
            self._say(f"order {order.order_id}: expired unpaid")
            for aid in new.attempts:
                if self.attempts[aid].state is AttemptState.PENDING:
                    self._close(self.attempts[aid])
        return new

    def cancel_order(self, order_id: str) -> Order:
        with self._lock(order_id):
            order = self._expire(self.order(order_id))
            if order.state is not OrderState.OPEN:
                raise GatewayRefusal("ORDER_NOT_OPEN", f"order {order_id} is {order.state.value}; it cannot be canceled")
            order = dataclasses.replace(order, state=OrderState.CANCELED)
            self.orders[order_id] = order
            for aid in order.attempts:
                self._close(self.attempts[aid])
        return order

    # ---- wallet side: routing ---------------------------------------------------------------
    def route(self, wallet: str, *, store_code: str, reference: str | None, amount: int | None) -> dict[str, Any]:
        """Wallet `wallet` asks to pay the order its user scanned. Creates the payment at that wallet."""
        if wallet not in self.config.wallets:
            raise GatewayRefusal("WALLET_NOT_ACCEPTED", f"this shop does not accept {wallet}", 403)
        if store_code != self.merchant.store_code:
            raise GatewayRefusal("UNKNOWN_STORE", f"store {store_code} is not served by this gateway", 404)
        if reference:
            order_id = reference
            with self._lock(order_id):
                order = self._expire(self.order(order_id))
                charge = open_attempt(order, wallet, amount, self.clock())
                attempt = self._start_attempt(order, wallet, charge)
        else:
            if amount is None or not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
                raise GatewayRefusal("AMOUNT_REQUIRED", "a static code needs the amount the customer entered", 400)
            sale = self.create_order(amount, description="sale from the static code")
            sale = dataclasses.replace(sale, parent=f"static:{store_code}")
            self.orders[sale.order_id] = sale
            with self._lock(sale.order_id):
                attempt = self._start_attempt(sale, wallet, amount)
        out = {"order_id": attempt.order_id, "attempt_id": attempt.attempt_id, "wallet": wallet,
               "amount": attempt.amount, "currency": "JPY", "code": attempt.code}
        if self.clients[wallet].needs_confirmation:
            out["return_url"] = f"{self.config.base_url}/v1/return/{attempt.attempt_id}"
        return out

    def _start_attempt(self, order: Order, wallet: str, amount: int) -> Attempt:
        attempt_id = self._new_id("A")
        notify = f"{self.config.base_url}/v1/notify/{wallet}"
        back = f"{self.config.base_url}/v1/return/{attempt_id}"
        try:
            created = self.clients[wallet].create(attempt_id, amount, order.description or f"order {order.order_id}",
                                                  notify, back)
        except WalletCallError as exc:
            self._say(f"order {order.order_id}: {wallet} could not create the payment ({exc.message})")
            raise GatewayRefusal("WALLET_UNAVAILABLE" if exc.transient else "WALLET_REFUSED",
                                 f"{wallet} did not take the payment: {exc.message}", 502) from None
        attempt = Attempt(attempt_id, order.order_id, wallet, amount, self.clock(), code=created.code,
                          wallet_payment_id=created.wallet_payment_id)
        self.attempts[attempt_id] = attempt
        self.orders[order.order_id] = add_attempt(self.orders[order.order_id], attempt_id)
        self._say(f"order {order.order_id}: routed to {wallet} (attempt {attempt_id}, {amount} JPY)")
        return attempt

    # ---- wallet side: news -----------------------------------------------------------------
    def wallet_notification(self, wallet: str, url: str, headers: Mapping[str, str], body: bytes) -> str:
        """A wallet webhook: verify, then sync the attempt it names. Returns the attempt id.
        Unknown attempts are acknowledged (not ours to retry); duplicates are absorbed by `settle`."""
        if wallet not in self.creds:
            raise NotificationRejected(f"no {wallet} account here", 404)
        attempt_id = attempt_of(wallet, self.creds[wallet], url, headers, body)
        if attempt_id in self.attempts:
            self.sync_attempt(attempt_id, source=f"{wallet} webhook")
        return attempt_id

    def sync_attempt(self, attempt_id: str, *, source: str = "poll") -> Attempt:
        """Ask the wallet for the attempt's status and settle it (the one place money is recorded)."""
        attempt = self.attempts.get(attempt_id)
        if attempt is None:
            raise GatewayRefusal("ATTEMPT_NOT_FOUND", f"no attempt {attempt_id!r}", 404)
        client = self.clients[attempt.wallet]
        with self._lock(attempt.order_id):
            attempt = self.attempts[attempt_id]
            status, wallet_payment_id = client.status(attempt_id)
            if wallet_payment_id and not attempt.wallet_payment_id:
                attempt = dataclasses.replace(attempt, wallet_payment_id=wallet_payment_id)
            order, attempt, actions = settle(self.orders[attempt.order_id], attempt, status, self.clock(),
                                             needs_confirmation=client.needs_confirmation)
            self.orders[order.order_id], self.attempts[attempt_id] = order, attempt
            for action in actions:
                self._carry_out(action, source)
        return self.attempts[attempt_id]

    def _carry_out(self, action: Action, source: str) -> None:
        attempt = self.attempts.get(action.attempt_id) if action.attempt_id else None
        if action.kind == "notify":
            order_id, _, kind = action.event.partition(":")
            kind = kind.split(":")[0]
            self.events[action.event] = mw.new_event(action.event, kind, self.order_view(order_id), self.clock())
            if kind == "order.paid":
                order = self.orders[order_id]
                self._say(f"order {order_id}: paid by {order.paid_wallet} ({source}); merchant notified")
        elif action.kind == "confirm" and attempt is not None:
            try:
                self.clients[attempt.wallet].confirm(attempt.attempt_id, attempt.wallet_payment_id, attempt.amount)
            except WalletCallError as exc:
                self._say(f"order {attempt.order_id}: {attempt.wallet} confirm failed ({exc.message}); will poll again")
                return
            self._say(f"order {attempt.order_id}: {attempt.wallet} payment confirmed by the gateway")
            status, _ = self.clients[attempt.wallet].status(attempt.attempt_id)
            order, new, actions = settle(self.orders[attempt.order_id], attempt, status, self.clock())
            self.orders[order.order_id], self.attempts[attempt.attempt_id] = order, new
            for a in actions:
                self._carry_out(a, source)
        elif action.kind == "reverse" and attempt is not None:
            self.pending_reversals.add(attempt.attempt_id)
            self._reverse(attempt)
        elif action.kind == "close" and attempt is not None and attempt.state is AttemptState.PENDING:
            self._close(attempt)

    def _reverse(self, attempt: Attempt) -> None:
        """A second payment for an order already paid: give the money back through its wallet."""
        try:
            self.clients[attempt.wallet].refund(attempt.attempt_id, attempt.wallet_payment_id,
                                                f"{attempt.attempt_id}R", attempt.amount, attempt.amount)
        except WalletCallError as exc:
            self._say(f"order {attempt.order_id}: refund of duplicate {attempt.wallet} payment failed "
                      f"({exc.message}); retried at the next reconcile")
            return
        self.pending_reversals.discard(attempt.attempt_id)
        self._say(f"order {attempt.order_id}: duplicate {attempt.wallet} payment refunded (order was already paid)")

    def _close(self, attempt: Attempt) -> None:
        try:
            self.clients[attempt.wallet].close(attempt.attempt_id, attempt.code)
        except WalletCallError as exc:   # e.g. the user paid meanwhile: the next sync reverses it
            log.info("close %s at %s: %s", attempt.attempt_id, attempt.wallet, exc.message)

    def return_from_wallet(self, attempt_id: str) -> Attempt:
        """The user came back from the wallet (LINE Pay's confirmUrl redirect): sync now."""
        return self.sync_attempt(attempt_id, source="redirect")

    def reconcile(self) -> int:
        """Poll every attempt whose outcome is not known yet; retry pending reversals. Returns polls made.
        This is how a dropped webhook (or a wallet that sends none) is made up for."""
        polled = 0
        for attempt in list(self.attempts.values()):
            order = self.orders[attempt.order_id]
            if attempt.state is AttemptState.PENDING and attempt.wallet_status is not WalletStatus.CLOSED:
                try:
                    self.sync_attempt(attempt.attempt_id, source="status poll")
                except WalletCallError as exc:
                    log.info("poll %s: %s", attempt.attempt_id, exc.message)
                polled += 1
            elif attempt.attempt_id in self.pending_reversals:
                with self._lock(order.order_id):
                    self._reverse(self.attempts[attempt.attempt_id])
        for order_id in list(self.orders):
            with self._lock(order_id):
                self._expire(self.orders[order_id])
        return polled

    # ---- refunds -------------------------------------------------------------------------------
    def refund(self, order_id: str, amount: int | None = None) -> dict[str, Any]:
        """Refund (part of) a paid order through the wallet that was paid."""
        with self._lock(order_id):
            order = self.order(order_id)
            value = check_refund(order, amount)
            attempt = self.attempts[order.paid_by]
            refund_id = f"{attempt.attempt_id}F{len(order.refunds) + 1}"
            try:
                self.clients[attempt.wallet].refund(attempt.attempt_id, attempt.wallet_payment_id, refund_id, value,
                                                    attempt.amount, refunded_before=order.refunded)
            except WalletCallError as exc:
                raise GatewayRefusal("WALLET_UNAVAILABLE" if exc.transient else "WALLET_REFUSED",
                                     f"{attempt.wallet} did not refund: {exc.message}", 502) from None
            order, notify = record_refund(order, refund_id, value)
            self.orders[order_id] = order
            if notify:
                self._carry_out(notify, "refund")
        self._say(f"order {order_id}: {value} JPY refunded through {attempt.wallet}")
        return {"order_id": order_id, "refund_id": refund_id, "amount": value, "wallet": attempt.wallet,
                "status": order.state.value, "refunded": order.refunded}

    # ---- merchant webhooks ---------------------------------------------------------------------
    def deliver_webhooks(self, client: httpx.Client | None = None) -> int:
        """Deliver every due merchant event now (signed); failures are retried later with backoff."""
        url = self.config.merchant_webhook_url
        if not url:
            return 0
        http = client or self.http
        now = self.clock()
        sent = 0
        for e in sorted(self.events.values(), key=lambda x: x.created_at):
            if e.delivered or e.dead or e.next_at > now:
                continue
            headers = {"Content-Type": "application/json", mw.EVENT_HEADER: e.event_id,
                       mw.SIGNATURE_HEADER: mw.sign(self.config.webhook_secret, int(time.time()), e.body)}
            try:
                r = http.post(url, content=e.body, headers=headers)
                ok, error = r.is_success, "" if r.is_success else f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                ok, error = False, f"{type(exc).__name__}: {exc}"
            self.events[e.event_id] = mw.after_attempt(e, ok, now, error)
            sent += 1
        return sent

    def ledger(self) -> list[dict[str, Any]]:
        """Money as the gateway records it: one line per paid order (what the shop is owed)."""
        out = []
        for order in self.orders.values():
            if order.paid_by:
                a = self.attempts[order.paid_by]
                out.append({"order_id": order.order_id, "wallet": a.wallet, "amount": a.amount,
                            "refunded": order.refunded})
        return out

    def attempts_of(self, order_id: str) -> list[Attempt]:
        return [self.attempts[a] for a in self.order(order_id).attempts]

    def pending_attempts(self) -> Iterable[Attempt]:
        return [a for a in self.attempts.values() if a.state is AttemptState.PENDING]
