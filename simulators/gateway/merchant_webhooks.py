"""Gateway → merchant webhooks: signed with HMAC-SHA256, delivered at least once, retried.

    POST <merchant webhook URL>
    Content-Type: application/json
    X-Gateway-Event-Id: O1a2b…:order.paid
    X-Gateway-Signature: t=1764050000,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

    {"id": "<event id>", "type": "order.paid", "created": 1764050000, "order": {…order view…}}

The signed string is the timestamp, a dot, and the body bytes exactly as sent (the Stripe
scheme), so a receiver verifies before parsing, and rejects a `t` older than it tolerates (the
reference `verify_signature` uses 300 s). Delivery is at least once: a receiver must dedupe on the
event id (each event id is emitted once per order; only its delivery may repeat). A failed
delivery is retried after 0.5 s, 1 s, 2 s … (capped at 60 s), up to MAX_ATTEMPTS.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, replace

SIGNATURE_HEADER = "X-Gateway-Signature"
EVENT_HEADER = "X-Gateway-Event-Id"
TOLERANCE = 300.0
MAX_ATTEMPTS = 12


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, now: float, tolerance: float = TOLERANCE) -> bool:
    """What a merchant runs on each webhook: signature over t.body, and t within `tolerance`."""
    fields = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t = fields.get("t", "")
    if not t.isdigit() or abs(now - int(t)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(t), body), header)


@dataclass(frozen=True)
class MerchantEvent:
    event_id: str
    body: bytes
    created_at: float
    next_at: float
    attempts: int = 0
    delivered: bool = False
    dead: bool = False
    last_error: str = ""


def new_event(event_id: str, kind: str, order_view: dict, now: float) -> MerchantEvent:
    body = json.dumps({"id": event_id, "type": kind, "created": int(now), "order": order_view},
                      ensure_ascii=False, separators=(",", ":")).encode()
    return MerchantEvent(event_id, body, now, now)


def after_attempt(e: MerchantEvent, ok: bool, now: float, error: str = "") -> MerchantEvent:
    if ok:
        return replace(e, attempts=e.attempts + 1, delivered=True, last_error="")
    n = e.attempts + 1
    return replace(e, attempts=n, next_at=now + min(60.0, 0.5 * 2 ** (n - 1)), dead=n >= MAX_ATTEMPTS,
                   last_error=error)
