"""`http://host:port` — an IUT behind HTTP: `POST /<op>` with the request's JSON fields, answered
with the same envelope as jsonl (`{"ok": true, "result": …}` or `{"ok": false, "error": …}`).

A non-JSON body, a 5xx without an envelope, a refused connection or a timeout is a failure of
that request (with the HTTP status and the start of the body as evidence), never a harness error.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import Future
from typing import Any

import httpx

from qrinterop.iut.base import CRASH, PROTOCOL, TIMEOUT, TRANSPORT, Iut, Reply, done, elapsed_ms, reply_from_envelope

DEFAULT_TIMEOUT_S = 5.0
MAX_BODY_BYTES = 16 * 1024 * 1024


class HttpIut(Iut):
    adapter = "http"

    def __init__(self, spec: str, *, timeout: float = DEFAULT_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(spec)
        self.base_url = spec.rstrip("/")
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def submit(self, op: str, request: dict[str, Any]) -> Future[Reply]:
        start = time.perf_counter()
        try:
            with self._client.stream("POST", f"/{op}", json=request) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_BODY_BYTES:
                        return done(Reply(op, failure=f"HTTP body longer than the {MAX_BODY_BYTES} byte cap",
                                          category=PROTOCOL, duration_ms=elapsed_ms(start)))
        except httpx.TimeoutException as exc:
            return done(Reply(op, failure=f"no HTTP answer within the timeout ({type(exc).__name__})",
                              category=TIMEOUT, duration_ms=elapsed_ms(start)))
        except httpx.RemoteProtocolError as exc:
            return done(Reply(op, failure=f"the IUT closed the connection mid-answer: {exc}",
                              category=CRASH, duration_ms=elapsed_ms(start)))
        except httpx.HTTPError as exc:
            return done(Reply(op, failure=f"HTTP request to {self.base_url}/{op} failed: {exc}",
                              category=TRANSPORT, duration_ms=elapsed_ms(start)))
        try:
            envelope = json.loads(bytes(body)) if body else None
        except ValueError:
            envelope = None
        if envelope is None or (isinstance(envelope, dict) and "ok" not in envelope):
            text = bytes(body[:200]).decode("utf-8", "replace")
            return done(Reply(op, failure=f"HTTP {response.status_code} without a JSON envelope: {text!r}",
                              category=PROTOCOL, duration_ms=elapsed_ms(start)))
        return done(reply_from_envelope(op, envelope, elapsed_ms(start)))

    def close(self) -> None:
        self._client.close()
