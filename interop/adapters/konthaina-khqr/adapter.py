"""konthaina-khqr (PyPI): "KHQR / EMVCo merchant-presented QR payload generator for Bakong
(Cambodia), with CRC16 verification".

  validate (profile khqr) <- konthaina_khqr.verify(payload) (the library checks the CRC; that is
  all its verify does, by its own docstring) and konthaina_khqr.decode(payload) not raising.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_lib"))
from jsonl_loop import installed_version, serve  # noqa: E402

import konthaina_khqr  # noqa: E402


def validate(request):
    payload = request["payload"]
    if not konthaina_khqr.verify(payload):
        return {"valid": False, "violations": [{"rule": "konthaina-khqr.verify", "message": "verify() is False"}]}
    konthaina_khqr.decode(payload)   # raises on a payload it cannot read: a refusal
    return {"valid": True, "violations": []}


serve(name="konthaina-khqr", version=installed_version("konthaina-khqr"), profiles=["khqr"],
      ops={"validate": validate})
