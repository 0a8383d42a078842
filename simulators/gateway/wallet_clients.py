"""The gateway as a merchant of each wallet: one small client per API *shape* (PayPay, LINE Pay,
the modelled four, Alipay+, WeChat Pay), all with the same five calls:

    create(attempt_id, amount, description, notify_url, return_url) -> Created(code, wallet_payment_id)
    status(attempt_id) -> (WalletStatus, wallet_payment_id)
    confirm(attempt_id, wallet_payment_id, amount)            LINE Pay only (user approved → capture)
    refund(attempt_id, wallet_payment_id, refund_id, amount, total)
    close(attempt_id, code)                                    best effort: stop an unpaid payment

Requests are signed with the wallet's own scheme (the simulators' client signers, which follow
each SDK) and go over whatever httpx client the caller gives — a real socket or the respx mock.
Transient failures (5xx, 429, timeouts, unreadable bodies) are retried with the *same* body and
idempotency key, so a retried create or refund can never make a second payment or refund. The
one call without a key of its own — LINE Pay's refund — is never retried blind: before sending,
the client compares the refunds LINE already shows with what the gateway has recorded
(`refunded_before`), so a refund whose answer was lost (timeout after LINE processed it) is
recognised instead of sent twice.
"""
from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

import httpx

from qrinterop.simulators.gateway.orders import WalletStatus
from qrinterop.simulators.wallets import spec as wallet_spec

RETRIES = 3
BACKOFF = 0.05            # seconds; doubled per retry (bounded: 0.05 + 0.1)


class WalletCallError(Exception):
    """A wallet call failed for good (after retries) or was refused; `transient` says which."""

    def __init__(self, wallet: str, message: str, *, transient: bool, code: str = "") -> None:
        super().__init__(f"{wallet}: {message}")
        self.wallet, self.message, self.transient, self.code = wallet, message, transient, code


@dataclass(frozen=True)
class Created:
    code: str                 # what the wallet's user confirms (code id, QR content, transaction id)
    wallet_payment_id: str


@dataclass
class Reply:
    status: int
    body: Any


