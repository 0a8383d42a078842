"""Alipay+ / Antom (AMS) in-store payments — modelled on Antom's docs and global-open-sdk-python
(notes/wallet-apis.md §3).

Auth (RSA256): headers `client-id`, `request-time`, `Signature: algorithm=RSA256,keyVersion=1,
signature=<urlencoded b64>`, the signature covering `"POST <uri>\\n<client-id>.<request-time>.<body>"`
(SHA256withRSA, merchant private key). `request-time` may be epoch milliseconds (the docs) or
ISO-8601 (the Python SDK); it is signed verbatim. Antom publishes no freshness window: the
simulator refuses a request-time more than 5 minutes from its clock (a simulator choice). There is
no nonce, so an identical signed request sent again is *not* refused: it is an idempotent retry,
answered from the stored result (paymentRequestId / refundRequestId), as Antom does.
Responses and notifications are signed by the simulator's Antom key the same way
(`response-time` / `request-time`). Every business answer is HTTP 200 with
`result{resultCode, resultStatus S|F|U, resultMessage}`.

In-store scenarios: ORDERCODE (merchant-presented: answers U PAYMENT_IN_PROCESS with an
orderCodeForm the user scans) and PAYMENTCODE (customer-presented: `paymentMethodId` is the
user's code; 16–24 digits; one starting with 99 is refused as expired — a simulator magic value).
ENTRYCODE is not modelled. Error names other than SUCCESS/PAYMENT_IN_PROCESS/UNKNOWN_EXCEPTION
come from third-party summaries (the notes say: verify): PARAM_ILLEGAL, INVALID_SIGNATURE,
KEY_NOT_FOUND, ACCESS_DENIED, ORDER_NOT_EXIST, REFUND_AMOUNT_EXCEED, REPEAT_REQ_INCONSISTENT;
ORDER_STATUS_INVALID, ORDER_IS_CLOSED, NO_INTERFACE_DEF, REQUEST_TRAFFIC_EXCEED_LIMIT,
INVALID_PAYMENT_CODE are the simulator's guesses.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from qrinterop.simulators.engine import payments
from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.http import SimRequest, SimResponse, dumps
from qrinterop.simulators.engine.model import Merchant, Payment, State, Webhook
from qrinterop.simulators.engine.signing import check_fresh, rsa_sign_b64, rsa_verify_b64
from qrinterop.simulators.wallets.base import AuthInput, Ctx, Idempotency, WalletSpec, load_contract

WALLET = "alipayplus"
AUTH_WINDOW = 300.0
ORDER_TTL = 15 * 60.0
JST = timezone(timedelta(hours=9))


# ---- client side ------------------------------------------------------------------------------------
def content_to_sign(method: str, uri: str, client_id: str, time_value: str, body: bytes) -> bytes:
    return f"{method.upper()} {uri}\n{client_id}.{time_value}.".encode() + body


def signature_header(private_key_pem: str, method: str, uri: str, client_id: str, time_value: str, body: bytes,
                     key_version: str = "1") -> str:
    sig = rsa_sign_b64(private_key_pem, content_to_sign(method, uri, client_id, time_value, body))
    return f"algorithm=RSA256,keyVersion={key_version},signature={quote(sig, safe='')}"


def signature_value(header: str) -> str:
    """The b64 signature from a Signature header, as AN-PY's webhook_tool does (split + unquote)."""
    return unquote(header.split("signature=", 1)[1]) if "signature=" in header else ""


def sign_request(creds: dict[str, str], method: str, path: str, body: bytes = b"", *,
                 request_time: str | None = None) -> dict[str, str]:
    t = request_time or str(int(time.time() * 1000))
    return {"Content-Type": "application/json; charset=UTF-8", "client-id": creds["api_key"], "request-time": t,
            "Signature": signature_header(creds["private_key_pem"], method, path, creds["api_key"], t, body)}


