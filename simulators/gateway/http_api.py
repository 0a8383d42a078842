"""The gateway over HTTP: one handler `(SimRequest) -> SimResponse`, mounted on a starlette app
(real server) and on a respx router (in-process), like the wallet simulators (STYLE: one
boundary, many transports). Paths are relative to the gateway's base URL (…/gateway):

  merchant (Authorization: Bearer <merchant_api_key>)
    POST /v1/orders                {amount?: int, description?, merchant_order_id?, ttl?}  → 201 order + payload
    GET  /v1/orders/{id}           order status (+ the payment, the attempts)
    POST /v1/orders/{id}/refunds   {amount?}  → refund through the wallet that was paid
    POST /v1/orders/{id}/cancel
  public
    GET  /v1/orders/{id}/qr.png    the code to show (PNG)      GET /v1/orders/{id}/payload
    GET  /v1/health
  wallets
    POST /v1/route                 {wallet, store_code, reference?, amount?} → {attempt_id, code, amount, return_url?}
    POST /v1/notify/{wallet}       the wallet's payment webhook (verified; then the status is polled)
    GET|POST /v1/return/{attempt}  the user is back from the wallet (LINE Pay confirmUrl)
  operations
    POST /v1/reconcile             poll unknown attempts now     POST /v1/webhooks/deliver  send due events

Errors: `{"error": {"code": "ORDER_ALREADY_PAID", "message": "…"}}` with a 4xx/5xx status.
"""
from __future__ import annotations

import base64
import contextlib
import hmac
import logging
import threading
from typing import Any, AsyncIterator, Callable
from urllib.parse import urlsplit

import httpx

from qrinterop.simulators.engine.errors import SimError
from qrinterop.simulators.engine.http import SimRequest, SimResponse, json_response
from qrinterop.simulators.engine.jsonbody import parse_json
from qrinterop.simulators.gateway.notifications import NotificationRejected
from qrinterop.simulators.gateway.orders import GatewayRefusal
from qrinterop.simulators.gateway.service import Gateway
from qrinterop.simulators.gateway.wallet_clients import WalletCallError

log = logging.getLogger("qrinterop.simulators.gateway.http")
MAX_BODY = 64 * 1024


class BadRequest(Exception):
    pass


def _error(status: int, code: str, message: str) -> SimResponse:
    return json_response(status, {"error": {"code": code, "message": message}})


def _body(req: SimRequest) -> dict[str, Any]:
    if len(req.body) > MAX_BODY:
        raise BadRequest(f"body is {len(req.body)} bytes; the limit is {MAX_BODY}")
    if not req.body:
        return {}
    try:
        obj = parse_json(req.body)            # bounded depth, finite numbers, valid Unicode
    except SimError as exc:
        raise BadRequest(exc.message) from None
    if not isinstance(obj, dict):
        raise BadRequest("body must be a JSON object")
    return obj


def _int_or_none(body: dict[str, Any], name: str) -> int | None:
    v = body.get(name)
    if v is None:
        return None
    if not isinstance(v, int) or isinstance(v, bool):
        raise BadRequest(f"field {name!r} must be a whole number (yen), got {v!r}")
    return v


def _str(body: dict[str, Any], name: str, required: bool = False) -> str:
    v = body.get(name, "")
    if not isinstance(v, str) or (required and not v):
        raise BadRequest(f"field {name!r} must be a{' non-empty' if required else ''} string")
    return v


def handle(gw: Gateway, req: SimRequest, prefix: str = "/gateway") -> SimResponse:
    path = req.path[len(prefix):] if req.path.startswith(prefix) else req.path
    parts = [p for p in path.split("/") if p]
    try:
        return _route(gw, req, parts)
    except BadRequest as exc:
        return _error(400, "BAD_REQUEST", str(exc))
    except GatewayRefusal as exc:
        return _error(exc.status, exc.code, exc.message)
    except NotificationRejected as exc:
        return _error(exc.status, "NOTIFICATION_REJECTED", exc.message)
    except WalletCallError as exc:
        return _error(502, "WALLET_UNAVAILABLE", str(exc))
    except Exception as exc:      # a gateway bug: answer, keep the trace in the log
        log.exception("gateway error on %s %s", req.method, req.path)
        return _error(500, "INTERNAL", f"{type(exc).__name__}: {exc}")


