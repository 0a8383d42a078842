"""メルペイ (Merpay) (Mercari) — a MODELLED merchant API, not the real one.

Mercari publishes no merchant API (notes/wallet-apis.md §5): merchants integrate under NDA or
through PSPs. This module serves the INVENTED common shape of `modelled.py` (notes §5.1) under
`/merpay/v1/…` so that flows through this wallet can be tested; field names, status names, error
codes and the auth header are the simulator's, not Mercari's. Public fact only: the wallet
offers store-QR and customer-barcode payments in JPY.
"""
from qrinterop.simulators.wallets.modelled import make_spec

SPEC = make_spec("merpay", "メルペイ (Merpay) (modelled; not the real API)", __doc__ or "")
