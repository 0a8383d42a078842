"""PayPay Open Payment API (OPA), Dynamic QR flow — modelled on PayPay's published OpenAPI and SDKs.

Sources (notes/wallet-apis.md §1): routes and api_names from the official Node/Python SDKs,
statuses, errors, 201/202 codes from PayPay's OpenAPI copy, the `hmac OPA-Auth` header from the
authorization page. Auth: Authorization `hmac OPA-Auth:{apiKey}:{mac}:{nonce}:{epoch}:{bodyHash}`
with bodyHash = b64(MD5(contentType || body)) ("empty" without a body) and mac =
b64(HMAC-SHA256(apiSecret, path\\nMETHOD\\nnonce\\nepoch\\ncontentType\\nbodyHash)); epoch within
2 minutes of server time. The content type hashed is the request's exact Content-Type; the two
variants the sources disagree on (`application/json;charset=UTF-8;` and `application/json`) are
accepted too, as the notes suggest. A replayed MAC is refused with 401 UNAUTHORIZED (PayPay does
not document replay handling; the sim refuses it).

Simulator choices, not PayPay facts: a code expires 300 s after creation; a partially refunded
payment still reads COMPLETED; webhooks are unsigned, as PayPay documents (IP allow-listing).
"""
from __future__ import annotations

import base64
import hashlib
import string
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.http import SimResponse, dumps
from qrinterop.simulators.engine.model import PAID_STATES, Merchant, Payment, State, Webhook
from qrinterop.simulators.engine.signing import (check_fresh, check_not_replayed, constant_time_equal,
                                                 hmac_sha256_b64)
from qrinterop.simulators.wallets.base import AuthInput, Ctx, Idempotency, WalletSpec, load_contract

WALLET = "paypay"
AUTH_WINDOW = 120.0
CODE_TTL = 300.0
CONTENT_TYPE_VARIANTS = ("application/json;charset=UTF-8;", "application/json;charset=UTF-8", "application/json")
JST = timezone(timedelta(hours=9))


# ---- client side (and the server's recomputation) ------------------------------------------------
def opa_body_hash(content_type: str, body: bytes) -> str:
    return base64.b64encode(hashlib.md5(content_type.encode() + body).digest()).decode()


def opa_mac(secret: str, path: str, method: str, nonce: str, epoch: str, content_type: str, body_hash: str) -> str:
    to_sign = "\n".join([path, method.upper(), nonce, epoch, content_type, body_hash])
    return hmac_sha256_b64(secret.encode(), to_sign.encode())


def opa_auth_header(api_key: str, secret: str, path: str, method: str, nonce: str, epoch: int | str,
                    content_type: str | None = None, body: bytes | None = None) -> str:
    """The Authorization value the PayPay SDKs send. `path` has no host and no query string."""
    if not body:
        content_type, body_hash = "empty", "empty"
    else:
        assert content_type is not None, "a body needs its content type"
        body_hash = opa_body_hash(content_type, body)
    mac = opa_mac(secret, path, method, nonce, str(epoch), content_type, body_hash)
    return f"hmac OPA-Auth:{api_key}:{mac}:{nonce}:{epoch}:{body_hash}"


def sign_request(creds: dict[str, str], method: str, path: str, body: bytes = b"",
                 content_type: str = "application/json;charset=UTF-8", *, epoch: int | None = None) -> dict[str, str]:
    """Headers for a signed PayPay request (wallet-relative `path`, as the SDKs sign it)."""
    headers = {"Authorization": opa_auth_header(creds["api_key"], creds["secret"], path.split("?")[0], method,
                                                uuid.uuid4().hex[:8], epoch or int(time.time()),
                                                content_type if body else None, body or None),
               "X-ASSUME-MERCHANT": creds["merchant_id"]}
    if body:
        headers["Content-Type"] = content_type
    return headers


