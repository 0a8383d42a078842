"""How the wallet API conformance tests talk to each wallet: one driver per API *shape* (PayPay,
LINE Pay, the modelled four, Alipay+, WeChat Pay), and, as data, what each wallet documents:
status names, error codes, auth scheme, webhook signature. Drivers return raw `httpx.Response`s;
the tests judge them.

What the implementation under test must offer besides the wallet APIs (the simulators' control
API, DESIGN §6): `GET /_sim/health`, `GET /_sim/merchants?wallet=W&secrets=1` (test credentials),
`POST /_sim/consumer/{W}/pay {"code"}` (the user pays), `POST /_sim/webhooks/deliver` and
`POST|GET /_sim/inbox/{name}` (webhook sink), and for the PayPay webhook test
`POST /_sim/merchants` (a merchant with a notify URL, PayPay's "merchant panel" setting).
"""
from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
import uuid
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

import httpx

from qrinterop.simulators.wallets import spec as wallet_spec


@dataclass(frozen=True)
class Expect:
    """One documented answer: HTTP status and the wallet's error code."""
    status: int
    code: str


def new_id(prefix: str = "CT") -> str:
    return prefix + uuid.uuid4().hex[:20].upper()


class Driver(ABC):
    wallet = ""
    AUTH: Expect
    CONFLICT: Expect
    REFUND_EXCEEDED: Expect
    NOT_PAID: Expect
    NOT_FOUND: Expect
    STATUS: dict[str, str | None]              # created / paid / refunded → the wallet's name
    WEBHOOK: str | None = None                 # unsigned | hmac | rsa | rsa+aes | None (sends none)
    FRESHNESS_WINDOW: float | None = None      # documented signature time window, seconds
    FRESHNESS_ARG = ""                         # the client signer's keyword for the signing time
    REFUND_IDEMPOTENT = True                   # the refund request carries its own idempotency key

    def __init__(self, wallet: str, base: str, http: httpx.Client, creds: dict[str, str]) -> None:
        self.wallet, self.base, self.http, self.creds = wallet, base.rstrip("/"), http, creds
        self.signer: Callable[..., dict[str, str]] = wallet_spec(wallet).client_signer
        self.sink_url = ""        # where notifications go when a test names no URL (a wallet may require one)

    # ---- transport ------------------------------------------------------------------------
    @staticmethod
    def encode(body: Any) -> bytes:
        if isinstance(body, bytes):
            return body
        return b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    def send(self, method: str, path: str, body: Any = None, *, sign: bool = True, signed_body: Any = None,
             creds: dict[str, str] | None = None, sign_kw: dict[str, Any] | None = None) -> httpx.Response:
        """`signed_body` ≠ body: sign one body and send another (a tampered request)."""
        raw = self.encode(body)
        headers: dict[str, str] = {}
        if sign:
            to_sign = raw if signed_body is None else self.encode(signed_body)
            headers.update(self.signer(creds or self.creds, method, path, to_sign, **(sign_kw or {})))
        elif raw:
            headers["Content-Type"] = "application/json"
        return self.http.request(method, f"{self.base}/{self.wallet}{path}", content=raw or None, headers=headers)

    @abstractmethod
    def error(self, r: httpx.Response) -> tuple[int, str]:
        """(HTTP status, the wallet's error code) of an error answer."""

    def ok(self, r: httpx.Response) -> bool:
        return 200 <= r.status_code < 300

    # ---- operations ---------------------------------------------------------------------------
    @abstractmethod
    def create_body(self, mpid: str, amount: int, notify_url: str = "") -> dict[str, Any]:
        """The wallet's create-payment request body."""

    def create(self, mpid: str, amount: int, notify_url: str = "", **kw: Any) -> httpx.Response:
        method, path = self.CREATE
        return self.send(method, path, self.create_body(mpid, amount, notify_url), **kw)

    CREATE: tuple[str, str]

    @abstractmethod
    def code(self, created: httpx.Response) -> str:
        """The code (or payment id) the consumer pays, from a create answer."""

    @abstractmethod
    def status(self, mpid: str) -> httpx.Response:
        """Ask the wallet for the payment's state."""

    @abstractmethod
    def status_name(self, r: httpx.Response) -> str:
        """The wallet's state name from a status answer."""

    def after_user_paid(self, mpid: str, amount: int) -> None:
        """What the merchant must do once the user approved (LINE Pay: confirm)."""

    @abstractmethod
    def refund(self, mpid: str, refund_id: str, amount: int, total: int) -> httpx.Response:
        """Refund `amount` of the payment (of `total`), idempotently by `refund_id`."""

    def refunded_name(self, mpid: str, refund_id: str) -> str:
        """The status that says the payment (or its refund) is refunded."""
        return self.status_name(self.status(mpid))