def _merchant(gw: Gateway, req: SimRequest) -> None:
    expected = f"Bearer {gw.config.merchant_api_key}"
    if not hmac.compare_digest(req.header("authorization").encode(), expected.encode()):
        raise GatewayRefusal("UNAUTHORIZED", "Authorization: Bearer <merchant API key> is missing or wrong", 401)


def order_created(gw: Gateway, order_id: str) -> dict[str, Any]:
    view = gw.order_view(order_id)
    view["payload"] = gw.payload(order_id)
    view["qr_png_url"] = f"{gw.config.base_url}/v1/orders/{order_id}/qr.png"
    return view


def _route(gw: Gateway, req: SimRequest, parts: list[str]) -> SimResponse:
    m = req.method
    if parts[:1] != ["v1"]:
        return _error(404, "NOT_FOUND", f"no gateway operation {m} {req.path}")
    p = parts[1:]
    if p == ["health"] and m == "GET":
        return json_response(200, {"ok": True, "store_code": gw.merchant.store_code, "wallets": list(gw.config.wallets)})
    if p == ["orders"] and m == "POST":
        _merchant(gw, req)
        b = _body(req)
        ttl = b.get("ttl")
        if ttl is not None and (not isinstance(ttl, (int, float)) or isinstance(ttl, bool) or ttl <= 0):
            raise BadRequest("field 'ttl' must be a positive number of seconds")
        order = gw.create_order(_int_or_none(b, "amount"), description=_str(b, "description"),
                                merchant_order_id=_str(b, "merchant_order_id"), ttl=ttl)
        return json_response(201, order_created(gw, order.order_id))
    if len(p) >= 2 and p[0] == "orders":
        oid = p[1]
        if len(p) == 2 and m == "GET":
            _merchant(gw, req)
            return json_response(200, gw.order_view(oid))
        if p[2:] == ["qr.png"] and m == "GET":
            return SimResponse(200, gw.png(oid), {"content-type": "image/png"})
        if p[2:] == ["payload"] and m == "GET":
            return json_response(200, {"order_id": oid, "payload": gw.payload(oid)})
        if p[2:] == ["refunds"] and m == "POST":
            _merchant(gw, req)
            return json_response(201, gw.refund(oid, _int_or_none(_body(req), "amount")))
        if p[2:] == ["cancel"] and m == "POST":
            _merchant(gw, req)
            gw.cancel_order(oid)
            return json_response(200, gw.order_view(oid))
    if p == ["route"] and m == "POST":
        b = _body(req)
        reference = b.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise BadRequest("field 'reference' must be a string (62-05 of the code) or absent")
        return json_response(200, gw.route(_str(b, "wallet", True), store_code=_str(b, "store_code", True),
                                           reference=reference or None, amount=_int_or_none(b, "amount")))
    if len(p) == 2 and p[0] == "notify" and m == "POST":
        url = f"{gw.config.base_url}/v1/notify/{p[1]}"
        attempt = gw.wallet_notification(p[1], url, req.headers, req.body)
        # Antom expects this exact acknowledgement; the others only look at the 2xx status.
        return json_response(200, {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
                                   "attempt_id": attempt})
    if len(p) == 2 and p[0] == "return" and m in ("GET", "POST"):
        a = gw.return_from_wallet(p[1])
        return json_response(200, {"attempt_id": a.attempt_id, "state": a.state.value,
                                   "order": gw.order_view(a.order_id)["status"]})
    if p == ["reconcile"] and m == "POST":
        return json_response(200, {"polled": gw.reconcile()})
    if p == ["webhooks", "deliver"] and m == "POST":
        return json_response(200, {"attempted": gw.deliver_webhooks()})
    return _error(404, "NOT_FOUND", f"no gateway operation {m} {req.path}")


