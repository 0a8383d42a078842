"""Replay protection: a nonce (or, for PayPay, the MAC) used once is refused the second time for as
long as the signed request itself could still be accepted.

Remembered in the store (`Store.use_nonce`), so a restart does not forget it and several server
processes sharing a database share it; one book per wallet *and merchant* (`scope`), so one
merchant's flood can never push another merchant's nonces out — nothing is evicted early at all,
an entry leaves only when it expires.

How long: a request signed at `ts` is accepted while |now − ts| ≤ window, so remembering its
nonce until ts + window refuses every replay that the freshness check would let through. A
wallet with no signed timestamp (LINE Pay publishes none) keeps nonces for `ttl` from first use.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qrinterop.simulators.engine.store import Store


class ReplayGuard:
    def __init__(self, store: "Store") -> None:
        self.store = store

    def check_and_remember(self, scope: str, nonce: str, *, now: float, until: float) -> bool:
        """True if `nonce` is fresh in `scope` (and now remembered until `until`); False on a replay."""
        # a 128-bit digest: bounded row size whatever the client sends as its nonce
        digest = hashlib.blake2b(nonce.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return self.store.use_nonce(scope, digest, max(until, now + 1.0), now)