class SignedClient:
    """Signs and sends one wallet's requests; retries transient failures."""

    def __init__(self, wallet: str, base_url: str, creds: dict[str, str], http: httpx.Client,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.wallet, self.base, self.creds, self.http, self.sleep = wallet, base_url.rstrip("/"), creds, http, sleep
        self.signer = wallet_spec(wallet).client_signer

    def call(self, method: str, path: str, body: Any = None, *, ok: Callable[[Reply], bool] | None = None,
             retry: bool = True) -> Reply:
        raw = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        last = ""
        for attempt in range(RETRIES if retry else 1):
            if attempt:
                self.sleep(BACKOFF * 2 ** (attempt - 1))
            headers = self.signer(self.creds, method, path, raw)   # fresh nonce/time per try
            try:
                r = self.http.request(method, self.base + path, content=raw or None, headers=headers)
            except httpx.TransportError as exc:                  # timeouts included
                last = f"{type(exc).__name__}: {exc}"
                continue
            if r.status_code >= 500 or r.status_code == 429:
                last = f"HTTP {r.status_code}"
                continue
            try:
                parsed = r.json() if r.content else None
            except ValueError:
                last = f"HTTP {r.status_code} with an unreadable body"
                continue
            reply = Reply(r.status_code, parsed)
            if ok is not None and not ok(reply):
                raise WalletCallError(self.wallet, f"{method} {path} refused: HTTP {r.status_code} {_short(parsed)}",
                                      transient=False, code=_code_of(parsed))
            return reply
        tries = RETRIES if retry else 1
        raise WalletCallError(self.wallet, f"{method} {path} failed after {tries} tr{'ies' if tries > 1 else 'y'} ({last})",
                              transient=True)


def _short(body: Any) -> str:
    text = json.dumps(body, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


def _code_of(body: Any) -> str:
    if isinstance(body, dict):
        for path in (("resultInfo", "code"), ("returnCode",), ("result", "resultCode"), ("error", "code"), ("code",)):
            v: Any = body
            for k in path:
                v = v.get(k) if isinstance(v, dict) else None
            if isinstance(v, str):
                return v
    return ""


def _2xx(r: Reply) -> bool:
    return 200 <= r.status < 300


class WalletClient(ABC):
    """The five calls; subclasses fill them for one API shape."""
    needs_confirmation = False

    def __init__(self, client: SignedClient) -> None:
        self.c = client
        self.wallet = client.wallet

    @abstractmethod
    def create(self, attempt_id: str, amount: int, description: str, notify_url: str, return_url: str) -> Created:
        """Create the payment (or code) at the wallet."""

    @abstractmethod
    def status(self, attempt_id: str) -> tuple[WalletStatus, str]:
        """The payment's state, and the wallet's own name for it."""

    def confirm(self, attempt_id: str, wallet_payment_id: str, amount: int) -> None:
        raise WalletCallError(self.wallet, "this wallet needs no confirmation", transient=False)

    @abstractmethod
    def refund(self, attempt_id: str, wallet_payment_id: str, refund_id: str, amount: int, total: int, *,
               refunded_before: int = 0) -> None:
        """Refund `amount` of the payment, idempotently by `refund_id`."""

    @abstractmethod
    def close(self, attempt_id: str, code: str) -> None:
        """Close an unpaid payment (the losing side of a race)."""


class PayPayClient(WalletClient):
    """OPA Dynamic QR: POST /v2/codes; status GET /v2/codes/payments/{id}; refund POST /v2/refunds."""
    STATUS = {"CREATED": WalletStatus.PENDING, "AUTHORIZED": WalletStatus.PENDING, "REAUTHORIZING": WalletStatus.PENDING,
              "COMPLETED": WalletStatus.PAID, "REFUNDED": WalletStatus.REFUNDED, "FAILED": WalletStatus.CLOSED,
              "CANCELED": WalletStatus.CLOSED, "EXPIRED": WalletStatus.CLOSED}

    def create(self, attempt_id: str, amount: int, description: str, notify_url: str, return_url: str) -> Created:
        r = self.c.call("POST", "/v2/codes", {"merchantPaymentId": attempt_id, "amount": {"amount": amount, "currency": "JPY"},
                                              "codeType": "ORDER_QR", "orderDescription": description[:255],
                                              "requestedAt": int(time.time())}, ok=_2xx)
        return Created(r.body["data"]["codeId"], "")

    def status(self, attempt_id: str) -> tuple[WalletStatus, str]:
        r = self.c.call("GET", f"/v2/codes/payments/{quote(attempt_id)}", ok=_2xx)
        d = r.body["data"]
        return self.STATUS.get(d["status"], WalletStatus.PENDING), str(d.get("paymentId", ""))

    def refund(self, attempt_id: str, wallet_payment_id: str, refund_id: str, amount: int, total: int, *,
               refunded_before: int = 0) -> None:
        self.c.call("POST", "/v2/refunds", {"merchantRefundId": refund_id, "paymentId": wallet_payment_id,
                                            "amount": {"amount": amount, "currency": "JPY"},
                                            "requestedAt": int(time.time())}, ok=_2xx)

    def close(self, attempt_id: str, code: str) -> None:
        self.c.call("DELETE", f"/v2/codes/{quote(code)}")


def _line_ok(r: Reply) -> bool:
    return r.status == 200 and isinstance(r.body, dict) and str(r.body.get("returnCode", "")).startswith("0")


class LinePayClient(WalletClient):
    """Online v3: request → (user approves) → confirm. No webhooks: status is polled (check)."""
    needs_confirmation = True
    STATUS = {"0000": WalletStatus.PENDING, "0110": WalletStatus.AUTHORIZED, "0121": WalletStatus.CLOSED,
              "0122": WalletStatus.CLOSED, "0123": WalletStatus.PAID}

    def __init__(self, client: SignedClient) -> None:
        super().__init__(client)
        self.tx: dict[str, str] = {}      # attempt id → transactionId (LINE has no lookup by orderId path)

    def create(self, attempt_id: str, amount: int, description: str, notify_url: str, return_url: str) -> Created:
        name = description[:100] or "order"
        r = self.c.call("POST", "/v3/payments/request", {
            "amount": amount, "currency": "JPY", "orderId": attempt_id,
            "packages": [{"id": "1", "amount": amount, "products": [{"name": name, "quantity": 1, "price": amount}]}],
            "redirectUrls": {"confirmUrl": return_url or notify_url, "cancelUrl": return_url or notify_url}}, ok=_line_ok)
        tx = str(r.body["info"]["transactionId"])       # a JSON number above 2^53: Python keeps it exact
        self.tx[attempt_id] = tx
        return Created(tx, tx)

    def _tx(self, attempt_id: str, wallet_payment_id: str = "") -> str:
        tx = wallet_payment_id or self.tx.get(attempt_id, "")
        if not tx:
            r = self.c.call("GET", f"/v3/payments?orderId={quote(attempt_id)}", ok=_line_ok)
            tx = str(r.body["info"][0]["transactionId"])
            self.tx[attempt_id] = tx
        return tx

    def status(self, attempt_id: str) -> tuple[WalletStatus, str]:
        tx = self._tx(attempt_id)
        r = self.c.call("GET", f"/v3/payments/requests/{tx}/check", ok=_line_ok)
        return self.STATUS.get(r.body["returnCode"], WalletStatus.PENDING), tx

    def confirm(self, attempt_id: str, wallet_payment_id: str, amount: int) -> None:
        tx = self._tx(attempt_id, wallet_payment_id)
        self.c.call("POST", f"/v3/payments/{tx}/confirm", {"amount": amount, "currency": "JPY"}, ok=_line_ok)

    def refund(self, attempt_id: str, wallet_payment_id: str, refund_id: str, amount: int, total: int, *,
               refunded_before: int = 0) -> None:
        # LINE's refund has no idempotency key: look before sending, and send once.
        tx = self._tx(attempt_id, wallet_payment_id)
        r = self.c.call("GET", f"/v3/payments?transactionId={tx}", ok=_line_ok)
        at_line = sum(-int(x.get("refundAmount", 0)) for x in (r.body["info"][0].get("refundList") or []))
        if at_line >= refunded_before + amount:
            return            # an earlier try went through; its answer was lost
        if at_line != refunded_before:
            raise WalletCallError(self.wallet, f"LINE shows {at_line} JPY refunded, the gateway {refunded_before}; "
                                  "not refunding blind", transient=False)
        self.c.call("POST", f"/v3/payments/{tx}/refund", {"refundAmount": amount}, ok=_line_ok, retry=False)

    def close(self, attempt_id: str, code: str) -> None:
        pass        # an unconfirmed LINE request cannot be voided; it lapses after 20 minutes


class ModelledClient(WalletClient):
    """The invented common shape of d払い / Merpay / Rakuten Pay / au PAY (notes §5.1)."""
    STATUS = {"CREATED": WalletStatus.PENDING, "PROCESSING": WalletStatus.PENDING, "COMPLETED": WalletStatus.PAID,
              "PARTIALLY_REFUNDED": WalletStatus.REFUNDED, "REFUNDED": WalletStatus.REFUNDED,
              "CANCELED": WalletStatus.CLOSED, "EXPIRED": WalletStatus.CLOSED, "FAILED": WalletStatus.CLOSED}

    def create(self, attempt_id: str, amount: int, description: str, notify_url: str, return_url: str) -> Created:
        r = self.c.call("POST", "/v1/payments/qr", {"merchantPaymentId": attempt_id, "amount": amount, "currency": "JPY",
                                                    "notifyUrl": notify_url}, ok=_2xx)
        return Created(r.body["qrContent"], r.body["paymentId"])

    def status(self, attempt_id: str) -> tuple[WalletStatus, str]:
        r = self.c.call("GET", f"/v1/payments/{quote(attempt_id)}", ok=_2xx)
        return self.STATUS.get(r.body["status"], WalletStatus.PENDING), r.body["paymentId"]

    def refund(self, attempt_id: str, wallet_payment_id: str, refund_id: str, amount: int, total: int, *,
               refunded_before: int = 0) -> None:
        self.c.call("POST", "/v1/refunds", {"merchantRefundId": refund_id, "paymentId": wallet_payment_id,
                                            "amount": amount}, ok=_2xx)

    def close(self, attempt_id: str, code: str) -> None:
        self.c.call("POST", f"/v1/payments/{quote(attempt_id)}/cancel")


def _antom_ok(r: Reply) -> bool:
    return r.status == 200 and isinstance(r.body, dict) and r.body.get("result", {}).get("resultStatus") in ("S", "U") \
        and r.body["result"].get("resultCode") in ("SUCCESS", "PAYMENT_IN_PROCESS")


class AlipayPlusClient(WalletClient):
    """Antom in-store ORDERCODE: pay → orderCodeForm (the user scans it); inquiryPayment; refund."""
    STATUS = {"PROCESSING": WalletStatus.PENDING, "PENDING": WalletStatus.PENDING, "SUCCESS": WalletStatus.PAID,
              "FAIL": WalletStatus.CLOSED, "CANCELLED": WalletStatus.CLOSED}

    def create(self, attempt_id: str, amount: int, description: str, notify_url: str, return_url: str) -> Created:
        r = self.c.call("POST", "/ams/api/v1/payments/pay", {
            "productCode": "IN_STORE_PAYMENT", "paymentRequestId": attempt_id,
            "order": {"referenceOrderId": attempt_id, "orderDescription": description or "order",
                      "orderAmount": {"currency": "JPY", "value": str(amount)}},
            "paymentAmount": {"currency": "JPY", "value": str(amount)},
            "paymentMethod": {"paymentMethodType": "CONNECT_WALLET"},
            "paymentFactor": {"inStorePaymentScenario": "ORDERCODE"}, "paymentNotifyUrl": notify_url}, ok=_antom_ok)
        return Created(r.body["orderCodeForm"]["codeDetails"][0]["codeValue"], r.body["paymentId"])

    def status(self, attempt_id: str) -> tuple[WalletStatus, str]:
        r = self.c.call("POST", "/ams/api/v1/payments/inquiryPayment", {"paymentRequestId": attempt_id}, ok=_antom_ok)
        return self.STATUS.get(r.body["paymentStatus"], WalletStatus.PENDING), r.body["paymentId"]

    def refund(self, attempt_id: str, wallet_payment_id: str, refund_id: str, amount: int, total: int, *,
               refunded_before: int = 0) -> None:
        self.c.call("POST", "/ams/api/v1/payments/refund", {"refundRequestId": refund_id, "paymentId": wallet_payment_id,
                                                            "refundAmount": {"currency": "JPY", "value": str(amount)}},
                    ok=_antom_ok)

    def close(self, attempt_id: str, code: str) -> None:
        self.c.call("POST", "/ams/api/v1/payments/cancel", {"paymentRequestId": attempt_id})


class WeChatPayClient(WalletClient):
    """API v3 Native: prepay → code_url; query by out_trade_no; domestic refunds; close."""
    STATUS = {"NOTPAY": WalletStatus.PENDING, "USERPAYING": WalletStatus.PENDING, "SUCCESS": WalletStatus.PAID,
              "REFUND": WalletStatus.REFUNDED, "CLOSED": WalletStatus.CLOSED, "REVOKED": WalletStatus.CLOSED,
              "PAYERROR": WalletStatus.CLOSED}

    @property
    def mchid(self) -> str:
        return self.c.creds["merchant_id"]

    def create(self, attempt_id: str, amount: int, description: str, notify_url: str, return_url: str) -> Created:
        r = self.c.call("POST", "/v3/pay/transactions/native", {
            "appid": "wxsimgateway0001", "mchid": self.mchid, "description": description or "order",
            "out_trade_no": attempt_id, "notify_url": notify_url, "amount": {"total": amount, "currency": "JPY"}}, ok=_2xx)
        return Created(r.body["code_url"], "")

    def status(self, attempt_id: str) -> tuple[WalletStatus, str]:
        r = self.c.call("GET", f"/v3/pay/transactions/out-trade-no/{quote(attempt_id)}?mchid={self.mchid}", ok=_2xx)
        return self.STATUS.get(r.body["trade_state"], WalletStatus.PENDING), r.body.get("transaction_id", "")

    def refund(self, attempt_id: str, wallet_payment_id: str, refund_id: str, amount: int, total: int, *,
               refunded_before: int = 0) -> None:
        self.c.call("POST", "/v3/refund/domestic/refunds", {"out_trade_no": attempt_id, "out_refund_no": refund_id,
                                                            "amount": {"refund": amount, "total": total, "currency": "JPY"}},
                    ok=_2xx)

    def close(self, attempt_id: str, code: str) -> None:
        self.c.call("POST", f"/v3/pay/transactions/out-trade-no/{quote(attempt_id)}/close", {"mchid": self.mchid})


CLIENT_OF: dict[str, type[WalletClient]] = {
    "paypay": PayPayClient, "linepay": LinePayClient, "dbarai": ModelledClient, "merpay": ModelledClient,
    "rakutenpay": ModelledClient, "aupay": ModelledClient, "alipayplus": AlipayPlusClient, "wechatpay": WeChatPayClient,
}


def wallet_client(wallet: str, base_url: str, creds: dict[str, str], http: httpx.Client,
                  sleep: Callable[[float], None] = time.sleep) -> WalletClient:
    """The client for `wallet` at `base_url` (e.g. http://127.0.0.1:8700/paypay) with `creds`."""
    return CLIENT_OF[wallet](SignedClient(wallet, base_url, creds, http, sleep))