def verify_signed(antom_public_pem: str, method: str, uri: str, headers: dict[str, str], body: bytes) -> bool:
    """Verify a response (response-time) or a notification (request-time) from the simulator."""
    h = {k.lower(): v for k, v in headers.items()}
    t = h.get("response-time") or h.get("request-time", "")
    return rsa_verify_b64(antom_public_pem, content_to_sign(method, uri, h.get("client-id", ""), t, body),
                          signature_value(h.get("signature", "")))


# ---- server side ------------------------------------------------------------------------------------
def _epoch(value: str) -> str:
    """request-time as epoch seconds (text) for the freshness check; ms or ISO-8601 accepted."""
    if value.isdigit():
        n = int(value)
        return str(n / 1000 if n > 10**11 else n)
    try:
        return str(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise SimError(Kind.BAD_SIGNATURE, f"request-time {value!r} is neither epoch milliseconds nor ISO-8601") from None


def authenticate(a: AuthInput) -> Merchant:
    r = a.request
    client_id, req_time, sig_header = r.header("client-id"), r.header("request-time"), r.header("signature")
    if not (client_id and req_time and sig_header):
        raise SimError(Kind.MISSING_AUTH, "client-id, request-time and Signature headers are required")
    merchant = a.by_key(client_id)
    if merchant is None:
        raise SimError(Kind.UNKNOWN_MERCHANT, f"no key registered for client-id {client_id!r}")
    fields = dict(p.split("=", 1) for p in sig_header.split(",") if "=" in p)
    if fields.get("algorithm") != "RSA256" or "signature" not in fields:
        raise SimError(Kind.BAD_SIGNATURE, "Signature must be 'algorithm=RSA256,keyVersion=1,signature=…'")
    check_fresh(_epoch(req_time), a.wall_now, AUTH_WINDOW, what="request-time")
    uri = a.path + (f"?{r.query}" if r.query else "")
    if a.force_mismatch or not rsa_verify_b64(merchant.public_key_pem,
                                              content_to_sign(r.method, uri, client_id, req_time, r.body),
                                              unquote(fields["signature"])):
        raise SimError(Kind.BAD_SIGNATURE, "signature does not verify with the merchant's public key")
    return merchant


def sign_response(sim: Any, merchant: Merchant | None, req: SimRequest, rel: str, resp: SimResponse, mismatch: bool) -> None:
    client_id = merchant.api_key if merchant else req.header("client-id")
    t = datetime.fromtimestamp(sim.wall_clock(), JST).isoformat(timespec="seconds")
    uri = rel + (f"?{req.query}" if req.query else "")
    header = signature_header(sim.keypair(f"{WALLET}:platform")[0], req.method, uri, client_id, t, resp.body)
    if mismatch:
        header = header.replace("signature=", "signature=AA", 1)
    resp.headers.update({"client-id": client_id, "response-time": t, "signature": header})


def _result(code: str = "SUCCESS", status: str = "S", message: str = "success") -> dict[str, str]:
    return {"resultCode": code, "resultStatus": status, "resultMessage": message}


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, JST).isoformat(timespec="seconds")


def _amount(p: Payment, value: int | None = None) -> dict[str, str]:
    return {"currency": p.currency, "value": str(p.amount if value is None else value)}


def _int_value(money: dict[str, str], field: str) -> int:
    if not money["value"].isdigit():
        raise SimError(Kind.INVALID_FIELD, "value must be a string of digits (minor units)", field=field)
    return int(money["value"])


