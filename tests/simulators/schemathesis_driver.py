"""Schemathesis against every served wallet, signing each generated request as it is sent.

Run as a script (`python tests/simulators/schemathesis_driver.py [--examples N] [wallet …]`), as a
user would run Schemathesis, so that its imports and hypothesis settings stay out of the test process
(once needed: a test folder named `packaging` shadowed the library of that name; it is tests/install now).
Prints one JSON line per wallet ({"wallet", "requests", "below_400", "server_errors", "failures"})
and exits 1 if any request got a 5xx or any answer broke the wallet's OpenAPI document.

A wallet refuses unsigned requests, so without signing only its auth error would be exercised.
Bounded: hypothesis `derandomize` (a fixed seed), `--examples` per operation.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from qrinterop.localserver import serve_in_thread
from qrinterop.simulators.server import create_app
from qrinterop.simulators.simulator import Simulator
from qrinterop.simulators.wallets import WALLET_IDS, spec

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def send(case: Any, wallet: str, base: str, creds: dict[str, str], http: httpx.Client) -> httpx.Response:
    if wallet == "wechatpay":     # the right merchant id, so that requests get past the mchid check
        if isinstance(case.body, dict) and "mchid" in case.body:
            case.body["mchid"] = creds["merchant_id"]
        if isinstance(case.query, dict) and "mchid" in case.query:
            case.query["mchid"] = creds["merchant_id"]
    body = b""
    if case.body is not None and type(case.body).__name__ != "NotSet":
        body = json.dumps(case.body, ensure_ascii=False).encode("utf-8", "surrogatepass")
    url = httpx.URL(f"{base}/{wallet}{case.formatted_path}", params=case.query or None)
    prefix = f"/{wallet}"
    raw = url.raw_path.decode("ascii")                        # path?query exactly as it goes on the wire
    query = url.query.decode("ascii")
    # WeChat verifies the path as sent (wechatpay-go); the others the decoded path (as their SDKs sign)
    signed = raw[len(prefix):] if wallet == "wechatpay" else url.path[len(prefix):] + (f"?{query}" if query else "")
    headers = {k: str(v) for k, v in (case.headers or {}).items()}
    headers.update(spec(wallet).client_signer(creds, case.method.upper(), signed, body))
    return http.request(case.method.upper(), url, content=body or None, headers=headers)


def run_wallet(sim: Simulator, base: str, wallet: str, examples: int) -> dict[str, Any]:
    creds = sim.credentials(wallet)
    schema = schemathesis.openapi.from_dict(spec(wallet).contract.doc)
    statuses: list[int] = []
    failures: list[str] = []
    with httpx.Client(timeout=10) as http:
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case: Any) -> None:
                response = send(case, wallet, base, creds, http)
                statuses.append(response.status_code)
                case.validate_response(response, checks=CHECKS)

            try:
                check()
            except Exception as exc:          # a check failed: keep going with the next operation
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    failures += [f"simulator: {e}" for e in (*sim.internal_errors, *sim.contract_drift)]
    return {"wallet": wallet, "requests": len(statuses), "below_400": sum(s < 400 for s in statuses),
            "server_errors": sum(s >= 500 for s in statuses), "failures": failures}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=6, help="examples per operation (default 6)")
    ap.add_argument("wallets", nargs="*", default=list(WALLET_IDS))
    args = ap.parse_args(argv)
    sim = Simulator(check_responses=True, timeout_seconds=1.0)
    bad = 0
    with serve_in_thread(create_app(sim, deliver_webhooks=False)) as base:
        for wallet in args.wallets:
            summary = run_wallet(sim, base, wallet, args.examples)
            print(json.dumps(summary, ensure_ascii=False), flush=True)
            bad += summary["server_errors"] + len(summary["failures"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
