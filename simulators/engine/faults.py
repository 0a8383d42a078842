"""Faults on demand: per wallet, per route, or per request (header `X-Sim-Fault`), by seed.

Header grammar (comma-separated, any order):
  latency=250ms | latency=1.5s     answer late
  error=503                        answer with that 5xx in the wallet's error shape
  timeout                          never answer in time (the mock raises httpx.ReadTimeout)
  ratelimit=2                      429 with Retry-After: 2
  malformed                        a truncated, unparseable body with the normal status
  sigmismatch                      treat the request signature as wrong; corrupt response signatures
  stuck                            consumer-side: the payment stays in process (AUTHORIZED)
  webhook=drop|dup|reorder         what happens to webhooks this request causes
A rule set through the control API adds `probability` (0..1) and `count` (how many times);
the random draws come from one `random.Random(seed)`, so the same seed and the same request
sequence give the same faults.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

KINDS = ("latency", "error", "timeout", "ratelimit", "malformed", "sigmismatch", "stuck", "webhook")
WEBHOOK_MODES = ("drop", "dup", "reorder")


class FaultSyntaxError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    value: str = ""

    def seconds(self) -> float:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)?", self.value or "0")
        if not m:
            raise FaultSyntaxError(f"latency {self.value!r}: expected e.g. 250ms or 1.5s")
        n = float(m.group(1))
        return n / 1000 if m.group(2) == "ms" else n

    def __str__(self) -> str:
        return f"{self.kind}={self.value}" if self.value else self.kind


def parse_fault(text: str) -> Fault:
    kind, _, value = text.strip().partition("=")
    kind, value = kind.strip().lower(), value.strip()
    if kind not in KINDS:
        raise FaultSyntaxError(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")
    if kind == "error" and not (value.isdigit() and 500 <= int(value) <= 599):
        raise FaultSyntaxError(f"error={value!r}: expected a 5xx status such as 503")
    if kind == "ratelimit" and value and not value.isdigit():
        raise FaultSyntaxError(f"ratelimit={value!r}: expected whole seconds for Retry-After")
    if kind == "webhook" and value not in WEBHOOK_MODES:
        raise FaultSyntaxError(f"webhook={value!r}: expected one of {', '.join(WEBHOOK_MODES)}")
    fault = Fault(kind, value)
    if kind == "latency":
        fault.seconds()
    return fault


def parse_fault_header(text: str) -> list[Fault]:
    return [parse_fault(part) for part in text.split(",") if part.strip()]


@dataclass(slots=True)
class FaultRule:
    fault: Fault
    wallet: str = "*"
    route: str = "*"           # an operationId from the wallet's OpenAPI document, or "*"
    probability: float = 1.0
    count: int | None = None   # None: unlimited

    def matches(self, wallet: str, route: str) -> bool:
        return self.wallet in ("*", wallet) and self.route in ("*", route)

    def as_dict(self) -> dict[str, object]:
        return {"fault": str(self.fault), "wallet": self.wallet, "route": self.route,
                "probability": self.probability, "count": self.count}


class FaultPlan:
    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.rules: list[FaultRule] = []
        self._rng = random.Random(seed)

    def reset(self, seed: int | None = None) -> None:
        self.seed = self.seed if seed is None else seed
        self.rules.clear()
        self._rng = random.Random(self.seed)

    def add(self, rule: FaultRule) -> None:
        if not 0.0 <= rule.probability <= 1.0:
            raise FaultSyntaxError("probability must be between 0 and 1")
        self.rules.append(rule)

    def pick(self, wallet: str, route: str, header: str = "") -> list[Fault]:
        chosen = parse_fault_header(header) if header else []
        if not self.rules:
            return chosen
        for rule in self.rules:
            if rule.count == 0 or not rule.matches(wallet, route):
                continue
            if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                continue
            if rule.count is not None:
                rule.count -= 1
            chosen.append(rule.fault)
        return chosen

    def draw(self) -> float:
        """A seeded draw for choices made later (e.g. how to reorder a webhook batch)."""
        return self._rng.random()
