"""Wallet simulators (DESIGN §6): eight wallets' merchant APIs, in-process or as a real server.

    from qrinterop.simulators import mock
    with mock(wallets=["paypay"]) as sim: ...

See docs/simulators.md.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Simulator", "mock", "WALLET_IDS"]


def __getattr__(name: str) -> Any:      # lazy: importing the package must not import respx/starlette
    if name == "mock":
        from qrinterop.simulators.mock import mock
        return mock
    if name == "Simulator":
        from qrinterop.simulators.simulator import Simulator
        return Simulator
    if name == "WALLET_IDS":
        from qrinterop.simulators.wallets import WALLET_IDS
        return WALLET_IDS
    raise AttributeError(name)
