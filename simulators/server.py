"""Real-server transport: the same `Simulator.handle`, on starlette + uvicorn (uvloop, httptools).

Every wallet is mounted under its id (`/paypay/v2/codes`), the control API under `/_sim`.
Handlers are synchronous and short (no I/O but the store), so they run on the event loop
without a thread hop; latency and timeout faults sleep asynchronously. A background task
delivers due webhooks every 200 ms and keeps long-lived records out of the cyclic GC's way.

Every method on every path reaches `Simulator.handle` (which answers 404 or 405 in the wallet's
own error shape); anything starlette itself would answer is answered in JSON too. On SIGTERM the
server stops within `SHUTDOWN_GRACE` seconds even if faulted requests are still sleeping.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from typing import AsyncIterator, Awaitable, Callable

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from qrinterop.simulators.delivery import deliver_due_async
from qrinterop.simulators.engine.http import SimRequest
from qrinterop.simulators.simulator import Simulator

log = logging.getLogger("qrinterop.simulators.server")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
DELIVERY_INTERVAL = 0.2
FREEZE_INTERVAL = 1.0
SHUTDOWN_GRACE = 1.0       # seconds in-flight requests get after SIGTERM before they are cancelled


class _AnyMethod:
    """An ASGI endpoint: starlette routes a class instance for every method (a function endpoint
    would only get the methods listed, and starlette would answer the rest in plain text)."""

    def __init__(self, handler: "Callable[[Request], Awaitable[Response]]") -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handler(Request(scope, receive))
        await response(scope, receive, send)


async def _json_http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return JSONResponse({"sim_error": f"{request.method} {request.url.path}: {detail}"}, status_code=status)


def create_app(sim: Simulator, *, deliver_webhooks: bool = True) -> "SimulatorApp":
    state: dict[str, httpx.AsyncClient] = {}

    async def read_body(request: Request) -> bytes:
        """The body, but never more than max_body + 1 bytes: an oversize upload is refused with the
        wallet's error without being held in memory."""
        limit = sim.max_body + 1
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return b"\0" * limit
        chunks, size = [], 0
        async for chunk in request.stream():
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
        return b"".join(chunks)[:limit]

    async def endpoint(request: Request) -> Response:
        body = await read_body(request)
        scope = request.scope     # read the ASGI scope directly: request.url re-parses the URL (profiled)
        req = SimRequest(scope["method"], scope["path"], scope["query_string"].decode("latin-1"),
                         {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}, body,
                         raw_path=(scope.get("raw_path") or b"").decode("latin-1"))
        if req.method == "POST" and req.path == "/_sim/webhooks/deliver":
            return JSONResponse({"attempted": await deliver_due_async(sim, state["client"])})
        resp = sim.handle(req)
        if resp.delay:
            await asyncio.sleep(resp.delay)
        return Response(resp.body, status_code=resp.status, headers=resp.headers)

    async def background() -> None:
        frozen_at = time.monotonic()
        while True:
            await asyncio.sleep(DELIVERY_INTERVAL)
            if time.monotonic() - frozen_at >= FREEZE_INTERVAL:
                # The store holds every record for the life of the server; a full cyclic-GC pass
                # over 100k+ of them paused the loop for ~60 ms (p99 of 50 ms under load). Young
                # garbage is collected first, then the survivors leave the GC's scan for good.
                gc.collect(1)
                gc.freeze()
                frozen_at = time.monotonic()
            if not deliver_webhooks:
                continue
            try:
                await deliver_due_async(sim, state["client"])
            except Exception:   # keep delivering; one bad webhook must not stop the loop
                log.exception("webhook delivery failed")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["client"] = httpx.AsyncClient(timeout=5.0)
        task = asyncio.create_task(background())
        try:
            yield
        finally:
            task.cancel()
            await state["client"].aclose()

    app = Starlette(routes=[Route("/{path:path}", _AnyMethod(endpoint))], lifespan=lifespan,
                    exception_handlers={HTTPException: _json_http_error})
    return SimulatorApp(app, _AnyMethod(endpoint))


class SimulatorApp:
    """Every HTTP request goes straight to the simulator — whatever its path holds (starlette's
    router does not match a path with a newline in it and would answer 404 itself); lifespan
    events (start and stop the background task) go to the starlette app."""

    def __init__(self, app: Starlette, endpoint: _AnyMethod) -> None:
        self.app, self.endpoint = app, endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def __getattr__(self, name: str) -> object:     # router, state, …: the starlette app's
        return getattr(self.app, name)


def run(sim: Simulator, host: str = "127.0.0.1", port: int = 8700, *, log_level: str = "warning") -> None:
    import uvicorn
    uvicorn.run(create_app(sim), host=host, port=port, loop="uvloop", http="httptools",
                log_level=log_level, access_log=False, timeout_graceful_shutdown=SHUTDOWN_GRACE)