def authenticate(a: AuthInput) -> Merchant:
    value = a.request.header("authorization")
    if not value:
        raise SimError(Kind.MISSING_AUTH, "Authorization header is missing")
    parts = value.split(":")
    if len(parts) != 6 or parts[0] != "hmac OPA-Auth":
        raise SimError(Kind.BAD_SIGNATURE, "Authorization must be 'hmac OPA-Auth:{apiKey}:{mac}:{nonce}:{epoch}:{hash}'")
    _, api_key, mac, nonce, epoch, _sent_hash = parts
    merchant = a.by_key(api_key)
    if merchant is None:
        raise SimError(Kind.UNKNOWN_MERCHANT, "unknown API key")
    ts = check_fresh(epoch, a.wall_now, AUTH_WINDOW, what="epoch")
    body = a.request.body
    # The sent Content-Type first; the documented variants only if that fails (lazily: each is an MD5+HMAC).
    types = dict.fromkeys((a.request.header("content-type"), *CONTENT_TYPE_VARIANTS)) if body else {"empty": None}
    ok = any(constant_time_equal(mac, opa_mac(merchant.secret, a.path, a.request.method, nonce, epoch, t,
                                              opa_body_hash(t, body) if body else "empty"))
             for t in types)
    if not ok or a.force_mismatch:
        raise SimError(Kind.BAD_SIGNATURE, "HMAC does not match the request")
    # keyed by the MAC, not the nonce: the SDK's 8-hex-character nonce may repeat between honest requests
    check_not_replayed(a.replay, f"{WALLET}:{merchant.merchant_id}", mac, now=a.wall_now, until=ts + AUTH_WINDOW)
    assumed = a.request.query_params().get("assumeMerchant") or a.request.header("x-assume-merchant")
    if assumed and assumed != merchant.merchant_id:       # the query wins over the header (PP-OAS)
        raise SimError(Kind.MERCHANT_SCOPE, f"this API key may not act for merchant {assumed!r}")
    return merchant


# ---- responses ----------------------------------------------------------------------------------
def _ok(ctx: Ctx, status: int, data: object) -> SimResponse:
    return ctx.json(status, {"resultInfo": {"code": "SUCCESS", "message": "Success", "codeId": "08100001"},
                             "data": data})


def _money(amount: int, currency: str = "JPY") -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def _code_url(code_id: str) -> str:
    return f"https://qr.paypay.ne.jp/sim/{code_id}"


def _deeplink(code_id: str) -> str:
    # The real link_key is an opaque token; here it is the code id in hex, so that a scanned
    # deeplink leads back to its code without a second index entry per payment.
    return f"paypay://payment?link_key={code_id.encode().hex()}"


def code_id_for(payment_id: str) -> str:
    """The QR code id of a payment: `04-` + its paymentId in base 36. Derived, so that 100,000
    payments need no code index and no stored code (memory, see docs/performance.md)."""
    n, chars = int(payment_id), []
    while n:
        n, d = divmod(n, 36)
        chars.append(_ALPHABET[d])
    return "04-" + "".join(reversed(chars)).rjust(16, "0")


def _code_from_scan(content: str) -> str:
    """Scanned content (code id, QR URL or deeplink) -> the payment id it stands for."""
    if content.startswith(_code_url("")):
        content = content[len(_code_url("")):]
    elif "link_key=" in content:
        try:
            content = bytes.fromhex(content.split("link_key=", 1)[1]).decode()
        except (ValueError, UnicodeDecodeError):
            return content
    if content.startswith("04-") and content[3:].isalnum():
        return str(int(content[3:], 36))
    return content


def _code_data(p: Payment) -> dict[str, Any]:
    m = p.meta
    code_id = code_id_for(p.payment_id)
    data = {"codeId": code_id, "url": _code_url(code_id), "deeplink": _deeplink(code_id),
            "expiryDate": int(p.expires_at or 0),
            "merchantPaymentId": p.merchant_payment_id, "amount": _money(p.amount, p.currency),
            "codeType": "ORDER_QR", "requestedAt": m.get("requestedAt", int(p.created_at)),
            "isAuthorization": not p.capture}
    for k in ("orderDescription", "storeId", "storeInfo", "terminalId", "redirectUrl", "redirectType",
              "authorizationExpiry"):
        if k in m:
            data[k] = m[k]
    return data