def pay(ctx: Ctx) -> SimResponse:
    b = ctx.body
    scenario = b["paymentFactor"]["inStorePaymentScenario"]
    amount = _int_value(b["paymentAmount"], "paymentAmount.value")
    if scenario == "ENTRYCODE":
        raise SimError(Kind.INVALID_FIELD, "ENTRYCODE is not modelled by the simulator", field="paymentFactor.inStorePaymentScenario")
    user_code = b["paymentMethod"].get("paymentMethodId", "")
    if scenario == "PAYMENTCODE":
        if not (user_code.isdigit() and 16 <= len(user_code) <= 24):
            raise SimError(Kind.INVALID_FIELD, "paymentMethodId must be the customer's 16–24 digit code",
                           field="paymentMethod.paymentMethodId")
        if user_code.startswith("99"):
            raise SimError(Kind.USER_CODE_INVALID, "the customer's payment code has expired")
    pid = ctx.new_id("payment")
    order = b["order"]
    meta = {"referenceOrderId": order.get("referenceOrderId", ""), "paymentMethodType": b["paymentMethod"]["paymentMethodType"],
            "codeValue": f"https://global.alipay.com/sim/{pid}"}
    expires = ctx.now + ORDER_TTL
    p = Payment(WALLET, ctx.merchant.merchant_id, pid, b["paymentRequestId"], amount, b["paymentAmount"]["currency"],
                State.CREATED, ctx.now, expires_at=expires, updated_at=ctx.now,
                notify_url=b.get("paymentNotifyUrl", ""), meta=meta)
    ctx.create_payment(p)
    out: dict[str, Any] = {"paymentRequestId": p.merchant_payment_id, "paymentId": pid,
                           "paymentAmount": _amount(p), "paymentCreateTime": _iso(ctx.now)}
    if scenario == "PAYMENTCODE":
        p = payments.consumer_pay(ctx.uow, p, ctx.now, stuck=ctx.fault("stuck") is not None)
        if p.state is State.COMPLETED:
            return ctx.json(200, {"result": _result(), **out, "paymentTime": _iso(ctx.now)})
        return ctx.json(200, {"result": _result("PAYMENT_IN_PROCESS", "U", "the user is confirming"), **out})
    out["orderCodeForm"] = {"paymentMethodType": meta["paymentMethodType"], "expireTime": _iso(expires),
                            "codeDetails": [{"codeValueType": "BARCODE", "codeValue": meta["codeValue"], "displayType": "TEXT"}]}
    return ctx.json(200, {"result": _result("PAYMENT_IN_PROCESS", "U", "payment in process"), **out})


def _find(ctx: Ctx) -> Payment:
    b = ctx.body
    if b.get("paymentId"):                      # paymentId wins over paymentRequestId (AN-DOC)
        return ctx.payment_by_id(b["paymentId"], field="paymentId")
    if b.get("paymentRequestId"):
        return ctx.payment(b["paymentRequestId"], field="paymentRequestId")
    raise SimError(Kind.MISSING_FIELD, "paymentId or paymentRequestId is required", field="paymentId")


def inquiry_payment(ctx: Ctx) -> SimResponse:
    p = _find(ctx)
    out: dict[str, Any] = {"result": _result(), "paymentStatus": ctx.status_name(p),
                           "paymentRequestId": p.merchant_payment_id, "paymentId": p.payment_id,
                           "paymentAmount": _amount(p), "paymentCreateTime": _iso(p.created_at)}
    if p.paid_at is not None:
        out["paymentTime"] = _iso(p.paid_at)
    return ctx.json(200, out)


def cancel(ctx: Ctx) -> SimResponse:
    p = _find(ctx)
    if p.state is not State.CANCELED:           # cancel is idempotent on an already-cancelled payment
        p = payments.cancel(ctx.uow, p, ctx.now)
    return ctx.json(200, {"result": _result(), "paymentId": p.payment_id, "paymentRequestId": p.merchant_payment_id,
                          "cancelTime": _iso(ctx.now)})


