"""Wallet API conformance (DESIGN §6): the documented behaviour of each wallet's merchant API —
auth rejection, freshness, state machine, idempotency, refunds, error codes, webhook signature —
tested against any HTTP implementation (`--qri-wallet-url`) or, by default, the in-process simulators.

    pytest -p qrinterop.conformance.wallet_api.options --pyargs qrinterop.conformance.wallet_api \
        --qri-wallet-url http://127.0.0.1:8700

Results carry rule ids `<wallet>.api.<aspect>` (catalogue: `catalogue.wallet_rules()`).
See docs/unified-code.md.
"""