def _payment_data(ctx: Ctx, p: Payment) -> dict[str, Any]:
    data: dict[str, Any] = {"paymentId": p.payment_id, "status": ctx.status_name(p),
                            "merchantPaymentId": p.merchant_payment_id, "amount": _money(p.amount, p.currency),
                            "requestedAt": p.meta.get("requestedAt", int(p.created_at))}
    if p.paid_at is not None:
        data["acceptedAt"] = int(p.paid_at)
    if p.state in (State.CREATED, State.AUTHORIZED) and p.expires_at is not None:
        data["expiresAt"] = int(p.expires_at)
    for k in ("storeId", "terminalId", "orderDescription"):
        if k in p.meta:
            data[k] = p.meta[k]
    refunds = payments.refunds_of(ctx.uow, p)
    if refunds:
        data["refunds"] = {"data": [_refund_data(r, "REFUNDED") for r in refunds]}
    if p.state in PAID_STATES or p.state is State.REFUNDED:
        data["paymentMethods"] = [{"amount": _money(p.amount, p.currency), "type": "WALLET"}]
    return data


def _refund_data(r: payments.Refund, status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "acceptedAt": int(r.created_at), "merchantRefundId": r.merchant_refund_id,
                            "paymentId": r.payment_id, "amount": _money(r.amount, r.currency),
                            "requestedAt": int(r.created_at)}
    if r.reason:
        data["reason"] = r.reason
    return data


# ---- handlers (operationId → function) -------------------------------------------------------------
def create_qr_code(ctx: Ctx) -> SimResponse:
    b = ctx.body
    meta = {k: b[k] for k in ("orderDescription", "storeId", "storeInfo", "terminalId", "redirectUrl",
                              "redirectType", "authorizationExpiry", "requestedAt") if k in b}
    p = Payment(WALLET, ctx.merchant.merchant_id, ctx.new_id("payment"), b["merchantPaymentId"],
                b["amount"]["amount"], b["amount"]["currency"], State.CREATED, ctx.now,
                expires_at=ctx.now + CODE_TTL, capture=not b.get("isAuthorization", False), updated_at=ctx.now,
                notify_url=ctx.merchant.notify_url, meta=meta)
    ctx.create_payment(p)
    return _ok(ctx, 201, _code_data(p))


def delete_qr_code(ctx: Ctx) -> SimResponse:
    p = ctx.payment_by_code(ctx.params["codeId"], field="codeId")
    if p.state is State.CREATED:
        payments.cancel(ctx.uow, p, ctx.now)
    return _ok(ctx, 200, None)


def get_code_payment_details(ctx: Ctx) -> SimResponse:
    return _ok(ctx, 200, _payment_data(ctx, ctx.payment(ctx.params["merchantPaymentId"])))


def get_payment_details(ctx: Ctx) -> SimResponse:
    return get_code_payment_details(ctx)


def cancel_payment(ctx: Ctx) -> SimResponse:
    p = ctx.payment(ctx.params["merchantPaymentId"])
    if p.state in (State.COMPLETED, State.AUTHORIZED):
        # Cancel is allowed until 00:14:59 JST the day after the transaction (PP-OAS).
        day = datetime.fromtimestamp(p.paid_at or p.created_at, JST).date() + timedelta(days=1)
        deadline = datetime(day.year, day.month, day.day, 0, 14, 59, tzinfo=JST).timestamp()
        if ctx.now > deadline:
            raise SimError(Kind.CANCEL_WINDOW_CLOSED, "the cancel window (00:14:59 JST next day) has passed; refund instead")
        payments.cancel(ctx.uow, p, ctx.now, State.FAILED)     # PayPay: COMPLETED --cancel--> FAILED
    else:
        payments.cancel(ctx.uow, p, ctx.now, State.CANCELED)
    return _ok(ctx, 202, None)


def capture_payment(ctx: Ctx) -> SimResponse:
    b = ctx.body
    p = ctx.payment(b["merchantPaymentId"], field="merchantPaymentId")
    q = payments.capture(ctx.uow, p, ctx.now, b["amount"]["amount"])
    return _ok(ctx, 200, _payment_data(ctx, q))


