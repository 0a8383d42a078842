"""The store-code registry: which wallets a JPQR store code is registered with, and where each
wallet routes a payment for it. A model of the association's store-code system (GUILD, later
EXTEND): a JPQR code names no wallet, only the 4-level store code, and a merchant chooses its
wallets when it applies (notes/profiles.md §1 — the lookup step is the notes' *inference*, not
documented). Wallet apps read it; the gateway publishes its shop into it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Registry:
    entries: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)   # store code → (route URL, wallets)

    def register(self, store_code: str, route_url: str, wallets: tuple[str, ...]) -> None:
        self.entries[store_code] = (route_url, tuple(wallets))

    def route_url(self, store_code: str, wallet: str) -> str | None:
        entry = self.entries.get(store_code)
        return entry[0] if entry and wallet in entry[1] else None

    def registrations(self) -> dict[str, tuple[str, ...]]:
        """{store code: wallets}, the shape `qrinterop.profiles.acceptance(registrations=…)` takes."""
        return {code: wallets for code, (_, wallets) in self.entries.items()}


def publish(registry: Registry, gateway: "object") -> None:
    """Register a gateway's shop: its store code, its route URL, the wallets it accepts."""
    from qrinterop.simulators.gateway.service import Gateway
    assert isinstance(gateway, Gateway)
    registry.register(gateway.merchant.store_code, f"{gateway.config.base_url}/v1/route", gateway.config.wallets)