def refund(ctx: Ctx) -> SimResponse:
    b = ctx.body
    p = ctx.payment_by_id(b["paymentId"], field="paymentId")
    value = _int_value(b["refundAmount"], "refundAmount.value")
    if b["refundAmount"]["currency"] != p.currency:
        raise SimError(Kind.INVALID_FIELD, "refund currency differs from the payment's", field="refundAmount.currency")
    _, r = payments.refund(ctx.uow, p, refund_id=ctx.new_id("refund"), merchant_refund_id=b["refundRequestId"],
                           amount=value, now=ctx.now, reason=b.get("refundReason", ""))
    return ctx.json(200, {"result": _result(), "refundRequestId": r.merchant_refund_id, "refundId": r.refund_id,
                          "paymentId": p.payment_id, "refundAmount": _amount(p, r.amount), "refundTime": _iso(r.created_at)})


def inquiry_refund(ctx: Ctx) -> SimResponse:
    b = ctx.body
    if b.get("refundRequestId"):
        r = ctx.refund_by_ref(b["refundRequestId"], field="refundRequestId")
    elif b.get("refundId"):
        found = ctx.uow.get("refund", b["refundId"])
        if not isinstance(found, payments.Refund) or found.merchant_id != ctx.merchant.merchant_id:
            raise SimError(Kind.REFUND_NOT_FOUND, f"no refund {b['refundId']!r}", field="refundId")
        r = found
    else:
        raise SimError(Kind.MISSING_FIELD, "refundRequestId or refundId is required", field="refundRequestId")
    return ctx.json(200, {"result": _result(), "refundId": r.refund_id, "refundRequestId": r.merchant_refund_id,
                          "refundAmount": {"currency": r.currency, "value": str(r.amount)}, "refundStatus": "SUCCESS",
                          "refundTime": _iso(r.created_at)})


def notification(sim: Any, m: Merchant, p: Payment, event: str) -> Webhook | None:
    if p.state not in (State.COMPLETED, State.FAILED):
        return None
    url = p.notify_url or m.notify_url
    if not url:
        return None
    result = _result() if p.state is State.COMPLETED else _result("PAYMENT_FAIL", "F", "payment failed")
    body_obj: dict[str, Any] = {"notifyType": "PAYMENT_RESULT", "result": result,
                                "paymentRequestId": p.merchant_payment_id, "paymentId": p.payment_id,
                                "paymentAmount": _amount(p), "paymentCreateTime": _iso(p.created_at)}
    if p.paid_at is not None:
        body_obj["paymentTime"] = _iso(p.paid_at)
    body = dumps(body_obj)
    t = datetime.fromtimestamp(sim.wall_clock(), JST).isoformat(timespec="seconds")
    path = urlsplit(url).path or "/"
    headers = {"content-type": "application/json; charset=UTF-8", "client-id": m.api_key, "request-time": t,
               "signature": signature_header(sim.keypair(f"{WALLET}:platform")[0], "POST", path, m.api_key, t, body)}
    now = sim.clock.now()
    return Webhook(uuid.uuid4().hex, WALLET, url, body, tuple(headers.items()), now, now)


def new_id(kind: str, rng: Any) -> str:
    return ("2026" if kind == "payment" else "2026R") + str(rng.randrange(10**23, 10**24))


def default_merchant(sim: Any) -> Merchant:
    client_id = "SANDBOX_SIM00000000000001"
    _, public = sim.keypair(f"{WALLET}:client:{client_id}")
    sim.keypair(f"{WALLET}:platform")
    return Merchant(WALLET, client_id, api_key=client_id, public_key_pem=public)


def _error_body(code: str, message: str, field: str) -> dict[str, Any]:
    status = "U" if code == "UNKNOWN_EXCEPTION" else "F"
    return {"result": _result(code, status, message + (f" ({field})" if field else ""))}


