"""The control API `/_sim/…`: the Simulator's Python control methods, over HTTP (DESIGN §6).

Answers are JSON; a bad control request gets 400 `{"sim_error": "…"}` naming what was wrong, an
unknown control path 404 and a known one with the wrong method 405 (with `Allow`).

  GET    /_sim/health                          {"ok": true, "wallets": [...], "payments": n, "journal": n}
  POST   /_sim/reset            {"seed"?}        forget payments, faults, journal (keep merchants)
  GET    /_sim/merchants?wallet=W[&secrets=1]   W's merchants; secrets and private keys only with
                                                secrets=1, and only on a loopback server
  POST   /_sim/merchants        {wallet, merchant_id, api_key?, secret?, public_key_pem?, key_serial?,
                                 notify_url?, multiple_refunds?}
  GET    /_sim/faults   POST /_sim/faults {fault, wallet?, route?, probability?, count?}   DELETE /_sim/faults
  GET    /_sim/clock    POST /_sim/clock/advance {"seconds"}
  GET    /_sim/journal?wallet=&route=&limit=
  POST   /_sim/consumer/{wallet}/pay    {"code"}   the user pays (code = payment id, code id or QR content)
  POST   /_sim/consumer/{wallet}/reject {"code"}
  GET    /_sim/payments/{wallet}[/{code}]
  GET    /_sim/webhooks                         pending, delivered and dead webhooks
  POST   /_sim/webhooks/deliver                 deliver what is due now (the server also does it by itself)
  POST   /_sim/inbox/{name}   GET /_sim/inbox/{name}     a webhook sink for tests and demos
  GET    /_sim/openapi/{wallet}.json
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.faults import FaultSyntaxError
from qrinterop.simulators.engine.http import SimRequest, SimResponse, json_response
from qrinterop.simulators.engine.jsonbody import parse_json
from qrinterop.simulators.engine.model import Merchant
from qrinterop.simulators.engine.signing import load_public_key

if TYPE_CHECKING:
    from qrinterop.simulators.simulator import Simulator


class ControlError(ValueError):
    pass


def _body(req: SimRequest) -> dict[str, Any]:
    if not req.body:
        return {}
    try:
        obj = parse_json(req.body)
    except SimError as exc:
        raise ControlError(exc.message) from None
    if not isinstance(obj, dict):
        raise ControlError("body must be a JSON object")
    return obj


def _field(body: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    if name not in body:
        if default is ...:
            raise ControlError(f"missing field {name!r}")
        return default
    value = body[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ControlError(f"field {name!r} must be {kind.__name__}")
    return value


def _webhook_view(w: Any) -> dict[str, Any]:
    return {"webhook_id": w.webhook_id, "wallet": w.wallet, "url": w.url, "attempts": w.attempts,
            "delivered": w.delivered, "dead": w.dead, "next_at": w.next_at, "last_error": w.last_error,
            "body": w.body.decode("utf-8", "replace"), "headers": dict(w.headers)}


def _check_merchant(m: Merchant) -> None:
    """Refuse a merchant the wallet could never authenticate, at registration, not at first use."""
    if m.public_key_pem:
        try:
            load_public_key(m.public_key_pem)
        except ValueError as exc:
            raise ControlError(f"public_key_pem is not an RSA public key in PEM: {exc}") from None
    if m.wallet in ("wechatpay", "alipayplus") and not m.public_key_pem:
        raise ControlError(f"{m.wallet} verifies requests with the merchant's RSA key: public_key_pem is required")
    if m.wallet == "wechatpay" and len(m.secret.encode()) != 32:
        raise ControlError("wechatpay: secret is the APIv3 key and must be 32 bytes (AEAD_AES_256_GCM)")
    if m.wallet == "wechatpay" and not m.key_serial:
        raise ControlError("wechatpay: key_serial (the merchant certificate serial) is required")
    if m.wallet not in ("wechatpay",) and not m.api_key:
        raise ControlError(f"{m.wallet}: api_key is required")


def handle_control(sim: "Simulator", req: SimRequest, rel: str) -> SimResponse:
    try:
        return _route(sim, req, [p for p in rel.split("/") if p])
    except (ControlError, FaultSyntaxError) as exc:
        return json_response(400, {"sim_error": str(exc)})
    except SimError as exc:
        status = 404 if "not_found" in exc.kind.value else 409 if exc.kind is Kind.IDEMPOTENCY_CONFLICT else 400
        return json_response(status, {"sim_error": exc.message, "kind": exc.kind.value, "field": exc.field})


# (first path segment, number of segments or None for any) -> methods; for 404 vs 405
_ROUTES: dict[str, tuple[str, ...]] = {
    "health": ("GET",), "reset": ("POST",), "merchants": ("GET", "POST"), "faults": ("GET", "POST", "DELETE"),
    "clock": ("GET", "POST"), "journal": ("GET",), "consumer": ("POST",), "payments": ("GET",),
    "webhooks": ("GET", "POST"), "inbox": ("GET", "POST"), "openapi": ("GET",),
}


def _unknown(method: str, parts: list[str]) -> SimResponse:
    where = "/_sim/" + "/".join(parts)
    allowed = _ROUTES.get(parts[0] if parts else "", ())
    if allowed and method not in allowed:
        return json_response(405, {"sim_error": f"{method} is not allowed on {where}; allowed: {', '.join(allowed)}"},
                             {"allow": ", ".join(allowed)})
    return json_response(404, {"sim_error": f"no control operation {method} {where}"})


def _route(sim: "Simulator", req: SimRequest, parts: list[str]) -> SimResponse:
    m, q = req.method, req.query_params()
    head = parts[0] if parts else ""
    if head == "health" and m == "GET":
        return json_response(200, {"ok": True, "wallets": sorted(sim.specs), "payments": sim.store.count("payment"),
                                    "journal": len(sim.journal)})
    if head == "reset" and m == "POST":
        seed = _field(_body(req), "seed", int, None)
        sim.reset(seed)
        return json_response(200, {"ok": True, "seed": sim.seed})
    if head == "merchants" and m == "GET":
        wallets = [q["wallet"]] if q.get("wallet") else sorted(sim.specs)
        for w in wallets:
            if w not in sim.specs:
                raise ControlError(f"wallet {w!r} is not served here")
        secrets = q.get("secrets", "") in ("1", "true", "yes")
        if secrets and not sim.serve_secrets:
            return json_response(403, {"sim_error": "secrets and private keys are served only by a server bound to "
                                                    "a loopback address; this one is not"})
        return json_response(200, {"merchants": [sim.credentials(w, x.merchant_id, secrets=secrets) for w in wallets
                                                 for x in sim.merchants(w)]})
    if head == "merchants" and m == "POST":
        b = _body(req)
        merchant = Merchant(
            wallet=_field(b, "wallet", str), merchant_id=_field(b, "merchant_id", str),
            api_key=_field(b, "api_key", str, ""), secret=_field(b, "secret", str, ""),
            public_key_pem=_field(b, "public_key_pem", str, ""), key_serial=_field(b, "key_serial", str, ""),
            notify_url=_field(b, "notify_url", str, ""), multiple_refunds=_field(b, "multiple_refunds", bool, True))
        _check_merchant(merchant)
        sim.add_merchant(merchant)
        return json_response(201, sim.credentials(merchant.wallet, merchant.merchant_id, secrets=sim.serve_secrets))
    if head == "faults":
        if m == "GET":
            return json_response(200, {"seed": sim.faults.seed, "rules": [r.as_dict() for r in sim.faults.rules]})
        if m == "DELETE":
            sim.clear_faults()
            return json_response(200, {"ok": True})
        if m == "POST":
            b = _body(req)
            count = _field(b, "count", int, None)
            rule = sim.add_fault(_field(b, "fault", str), wallet=_field(b, "wallet", str, "*"),
                                 route=_field(b, "route", str, "*"),
                                 probability=_field(b, "probability", float, 1.0), count=count)
            return json_response(201, rule.as_dict())
    if head == "clock":
        if m == "GET" and len(parts) == 1:
            return json_response(200, {"now": sim.clock.now(), "offset": sim.clock.offset})
        if m == "POST" and parts[1:] == ["advance"]:
            seconds = _field(_body(req), "seconds", float)
            if seconds < 0:
                raise ControlError("seconds must be ≥ 0: the clock only moves forward")
            return json_response(200, {"now": sim.advance_clock(seconds), "offset": sim.clock.offset})
    if head == "journal" and m == "GET":
        limit = int(q.get("limit", "1000")) if q.get("limit", "1000").isdigit() else 1000
        return json_response(200, {"capacity": sim.journal.capacity,
                                   "entries": sim.journal.entries(wallet=q.get("wallet", ""), route=q.get("route", ""),
                                                                  limit=limit)})
    if head == "consumer" and m == "POST" and len(parts) == 3 and parts[2] in ("pay", "reject"):
        b = _body(req)
        code = _field(b, "code", str)
        fault = req.header("x-sim-fault")
        result = (sim.consumer_pay if parts[2] == "pay" else sim.consumer_reject)(parts[1], code, fault=fault)
        return json_response(200, result)
    if head == "payments" and m == "GET" and len(parts) in (2, 3):
        if parts[1] not in sim.specs:
            raise ControlError(f"wallet {parts[1]!r} is not served here")
        if len(parts) == 3:
            return json_response(200, sim.payment(parts[1], parts[2]))
        return json_response(200, {"payments": sim.payments_of(parts[1])})
    if head == "webhooks":
        if m == "GET" and len(parts) == 1:
            return json_response(200, {"pending": [_webhook_view(w) for w in sim.pending_webhooks()],
                                       "delivered": [_webhook_view(w) for w in sim.delivered]})
        if m == "POST" and parts[1:] == ["deliver"]:
            # The in-process transport delivers synchronously here; the server intercepts this
            # route and delivers asynchronously (a blocking call to itself would deadlock).
            return json_response(200, {"attempted": sim.deliver_webhooks()})
    if head == "inbox" and len(parts) == 2:
        if m == "POST":
            sim.receive(parts[1], req)
            return json_response(200, {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}})
        if m == "GET":
            return json_response(200, {"received": sim.inbox(parts[1])})
    if head == "openapi" and m == "GET" and len(parts) == 2 and parts[1].endswith(".json"):
        wallet = parts[1][:-5]
        if wallet not in sim.specs:
            raise ControlError(f"wallet {wallet!r} is not served here")
        return json_response(200, sim.specs[wallet].contract.doc)
    return _unknown(m, parts)
