"""The simulators' business clock: wall time plus an offset the control API can advance.

Signature freshness is checked against the real wall clock (the client signs with it);
payment expiry, cancel windows and webhook retries use this clock, so a test can jump ahead.
"""
from __future__ import annotations

import time


class SimClock:
    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += seconds
        return self.now()
