"""Wallet simulators (DESIGN §6): eight wallets' merchant APIs, in-process or as a real server.

    from qrinterop.simulators import mock
    with mock(wallets=["paypay"]) as sim: ...

See docs/simulators.md.
"""
from __future__ import annotations

# Imported eagerly on purpose: the function `mock` must win over the submodule of the same
# name, which the import system would otherwise leave as the package attribute `mock`.
from qrinterop.simulators.mock import mock
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import WALLET_IDS

__all__ = ["Simulator", "mock", "WALLET_IDS"]
