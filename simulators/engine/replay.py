"""Replay protection: a signature value seen once inside the window is refused the second time.

Keyed by the signature itself, not the nonce: PayPay's SDK nonce is 8 hex characters, so two
honest requests can share a nonce; they never share a MAC. Bounded: past `max_entries` the
oldest are forgotten (a replay older than that many requests is not caught — stated in docs).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict


class ReplayGuard:
    def __init__(self, window_seconds: float, max_entries: int = 200_000) -> None:
        self.window = window_seconds
        self.max_entries = max_entries
        # keyed by a 64-bit digest of the signature, not the text: ~70 bytes less per request
        # remembered; a false "replay" needs a 64-bit collision inside the window
        self._seen: OrderedDict[int, float] = OrderedDict()
        self._lock = threading.Lock()

    def check_and_remember(self, signature: str, now: float) -> bool:
        """True if fresh (and now remembered); False if it is a replay."""
        key = int.from_bytes(hashlib.blake2b(signature.encode(), digest_size=8).digest(), "big")
        with self._lock:
            return self._check(key, now)

    def _check(self, signature: int, now: float) -> bool:
        seen = self._seen
        while seen:
            first_key, expires = next(iter(seen.items()))
            if expires > now and len(seen) < self.max_entries:
                break
            seen.popitem(last=False)
        if signature in seen:
            return False
        seen[signature] = now + self.window
        return True

    def clear(self) -> None:
        self._seen.clear()
