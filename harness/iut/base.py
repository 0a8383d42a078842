"""The one interface every implementation under test (IUT) is reached through (DESIGN §4).

Nothing above this seam knows the transport: the suite calls `iut.parse(...)`, gets a `Reply`,
and judges it. A `Reply` separates two things a naive adapter would mix up:
- the IUT *answered* (`ok` true with a `result`, or `ok` false with its own `error`) — an error
  answer is a legitimate verdict (rejecting an invalid payload is correct);
- the harness could not get a well-formed answer (`failure` set: the IUT crashed, hung, wrote
  garbage, answered another id, or flooded its output). That always fails the test, with the
  reason and the IUT's stderr as evidence, and never stops the run.
"""
from __future__ import annotations

import time
from abc import ABC, abstractmethod
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from qrinterop.errors import QrInteropError

OPS: tuple[str, ...] = ("hello", "parse", "build", "validate", "render", "decode_image")

# Failure categories; the same words the run record uses (docs/run-record.md).
CRASH, TIMEOUT, PROTOCOL, TRANSPORT = "iut-crash", "timeout", "protocol", "transport"


class IutUnavailable(QrInteropError):
    """The IUT cannot be used at all (it does not start, or its `hello` fails)."""


@dataclass(frozen=True)
class Reply:
    op: str
    ok: bool = False
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None      # the IUT's own {"code", "message"} when ok is false
    failure: str | None = None               # why no well-formed answer arrived
    category: str | None = None              # CRASH | TIMEOUT | PROTOCOL | TRANSPORT when failure
    stderr: str = ""                          # the IUT's stderr tail, kept for failures
    duration_ms: float = 0.0

    @property
    def answered(self) -> bool:
        return self.failure is None

    @property
    def rejected(self) -> bool:
        """The IUT answered with an error (a correct answer for an invalid payload)."""
        return self.failure is None and not self.ok

    def describe_error(self) -> str:
        if self.failure:
            return self.failure
        if self.error:
            return f"{self.error.get('code', 'error')}: {self.error.get('message', '')}".strip()
        return ""


@dataclass(frozen=True)
class Hello:
    name: str
    version: str
    ops: tuple[str, ...]
    profiles: tuple[str, ...]
    raw: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "ops": list(self.ops),
                "profiles": list(self.profiles)}


def hello_from_result(result: Any) -> Hello:
    """Check a `hello` result's shape; raise IutUnavailable naming the bad field."""
    if not isinstance(result, dict):
        raise IutUnavailable(f"hello must return an object, got {type(result).__name__}")
    ops = result.get("ops")
    if not isinstance(ops, list) or not all(isinstance(o, str) for o in ops):
        raise IutUnavailable("hello: field 'ops' must be a list of operation names "
                             f"(some of {', '.join(OPS)}), got {ops!r}")
    profiles = result.get("profiles", [])
    if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
        raise IutUnavailable(f"hello: field 'profiles' must be a list of strings, got {profiles!r}")
    return Hello(name=str(result.get("name") or "unnamed"), version=str(result.get("version") or "?"),
                 ops=tuple(dict.fromkeys(["hello", *ops])), profiles=tuple(profiles), raw=dict(result))


def reply_from_envelope(op: str, envelope: Any, duration_ms: float) -> Reply:
    """Turn a wire answer `{"ok": …, "result"|"error": …}` into a Reply, or a PROTOCOL failure."""
    if not isinstance(envelope, dict):
        return Reply(op, failure=f"answer is not a JSON object: {_clip(repr(envelope))}",
                     category=PROTOCOL, duration_ms=duration_ms)
    ok = envelope.get("ok")
    if ok is True:
        result = envelope.get("result")
        if not isinstance(result, dict):
            return Reply(op, failure=f"ok answer without a 'result' object: {_clip(repr(envelope))}",
                         category=PROTOCOL, duration_ms=duration_ms)
        return Reply(op, ok=True, result=result, duration_ms=duration_ms)
    if ok is False:
        error = envelope.get("error")
        if not isinstance(error, dict):
            error = {"code": "error", "message": str(error)}
        return Reply(op, ok=False, error={"code": str(error.get("code", "error")),
                                           "message": str(error.get("message", ""))},
                     duration_ms=duration_ms)
    return Reply(op, failure=f"answer has no boolean 'ok' field: {_clip(repr(envelope))}",
                 category=PROTOCOL, duration_ms=duration_ms)


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


class Iut(ABC):
    """An implementation under test. One method per op; each returns a Reply, never raises
    for a misbehaving IUT. `submit` is the pipelined form (many requests in flight)."""

    adapter: str = "?"

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self._hello: Hello | None = None

    @abstractmethod
    def submit(self, op: str, request: dict[str, Any]) -> Future[Reply]:
        """Send one request; the future always resolves to a Reply (never an exception)."""

    def close(self) -> None:
        """Release the transport (process, connection). Idempotent."""

    def call(self, op: str, request: dict[str, Any] | None = None) -> Reply:
        return self.submit(op, request or {}).result()

    def hello(self) -> Hello:
        """The IUT's declared identity and capabilities (asked once)."""
        if self._hello is None:
            reply = self.call("hello", {})
            if not reply.answered or not reply.ok:
                detail = reply.describe_error()
                if reply.stderr:
                    detail += f"; stderr: {_clip(reply.stderr.strip(), 500)}"
                raise IutUnavailable(f"IUT {self.spec!r} did not answer hello: {detail}")
            self._hello = hello_from_result(reply.result)
        return self._hello

    def supports(self, op: str) -> bool:
        return op in self.hello().ops

    # One method per op (DESIGN §4); each takes the request's fields.
    def parse(self, payload: str, mode: str = "mpm") -> Reply:
        return self.call("parse", {"payload": payload, "mode": mode})

    def build(self, objects: list[dict[str, Any]], mode: str = "mpm") -> Reply:
        return self.call("build", {"objects": objects, "mode": mode})

    def validate(self, payload: str, profile: str = "emv") -> Reply:
        return self.call("validate", {"payload": payload, "profile": profile})

    def render(self, payload: str) -> Reply:
        return self.call("render", {"payload": payload})

    def decode_image(self, png_base64: str) -> Reply:
        return self.call("decode_image", {"png_base64": png_base64})

    def __enter__(self) -> "Iut":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def done(reply: Reply) -> Future[Reply]:
    """A future already holding `reply` (for transports that answer synchronously)."""
    future: Future[Reply] = Future()
    future.set_result(reply)
    return future


def elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
