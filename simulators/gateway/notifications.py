"""Wallet → gateway notifications: check the wallet's signature, find which attempt it is about.

A notification is only a *hint*: the gateway then asks the wallet for the payment's status
(`Gateway.sync_attempt`) and acts on that answer. So an unsigned notification (PayPay documents
none; it recommends IP allow-listing) cannot make the gateway record a payment that the wallet's
API does not confirm, and a lost one is made up by status polling. Where the wallet signs its
notifications, a bad signature is still refused (401) so forgeries are visible in the logs.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from qrinterop.simulators.wallets import alipayplus, modelled, wechatpay


class NotificationRejected(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _json(body: bytes) -> dict[str, Any]:
    try:
        obj = json.loads(body)
    except ValueError:
        raise NotificationRejected("notification body is not JSON") from None
    if not isinstance(obj, dict):
        raise NotificationRejected("notification body is not a JSON object")
    return obj


def _paypay(creds: Mapping[str, str], url: str, headers: Mapping[str, str], body: bytes) -> str:
    return str(_json(body).get("merchant_order_id", ""))        # unsigned (PP-OAS): a hint only


def _modelled(creds: Mapping[str, str], url: str, headers: Mapping[str, str], body: bytes) -> str:
    if not modelled.verify_webhook(creds["secret"], headers.get("x-sim-signature", ""), body):
        raise NotificationRejected("X-Sim-Signature does not verify", 401)
    return str(_json(body).get("payment", {}).get("merchantPaymentId", ""))


def _alipayplus(creds: Mapping[str, str], url: str, headers: Mapping[str, str], body: bytes) -> str:
    if not alipayplus.verify_signed(creds["platform_public_key_pem"], "POST", urlsplit(url).path, dict(headers), body):
        raise NotificationRejected("Signature does not verify with the Antom public key", 401)
    return str(_json(body).get("paymentRequestId", ""))


def _wechatpay(creds: Mapping[str, str], url: str, headers: Mapping[str, str], body: bytes) -> str:
    if not wechatpay.verify_signed(creds["platform_public_key_pem"], dict(headers), body):
        raise NotificationRejected("Wechatpay-Signature does not verify (or is older than 5 minutes)", 401)
    resource = _json(body).get("resource")
    if not isinstance(resource, dict):
        raise NotificationRejected("notification has no resource")
    try:
        plain = wechatpay.decrypt_resource(creds["secret"], resource)
    except Exception:           # InvalidTag, bad base64: the APIv3 key does not open it
        raise NotificationRejected("resource does not decrypt with the APIv3 key", 401) from None
    return str(plain.get("out_trade_no", ""))


ATTEMPT_OF: dict[str, Callable[[Mapping[str, str], str, Mapping[str, str], bytes], str]] = {
    "paypay": _paypay, "dbarai": _modelled, "merpay": _modelled, "rakutenpay": _modelled, "aupay": _modelled,
    "alipayplus": _alipayplus, "wechatpay": _wechatpay,
}


def attempt_of(wallet: str, creds: Mapping[str, str], url: str, headers: Mapping[str, str], body: bytes) -> str:
    """The attempt id a wallet notification is about; raises NotificationRejected."""
    read = ATTEMPT_OF.get(wallet)
    if read is None:
        raise NotificationRejected(f"{wallet} sends no notifications", 404)
    found = read(creds, url, {k.lower(): v for k, v in headers.items()}, body)
    if not found:
        raise NotificationRejected("notification names no payment")
    return found
