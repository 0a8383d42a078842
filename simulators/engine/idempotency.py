"""Idempotency by the wallet's own key: same key + same body → the stored answer, byte for byte;
same key + a different body → the wallet's conflict error. Callers hold the key's lock.
"""
from __future__ import annotations

import hashlib
import json

from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.http import SimResponse
from qrinterop.simulators.engine.model import StoredResponse
from qrinterop.simulators.engine.store import UnitOfWork

# Headers worth replaying; signature headers are made fresh per answer.
_KEPT_HEADERS = ("content-type",)


def fingerprint(body: object) -> str:
    """Same JSON value → same fingerprint, whatever the key order or spacing on the wire."""
    canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()


_HEADER_TUPLES: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}


def _shared(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """One tuple object per distinct header set: 100,000 stored answers share a handful."""
    if len(_HEADER_TUPLES) > 1000:
        return headers
    return _HEADER_TUPLES.setdefault(headers, headers)


def idem_key(wallet: str, merchant_id: str, scope: str, key: str) -> str:
    return f"{wallet}:{merchant_id}:{scope}:{key}"


def replay(uow: UnitOfWork, key: str, fp: str) -> SimResponse | None:
    stored = uow.get("idem", key)
    if not isinstance(stored, StoredResponse):
        return None
    if stored.fingerprint != bytes.fromhex(fp):
        raise SimError(Kind.IDEMPOTENCY_CONFLICT, "this id was already used with a different request body")
    return SimResponse(stored.status, stored.body, dict(stored.headers))


def remember(uow: UnitOfWork, key: str, fp: str, response: SimResponse) -> None:
    headers = _shared(tuple((k, v) for k, v in response.headers.items() if k in _KEPT_HEADERS))
    # the hex fingerprint is kept as 32 raw bytes: half the memory per stored answer
    uow.put("idem", key, StoredResponse(bytes.fromhex(fp), response.status, response.body, headers))