def _dig(obj: Any, *keys: str) -> Any:
    for k in keys:
        obj = obj.get(k) if isinstance(obj, dict) else None
    return obj


def _json(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return None


class PayPay(Driver):
    AUTH = Expect(401, "UNAUTHORIZED")
    CONFLICT = Expect(400, "DUPLICATE_DYNAMIC_QR_REQUEST")
    REFUND_EXCEEDED = Expect(400, "REFUND_LIMIT_EXCEEDED")
    NOT_PAID = Expect(400, "ORDER_NOT_REVERSIBLE")
    NOT_FOUND = Expect(400, "DYNAMIC_QR_PAYMENT_NOT_FOUND")
    STATUS = {"created": "CREATED", "paid": "COMPLETED", "refunded": "REFUNDED"}
    WEBHOOK = "unsigned"
    FRESHNESS_WINDOW = 120.0
    FRESHNESS_ARG = "epoch"
    CREATE = ("POST", "/v2/codes")

    def error(self, r: httpx.Response) -> tuple[int, str]:
        return r.status_code, str(_dig(_json(r), "resultInfo", "code") or "")

    def create_body(self, mpid: str, amount: int, notify_url: str = "") -> dict[str, Any]:
        return {"merchantPaymentId": mpid, "amount": {"amount": amount, "currency": "JPY"}, "codeType": "ORDER_QR",
                "requestedAt": int(time.time()), "orderDescription": "conformance"}

    def code(self, created: httpx.Response) -> str:
        return created.json()["data"]["codeId"]

    def status(self, mpid: str) -> httpx.Response:
        return self.send("GET", f"/v2/codes/payments/{quote(mpid)}")

    def status_name(self, r: httpx.Response) -> str:
        return str(_dig(_json(r), "data", "status") or "")

    def refund(self, mpid: str, refund_id: str, amount: int, total: int) -> httpx.Response:
        pid = _dig(_json(self.status(mpid)), "data", "paymentId") or "0"
        return self.send("POST", "/v2/refunds", {"merchantRefundId": refund_id, "paymentId": pid,
                                                 "amount": {"amount": amount, "currency": "JPY"},
                                                 "requestedAt": int(time.time())})


class LinePay(Driver):
    AUTH = Expect(200, "1106")
    CONFLICT = Expect(200, "1172")
    REFUND_EXCEEDED = Expect(200, "1164")
    NOT_PAID = Expect(200, "1165")
    NOT_FOUND = Expect(200, "1150")
    STATUS = {"created": "0000", "authorized": "0110", "paid": "0123", "refunded": None}
    WEBHOOK = None
    REFUND_IDEMPOTENT = False
    CREATE = ("POST", "/v3/payments/request")

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.tx: dict[str, str] = {}

    def ok(self, r: httpx.Response) -> bool:
        return r.status_code == 200 and str(_dig(_json(r), "returnCode") or "").startswith("0")

    def error(self, r: httpx.Response) -> tuple[int, str]:
        return r.status_code, str(_dig(_json(r), "returnCode") or "")

    def create_body(self, mpid: str, amount: int, notify_url: str = "") -> dict[str, Any]:
        return {"amount": amount, "currency": "JPY", "orderId": mpid,
                "packages": [{"id": "1", "amount": amount, "products": [{"name": "conformance", "quantity": 1,
                                                                         "price": amount}]}],
                "redirectUrls": {"confirmUrl": "https://merchant.invalid/confirm",
                                 "cancelUrl": "https://merchant.invalid/cancel"}}

    def create(self, mpid: str, amount: int, notify_url: str = "", **kw: Any) -> httpx.Response:
        r = super().create(mpid, amount, notify_url, **kw)
        tx = _dig(_json(r), "info", "transactionId")
        if tx is not None:
            self.tx[mpid] = str(tx)
        return r

    def code(self, created: httpx.Response) -> str:
        return str(created.json()["info"]["transactionId"])

    def _tx(self, mpid: str) -> str:
        return self.tx.get(mpid, "9999999999999999999")

    def status(self, mpid: str) -> httpx.Response:
        return self.send("GET", f"/v3/payments/requests/{self._tx(mpid)}/check")

    def status_name(self, r: httpx.Response) -> str:
        return str(_dig(_json(r), "returnCode") or "")

    def after_user_paid(self, mpid: str, amount: int) -> None:
        r = self.send("POST", f"/v3/payments/{self._tx(mpid)}/confirm", {"amount": amount, "currency": "JPY"})
        assert self.ok(r), f"confirm refused: {r.text[:300]}"

    def refund(self, mpid: str, refund_id: str, amount: int, total: int) -> httpx.Response:
        return self.send("POST", f"/v3/payments/{self._tx(mpid)}/refund", {"refundAmount": amount})


class Modelled(Driver):
    AUTH = Expect(401, "INVALID_SIGNATURE")
    CONFLICT = Expect(409, "DUPLICATE_REQUEST")
    REFUND_EXCEEDED = Expect(400, "REFUND_AMOUNT_EXCEEDED")
    NOT_PAID = Expect(409, "INVALID_STATE")
    NOT_FOUND = Expect(404, "PAYMENT_NOT_FOUND")
    STATUS = {"created": "CREATED", "paid": "COMPLETED", "refunded": "REFUNDED"}
    WEBHOOK = "hmac"
    FRESHNESS_WINDOW = 300.0
    FRESHNESS_ARG = "ts"
    CREATE = ("POST", "/v1/payments/qr")

    def error(self, r: httpx.Response) -> tuple[int, str]:
        return r.status_code, str(_dig(_json(r), "error", "code") or "")

    def create_body(self, mpid: str, amount: int, notify_url: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {"merchantPaymentId": mpid, "amount": amount, "currency": "JPY"}
        if notify_url:
            body["notifyUrl"] = notify_url
        return body

    def code(self, created: httpx.Response) -> str:
        return created.json()["qrContent"]

    def status(self, mpid: str) -> httpx.Response:
        return self.send("GET", f"/v1/payments/{quote(mpid)}")

    def status_name(self, r: httpx.Response) -> str:
        return str(_dig(_json(r), "status") or "")

    def refund(self, mpid: str, refund_id: str, amount: int, total: int) -> httpx.Response:
        pid = _dig(_json(self.status(mpid)), "paymentId") or "0"
        return self.send("POST", "/v1/refunds", {"merchantRefundId": refund_id, "paymentId": pid, "amount": amount})


class AlipayPlus(Driver):
    AUTH = Expect(200, "INVALID_SIGNATURE")
    CONFLICT = Expect(200, "REPEAT_REQ_INCONSISTENT")
    REFUND_EXCEEDED = Expect(200, "REFUND_AMOUNT_EXCEED")
    NOT_PAID = Expect(200, "ORDER_STATUS_INVALID")
    NOT_FOUND = Expect(200, "ORDER_NOT_EXIST")
    STATUS = {"created": "PROCESSING", "paid": "SUCCESS", "refunded": "SUCCESS"}
    WEBHOOK = "rsa"
    CREATE = ("POST", "/ams/api/v1/payments/pay")

    def ok(self, r: httpx.Response) -> bool:
        return r.status_code == 200 and _dig(_json(r), "result", "resultStatus") in ("S", "U") \
            and _dig(_json(r), "result", "resultCode") in ("SUCCESS", "PAYMENT_IN_PROCESS")

    def error(self, r: httpx.Response) -> tuple[int, str]:
        return r.status_code, str(_dig(_json(r), "result", "resultCode") or "")

    def create_body(self, mpid: str, amount: int, notify_url: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {
            "productCode": "IN_STORE_PAYMENT", "paymentRequestId": mpid,
            "order": {"referenceOrderId": mpid, "orderDescription": "conformance",
                      "orderAmount": {"currency": "JPY", "value": str(amount)}},
            "paymentAmount": {"currency": "JPY", "value": str(amount)},
            "paymentMethod": {"paymentMethodType": "CONNECT_WALLET"},
            "paymentFactor": {"inStorePaymentScenario": "ORDERCODE"}}
        if notify_url:
            body["paymentNotifyUrl"] = notify_url
        return body

    def code(self, created: httpx.Response) -> str:
        return created.json()["orderCodeForm"]["codeDetails"][0]["codeValue"]

    def status(self, mpid: str) -> httpx.Response:
        return self.send("POST", "/ams/api/v1/payments/inquiryPayment", {"paymentRequestId": mpid})

    def status_name(self, r: httpx.Response) -> str:
        return str(_dig(_json(r), "paymentStatus") or "")

    def refund(self, mpid: str, refund_id: str, amount: int, total: int) -> httpx.Response:
        pid = _dig(_json(self.status(mpid)), "paymentId") or "0"
        return self.send("POST", "/ams/api/v1/payments/refund", {"refundRequestId": refund_id, "paymentId": pid,
                                                                 "refundAmount": {"currency": "JPY", "value": str(amount)}})

    def refunded_name(self, mpid: str, refund_id: str) -> str:
        r = self.send("POST", "/ams/api/v1/payments/inquiryRefund", {"refundRequestId": refund_id})
        return str(_dig(_json(r), "refundStatus") or "")


class WeChatPay(Driver):
    AUTH = Expect(401, "SIGN_ERROR")
    CONFLICT = Expect(400, "INVALID_REQUEST")
    REFUND_EXCEEDED = Expect(400, "INVALID_REQUEST")
    NOT_PAID = Expect(400, "INVALID_REQUEST")
    NOT_FOUND = Expect(404, "ORDER_NOT_EXIST")
    STATUS = {"created": "NOTPAY", "paid": "SUCCESS", "refunded": "REFUND"}
    WEBHOOK = "rsa+aes"
    FRESHNESS_WINDOW = 300.0
    FRESHNESS_ARG = "timestamp"
    CREATE = ("POST", "/v3/pay/transactions/native")

    def error(self, r: httpx.Response) -> tuple[int, str]:
        return r.status_code, str(_dig(_json(r), "code") or "")

    def create_body(self, mpid: str, amount: int, notify_url: str = "") -> dict[str, Any]:
        return {"appid": "wxconformance0001", "mchid": self.creds["merchant_id"], "description": "conformance",
                "out_trade_no": mpid, "notify_url": notify_url or self.sink_url or "https://merchant.invalid/notify",
                "amount": {"total": amount, "currency": "JPY"}}

    def code(self, created: httpx.Response) -> str:
        return created.json()["code_url"]

    def status(self, mpid: str) -> httpx.Response:
        return self.send("GET", f"/v3/pay/transactions/out-trade-no/{quote(mpid)}?mchid={self.creds['merchant_id']}")

    def status_name(self, r: httpx.Response) -> str:
        return str(_dig(_json(r), "trade_state") or "")

    def refund(self, mpid: str, refund_id: str, amount: int, total: int) -> httpx.Response:
        return self.send("POST", "/v3/refund/domestic/refunds", {"out_trade_no": mpid, "out_refund_no": refund_id,
                                                                 "amount": {"refund": amount, "total": total,
                                                                            "currency": "JPY"}})


DRIVERS: dict[str, type[Driver]] = {"paypay": PayPay, "linepay": LinePay, "dbarai": Modelled, "merpay": Modelled,
                                    "rakutenpay": Modelled, "aupay": Modelled, "alipayplus": AlipayPlus,
                                    "wechatpay": WeChatPay}


def driver(wallet: str, base: str, http: httpx.Client, creds: dict[str, str]) -> Driver:
    return DRIVERS[wallet](wallet, base, http, creds)
