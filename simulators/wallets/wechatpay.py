"""WeChat Pay API v3, Native (merchant-presented QR) — modelled on wechatpay-go and WeChat's docs
(notes/wallet-apis.md §4).

Auth: `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",
serial_no="…",signature="…"`, signature = b64(SHA256withRSA(merchant key, METHOD\\nURL\\n
timestamp\\nnonce\\nbody\\n)) with URL = the path as sent (percent-encoding kept, as wechatpay-go signs
URL.RequestURI()) + ?query. The simulator verifies it with the
merchant's registered public key (serial must match), refuses a timestamp more than 5 minutes
away and a reused nonce (SIGN_ERROR, 401). Every answer is signed by the simulator's platform
key: Wechatpay-Timestamp/-Nonce/-Signature/-Serial over `timestamp\\nnonce\\nbody\\n`.
Notifications (TRANSACTION.SUCCESS, REFUND.SUCCESS) carry the same headers and an
AEAD_AES_256_GCM resource encrypted with the merchant's 32-byte APIv3 key (`secret`).

Paths are the domestic v3 ones wechatpay-go implements (`/v3/pay/transactions/native`, …).
Japanese merchants really connect through an acquirer on `/v3/global/...` (sp_mchid/sub_mchid);
that variant is not modelled. Micropay (customer-presented) is not modelled either (v3
domestic has none). Error codes beyond SIGN_ERROR/PARAM_ERROR/ORDER_NOT_EXIST/ORDERPAID/
ORDER_CLOSED/FREQUENCY_LIMITED/SYSTEM_ERROR are a simulator choice (INVALID_REQUEST).
"""
from __future__ import annotations

import json
import secrets
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.http import SimRequest, SimResponse, dumps
from qrinterop.simulators.engine.model import Merchant, Payment, State, Webhook
from qrinterop.simulators.engine.signing import (aes_gcm_decrypt_b64, aes_gcm_encrypt_b64, check_fresh,
                                                 check_not_replayed, rsa_sign_b64, rsa_verify_b64)
from qrinterop.simulators.wallets.base import AuthInput, Ctx, Idempotency, WalletSpec, load_contract

WALLET = "wechatpay"
SCHEMA = "WECHATPAY2-SHA256-RSA2048"
AUTH_WINDOW = 300.0
ORDER_TTL = 2 * 3600.0           # simulator default when time_expire is absent
PLATFORM_SERIAL = "5157F09EFDC096DE15EBE81A47057A72SIM"
CST = timezone(timedelta(hours=8))


# ---- client side ------------------------------------------------------------------------------------
def request_message(method: str, url: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{method.upper()}\n{url}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"


def authorization(mchid: str, serial_no: str, private_key_pem: str, method: str, url: str, body: bytes = b"", *,
                  timestamp: int | None = None, nonce: str | None = None) -> str:
    ts, nonce = str(timestamp or int(time.time())), nonce or uuid.uuid4().hex.upper()
    sig = rsa_sign_b64(private_key_pem, request_message(method, url, ts, nonce, body))
    return f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce}",timestamp="{ts}",serial_no="{serial_no}",signature="{sig}"'


def sign_request(creds: dict[str, str], method: str, path: str, body: bytes = b"", **kw: Any) -> dict[str, str]:
    headers = {"Authorization": authorization(creds["merchant_id"], creds["key_serial"], creds["private_key_pem"],
                                              method, path, body, **kw), "Accept": "application/json"}
    if body:
        headers["Content-Type"] = "application/json"
    return headers


def response_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


