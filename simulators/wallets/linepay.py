"""LINE Pay Online API v3 — modelled on the documented v3 API (notes/wallet-apis.md §2).

**LINE Pay Japan is closed**: code and online payments stopped on 2025-04-23 and the service
ended on 2025-04-30 (balances moved to PayPay); Taiwan and Thailand continue, and LINE has
since moved Online to v4. This module keeps the documented v3 flow for legacy / regional tests:
request → user approves (consumer side) → confirm (→ captured, or authorised when
`options.payment.capture` is false → capture | void) → refund; check-status codes 0000/0110/
0121/0122/0123.

Auth (v3 HMAC): X-LINE-ChannelId, X-LINE-Authorization-Nonce, X-LINE-Authorization =
b64(HMAC-SHA256(channelSecret, channelSecret + apiPath + (body | queryString) + nonce)).
LINE publishes no time or replay window (the nonce may be a UUID or a timestamp); the simulator
refuses a nonce the channel already used in the last 24 hours (1198, "duplicate API call") — a
simulator choice, remembered in the store so a restart does not forget it. Every answer is HTTP 200 with a `returnCode`
(codes starting with 0 are success), as LINE documents; only simulated faults and unknown routes
use other statuses. `transactionId` is a 19-digit JSON *number* above 2^53, as in the real API.
The customer-presented Offline v2 API (oneTimeKey) is not modelled. LINE Pay sends no webhooks.
"""
from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timezone
from typing import Any

from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.http import SimResponse
from qrinterop.simulators.engine.model import PAID_STATES, Merchant, Payment, State
from qrinterop.simulators.engine.signing import check_not_replayed, constant_time_equal, hmac_sha256_b64
from qrinterop.simulators.wallets.base import AuthInput, Ctx, Idempotency, WalletSpec, load_contract

WALLET = "linepay"
NONCE_TTL = 24 * 3600.0         # LINE documents no replay window; the simulator keeps nonces 24 h
REQUEST_TTL = 20 * 60.0          # "0121: cancelled by the user or timed out (20 min)"


def signature(channel_secret: str, path: str, payload: str | bytes, nonce: str) -> str:
    """POST: payload = body bytes; GET: payload = query string without '?'."""
    raw = payload.encode() if isinstance(payload, str) else payload
    return hmac_sha256_b64(channel_secret.encode(), (channel_secret + path).encode() + raw + nonce.encode())


def sign_request(creds: dict[str, str], method: str, path: str, body: bytes = b"", *, nonce: str | None = None) -> dict[str, str]:
    p, _, query = path.partition("?")
    nonce = nonce or str(uuid.uuid4())
    payload: str | bytes = query if method.upper() == "GET" else body
    headers = {"X-LINE-ChannelId": creds["api_key"], "X-LINE-Authorization-Nonce": nonce,
               "X-LINE-Authorization": signature(creds["secret"], p, payload, nonce)}
    if method.upper() != "GET":
        headers["Content-Type"] = "application/json"
    return headers


def authenticate(a: AuthInput) -> Merchant:
    r = a.request
    channel, nonce, sig = r.header("x-line-channelid"), r.header("x-line-authorization-nonce"), r.header("x-line-authorization")
    if not (channel and nonce and sig):
        raise SimError(Kind.MISSING_AUTH, "X-LINE-ChannelId, X-LINE-Authorization-Nonce and X-LINE-Authorization are required")
    merchant = a.by_key(channel)
    if merchant is None:
        raise SimError(Kind.UNKNOWN_MERCHANT, f"channel {channel!r} does not exist")
    payload: str | bytes = r.query if r.method == "GET" else r.body
    if not constant_time_equal(signature(merchant.secret, a.path, payload, nonce), sig) or a.force_mismatch:
        raise SimError(Kind.BAD_SIGNATURE, "X-LINE-Authorization does not match the request")
    # LINE signs no timestamp and publishes no window: a nonce is single-use for NONCE_TTL (a simulator choice)
    check_not_replayed(a.replay, f"{WALLET}:{merchant.merchant_id}", nonce, now=a.wall_now, until=a.wall_now + NONCE_TTL)
    return merchant


def _ok(ctx: Ctx, info: object | None = None, code: str = "0000", message: str = "Success.") -> SimResponse:
    body: dict[str, Any] = {"returnCode": code, "returnMessage": message}
    if info is not None:
        body["info"] = info
    return ctx.json(200, body)


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pay_info(p: Payment) -> list[dict[str, Any]]:
    return [{"method": "BALANCE", "amount": p.amount}]