def revert_authorization(ctx: Ctx) -> SimResponse:
    b = ctx.body
    p = ctx.payment_by_id(b["paymentId"], field="paymentId")
    if p.state is not State.AUTHORIZED:
        raise SimError(Kind.ILLEGAL_STATE, f"only an AUTHORIZED payment can be reverted; it is {p.state.value}")
    q = payments.cancel(ctx.uow, p, ctx.now)
    return _ok(ctx, 200, {"status": ctx.status_name(q), "acceptedAt": int(ctx.now), "paymentId": q.payment_id,
                          "requestedAt": b.get("requestedAt", int(ctx.now))})


def refund_payment(ctx: Ctx) -> SimResponse:
    b = ctx.body
    p = ctx.payment_by_id(b["paymentId"], field="paymentId")
    if b["amount"]["currency"] != p.currency:
        raise SimError(Kind.INVALID_FIELD, f"currency {b['amount']['currency']} differs from the payment's", field="amount.currency")
    _, r = payments.refund(ctx.uow, p, refund_id=ctx.new_id("refund"), merchant_refund_id=b["merchantRefundId"],
                           amount=b["amount"]["amount"], now=ctx.now, reason=b.get("reason", ""),
                           allow_multiple=ctx.merchant.multiple_refunds)
    return _ok(ctx, 201, _refund_data(r, "CREATED"))          # refunds are asynchronous (PP-OAS)


def get_refund_details(ctx: Ctx) -> SimResponse:
    return _ok(ctx, 200, _refund_data(ctx.refund_by_ref(ctx.params["merchantRefundId"]), "REFUNDED"))


# ---- webhook -----------------------------------------------------------------------------------------
_NOTIFIED = {State.AUTHORIZED, State.COMPLETED, State.CANCELED, State.EXPIRED, State.FAILED}


def notification(sim: Any, m: Merchant, p: Payment, event: str) -> Webhook | None:
    url = p.notify_url or m.notify_url
    if p.state not in _NOTIFIED or not url:
        return None

    def iso(t: float | None) -> str | None:
        return None if t is None else datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    body = dumps({"notification_type": "Transaction", "merchant_id": m.merchant_id,
                  "store_id": p.meta.get("storeId", ""), "pos_id": p.meta.get("terminalId", ""),
                  "order_id": p.payment_id, "merchant_order_id": p.merchant_payment_id,
                  "authorized_at": iso(p.updated_at), "expires_at": iso(p.expires_at), "paid_at": iso(p.paid_at),
                  "order_amount": str(p.amount), "state": p.state.value})
    now = sim.clock.now()
    return Webhook(uuid.uuid4().hex, WALLET, url, body, (("content-type", "application/json"),), now, now)


_ALPHABET = string.digits + string.ascii_uppercase


def new_id(kind: str, rng: Any) -> str:
    return str(rng.randrange(10**17, 10**18))


def default_merchant(sim: Any) -> Merchant:
    return Merchant(WALLET, "sim-paypay-merchant", api_key="sim-paypay-key", secret="sim-paypay-secret")


