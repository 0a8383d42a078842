"""The INVENTED common merchant API shape used for d払い, Merpay, Rakuten Pay and au PAY.

None of these four wallets publishes a merchant API (notes/wallet-apis.md §5: integrated under
NDA or through PSPs). This shape is the notes' §5.1 proposal — **modelled, not any vendor's
real API** — so integrators can exercise the four wallets' flows (merchant-presented QR,
customer-presented code, cancel, refund, webhooks) on the shared engine.

  Authorization: HMAC-SHA256 key={apiKey},ts={epochSec},nonce={uuid},sig={b64}
  sig = b64(HMAC-SHA256(secret, METHOD \\n path \\n ts \\n nonce \\n hex(SHA256(body))))
  refused when |ts - now| > 300 s, or when the nonce was already used in the last 10 minutes.
  Webhooks: header X-Sim-Signature: t={ts},v1={hex HMAC-SHA256(secret, ts + "." + body)}.

Customer-presented test codes (sandbox-style magic values, also invented): `userCode` must be
16–24 digits; one starting with 99 is an expired code (USER_CODE_EXPIRED); one starting with 98
has too little balance (the payment FAILS with INSUFFICIENT_BALANCE); any other pays at once.
"""
from __future__ import annotations

import hashlib
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.http import SimResponse, dumps
from qrinterop.simulators.engine.model import Merchant, Payment, State, Webhook
from qrinterop.simulators.engine.signing import (check_fresh, check_not_replayed, constant_time_equal,
                                                 hmac_sha256_b64, hmac_sha256_hex)
from qrinterop.simulators.wallets.base import AuthInput, Ctx, Idempotency, WalletSpec, load_contract

AUTH_WINDOW = 300.0
DEFAULT_TTL = 300
JST = timezone(timedelta(hours=9))
ID_PREFIX = {"dbarai": "DB", "merpay": "MP", "rakutenpay": "RP", "aupay": "AU"}


def string_to_sign(method: str, path: str, ts: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, ts, nonce, hashlib.sha256(body).hexdigest()]).encode()


def auth_header(api_key: str, secret: str, method: str, path: str, body: bytes = b"", *,
                ts: int | None = None, nonce: str | None = None) -> str:
    ts_s, nonce = str(ts or int(time.time())), nonce or str(uuid.uuid4())
    sig = hmac_sha256_b64(secret.encode(), string_to_sign(method, path, ts_s, nonce, body))
    return f"HMAC-SHA256 key={api_key},ts={ts_s},nonce={nonce},sig={sig}"


def sign_request(creds: dict[str, str], method: str, path: str, body: bytes = b"", **kw: Any) -> dict[str, str]:
    headers = {"Authorization": auth_header(creds["api_key"], creds["secret"], method, path.split("?")[0], body, **kw)}
    if body:
        headers["Content-Type"] = "application/json"
    return headers


def webhook_signature(secret: str, ts: str, body: bytes) -> str:
    return f"t={ts},v1={hmac_sha256_hex(secret.encode(), ts.encode() + b'.' + body)}"


def verify_webhook(secret: str, header: str, body: bytes) -> bool:
    fields = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    return "t" in fields and constant_time_equal(webhook_signature(secret, fields["t"], body), header)


def _authenticate(wallet: str):
    def authenticate(a: AuthInput) -> Merchant:
        value = a.request.header("authorization")
        if not value:
            raise SimError(Kind.MISSING_AUTH, "Authorization header is missing")
        scheme, _, rest = value.partition(" ")
        fields = dict(p.split("=", 1) for p in rest.split(",") if "=" in p)
        if scheme != "HMAC-SHA256" or not {"key", "ts", "nonce", "sig"} <= fields.keys():
            raise SimError(Kind.BAD_SIGNATURE, "Authorization must be 'HMAC-SHA256 key=…,ts=…,nonce=…,sig=…'")
        merchant = a.by_key(fields["key"])
        if merchant is None:
            raise SimError(Kind.UNKNOWN_MERCHANT, "unknown API key")
        ts = check_fresh(fields["ts"], a.wall_now, AUTH_WINDOW, what="ts")
        expected = hmac_sha256_b64(merchant.secret.encode(), string_to_sign(
            a.request.method, a.path, fields["ts"], fields["nonce"], a.request.body))
        if not constant_time_equal(expected, fields["sig"]) or a.force_mismatch:
            raise SimError(Kind.BAD_SIGNATURE, "signature does not match the request")
        check_not_replayed(a.replay, f"{wallet}:{merchant.merchant_id}", fields["nonce"], now=a.wall_now,
                           until=ts + AUTH_WINDOW)
        return merchant
    return authenticate


