"""The request journal: a ring buffer, so recording every request costs O(1) memory.

An unbounded journal is what makes WireMock's default mode slow and huge (performance anchors:
RSS 4.3 GB); here the oldest entries fall off once `capacity` is reached.
"""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import asdict, dataclass

BODY_KEEP = 2048   # bytes of each body kept for assertions


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: float
    wallet: str
    route: str
    method: str
    path: str
    status: int
    duration_ms: float
    faults: str
    request_body: str
    response_body: str
    merchant_id: str = ""


class Journal:
    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._seq = itertools.count(1)
        self.capacity = capacity

    def record(self, **fields: object) -> None:
        for name in ("request_body", "response_body"):
            raw = fields.get(name, b"")
            if isinstance(raw, bytes):
                fields[name] = raw[:BODY_KEEP].decode("utf-8", "replace")
        self._entries.append(Entry(seq=next(self._seq), **fields))  # type: ignore[arg-type]

    def entries(self, *, wallet: str = "", route: str = "", limit: int = 1000) -> list[dict[str, object]]:
        rows = [e for e in self._entries if (not wallet or e.wallet == wallet) and (not route or e.route == route)]
        return [asdict(e) for e in rows[-limit:]]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