def verify_signed(platform_public_pem: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    """What wechatpay-go's validator does for a response or a notification (5-minute window)."""
    h = {k.lower(): v for k, v in headers.items()}
    ts = h.get("wechatpay-timestamp", "")
    if not ts.isdigit() or abs((now or time.time()) - int(ts)) >= 300:
        return False
    return rsa_verify_b64(platform_public_pem, response_message(ts, h.get("wechatpay-nonce", ""), body),
                          h.get("wechatpay-signature", ""))


def decrypt_resource(apiv3_key: str, resource: dict[str, str]) -> dict[str, Any]:
    plain = aes_gcm_decrypt_b64(apiv3_key.encode(), resource["nonce"].encode(), resource["ciphertext"],
                                resource.get("associated_data", "").encode())
    return json.loads(plain)


# ---- server side ------------------------------------------------------------------------------------
def _parse_authorization(value: str) -> dict[str, str]:
    scheme, _, rest = value.partition(" ")
    if scheme != SCHEMA:
        raise SimError(Kind.BAD_SIGNATURE, f"Authorization scheme must be {SCHEMA}")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        k, _, v = part.strip().partition("=")
        fields[k] = v.strip('"')
    missing = [k for k in ("mchid", "nonce_str", "timestamp", "serial_no", "signature") if not fields.get(k)]
    if missing:
        raise SimError(Kind.BAD_SIGNATURE, f"Authorization lacks {', '.join(missing)}")
    return fields


def authenticate(a: AuthInput) -> Merchant:
    value = a.request.header("authorization")
    if not value:
        raise SimError(Kind.MISSING_AUTH, "Authorization header is missing")
    f = _parse_authorization(value)
    merchant = a.by_id(f["mchid"])
    if merchant is None:
        raise SimError(Kind.UNKNOWN_MERCHANT, f"mchid {f['mchid']} is not registered")
    if f["serial_no"] != merchant.key_serial:
        raise SimError(Kind.BAD_SIGNATURE, f"serial_no {f['serial_no']} is not this merchant's certificate")
    ts = check_fresh(f["timestamp"], a.wall_now, AUTH_WINDOW)
    # wechatpay-go signs URL.RequestURI(): the path as the client sent it, percent-encoding kept
    url = a.request.relative_raw_path() + (f"?{a.request.query}" if a.request.query else "")
    msg = request_message(a.request.method, url, f["timestamp"], f["nonce_str"], a.request.body)
    if a.force_mismatch or not rsa_verify_b64(merchant.public_key_pem, msg, f["signature"]):
        raise SimError(Kind.BAD_SIGNATURE, "signature does not verify with the merchant's public key")
    check_not_replayed(a.replay, f"{WALLET}:{merchant.merchant_id}", f["nonce_str"], now=a.wall_now,
                       until=ts + AUTH_WINDOW)
    return merchant


def _platform_headers(sim: Any, body: bytes, mismatch: bool) -> dict[str, str]:
    ts, nonce = str(int(sim.wall_clock())), secrets.token_hex(16).upper()
    sig = rsa_sign_b64(sim.keypair(f"{WALLET}:platform")[0], response_message(ts, nonce, body))
    if mismatch:
        sig = ("A" if sig[0] != "A" else "B") + sig[1:]
    return {"wechatpay-timestamp": ts, "wechatpay-nonce": nonce, "wechatpay-signature": sig,
            "wechatpay-serial": PLATFORM_SERIAL, "request-id": uuid.uuid4().hex}


def sign_response(sim: Any, merchant: Merchant | None, req: SimRequest, rel: str, resp: SimResponse, mismatch: bool) -> None:
    resp.headers.update(_platform_headers(sim, resp.body, mismatch))


def _rfc3339(t: float) -> str:
    return datetime.fromtimestamp(t, CST).isoformat(timespec="seconds")


def _check_mchid(ctx: Ctx, value: str | None) -> None:
    if value != ctx.merchant.merchant_id:
        raise SimError(Kind.INVALID_FIELD, f"mchid {value!r} differs from the signing merchant", field="mchid")


def _transaction(ctx: Ctx | None, p: Payment, name: str) -> dict[str, Any]:
    t: dict[str, Any] = {"appid": p.meta.get("appid", ""), "mchid": p.merchant_id, "out_trade_no": p.merchant_payment_id,
                         "trade_type": "NATIVE", "trade_state": name, "trade_state_desc": name,
                         "amount": {"total": p.amount, "currency": p.currency}}
    if p.paid_at is not None:
        t.update(transaction_id=p.payment_id, success_time=_rfc3339(p.paid_at), bank_type="OTHERS",
                 payer={"openid": "oSimUser0000000000000000000"},
                 amount={"total": p.amount, "payer_total": p.amount, "currency": p.currency, "payer_currency": p.currency})
    if "attach" in p.meta:
        t["attach"] = p.meta["attach"]
    return t


def native_prepay(ctx: Ctx) -> SimResponse:
    b = ctx.body
    _check_mchid(ctx, b["mchid"])
    expires = ctx.now + ORDER_TTL
    if "time_expire" in b:
        try:
            expires = datetime.fromisoformat(b["time_expire"]).timestamp()
        except ValueError:
            raise SimError(Kind.INVALID_FIELD, "time_expire must be RFC 3339, e.g. 2018-06-08T10:34:56+08:00",
                           field="time_expire") from None
    pr = secrets.token_urlsafe(12)
    meta = {"appid": b["appid"], "description": b["description"], "code_url": f"weixin://wxpay/bizpayurl?pr={pr}"}
    if "attach" in b:
        meta["attach"] = b["attach"]
    p = Payment(WALLET, ctx.merchant.merchant_id, ctx.new_id("payment"), b["out_trade_no"], b["amount"]["total"],
                b["amount"].get("currency", "CNY"), State.CREATED, ctx.now, expires_at=expires, updated_at=ctx.now,
                notify_url=b["notify_url"], meta=meta)
    ctx.create_payment(p)
    return ctx.json(200, {"code_url": meta["code_url"]})


def query_by_out_trade_no(ctx: Ctx) -> SimResponse:
    _check_mchid(ctx, ctx.request.query_params().get("mchid"))
    p = ctx.payment(ctx.params["out_trade_no"], field="out_trade_no")
    return ctx.json(200, _transaction(ctx, p, ctx.status_name(p)))


def query_by_id(ctx: Ctx) -> SimResponse:
    _check_mchid(ctx, ctx.request.query_params().get("mchid"))
    p = ctx.payment_by_id(ctx.params["transaction_id"], field="transaction_id")
    if p.paid_at is None:      # a transaction_id exists only once paid
        raise SimError(Kind.PAYMENT_NOT_FOUND, f"no transaction {ctx.params['transaction_id']}")
    return ctx.json(200, _transaction(ctx, p, ctx.status_name(p)))


def close_order(ctx: Ctx) -> SimResponse:
    _check_mchid(ctx, ctx.body["mchid"])
    p = ctx.payment(ctx.params["out_trade_no"], field="out_trade_no")
    if p.state in (State.COMPLETED, State.PARTIALLY_REFUNDED, State.REFUNDED):
        raise SimError(Kind.ALREADY_PAID, "the order is paid; refund it instead")
    if p.state not in (State.CANCELED, State.EXPIRED):   # closing a closed order is accepted again
        payments.cancel(ctx.uow, p, ctx.now)
    return SimResponse(204, b"", {})


def _refund_view(r: payments.Refund, p: Payment) -> dict[str, Any]:
    return {"refund_id": r.refund_id, "out_refund_no": r.merchant_refund_id, "transaction_id": p.payment_id,
            "out_trade_no": p.merchant_payment_id, "channel": "ORIGINAL", "user_received_account": "支付用户零钱",
            "create_time": _rfc3339(r.created_at), "success_time": _rfc3339(r.created_at), "status": "SUCCESS",
            "amount": {"total": p.amount, "refund": r.amount, "payer_total": p.amount, "payer_refund": r.amount,
                       "currency": r.currency}}


def create_refund(ctx: Ctx) -> SimResponse:
    b = ctx.body
    if "transaction_id" in b:
        p = ctx.payment_by_id(b["transaction_id"], field="transaction_id")
    elif "out_trade_no" in b:
        p = ctx.payment(b["out_trade_no"], field="out_trade_no")
    else:
        raise SimError(Kind.MISSING_FIELD, "transaction_id or out_trade_no is required", field="transaction_id")
    if b["amount"]["total"] != p.amount:
        raise SimError(Kind.AMOUNT_MISMATCH, f"amount.total {b['amount']['total']} is not the order total {p.amount}",
                       field="amount.total")
    _, r = payments.refund(ctx.uow, p, refund_id=ctx.new_id("refund"), merchant_refund_id=b["out_refund_no"],
                           amount=b["amount"]["refund"], now=ctx.now, reason=b.get("reason", ""))
    return ctx.json(200, _refund_view(r, p))


def query_refund(ctx: Ctx) -> SimResponse:
    r = ctx.refund_by_ref(ctx.params["out_refund_no"], field="out_refund_no")
    p = ctx.payment_by_id(r.payment_id)
    return ctx.json(200, _refund_view(r, p))


def notification(sim: Any, m: Merchant, p: Payment, event: str) -> Webhook | None:
    if p.state is State.COMPLETED:
        event_type, summary, original = "TRANSACTION.SUCCESS", "支付成功", "transaction"
        plain = _transaction(None, p, "SUCCESS")
    elif p.state in (State.REFUNDED, State.PARTIALLY_REFUNDED):
        event_type, summary, original = "REFUND.SUCCESS", "退款成功", "refund"
        plain = {"mchid": p.merchant_id, "out_trade_no": p.merchant_payment_id, "transaction_id": p.payment_id,
                 "refund_status": "SUCCESS", "amount": {"total": p.amount, "refund": p.refunded}}
    else:
        return None
    url = p.notify_url or m.notify_url
    if not url:
        return None
    nonce = secrets.token_urlsafe(9)[:12]
    resource = {"algorithm": "AEAD_AES_256_GCM", "original_type": original, "associated_data": original,
                "nonce": nonce, "ciphertext": aes_gcm_encrypt_b64(m.secret.encode(), nonce.encode(),
                                                                   dumps(plain), original.encode())}
    now = sim.clock.now()
    wid = str(uuid.uuid4())
    body = dumps({"id": wid, "create_time": _rfc3339(now), "resource_type": "encrypt-resource",
                  "event_type": event_type, "summary": summary, "resource": resource})
    headers = {"content-type": "application/json", **_platform_headers(sim, body, False)}
    return Webhook(wid, WALLET, url, body, tuple(headers.items()), now, now)


def new_id(kind: str, rng: Any) -> str:
    prefix = "4200" if kind == "payment" else "5030"
    return prefix + str(rng.randrange(10**23, 10**24))


def default_merchant(sim: Any) -> Merchant:
    _, public = sim.keypair(f"{WALLET}:client:1900000001")
    sim.keypair(f"{WALLET}:platform")
    return Merchant(WALLET, "1900000001", api_key="1900000001", secret="simAPIv3Key0000simAPIv3Key000000",
                    public_key_pem=public, key_serial="SIM0000000000000000000000000000000000001")


_E = Kind
SPEC = WalletSpec(
    id=WALLET, title="WeChat Pay API v3 (Native)", contract=load_contract(WALLET), doc=__doc__ or "",
    handlers={"nativePrepay": native_prepay, "queryOrderByOutTradeNo": query_by_out_trade_no,
              "queryOrderById": query_by_id, "closeOrder": close_order, "createRefund": create_refund,
              "queryRefund": query_refund},
    errors={
        _E.MISSING_AUTH: (401, "SIGN_ERROR"), _E.BAD_SIGNATURE: (401, "SIGN_ERROR"), _E.STALE_SIGNATURE: (401, "SIGN_ERROR"),
        _E.REPLAYED_SIGNATURE: (401, "SIGN_ERROR"), _E.UNKNOWN_MERCHANT: (401, "SIGN_ERROR"),
        _E.MERCHANT_SCOPE: (401, "SIGN_ERROR"), _E.MALFORMED_JSON: (400, "PARAM_ERROR"),
        _E.CONTENT_TYPE: (400, "PARAM_ERROR"), _E.BODY_TOO_LARGE: (400, "PARAM_ERROR"),
        _E.MISSING_FIELD: (400, "PARAM_ERROR"), _E.INVALID_FIELD: (400, "PARAM_ERROR"),
        _E.ROUTE_NOT_FOUND: (404, "RESOURCE_NOT_EXISTS"), _E.PAYMENT_NOT_FOUND: (404, "ORDER_NOT_EXIST"),
        _E.REFUND_NOT_FOUND: (404, "RESOURCE_NOT_EXISTS"), _E.IDEMPOTENCY_CONFLICT: (400, "INVALID_REQUEST"),
        _E.ILLEGAL_STATE: (400, "INVALID_REQUEST"), _E.NOT_PAID: (400, "INVALID_REQUEST"),
        _E.ALREADY_PAID: (400, "ORDERPAID"), _E.ALREADY_CAPTURED: (400, "ORDERPAID"),
        _E.ALREADY_CLOSED: (400, "ORDER_CLOSED"), _E.EXPIRED: (400, "ORDER_CLOSED"),
        _E.AMOUNT_MISMATCH: (400, "PARAM_ERROR"), _E.REFUND_EXCEEDED: (400, "INVALID_REQUEST"),
        _E.ALREADY_REFUNDED: (400, "INVALID_REQUEST"), _E.MULTIPLE_REFUND_REJECTED: (400, "INVALID_REQUEST"),
        _E.CANCEL_WINDOW_CLOSED: (400, "INVALID_REQUEST"), _E.USER_CODE_INVALID: (400, "PARAM_ERROR"),
        _E.RATE_LIMITED: (429, "FREQUENCY_LIMITED"), _E.SERVER_ERROR: (500, "SYSTEM_ERROR"),
        _E.UNAVAILABLE: (503, "SYSTEM_ERROR"),
    },
    route_errors={},
    error_body=lambda code, message, field: {"code": code, "message": message,
                                             **({"detail": {"field": field, "location": "body"}} if field else {})},
    authenticate=authenticate,
    status_names={State.CREATED: "NOTPAY", State.AUTHORIZED: "USERPAYING", State.COMPLETED: "SUCCESS",
                  State.CANCELED: "CLOSED", State.EXPIRED: "CLOSED", State.FAILED: "PAYERROR",
                  State.PARTIALLY_REFUNDED: "REFUND", State.REFUNDED: "REFUND"},
    new_id=new_id, default_merchant=default_merchant,
    idempotency={"nativePrepay": Idempotency("payment", lambda b: b["out_trade_no"]),
                 "createRefund": Idempotency("refund", lambda b: b["out_refund_no"])},
    notification=notification, sign_response=sign_response,
    code_of=lambda p: [p.meta["code_url"]] if "code_url" in p.meta else [],
    client_signer=sign_request,
)