def _view(ctx: Ctx, p: Payment) -> dict[str, Any]:
    v: dict[str, Any] = {"paymentId": p.payment_id, "merchantPaymentId": p.merchant_payment_id, "amount": p.amount,
                         "currency": p.currency, "status": ctx.status_name(p), "refundedAmount": p.refunded,
                         "createdAt": int(p.created_at)}
    if p.paid_at is not None:
        v["paidAt"] = int(p.paid_at)
    if p.expires_at is not None:
        v["expiresAt"] = int(p.expires_at)
    return v


def _new_payment(ctx: Ctx, ttl: float | None) -> Payment:
    b = ctx.body
    meta = {k: b[k] for k in ("storeId", "terminalId") if k in b}
    pid = ctx.new_id("payment")
    meta["qrContent"] = f"https://sim.qrinterop.invalid/{ctx.spec.id}/pay/{pid}"
    return Payment(ctx.spec.id, ctx.merchant.merchant_id, pid, b["merchantPaymentId"], b["amount"], b["currency"],
                   State.CREATED, ctx.now, expires_at=None if ttl is None else ctx.now + ttl, updated_at=ctx.now,
                   notify_url=b.get("notifyUrl", ""), meta=meta)


def create_qr(ctx: Ctx) -> SimResponse:
    p = ctx.create_payment(_new_payment(ctx, ctx.body.get("expiresInSec", DEFAULT_TTL)))
    return ctx.json(201, {"paymentId": p.payment_id, "merchantPaymentId": p.merchant_payment_id,
                          "qrContent": p.meta["qrContent"], "expiresAt": int(p.expires_at or 0),
                          "status": ctx.status_name(p)})


def pay_by_code(ctx: Ctx) -> SimResponse:
    code = ctx.body["userCode"]
    if code.startswith("99"):
        raise SimError(Kind.USER_CODE_INVALID, "the customer's code has expired; ask them to refresh it", field="userCode")
    p = ctx.create_payment(_new_payment(ctx, None))
    if code.startswith("98"):
        p = payments.consumer_reject(ctx.uow, p, ctx.now)
    else:
        p = payments.consumer_pay(ctx.uow, p, ctx.now, stuck=ctx.fault("stuck") is not None)
    return ctx.json(200, {"paymentId": p.payment_id, "merchantPaymentId": p.merchant_payment_id,
                          "status": ctx.status_name(p),
                          **({"failureCode": "INSUFFICIENT_BALANCE"} if p.state is State.FAILED else {})})


def get_payment(ctx: Ctx) -> SimResponse:
    return ctx.json(200, _view(ctx, ctx.payment(ctx.params["merchantPaymentId"])))


def cancel_payment(ctx: Ctx) -> SimResponse:
    p = ctx.payment(ctx.params["merchantPaymentId"])
    if p.paid_at is not None and datetime.fromtimestamp(p.paid_at, JST).date() != datetime.fromtimestamp(ctx.now, JST).date():
        raise SimError(Kind.CANCEL_WINDOW_CLOSED, "a paid payment can be canceled on the same day (JST) only; refund it")
    return ctx.json(200, _view(ctx, payments.cancel(ctx.uow, p, ctx.now)))


def _refund_view(r: payments.Refund) -> dict[str, Any]:
    return {"refundId": r.refund_id, "merchantRefundId": r.merchant_refund_id, "paymentId": r.payment_id,
            "amount": r.amount, "currency": r.currency, "status": "COMPLETED", "createdAt": int(r.created_at)}


def create_refund(ctx: Ctx) -> SimResponse:
    b = ctx.body
    p = ctx.payment_by_id(b["paymentId"], field="paymentId")
    _, r = payments.refund(ctx.uow, p, refund_id=ctx.new_id("refund"), merchant_refund_id=b["merchantRefundId"],
                           amount=b["amount"], now=ctx.now, reason=b.get("reason", ""))
    return ctx.json(201, _refund_view(r))


def get_refund(ctx: Ctx) -> SimResponse:
    return ctx.json(200, _refund_view(ctx.refund_by_ref(ctx.params["merchantRefundId"])))


_EVENTS = {State.COMPLETED: "PAYMENT.COMPLETED", State.FAILED: "PAYMENT.FAILED", State.EXPIRED: "PAYMENT.EXPIRED",
           State.CANCELED: "PAYMENT.CANCELED", State.REFUNDED: "PAYMENT.REFUNDED",
           State.PARTIALLY_REFUNDED: "PAYMENT.REFUNDED"}


def _notification(wallet: str):
    def notification(sim: Any, m: Merchant, p: Payment, event: str) -> Webhook | None:
        url = p.notify_url or m.notify_url
        if p.state not in _EVENTS or not url:
            return None
        names = sim.specs[wallet].status_names
        view = {"paymentId": p.payment_id, "merchantPaymentId": p.merchant_payment_id, "amount": p.amount,
                "currency": p.currency, "status": names[p.state], "refundedAmount": p.refunded}
        event_id = uuid.uuid4().hex
        body = dumps({"eventId": event_id, "eventType": _EVENTS[p.state], "payment": view})
        now = sim.clock.now()
        ts = str(int(sim.wall_clock()))
        headers = (("content-type", "application/json"), ("x-sim-signature", webhook_signature(m.secret, ts, body)))
        return Webhook(event_id, wallet, url, body, headers, now, now)
    return notification


