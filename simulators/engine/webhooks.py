"""The webhook outbox: notifications are written in the same commit as the state change that
caused them, then delivered at least once, retried with exponential backoff.

Duplicates are possible by design (a delivery whose 2xx is lost is sent again), as in production.
"""
from __future__ import annotations

import dataclasses

from qrinterop.simulators.engine.model import Webhook

BACKOFF_SECONDS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)   # then the webhook is dead


def due(pending: list[Webhook], now: float) -> list[Webhook]:
    """Pending webhooks whose time has come, oldest first (the delivery order a wallet uses)."""
    return sorted((w for w in pending if not w.delivered and not w.dead and w.next_at <= now),
                  key=lambda w: (w.created_at, w.webhook_id))


def after_attempt(w: Webhook, ok: bool, now: float, error: str = "") -> Webhook:
    """The record after one delivery attempt: delivered, rescheduled, or dead."""
    attempts = w.attempts + 1
    if ok:
        return dataclasses.replace(w, attempts=attempts, delivered=True, last_error="")
    if attempts > len(BACKOFF_SECONDS):
        return dataclasses.replace(w, attempts=attempts, dead=True, last_error=error)
    return dataclasses.replace(w, attempts=attempts, next_at=now + BACKOFF_SECONDS[attempts - 1], last_error=error)
