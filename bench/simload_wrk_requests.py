"""Write a wrk Lua script that replays N pre-signed, distinct PayPay create-code requests.

wrk cannot compute an HMAC, so the requests are signed here just before the run (the OPA epoch
window is 2 minutes) — every one with its own merchantPaymentId and nonce, so each request is a
new stateful payment and none is refused as a replay.

    python bench/simload_wrk_requests.py OUT.lua N [api_key secret merchant_id [tag]]

`tag` makes the ids of scripts written in the same second distinct (several wrk instances against
servers sharing one store: a repeated id or nonce would be an idempotent hit or a refused replay).
"""
from __future__ import annotations

import json
import sys
import time

from qrinterop.simulators.wallets.paypay import opa_auth_header

CTYPE = "application/json;charset=UTF-8"
CHUNK = 4000


def lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(path: str, n: int, api_key: str = "sim-paypay-key", secret: str = "sim-paypay-secret",
          merchant_id: str = "sim-paypay-merchant", tag: str = "") -> None:
    epoch = int(time.time())
    run = f"{epoch:x}{tag}"
    with open(path, "w", encoding="utf-8") as out:
        out.write("local reqs = {}\n")
        for i in range(n):
            if i % CHUNK == 0:   # LuaJIT allows 65,536 constants per function: one function per chunk
                out.write(("end\nchunk()\n" if i else "") + "local function chunk()\n")
            body = json.dumps({"merchantPaymentId": f"b{run}-{i}", "amount": {"amount": 1000, "currency": "JPY"},
                               "codeType": "ORDER_QR", "orderDescription": "bench"}, separators=(",", ":"))
            auth = opa_auth_header(api_key, secret, "/v2/codes", "POST", f"{tag}{i:08x}", epoch, CTYPE, body.encode())
            # Host: HTTP/1.1 requires it (Jetty, under WireMock, answers 400 without; wrk.format adds none)
            out.write(f'reqs[{i + 1}] = wrk.format("POST", "/paypay/v2/codes", {{["Host"]="127.0.0.1",["Content-Type"]={lua_string(CTYPE)},'
                      f'["Authorization"]={lua_string(auth)},["X-ASSUME-MERCHANT"]={lua_string(merchant_id)}}}, '
                      f"{lua_string(body)})\n")
        out.write("end\nchunk()\n" if n else "")
        out.write("local i = 0\nrequest = function()\n  i = i + 1\n  if i > #reqs then i = 1 end\n"
                  "  return reqs[i]\nend\n")


if __name__ == "__main__":
    write(sys.argv[1], int(sys.argv[2]), *sys.argv[3:7])