def request_payment(ctx: Ctx) -> SimResponse:
    b = ctx.body
    total = sum(pkg["amount"] for pkg in b["packages"])
    if total != b["amount"]:
        raise SimError(Kind.AMOUNT_MISMATCH, f"amount {b['amount']} is not the sum of the packages ({total})", field="amount")
    for i, pkg in enumerate(b["packages"]):
        items = sum(prod["quantity"] * prod["price"] for prod in pkg["products"])
        if items != pkg["amount"]:
            raise SimError(Kind.AMOUNT_MISMATCH, f"package amount {pkg['amount']} is not the sum of its products ({items})",
                           field=f"packages.{i}.amount")
    txid = ctx.new_id("payment")
    reserve = uuid.uuid4().hex
    capture = b.get("options", {}).get("payment", {}).get("capture", True)
    meta = {"capture": capture, "confirmed": False, "paymentAccessToken": str(ctx.sim.rng.randrange(10**11, 10**12)),
            "web": f"https://sandbox-web-pay.line.me/web/payment/wait?transactionReserveId={reserve}",
            "app": f"line://pay/payment/{reserve}", "productName": b["packages"][0]["products"][0]["name"]}
    # The engine's `capture=False`: the user's approval stops at AUTHORIZED; LINE always needs confirm.
    p = Payment(WALLET, ctx.merchant.merchant_id, txid, b["orderId"], b["amount"], b["currency"], State.CREATED,
                ctx.now, expires_at=ctx.now + REQUEST_TTL, capture=False, updated_at=ctx.now, meta=meta)
    ctx.create_payment(p)
    return _ok(ctx, {"paymentUrl": {"web": meta["web"], "app": meta["app"]}, "transactionId": int(txid),
                     "paymentAccessToken": meta["paymentAccessToken"]})


def _mark(ctx: Ctx, p: Payment, **meta: object) -> Payment:
    q = dataclasses.replace(p, meta={**p.meta, **meta}, updated_at=ctx.now)
    ctx.uow.put("payment", q.payment_id, q)
    return q


def _check_amount(ctx: Ctx, p: Payment) -> None:
    b = ctx.body
    if b["amount"] != p.amount or b["currency"] != p.currency:
        raise SimError(Kind.AMOUNT_MISMATCH, f"{b['amount']} {b['currency']} differs from the requested "
                                             f"{p.amount} {p.currency}", field="amount")


def confirm_payment(ctx: Ctx) -> SimResponse:
    p = ctx.payment_by_id(ctx.params["transactionId"], field="transactionId")
    _check_amount(ctx, p)
    if p.state is State.CREATED:
        raise SimError(Kind.NOT_PAID, "the user has not completed payment selection")
    if p.meta.get("confirmed") or p.state in PAID_STATES or p.state is State.REFUNDED:
        raise SimError(Kind.ALREADY_CAPTURED, "this transaction was already confirmed")
    if p.state is not State.AUTHORIZED:
        payments.capture(ctx.uow, p, ctx.now)            # raises the closed/expired error
    p = _mark(ctx, p, confirmed=True)
    if p.meta.get("capture", True):
        p = payments.capture(ctx.uow, p, ctx.now)
    info = {"orderId": p.merchant_payment_id, "transactionId": int(p.payment_id), "payInfo": _pay_info(p)}
    return _ok(ctx, info)


def check_status(ctx: Ctx) -> SimResponse:
    p = ctx.payment_by_id(ctx.params["transactionId"], field="transactionId")
    code = ctx.status_name(p)
    return _ok(ctx, None, code, {"0000": "Before authorization.", "0110": "Authorized; confirm may be called.",
                                 "0121": "Cancelled by the user or timed out.", "0122": "Payment failed.",
                                 "0123": "Payment complete."}[code])


def payment_details(ctx: Ctx) -> SimResponse:
    q = ctx.request.query_params()
    found: list[Payment] = []
    if q.get("transactionId"):
        found.append(ctx.payment_by_id(q["transactionId"], field="transactionId"))
    elif q.get("orderId"):
        found.append(ctx.payment(q["orderId"], field="orderId"))
    else:
        raise SimError(Kind.MISSING_FIELD, "transactionId or orderId is required", field="transactionId")
    info = []
    for p in found:
        entry: dict[str, Any] = {"transactionId": int(p.payment_id), "transactionDate": _iso(p.created_at),
                                 "transactionType": "PAYMENT", "productName": p.meta.get("productName", ""),
                                 "currency": p.currency, "orderId": p.merchant_payment_id, "payInfo": _pay_info(p),
                                 "payStatus": ctx.status_name(p)}
        refunds = payments.refunds_of(ctx.uow, p)
        if refunds:
            entry["refundList"] = [{"refundTransactionId": int(r.refund_id), "transactionType":
                                    "PAYMENT_REFUND" if r.amount == p.amount else "PARTIAL_REFUND",
                                    "refundAmount": -r.amount, "refundTransactionDate": _iso(r.created_at)} for r in refunds]
        info.append(entry)
    return _ok(ctx, info)


def capture_payment(ctx: Ctx) -> SimResponse:
    p = ctx.payment_by_id(ctx.params["transactionId"], field="transactionId")
    _check_amount(ctx, p)
    if p.state is State.AUTHORIZED and not p.meta.get("confirmed"):
        raise SimError(Kind.NOT_PAID, "confirm the payment before capturing it")
    p = payments.capture(ctx.uow, p, ctx.now)
    return _ok(ctx, {"orderId": p.merchant_payment_id, "transactionId": int(p.payment_id), "payInfo": _pay_info(p)})