def make_spec(wallet: str, title: str, doc: str) -> WalletSpec:
    prefix = ID_PREFIX[wallet]
    _E = Kind
    return WalletSpec(
        id=wallet, title=title, contract=load_contract(wallet), doc=doc,
        handlers={"createQrPayment": create_qr, "createCodePayment": pay_by_code, "getPayment": get_payment,
                  "cancelPayment": cancel_payment, "createRefund": create_refund, "getRefund": get_refund},
        errors={
            _E.MISSING_AUTH: (401, "INVALID_SIGNATURE"), _E.BAD_SIGNATURE: (401, "INVALID_SIGNATURE"),
            _E.STALE_SIGNATURE: (401, "INVALID_SIGNATURE"), _E.REPLAYED_SIGNATURE: (401, "INVALID_SIGNATURE"),
            _E.UNKNOWN_MERCHANT: (401, "INVALID_SIGNATURE"), _E.MERCHANT_SCOPE: (401, "INVALID_SIGNATURE"),
            _E.MALFORMED_JSON: (400, "INVALID_PARAMETER"), _E.CONTENT_TYPE: (400, "INVALID_PARAMETER"),
            _E.BODY_TOO_LARGE: (400, "INVALID_PARAMETER"), _E.MISSING_FIELD: (400, "INVALID_PARAMETER"),
            _E.INVALID_FIELD: (400, "INVALID_PARAMETER"), _E.ROUTE_NOT_FOUND: (404, "NOT_FOUND"),
            _E.PAYMENT_NOT_FOUND: (404, "PAYMENT_NOT_FOUND"), _E.REFUND_NOT_FOUND: (404, "REFUND_NOT_FOUND"),
            _E.IDEMPOTENCY_CONFLICT: (409, "DUPLICATE_REQUEST"), _E.ILLEGAL_STATE: (409, "INVALID_STATE"),
            _E.NOT_PAID: (409, "INVALID_STATE"), _E.ALREADY_PAID: (409, "INVALID_STATE"),
            _E.ALREADY_CAPTURED: (409, "INVALID_STATE"), _E.ALREADY_CLOSED: (409, "INVALID_STATE"),
            _E.EXPIRED: (409, "PAYMENT_EXPIRED"), _E.AMOUNT_MISMATCH: (400, "INVALID_PARAMETER"),
            _E.REFUND_EXCEEDED: (400, "REFUND_AMOUNT_EXCEEDED"), _E.ALREADY_REFUNDED: (409, "ALREADY_REFUNDED"),
            _E.MULTIPLE_REFUND_REJECTED: (400, "REFUND_AMOUNT_EXCEEDED"),
            _E.CANCEL_WINDOW_CLOSED: (409, "INVALID_STATE"), _E.USER_CODE_INVALID: (400, "USER_CODE_EXPIRED"),
            _E.RATE_LIMITED: (429, "RATE_LIMITED"), _E.SERVER_ERROR: (500, "INTERNAL_ERROR"),
            _E.UNAVAILABLE: (503, "SERVICE_UNAVAILABLE"),
        },
        route_errors={},
        error_body=lambda code, message, field: {"error": {"code": code, "message": message,
                                                           **({"field": field} if field else {})}},
        authenticate=_authenticate(wallet),
        status_names={State.CREATED: "CREATED", State.AUTHORIZED: "PROCESSING", State.COMPLETED: "COMPLETED",
                      State.CANCELED: "CANCELED", State.EXPIRED: "EXPIRED", State.FAILED: "FAILED",
                      State.PARTIALLY_REFUNDED: "PARTIALLY_REFUNDED", State.REFUNDED: "REFUNDED"},
        new_id=lambda kind, rng: prefix + ("R" if kind == "refund" else "") + str(rng.randrange(10**19, 10**20)),
        default_merchant=lambda sim: Merchant(wallet, f"sim-{wallet}-merchant", api_key=f"sim-{wallet}-key",
                                              secret=f"sim-{wallet}-secret"),
        idempotency={"createQrPayment": Idempotency("payment", lambda b: b["merchantPaymentId"]),
                     "createCodePayment": Idempotency("payment", lambda b: b["merchantPaymentId"]),
                     "createRefund": Idempotency("refund", lambda b: b["merchantRefundId"])},
        notification=_notification(wallet),
        code_of=lambda p: [p.meta["qrContent"]] if "qrContent" in p.meta else [],
        client_signer=sign_request,
    )
