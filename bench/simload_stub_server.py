"""The comparable baseline: a bare starlette route on uvicorn (uvloop + httptools) answering
POST with 201 and a ~330-byte JSON body, like the WireMock stub in performance-anchors.md.

    python bench/simload_stub_server.py PORT
"""
from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = (b'{"resultInfo":{"code":"SUCCESS","message":"Success","codeId":"08100001"},"data":{"codeId":"04-STUB000000000000",'
        b'"url":"https://qr.paypay.ne.jp/sim/04-STUB000000000000","deeplink":"paypay://payment?link_key=0123456789abcdef",'
        b'"expiryDate":1795587056,"merchantPaymentId":"stub","amount":{"amount":1000,"currency":"JPY"},"codeType":"ORDER_QR",'
        b'"requestedAt":1795586756,"isAuthorization":false}}')


async def create(request: Request) -> Response:
    await request.body()
    return Response(BODY, status_code=201, media_type="application/json")


app = Starlette(routes=[Route("/paypay/v2/codes", create, methods=["POST"])])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
                log_level="warning", access_log=False)
