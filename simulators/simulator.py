"""The simulator: one object holding every wallet's state, and the one request pipeline.

`Simulator.handle(SimRequest) -> SimResponse` is what both transports call. The pipeline, the
same for all eight wallets: faults → route (from the OpenAPI document) → size → auth →
content type → JSON → schema → idempotency lock/replay → handler → notifications → one
commit → response check → response signature → journal. A handler error commits nothing, so
no request can leave half-written state behind.

The Python control API (reset, seed merchants, faults, clock, journal, consumer side, webhooks)
is the set of public methods here; `control.py` puts the same methods on `/_sim/…`.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import random
import secrets
import threading
import time
from collections import deque
from contextlib import ExitStack
from typing import Any, Callable, Iterable

from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.clock import SimClock
from qrinterop.simulators.engine.contract import Contract, Operation
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.faults import Fault, FaultPlan, FaultRule, FaultSyntaxError, parse_fault
from qrinterop.simulators.engine.http import SimRequest, SimResponse, json_response
from qrinterop.simulators.engine.idempotency import fingerprint, idem_key, remember, replay
from qrinterop.simulators.engine.jsonbody import parse_json
from qrinterop.simulators.engine.journal import Journal
from qrinterop.simulators.engine.model import OPEN_STATES, Merchant, Payment, Webhook
from qrinterop.simulators.engine.replay import ReplayGuard
from qrinterop.simulators.engine.signing import new_rsa_key_pem
from qrinterop.simulators.engine.store import (KeyedLocks, MemoryStore, Store, StoreConflict, UnitOfWork, delete,
                                               insert, upsert)
from qrinterop.simulators.engine.webhooks import after_attempt, due
from qrinterop.simulators.wallets import WALLET_IDS, spec as wallet_spec
from qrinterop.simulators.wallets.base import AuthInput, Ctx, WalletSpec

log = logging.getLogger("qrinterop.simulators")

DEFAULT_MAX_BODY = 64 * 1024
DEFAULT_MAX_FAULT_LATENCY = 60.0   # seconds; a longer `latency=` fault is refused
MAX_ATTEMPTS = 25                  # a unit of work that keeps losing races gives up (an internal error)
ID_KINDS = ("payment", "refund")   # an INSERT conflict on these is an id collision, never a race
MERCHANT_CACHE_SECONDS = 1.0       # another process's merchant change is seen within this long
CLAIM_SECONDS = 30.0               # a webhook attempt claimed by a process that died is retried after this
_KEY_CACHE: dict[str, tuple[str, str]] = {}   # per process: RSA generation costs ~0.1 s a key


def _cached_keypair(label: str) -> tuple[str, str]:
    if label not in _KEY_CACHE:
        _KEY_CACHE[label] = new_rsa_key_pem()
    return _KEY_CACHE[label]


class Simulator:
    def __init__(self, wallets: Iterable[str] = WALLET_IDS, *, store: Store | None = None, seed: int = 0,
                 journal_capacity: int = 10_000, max_body: int = DEFAULT_MAX_BODY,
                 check_responses: bool = True, clock: SimClock | None = None,
                 wall_clock: Callable[[], float] = time.time, timeout_seconds: float = 35.0,
                 id_seed: int | None = None, header_faults: bool = True,
                 max_fault_latency: float = DEFAULT_MAX_FAULT_LATENCY, serve_secrets: bool = True) -> None:
        self.specs: dict[str, WalletSpec] = {w: wallet_spec(w) for w in wallets}
        self.store: Store = store if store is not None else MemoryStore()
        self.clock = clock or SimClock()
        self.wall_clock = wall_clock
        self.seed = seed
        # Ids come from a generator seeded with 256 bits from the OS (`secrets`) at every start, so they
        # do not repeat across restarts or processes (a payment id has ~60 random bits; drawing from
        # os.urandom per id cost ~10 µs a request). A seeded sequence only when a test asks for one; a
        # seeded sequence restarted on an old state collides, and a collision is an internal error.
        self.id_seed = id_seed
        self.rng: random.Random = random.Random(id_seed) if id_seed is not None else random.Random(secrets.randbits(256))
        self.faults = FaultPlan(seed)
        self.header_faults = header_faults
        self.max_fault_latency = max_fault_latency
        self.serve_secrets = serve_secrets   # GET /_sim/merchants?secrets=1 allowed (loopback servers only)
        self.journal = Journal(journal_capacity)
        self.locks = KeyedLocks()
        self.replay = ReplayGuard(self.store)
        self.max_body = max_body
        self.check_responses = check_responses
        self.timeout_seconds = timeout_seconds
        self.contract_drift: deque[str] = deque(maxlen=100)   # any entry here is a bug; tests assert empty
        self.internal_errors: deque[str] = deque(maxlen=100)
        self.inboxes: dict[str, deque[dict[str, Any]]] = {}
        self.delivered: deque[Webhook] = deque(maxlen=1000)
        self._merchant_cache: dict[tuple[str, str, str], tuple[Merchant | None, float]] = {}
        self._merchant_guard = threading.Lock()
        self._load_merchants()

    # ---- keys and merchants -------------------------------------------------------------
    def keypair(self, label: str) -> tuple[str, str]:
        """A simulator-owned RSA key pair (platform keys, default test merchants), persisted in
        the store so that a restarted server keeps signing with the same key."""
        stored = self.store.get("simkey", label)
        if not isinstance(stored, str):
            try:
                self.store.commit([insert("simkey", label, json.dumps(list(_cached_keypair(label))))])
            except StoreConflict:      # another process stored its key first: use that one
                pass
            stored = self.store.get("simkey", label)
        assert isinstance(stored, str)
        priv, pub = json.loads(stored)
        return priv, pub

    def _load_merchants(self) -> None:
        have = {m.wallet for _, m in self.store.scan("merchant") if isinstance(m, Merchant)}
        for wid, s in self.specs.items():
            if wid not in have:
                try:
                    self.add_merchant(s.default_merchant(self))
                except SimError:       # another process registered it at the same moment
                    pass

    def add_merchant(self, merchant: Merchant) -> Merchant:
        """Register or re-register a merchant. A new api_key revokes the old one at once; an
        api_key that belongs to another merchant of the wallet is refused (a conflict)."""
        w = merchant.wallet
        if w not in self.specs:
            raise SimError(Kind.INVALID_FIELD, f"wallet {w!r} is not served here", field="wallet")

        def work() -> None:
            uow = UnitOfWork(self.store)
            old = uow.get("merchant", f"{w}:{merchant.merchant_id}")
            if merchant.api_key:
                owner = uow.get("apikey", f"{w}:{merchant.api_key}")
                if isinstance(owner, str) and owner != merchant.merchant_id:
                    holder = uow.get("merchant", f"{w}:{owner}")
                    if isinstance(holder, Merchant) and holder.api_key == merchant.api_key:
                        raise SimError(Kind.IDEMPOTENCY_CONFLICT, f"api_key is already registered to another {w} merchant",
                                       field="api_key")
                uow.put("apikey", f"{w}:{merchant.api_key}", merchant.merchant_id)
            if isinstance(old, Merchant) and old.api_key and old.api_key != merchant.api_key:
                uow.get("apikey", f"{w}:{old.api_key}")
                uow.put("apikey", f"{w}:{old.api_key}", None)          # rotation: the old key stops working now
            uow.put("merchant", f"{w}:{merchant.merchant_id}", merchant)
            uow.commit()

        self._retrying(work)
        with self._merchant_guard:
            self._merchant_cache.clear()
        return merchant

    def _cached(self, kind: str, wallet: str, value: str, load: Callable[[], Merchant | None]) -> Merchant | None:
        now = time.monotonic()
        key = (kind, wallet, value)
        hit = self._merchant_cache.get(key)
        if hit is not None and now - hit[1] < MERCHANT_CACHE_SECONDS:
            return hit[0]
        m = load()
        with self._merchant_guard:
            if len(self._merchant_cache) > 10_000:      # unknown keys sent at random must not grow it
                self._merchant_cache.clear()
            self._merchant_cache[key] = (m, now)
        return m

    def merchant_by_key(self, wallet: str, api_key: str) -> Merchant | None:
        def load() -> Merchant | None:
            owner = self.store.get("apikey", f"{wallet}:{api_key}")
            m = self.store.get("merchant", f"{wallet}:{owner}") if isinstance(owner, str) else None
            return m if isinstance(m, Merchant) and m.api_key == api_key else None
        return self._cached("key", wallet, api_key, load)

    def merchant(self, wallet: str, merchant_id: str) -> Merchant | None:
        def load() -> Merchant | None:
            m = self.store.get("merchant", f"{wallet}:{merchant_id}")
            return m if isinstance(m, Merchant) else None
        return self._cached("id", wallet, merchant_id, load)

    def merchants(self, wallet: str) -> list[Merchant]:
        found = [m for _, m in self.store.scan("merchant") if isinstance(m, Merchant) and m.wallet == wallet]
        default = self.specs[wallet].default_merchant if wallet in self.specs else None
        first = default(self).merchant_id if default else ""
        return sorted(found, key=lambda m: (m.merchant_id != first, m.merchant_id))

    def credentials(self, wallet: str, merchant_id: str | None = None, *, secrets: bool = True) -> dict[str, str]:
        """What a client needs to call `wallet` as a merchant (test credentials only). With
        `secrets=False`, the public part only: no secret, no private key."""
        m = self.merchant(wallet, merchant_id) if merchant_id else next(iter(self.merchants(wallet)), None)
        if m is None:
            raise SimError(Kind.UNKNOWN_MERCHANT, f"no merchant {merchant_id!r} in {wallet}")
        out = {"wallet": wallet, "merchant_id": m.merchant_id, "api_key": m.api_key, "key_serial": m.key_serial,
               "notify_url": m.notify_url}
        if secrets:
            out["secret"] = m.secret
            client = self.store.get("simkey", f"{wallet}:client:{m.merchant_id}")
            if isinstance(client, str):
                out["private_key_pem"] = json.loads(client)[0]
        platform = self.store.get("simkey", f"{wallet}:platform")
        if isinstance(platform, str):
            out["platform_public_key_pem"] = json.loads(platform)[1]
        return out

    def _retrying(self, work: Callable[[], Any]) -> Any:
        """Run a unit of work; if its commit lost a race (StoreConflict), run it again on fresh reads.
        An INSERT conflict on a payment or refund id is a collision, never retried or overwritten."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                return work()
            except StoreConflict as exc:
                if exc.op == "insert" and exc.kind in ID_KINDS:
                    raise RuntimeError(f"id collision: {exc.kind} {exc.key} already exists (not overwritten)") from None
                if attempt == MAX_ATTEMPTS - 1:
                    raise RuntimeError(f"gave up after {MAX_ATTEMPTS} lost races: {exc}") from None
                if attempt >= 3:
                    time.sleep(0.001 * attempt * random.random())
        raise AssertionError("unreachable")

    # ---- the request pipeline ------------------------------------------------------------
    def handle(self, req: SimRequest) -> SimResponse:
        head, _, rest = req.path.lstrip("/").partition("/")
        rel = "/" + rest
        if head == "_sim":
            from qrinterop.simulators.control import handle_control
            try:
                return handle_control(self, req, rel)
            except Exception as exc:   # a simulator bug: say so plainly, keep the trace in the log
                log.exception("internal error on %s %s", req.method, req.path)
                self.internal_errors.append(f"{req.method} {req.path}: {type(exc).__name__}: {exc}")
                return json_response(500, {"sim_error": f"internal simulator error: {type(exc).__name__}"})
        s = self.specs.get(head)
        if s is None:
            return json_response(404, {"sim_error": f"no wallet is mounted at /{head}",
                                       "wallets": sorted(self.specs)})
        started = time.perf_counter()
        route, merchant_id, fault_text = "?", "", ""
        try:
            resp, route, merchant_id, fault_text = self._handle_wallet(s, req, rel)
        except FaultSyntaxError as exc:
            resp = json_response(400, {"sim_error": f"X-Sim-Fault: {exc}"})
        except Exception as exc:   # a simulator bug: answer in the wallet's shape, keep the trace in the log
            log.exception("internal error on %s %s", req.method, req.path)
            self.internal_errors.append(f"{req.method} {req.path}: {type(exc).__name__}: {exc}")
            resp = s.error(Kind.SERVER_ERROR, "internal simulator error")
        self.journal.record(at=self.clock.now(), wallet=s.id, route=route, method=req.method, path=req.path,
                            status=resp.status, duration_ms=(time.perf_counter() - started) * 1000,
                            faults=fault_text, request_body=req.body, response_body=resp.body,
                            merchant_id=merchant_id)
        return resp

    def pick_faults(self, wallet: str, route: str, header: str) -> list[Fault]:
        """The faults for one request: the header's (if this server allows header faults) and the
        rules'. A latency above `max_fault_latency` is refused (FaultSyntaxError), never slept."""
        if header and not self.header_faults:
            raise FaultSyntaxError("header faults are switched off on this server (--no-header-faults); "
                                   "use POST /_sim/faults")
        faults = self.faults.pick(wallet, route, header)
        for f in faults:
            if f.kind == "latency" and f.seconds() > self.max_fault_latency:
                raise FaultSyntaxError(f"latency={f.value} is above this server's maximum of "
                                       f"{self.max_fault_latency:g} s (--max-fault-latency)")
        return faults

    def _handle_wallet(self, s: WalletSpec, req: SimRequest, rel: str) -> tuple[SimResponse, str, str, str]:
        match = s.contract.match(req.method, rel)
        route = match[0].operation_id if match else "?"
        faults = self.pick_faults(s.id, route, req.header("x-sim-fault"))
        fault_text = ",".join(str(f) for f in faults)
        kinds = {f.kind: f for f in faults}
        merchant: Merchant | None = None
        resp: SimResponse
        if "timeout" in kinds:
            resp = s.error(Kind.UNAVAILABLE, "timed out (simulated)")
            resp.hang = True
            resp.delay = min(self.timeout_seconds, self.max_fault_latency)
        elif "ratelimit" in kinds:
            resp = s.error(Kind.RATE_LIMITED, "too many requests (simulated)")
            resp.headers["retry-after"] = kinds["ratelimit"].value or "1"
        elif "error" in kinds:
            status = int(kinds["error"].value)
            resp = s.error(Kind.UNAVAILABLE if status == 503 else Kind.SERVER_ERROR, f"simulated HTTP {status}")
            resp.status = status
        elif match is None:
            allowed = s.contract.methods_for(rel)
            if allowed:     # the resource exists, the method does not: 405 in the wallet's error shape
                resp = s.error(Kind.ROUTE_NOT_FOUND, f"{req.method} is not allowed on {rel}; allowed: {', '.join(allowed)}")
                resp.status = 405
                resp.headers["allow"] = ", ".join(allowed)
            else:
                resp = s.error(Kind.ROUTE_NOT_FOUND, f"no operation {req.method} {rel}")
        else:
            op, params = match
            try:
                merchant, resp = self._run(s, req, rel, op, params, faults)
            except SimError as exc:
                resp = s.sim_error(exc, op.operation_id)
            if self.check_responses:
                self._check_response(op, resp)
        if s.sign_response is not None:
            s.sign_response(self, merchant, req, rel, resp, "sigmismatch" in kinds)
        if "malformed" in kinds and resp.body:
            resp.body = resp.body[: max(1, len(resp.body) // 2)]   # cut mid-JSON: unparseable
        if "latency" in kinds:
            resp.delay = max(resp.delay, kinds["latency"].seconds())
        return resp, route, merchant.merchant_id if merchant else "", fault_text

    def _run(self, s: WalletSpec, req: SimRequest, rel: str, op: Operation, params: dict[str, str],
             faults: list[Fault]) -> tuple[Merchant | None, SimResponse]:
        if len(req.body) > self.max_body:
            raise SimError(Kind.BODY_TOO_LARGE, f"body is {len(req.body)} bytes; the limit is {self.max_body}")
        wid = s.id
        merchant = s.authenticate(AuthInput(
            req, rel, self.wall_clock(), lambda key: self.merchant_by_key(wid, key),
            lambda mid: self.merchant(wid, mid), self.replay,
            force_mismatch=any(f.kind == "sigmismatch" for f in faults)))
        body: Any = None
        if op.has_body and (req.body or op.body_required):
            ctype = req.header("content-type").split(";")[0].strip().lower()
            if ctype != "application/json":
                raise SimError(Kind.CONTENT_TYPE, f"Content-Type must be application/json, not {ctype[:60] or 'missing'!r}")
            body = parse_json(req.body)
        s.contract.validate_request(op, body)
        # One attempt reads, decides and commits; if the commit lost a race to another thread or
        # process (a key inserted first, a payment changed since it was read), it runs again.
        return merchant, self._retrying(lambda: self._attempt(s, req, op, params, merchant, body, faults))

    def _attempt(self, s: WalletSpec, req: SimRequest, op: Operation, params: dict[str, str], merchant: Merchant,
                 body: Any, faults: list[Fault]) -> SimResponse:
        wid = s.id
        with ExitStack() as held:
            uow = UnitOfWork(self.store)
            ctx = Ctx(self, s, req, op, params, merchant, body, self.clock.now(), uow, faults, self.locks, held)
            idem = s.idempotency.get(op.operation_id)
            ikey = fp = ""
            if idem is not None:
                key = idem.key(body)
                if key:
                    ikey = idem_key(wid, merchant.merchant_id, idem.scope, key)
                    ctx.lock(ikey)
                    # the operation is part of the request: one id used on two routes is a conflict
                    fp = fingerprint({"op": op.operation_id, "params": params, "body": body})
                    stored = replay(uow, ikey, fp)
                    if stored is not None:
                        return stored
            try:
                resp = s.handlers[op.operation_id](ctx)
            except SimError as exc:
                uow.pending.clear()          # a refused request writes nothing
                if exc.kind is Kind.IDEMPOTENCY_CONFLICT and ikey and self.store.get("idem", ikey) is not None:
                    # Read skew: another process committed this key's answer between our reads (no
                    # answer yet when we looked, its payment already there when we looked next). Not
                    # a conflict: run again, and the stored answer is replayed.
                    raise StoreConflict("read", "idem", ikey) from None
                raise
            if ikey and s.is_final(resp):
                remember(uow, ikey, fp, resp)
            self._emit_notifications(uow, faults)
            uow.commit()
        return resp

    def _check_response(self, op: Operation, resp: SimResponse) -> None:
        try:
            body = json.loads(resp.body) if resp.body else None
        except ValueError:
            problem: str | None = f"{op.operation_id}: response body is not JSON"
        else:
            problem = Contract.check_response(op, resp.status, body)
        if problem:
            self.contract_drift.append(problem)
            log.error("contract drift: %s", problem)

    def _emit_notifications(self, uow: UnitOfWork, faults: list[Fault]) -> None:
        """Queue a webhook for every payment whose state this unit of work changed — in the same
        commit as the change, so a notification is never lost nor sent for a rolled-back change."""
        webhook_fault = next((f.value for f in faults if f.kind == "webhook"), "")
        for (kind, key), value in list(uow.pending.items()):
            if kind != "payment" or not isinstance(value, Payment):
                continue
            old = uow.original("payment", key)
            if isinstance(old, Payment) and old.state is value.state:
                continue
            s = self.specs.get(value.wallet)
            m = self.merchant(value.wallet, value.merchant_id)
            if s is None or s.notification is None or m is None:
                continue
            w = s.notification(self, m, value, value.state.value)
            if w is not None:
                uow.put("webhook", w.webhook_id, dataclasses.replace(w, fault=webhook_fault) if webhook_fault else w)

    # ---- consumer side ---------------------------------------------------------------------
    def _resolve(self, uow: UnitOfWork, wallet: str, code: str) -> str:
        s = self.specs[wallet]
        key = s.normalize_code(code)
        for candidate in (code, key):
            p = uow.get("payment", candidate)
            if isinstance(p, Payment) and p.wallet == wallet:
                return candidate
        pid = uow.get("code", f"{wallet}:{key}") if s.index_codes else None
        if isinstance(pid, str):
            return pid
        raise SimError(Kind.PAYMENT_NOT_FOUND, f"no {wallet} payment or code {code!r}", field="code")

    def _consumer(self, wallet: str, code: str, action: str, fault_header: str) -> dict[str, Any]:
        if wallet not in self.specs:
            raise SimError(Kind.INVALID_FIELD, f"wallet {wallet!r} is not served here", field="wallet")
        faults = self.pick_faults(wallet, f"consumer.{action}", fault_header)

        def work() -> Payment:
            with ExitStack() as held:
                uow = UnitOfWork(self.store)
                pid = self._resolve(uow, wallet, code)
                held.enter_context(self.locks.hold(f"payment:{pid}"))
                p = payments.get_payment(uow, pid, self.clock.now())
                assert p is not None
                if action == "pay":
                    q = payments.consumer_pay(uow, p, self.clock.now(), stuck=any(f.kind == "stuck" for f in faults))
                else:
                    q = payments.consumer_reject(uow, p, self.clock.now())
                self._emit_notifications(uow, faults)
                uow.commit()
            return q

        return self.describe(self._retrying(work))

    def consumer_pay(self, wallet: str, code: str, *, fault: str = "") -> dict[str, Any]:
        """The user of `wallet` pays payment `code` (a payment id, code id, or scanned QR content).

        This is "consumer pays payment X of wallet W" for apps built on top (DESIGN §6). Pre-auth
        payments stop at AUTHORIZED; `fault="stuck"` leaves any payment in process."""
        return self._consumer(wallet, code, "pay", fault)

    def consumer_reject(self, wallet: str, code: str, *, fault: str = "") -> dict[str, Any]:
        """The user declines (or the wallet fails the payment): it becomes FAILED."""
        return self._consumer(wallet, code, "reject", fault)

    def describe(self, p: Payment) -> dict[str, Any]:
        s = self.specs[p.wallet]
        return {"wallet": p.wallet, "merchant_id": p.merchant_id, "payment_id": p.payment_id,
                "merchant_payment_id": p.merchant_payment_id, "amount": p.amount, "currency": p.currency,
                "state": p.state.value, "status": s.status_names[p.state], "refunded": p.refunded,
                "codes": s.code_of(p)}

    def payment(self, wallet: str, code: str) -> dict[str, Any]:
        uow = UnitOfWork(self.store)
        p = payments.get_payment(uow, self._resolve(uow, wallet, code), self.clock.now())
        assert p is not None
        return self.describe(p)

    def payments_of(self, wallet: str, limit: int = 1000) -> list[dict[str, Any]]:
        out = [self.describe(p) for _, p in self.store.scan("payment") if isinstance(p, Payment) and p.wallet == wallet]
        return out[-limit:]

    # ---- control: reset, faults, clock, journal ------------------------------------------
    def reset(self, seed: int | None = None) -> None:
        """Forget payments, refunds, webhooks, faults, journal; keep merchants, keys and the nonces
        already used (a reset must not reopen the door to replays)."""
        self.seed = self.seed if seed is None else seed
        kept = [upsert(k, key, v) for k in ("merchant", "apikey", "simkey") for key, v in self.store.scan(k)]
        self.store.clear()
        self.store.commit(kept)
        if self.id_seed is not None:           # a test that asked for a seeded id sequence gets it again
            self.rng = random.Random(self.id_seed)
        self.faults.reset(self.seed)
        self.journal.clear()
        self.clock.offset = 0.0
        self.contract_drift.clear()
        self.internal_errors.clear()
        self.inboxes.clear()
        self.delivered.clear()

    def add_fault(self, fault: str, *, wallet: str = "*", route: str = "*", probability: float = 1.0,
                  count: int | None = None) -> FaultRule:
        if wallet != "*" and wallet not in self.specs:
            raise FaultSyntaxError(f"wallet {wallet!r} is not served here")
        parsed = parse_fault(fault)
        if parsed.kind == "latency" and parsed.seconds() > self.max_fault_latency:
            raise FaultSyntaxError(f"latency={parsed.value} is above this server's maximum of {self.max_fault_latency:g} s")
        rule = FaultRule(parsed, wallet, route, probability, count)
        self.faults.add(rule)
        return rule

    def clear_faults(self) -> None:
        self.faults.rules.clear()

    def advance_clock(self, seconds: float) -> float:
        """Move the business clock forward and expire every unpaid payment now past its expiry."""
        now = self.clock.advance(seconds)
        for pid, p in self.store.scan("payment"):
            if isinstance(p, Payment) and p.state in OPEN_STATES and p.expires_at is not None and p.expires_at <= now:
                def work(pid: str = pid) -> None:
                    with self.locks.hold(f"payment:{pid}"):
                        uow = UnitOfWork(self.store)
                        payments.get_payment(uow, pid, now)
                        self._emit_notifications(uow, [])
                        uow.commit()
                self._retrying(work)
        return now

    # ---- webhooks ----------------------------------------------------------------------------
    def pending_webhooks(self) -> list[Webhook]:
        return [w for _, w in self.store.scan("webhook") if isinstance(w, Webhook)]

    def plan_deliveries(self) -> list[tuple[Webhook, int]]:
        """The due webhooks in delivery order, each with how many copies to send now
        (0: dropped by a fault — it stays pending and is retried; 2: duplicated)."""
        now = self.clock.now()
        batch = []
        for w in due(self.pending_webhooks(), now):
            # Claim it first (compare-and-set on its version, next attempt pushed CLAIM_SECONDS away):
            # of several server processes sharing the store, only one sends each attempt.
            got = self.store.get_versioned("webhook", w.webhook_id)
            if got is None or not isinstance(got[0], Webhook) or got[0].next_at > now:
                continue
            try:
                self.store.commit([("update", "webhook", w.webhook_id,
                                    dataclasses.replace(got[0], next_at=now + CLAIM_SECONDS), got[1])])
            except StoreConflict:
                continue
            batch.append(got[0])
        if any(w.fault == "reorder" for w in batch):
            batch.reverse()
        return [(w, 0 if w.fault == "drop" else 2 if w.fault == "dup" else 1) for w in batch]

    def record_attempt(self, w: Webhook, ok: bool, error: str = "") -> Webhook:
        q = dataclasses.replace(after_attempt(w, ok, self.clock.now(), error), fault="")   # a fault hits one attempt
        if q.delivered:
            self.store.commit([delete("webhook", q.webhook_id)])
            self.delivered.append(q)
        else:
            self.store.commit([upsert("webhook", q.webhook_id, q)])
        return q

    def deliver_webhooks(self) -> int:
        """Deliver every due webhook now with a blocking httpx client (in-process use)."""
        from qrinterop.simulators.delivery import deliver_due
        return deliver_due(self)

    def inbox(self, name: str) -> list[dict[str, Any]]:
        return list(self.inboxes.get(name, ()))

    def receive(self, name: str, req: SimRequest) -> None:
        if name not in self.inboxes and len(self.inboxes) >= 100:
            raise SimError(Kind.INVALID_FIELD, "too many inboxes (100)")
        self.inboxes.setdefault(name, deque(maxlen=1000)).append(
            {"at": self.clock.now(), "headers": dict(req.headers), "body": req.body.decode("utf-8", "replace")})
