"""Connect a gateway to wallet APIs: get its merchant credentials at each wallet, build its clients.

The simulators hand out test credentials (`GET /_sim/merchants?wallet=W&secrets=1`, loopback only). PayPay is the one
wallet whose webhook URL is a merchant setting, not a request field (PP-OAS "merchant panel"),
so the gateway registers its own PayPay merchant with its notification URL
(`POST /_sim/merchants`), as a real merchant would configure it in the panel.
"""
from __future__ import annotations

import secrets
import time
from typing import Callable, Iterable

import httpx

from qrinterop.simulators.gateway.service import Gateway, GatewayConfig
from qrinterop.simulators.gateway.unified_code import MerchantProfile
from qrinterop.simulators.gateway.wallet_clients import wallet_client
from qrinterop.simulators.wallets import WALLET_IDS

DEMO_SHOP = MerchantProfile(store_code="0000000000001/0001/000001/000001", name="Sakura Cafe",
                            name_ja="さくらカフェ", city="Chiyoda-ku", postal_code="1000001")


class OnboardingError(Exception):
    pass


def fetch_credentials(http: httpx.Client, sim_base: str, wallet: str, *, notify_url: str) -> dict[str, str]:
    base = sim_base.rstrip("/")
    if wallet == "paypay":
        r = http.post(f"{base}/_sim/merchants", json={
            "wallet": "paypay", "merchant_id": "gw-" + secrets.token_hex(6), "api_key": "gw-key-" + secrets.token_hex(8),
            "secret": secrets.token_urlsafe(24), "notify_url": notify_url})
        if r.status_code != 201:
            raise OnboardingError(f"paypay: registering the gateway's merchant failed: HTTP {r.status_code} {r.text[:200]}")
        return r.json()
    r = http.get(f"{base}/_sim/merchants", params={"wallet": wallet, "secrets": "1"})
    if r.status_code != 200 or not r.json().get("merchants"):
        raise OnboardingError(f"{wallet}: no test credentials at {base}/_sim/merchants (HTTP {r.status_code})")
    return r.json()["merchants"][0]


def connect(http: httpx.Client, *, sim_base: str, gateway_base: str, merchant: MerchantProfile = DEMO_SHOP,
            wallets: Iterable[str] = WALLET_IDS, merchant_webhook_url: str = "",
            clock: Callable[[], float] = time.time, order_ttl: float = 300.0,
            sleep: Callable[[float], None] = time.sleep) -> Gateway:
    """A gateway for `merchant`, registered with `wallets`, calling the wallet APIs at `sim_base`."""
    ids = tuple(wallets)
    gateway_base = gateway_base.rstrip("/")
    creds = {w: fetch_credentials(http, sim_base, w, notify_url=f"{gateway_base}/v1/notify/{w}") for w in ids}
    clients = {w: wallet_client(w, f"{sim_base.rstrip('/')}/{w}", creds[w], http, sleep) for w in ids}
    config = GatewayConfig(merchant=merchant, wallets=ids, base_url=gateway_base,
                           merchant_webhook_url=merchant_webhook_url, order_ttl=order_ttl)
    return Gateway(config, clients, creds, http, clock=clock)
