"""One module per wallet; each exposes `SPEC`, a `WalletSpec`. Ids as in DESIGN §6."""
from __future__ import annotations

import importlib
from functools import lru_cache

from qrinterop.simulators.wallets.base import WalletSpec

WALLET_IDS = ("paypay", "linepay", "dbarai", "merpay", "rakutenpay", "aupay", "alipayplus", "wechatpay")


@lru_cache(maxsize=None)
def spec(wallet_id: str) -> WalletSpec:
    if wallet_id not in WALLET_IDS:
        raise KeyError(f"unknown wallet {wallet_id!r}; known: {', '.join(WALLET_IDS)}")
    return importlib.import_module(f"qrinterop.simulators.wallets.{wallet_id}").SPEC


def parse_wallets(text: str) -> tuple[str, ...]:
    """`all` or a comma list such as `paypay,wechatpay`; raises ValueError naming an unknown id."""
    if text.strip() in ("", "all"):
        return WALLET_IDS
    ids = tuple(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))
    unknown = [w for w in ids if w not in WALLET_IDS]
    if unknown:
        raise ValueError(f"unknown wallet id(s) {', '.join(unknown)}; known: {', '.join(WALLET_IDS)}")
    return ids
