"""The unified-code gateway (DESIGN §6): one JPQR code per order, paid by whichever wallet scans it.

    from qrinterop.simulators.gateway import connect, DEMO_SHOP
    gw = connect(http, sim_base="http://127.0.0.1:8700", gateway_base="http://127.0.0.1:8701/gateway")
    order = gw.create_order(1200)          # gw.payload(order.order_id), gw.png(order.order_id)

Modules: `unified_code` (the payload), `orders` (the pure order rules: paid at most once),
`wallet_clients` (the gateway as a merchant of each wallet), `notifications` (wallet webhooks),
`merchant_webhooks` (signed events to the shop), `service` (the `Gateway`), `http_api`
(the HTTP surface, on starlette and respx), `onboarding` (credentials at each wallet).
See docs/unified-code.md.
"""
from __future__ import annotations

from qrinterop.simulators.gateway.merchant_webhooks import verify_signature
from qrinterop.simulators.gateway.onboarding import DEMO_SHOP, connect
from qrinterop.simulators.gateway.orders import GatewayRefusal, OrderState
from qrinterop.simulators.gateway.service import Gateway, GatewayConfig
from qrinterop.simulators.gateway.unified_code import MerchantProfile, unified_payload

__all__ = ["DEMO_SHOP", "Gateway", "GatewayConfig", "GatewayRefusal", "MerchantProfile", "OrderState", "connect",
           "unified_payload", "verify_signature"]