# ---- transports -------------------------------------------------------------------------------

def mount_mock(router: Any, gw: Gateway, base_url: str) -> None:
    """Serve `gw` at `base_url` (e.g. http://gateway.local/gateway) on a respx router, in-process."""
    parts = urlsplit(base_url)
    prefix = parts.path.rstrip("/")

    def side_effect(request: httpx.Request) -> httpx.Response:
        req = SimRequest(request.method, request.url.path, request.url.query.decode("ascii", "replace"),
                         dict(request.headers), request.read())
        resp = handle(gw, req, prefix)
        return httpx.Response(resp.status, headers=resp.headers, content=resp.body)

    pattern: dict[str, Any] = {"scheme": parts.scheme, "host": parts.hostname}
    if parts.port:
        pattern["port"] = parts.port
    router.route(**pattern, path__startswith=prefix + "/").mock(side_effect=side_effect)


class Pump:
    """Background reconcile + merchant webhook delivery (the server's equivalent of a cron)."""

    def __init__(self, gw: Gateway | Callable[[], Gateway | None], interval: float = 0.2) -> None:
        self.current: Callable[[], Gateway | None] = (lambda: gw) if isinstance(gw, Gateway) else gw
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gateway-pump", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                gw = self.current()
            except LookupError:          # not connected yet
                continue
            if gw is None:
                continue
            for step in (gw.reconcile, gw.deliver_webhooks):
                try:
                    step()
                except Exception:          # keep pumping; one bad order must not stop the rest
                    log.exception("gateway pump step failed")

    def start(self) -> "Pump":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def create_app(gw: Gateway | Callable[[], Gateway], *, prefix: str = "/gateway", pump: bool = True,
               extra_lifespans: tuple[Callable[[], Any], ...] = ()) -> Any:
    """A starlette app serving the gateway under `prefix`. Handlers run in the thread pool: the
    gateway makes blocking calls to the wallets, which may be served by this very event loop.
    `gw` may be a function returning the current gateway (tests swap in a fresh one per test)."""
    current: Callable[[], Gateway] = gw if callable(gw) and not isinstance(gw, Gateway) else (lambda: gw)  # type: ignore[assignment,return-value]
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        req = SimRequest(request.method, request.url.path, request.url.query, dict(request.headers), body)
        resp = await run_in_threadpool(handle, current(), req, prefix)
        return Response(resp.body, status_code=resp.status, headers=resp.headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        runner = Pump(current).start() if pump else None
        try:
            async with contextlib.AsyncExitStack() as stack:
                for make in extra_lifespans:
                    await stack.enter_async_context(make())
                yield
        finally:
            if runner:
                runner.stop()

    return Starlette(routes=[Route(prefix + "/{path:path}", endpoint, methods=["GET", "POST"])], lifespan=lifespan)


def png_base64(gw: Gateway, order_id: str) -> str:
    return base64.b64encode(gw.png(order_id)).decode()


def with_simulators(sim_app: Any, gw: Gateway | Callable[[], Gateway], *, prefix: str = "/gateway",
                    pump: bool = True) -> Any:
    """One starlette app serving the gateway under `prefix` and the wallet simulators' app
    (`qrinterop.simulators.server.create_app`) at everything else — one port for the whole
    scenario. Both lifespans run (the simulators' webhook delivery, the gateway's pump)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    gateway = create_app(gw, prefix=prefix, pump=pump,
                         extra_lifespans=(lambda: sim_app.router.lifespan_context(sim_app),))
    return Starlette(routes=[*gateway.routes, Mount("/", app=sim_app)], lifespan=gateway.router.lifespan_context)
