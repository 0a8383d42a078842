"""Webhook delivery: the I/O half of the outbox (the engine decides what is due and what next).

A delivery is ok on any 2xx. Blocking (`deliver_due`, in-process use) and async
(`deliver_due_async`, the server's background task) versions share `Simulator.plan_deliveries`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from qrinterop.simulators.simulator import Simulator

TIMEOUT = 5.0


def deliver_due(sim: "Simulator", client: httpx.Client | None = None) -> int:
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT)
    attempted = 0
    try:
        for w, copies in sim.plan_deliveries():
            ok, error = False, "dropped (simulated fault)"
            for _ in range(copies):
                try:
                    r = client.post(w.url, content=w.body, headers=dict(w.headers))
                    ok, error = r.is_success, "" if r.is_success else f"HTTP {r.status_code}"
                except Exception as exc:   # any failure (network, bad URL, unmocked host) is a failed attempt
                    ok, error = False, f"{type(exc).__name__}: {exc}"
            sim.record_attempt(w, ok, error)
            attempted += 1
    finally:
        if own:
            client.close()
    return attempted


async def deliver_due_async(sim: "Simulator", client: httpx.AsyncClient) -> int:
    attempted = 0
    for w, copies in sim.plan_deliveries():
        ok, error = False, "dropped (simulated fault)"
        for _ in range(copies):
            try:
                r = await client.post(w.url, content=w.body, headers=dict(w.headers))
                ok, error = r.is_success, "" if r.is_success else f"HTTP {r.status_code}"
            except Exception as exc:   # any failure (network, bad URL) is a failed attempt, retried later
                ok, error = False, f"{type(exc).__name__}: {exc}"
        sim.record_attempt(w, ok, error)
        attempted += 1
    return attempted