def void_payment(ctx: Ctx) -> SimResponse:
    p = ctx.payment_by_id(ctx.params["transactionId"], field="transactionId")
    if p.state is not State.AUTHORIZED or not p.meta.get("confirmed"):
        if p.state in PAID_STATES:
            raise SimError(Kind.ALREADY_CAPTURED, "a captured payment cannot be voided; refund it")
        payments.cancel(ctx.uow, p, ctx.now)               # raises for closed states
        raise SimError(Kind.NOT_PAID, "only an authorised (confirmed, uncaptured) payment can be voided")
    payments.cancel(ctx.uow, p, ctx.now)
    return _ok(ctx)


def refund_payment(ctx: Ctx) -> SimResponse:
    p = ctx.payment_by_id(ctx.params["transactionId"], field="transactionId")
    amount = (ctx.body or {}).get("refundAmount")
    rid = ctx.new_id("refund")
    _, r = payments.refund(ctx.uow, p, refund_id=rid, merchant_refund_id=rid, amount=amount, now=ctx.now)
    return _ok(ctx, {"refundTransactionId": int(r.refund_id), "refundTransactionDate": _iso(r.created_at)})


def new_id(kind: str, rng: Any) -> str:
    # 19 digits, first digit 2: above 2^53, like real transactionIds (clients must not parse as float)
    return str(rng.randrange(2 * 10**18, 3 * 10**18))


_E = Kind
SPEC = WalletSpec(
    id=WALLET, title="LINE Pay (Online v3; Japan service closed 2025)", contract=load_contract(WALLET), doc=__doc__ or "",
    handlers={"requestPayment": request_payment, "confirmPayment": confirm_payment, "checkPaymentStatus": check_status,
              "getPaymentDetails": payment_details, "capturePayment": capture_payment, "voidPayment": void_payment,
              "refundPayment": refund_payment},
    errors={
        _E.MISSING_AUTH: (200, "1106"), _E.BAD_SIGNATURE: (200, "1106"), _E.STALE_SIGNATURE: (200, "1106"),
        _E.REPLAYED_SIGNATURE: (200, "1198"), _E.UNKNOWN_MERCHANT: (200, "1104"), _E.MERCHANT_SCOPE: (200, "1104"),
        _E.MALFORMED_JSON: (200, "2102"), _E.CONTENT_TYPE: (200, "2102"), _E.BODY_TOO_LARGE: (200, "2101"),
        _E.MISSING_FIELD: (200, "2101"), _E.INVALID_FIELD: (200, "2101"), _E.ROUTE_NOT_FOUND: (404, "2101"),
        _E.PAYMENT_NOT_FOUND: (200, "1150"), _E.REFUND_NOT_FOUND: (200, "1150"),
        _E.IDEMPOTENCY_CONFLICT: (200, "1172"), _E.ILLEGAL_STATE: (200, "1165"), _E.NOT_PAID: (200, "1169"),
        _E.ALREADY_PAID: (200, "1152"), _E.ALREADY_CAPTURED: (200, "1152"), _E.ALREADY_CLOSED: (200, "1165"),
        _E.EXPIRED: (200, "1180"), _E.AMOUNT_MISMATCH: (200, "1153"), _E.REFUND_EXCEEDED: (200, "1164"),
        _E.ALREADY_REFUNDED: (200, "1165"), _E.MULTIPLE_REFUND_REJECTED: (200, "1164"),
        _E.CANCEL_WINDOW_CLOSED: (200, "1163"), _E.USER_CODE_INVALID: (200, "2101"),
        _E.RATE_LIMITED: (429, "9000"), _E.SERVER_ERROR: (500, "9000"), _E.UNAVAILABLE: (503, "9000"),
    },
    route_errors={("requestPayment", _E.AMOUNT_MISMATCH): (200, "1124"),
                  ("refundPayment", _E.NOT_PAID): (200, "1165")},
    error_body=lambda code, message, field: {"returnCode": code, "returnMessage": message + (f" ({field})" if field else "")},
    authenticate=authenticate,
    status_names={State.CREATED: "0000", State.AUTHORIZED: "0110", State.COMPLETED: "0123", State.CANCELED: "0121",
                  State.EXPIRED: "0121", State.FAILED: "0122", State.PARTIALLY_REFUNDED: "0123",
                  State.REFUNDED: "0123"},
    new_id=new_id,
    default_merchant=lambda sim: Merchant(WALLET, "sim-linepay-merchant", api_key="1234567890",
                                          secret="sim-linepay-channel-secret"),
    idempotency={"requestPayment": Idempotency("payment", lambda b: b["orderId"])},
    is_final=lambda r: r.status == 200 and r.body.startswith(b'{"returnCode":"0'),
    code_of=lambda p: [p.meta["web"], p.meta["app"], p.meta["paymentAccessToken"]] if "web" in p.meta else [],
    client_signer=sign_request,
)
