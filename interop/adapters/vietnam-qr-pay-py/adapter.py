"""vietnam-qr-pay (PyPI): "encoding/decoding Vietnamese bank QR codes (VietQR, VNPayQR)".

  validate (profile vietqr) <- QRPay(payload).is_valid (the library's CRC check and decode).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_lib"))
from jsonl_loop import installed_version, serve  # noqa: E402

from vietnam_qr_pay import QRPay  # noqa: E402


def validate(request):
    if QRPay(request["payload"]).is_valid:
        return {"valid": True, "violations": []}
    return {"valid": False, "violations": [{"rule": "vietnam-qr-pay.is_valid", "message": "QRPay(payload).is_valid is False"}]}


serve(name="vietnam-qr-pay (PyPI)", version=installed_version("vietnam-qr-pay"), profiles=["vietqr"],
      ops={"validate": validate})