_E = Kind
SPEC = WalletSpec(
    id=WALLET, title="Alipay+ / Antom (AMS in-store)", contract=load_contract(WALLET), doc=__doc__ or "",
    handlers={"pay": pay, "inquiryPayment": inquiry_payment, "cancel": cancel, "refund": refund,
              "inquiryRefund": inquiry_refund},
    errors={
        _E.MISSING_AUTH: (200, "INVALID_SIGNATURE"), _E.BAD_SIGNATURE: (200, "INVALID_SIGNATURE"),
        _E.STALE_SIGNATURE: (200, "INVALID_SIGNATURE"), _E.REPLAYED_SIGNATURE: (200, "INVALID_SIGNATURE"),
        _E.UNKNOWN_MERCHANT: (200, "KEY_NOT_FOUND"), _E.MERCHANT_SCOPE: (200, "ACCESS_DENIED"),
        _E.MALFORMED_JSON: (200, "PARAM_ILLEGAL"), _E.CONTENT_TYPE: (200, "PARAM_ILLEGAL"),
        _E.BODY_TOO_LARGE: (200, "PARAM_ILLEGAL"), _E.MISSING_FIELD: (200, "PARAM_ILLEGAL"),
        _E.INVALID_FIELD: (200, "PARAM_ILLEGAL"), _E.ROUTE_NOT_FOUND: (404, "NO_INTERFACE_DEF"),
        _E.PAYMENT_NOT_FOUND: (200, "ORDER_NOT_EXIST"), _E.REFUND_NOT_FOUND: (200, "ORDER_NOT_EXIST"),
        _E.IDEMPOTENCY_CONFLICT: (200, "REPEAT_REQ_INCONSISTENT"), _E.ILLEGAL_STATE: (200, "ORDER_STATUS_INVALID"),
        _E.NOT_PAID: (200, "ORDER_STATUS_INVALID"), _E.ALREADY_PAID: (200, "ORDER_STATUS_INVALID"),
        _E.ALREADY_CAPTURED: (200, "ORDER_STATUS_INVALID"), _E.ALREADY_CLOSED: (200, "ORDER_IS_CLOSED"),
        _E.EXPIRED: (200, "ORDER_IS_CLOSED"), _E.AMOUNT_MISMATCH: (200, "PARAM_ILLEGAL"),
        _E.REFUND_EXCEEDED: (200, "REFUND_AMOUNT_EXCEED"), _E.ALREADY_REFUNDED: (200, "REFUND_AMOUNT_EXCEED"),
        _E.MULTIPLE_REFUND_REJECTED: (200, "REFUND_AMOUNT_EXCEED"), _E.CANCEL_WINDOW_CLOSED: (200, "ORDER_STATUS_INVALID"),
        _E.USER_CODE_INVALID: (200, "INVALID_PAYMENT_CODE"), _E.RATE_LIMITED: (429, "REQUEST_TRAFFIC_EXCEED_LIMIT"),
        _E.SERVER_ERROR: (500, "UNKNOWN_EXCEPTION"), _E.UNAVAILABLE: (503, "UNKNOWN_EXCEPTION"),
    },
    route_errors={},
    error_body=_error_body, authenticate=authenticate,
    status_names={State.CREATED: "PROCESSING", State.AUTHORIZED: "PROCESSING", State.COMPLETED: "SUCCESS",
                  State.CANCELED: "CANCELLED", State.EXPIRED: "FAIL", State.FAILED: "FAIL",
                  State.PARTIALLY_REFUNDED: "SUCCESS", State.REFUNDED: "SUCCESS"},
    new_id=new_id, default_merchant=default_merchant,
    idempotency={"pay": Idempotency("payment", lambda b: b["paymentRequestId"]),
                 "refund": Idempotency("refund", lambda b: b["refundRequestId"])},
    is_final=lambda r: r.status == 200 and (b'"resultStatus":"S"' in r.body or b'"resultCode":"PAYMENT_IN_PROCESS"' in r.body),
    notification=notification, sign_response=sign_response, content_type="application/json; charset=UTF-8",
    code_of=lambda p: [p.meta["codeValue"]] if "codeValue" in p.meta else [],
    client_signer=sign_request,
)