_E = Kind
SPEC = WalletSpec(
    id=WALLET, title="PayPay (OPA, Dynamic QR)", contract=load_contract(WALLET),
    handlers={"createQRCode": create_qr_code, "deleteQRCode": delete_qr_code,
              "getCodePaymentDetails": get_code_payment_details, "getPaymentDetails": get_payment_details,
              "cancelPayment": cancel_payment, "capturePayment": capture_payment,
              "revertAuthorization": revert_authorization, "refundPayment": refund_payment,
              "getRefundDetails": get_refund_details},
    errors={
        _E.MISSING_AUTH: (401, "UNAUTHORIZED"), _E.BAD_SIGNATURE: (401, "UNAUTHORIZED"),
        _E.STALE_SIGNATURE: (401, "UNAUTHORIZED"), _E.REPLAYED_SIGNATURE: (401, "UNAUTHORIZED"),
        _E.UNKNOWN_MERCHANT: (401, "UNAUTHORIZED"), _E.MERCHANT_SCOPE: (401, "OP_OUT_OF_SCOPE"),
        _E.MALFORMED_JSON: (400, "INVALID_REQUEST_PARAMS"), _E.CONTENT_TYPE: (400, "INVALID_REQUEST_PARAMS"),
        _E.BODY_TOO_LARGE: (400, "INVALID_REQUEST_PARAMS"), _E.MISSING_FIELD: (400, "MISSING_REQUEST_PARAMS"),
        _E.INVALID_FIELD: (400, "INVALID_PARAMS"), _E.ROUTE_NOT_FOUND: (404, "RESOURCE_NOT_FOUND"),
        _E.PAYMENT_NOT_FOUND: (404, "RESOURCE_NOT_FOUND"), _E.REFUND_NOT_FOUND: (404, "NO_SUCH_REFUND_ORDER"),
        _E.IDEMPOTENCY_CONFLICT: (400, "DUPLICATE_DYNAMIC_QR_REQUEST"), _E.ILLEGAL_STATE: (400, "ORDER_NOT_REVERSIBLE"),
        _E.NOT_PAID: (400, "ORDER_NOT_REVERSIBLE"), _E.ALREADY_PAID: (400, "ORDER_NOT_REVERSIBLE"),
        _E.ALREADY_CAPTURED: (400, "ALREADY_CAPTURED"), _E.ALREADY_CLOSED: (400, "ORDER_NO_LONGER_AVAILABLE"),
        _E.EXPIRED: (400, "ORDER_EXPIRED"), _E.AMOUNT_MISMATCH: (400, "INVALID_PARAMS"),
        _E.REFUND_EXCEEDED: (400, "REFUND_LIMIT_EXCEEDED"), _E.ALREADY_REFUNDED: (400, "REFUND_LIMIT_EXCEEDED"),
        _E.MULTIPLE_REFUND_REJECTED: (400, "MERCHANT_MULTIPLE_REFUND_REJECTED"),
        _E.CANCEL_WINDOW_CLOSED: (400, "ORDER_NOT_REVERSIBLE"), _E.USER_CODE_INVALID: (400, "INVALID_PARAMS"),
        _E.RATE_LIMITED: (429, "RATE_LIMIT"), _E.SERVER_ERROR: (500, "INTERNAL_SERVER_ERROR"),
        _E.UNAVAILABLE: (503, "MAINTENANCE_MODE"),
    },
    route_errors={
        ("getCodePaymentDetails", _E.PAYMENT_NOT_FOUND): (400, "DYNAMIC_QR_PAYMENT_NOT_FOUND"),
        ("deleteQRCode", _E.PAYMENT_NOT_FOUND): (404, "DYNAMIC_QR_NOT_FOUND"),
        ("cancelPayment", _E.ALREADY_REFUNDED): (400, "ORDER_NOT_REVERSIBLE"),
        ("capturePayment", _E.ALREADY_REFUNDED): (400, "ORDER_NOT_REVERSIBLE"),
        ("refundPayment", _E.IDEMPOTENCY_CONFLICT): (400, "INVALID_PARAMS"),
        ("capturePayment", _E.IDEMPOTENCY_CONFLICT): (400, "INVALID_PARAMS"),
    },
    error_body=lambda code, message, field: {"resultInfo": {"code": code, "message": message + (f" ({field})" if field else ""),
                                                            "codeId": "08100099"}, "data": None},
    authenticate=authenticate,
    status_names={State.CREATED: "CREATED", State.AUTHORIZED: "AUTHORIZED", State.COMPLETED: "COMPLETED",
                  State.CANCELED: "CANCELED", State.EXPIRED: "EXPIRED", State.FAILED: "FAILED",
                  State.PARTIALLY_REFUNDED: "COMPLETED", State.REFUNDED: "REFUNDED"},
    new_id=new_id, default_merchant=default_merchant,
    idempotency={"createQRCode": Idempotency("payment", lambda b: b["merchantPaymentId"]),
                 "refundPayment": Idempotency("refund", lambda b: b["merchantRefundId"]),
                 "capturePayment": Idempotency("capture", lambda b: b["merchantCaptureId"])},
    notification=notification,
    # index the code id only; a scanned URL or deeplink is reduced to it
    code_of=lambda p: [code_id_for(p.payment_id)], index_codes=False, normalize_code=_code_from_scan,
    client_signer=sign_request,
)
