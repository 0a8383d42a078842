"""The reference implementation, as an IUT: qrinterop's own codec, validator and imaging.

`qrinterop certify` with no `--iut` certifies this (`python:qrinterop.iut.reference:ReferenceIut`).
The suite also uses it as the oracle of the differential and mutation tests. Errors are the
codec's own located exceptions; the python adapter turns them into `{"code": rule, "message"}`.
"""
from __future__ import annotations

import base64
from typing import Any

from qrinterop import __version__

BASE_OPS = ("parse", "build", "validate")
IMAGE_OPS = ("render", "decode_image")


class ReferenceIut:
    """Methods named as the ops of DESIGN §4; each returns the `result` object."""

    def hello(self) -> dict[str, Any]:
        from qrinterop.rules import profile_names
        ops = list(BASE_OPS) + (list(IMAGE_OPS) if _imaging() is not None else [])
        return {"name": "qrinterop-reference", "version": __version__, "ops": ["hello", *ops],
                "profiles": list(profile_names())}

    def parse(self, payload: str, mode: str = "mpm") -> dict[str, Any]:
        if mode == "cpm":
            from qrinterop.emv.cpm import parse_cpm
            return {"objects": parse_cpm(payload).to_objects()}
        from qrinterop.emv.mpm import parse_mpm
        return {"objects": parse_mpm(_mode_checked(mode, payload)).to_objects()}

    def build(self, objects: list[dict[str, Any]], mode: str = "mpm") -> dict[str, Any]:
        if mode == "cpm":
            from qrinterop.emv.cpm import build_cpm
            return {"payload": build_cpm(objects)}
        from qrinterop.emv.mpm import build_mpm
        _mode_checked(mode, "")
        return {"payload": build_mpm(objects)}

    def validate(self, payload: str, profile: str = "emv") -> dict[str, Any]:
        from qrinterop.rules import validate
        report = validate(payload, profile=profile)
        return {"valid": bool(report.valid),
                "violations": [{"rule": v.rule, "message": v.message, "level": str(getattr(v, "level", "")),
                                "path": getattr(v, "path", "")} for v in report.violations]}

    def render(self, payload: str) -> dict[str, Any]:
        png = _imaging_call("render_png", payload)
        return {"png_base64": base64.b64encode(png).decode("ascii")}

    def decode_image(self, png_base64: str) -> dict[str, Any]:
        return {"payload": _imaging_call("read_png", base64.b64decode(png_base64, validate=True))}


def _mode_checked(mode: str, payload: str) -> str:
    if mode != "mpm":
        raise ValueError(f"unknown mode {mode!r}; expected 'mpm' or 'cpm'")
    return payload


def _imaging() -> Any | None:
    """The imaging part, or None when it has not landed / its readers are missing."""
    try:
        from qrinterop.iut import imaging_bridge
        return imaging_bridge.available()
    except ImportError:
        return None


def _imaging_call(name: str, arg: Any) -> Any:
    from qrinterop.iut import imaging_bridge
    return getattr(imaging_bridge, name)(arg)
