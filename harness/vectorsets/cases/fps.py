"""fps: Hong Kong FPS codes (HKICL; Odoo's implementation and public samples; notes/profiles.md §7)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import INVALID as I, VALID as V, C, Group, VectorSet, add, drop, \
    set_

M = Q("fps-mobile")
F = Q("fps-id")

CASES = (
    C("FPS with a mobile number (Odoo test payload)", V,
      ["fps.mai.gui", "fps.proxy.required", "fps.mobile", "fps.country", "fps.currency"], ["RealWorld"], **M),
    C("FPS with an FPS ID", V, ["fps.fps_id", "fps.proxy.required"], ["RealWorld"], **F),
    C("FPS with a clearing code and an e-mail address", V, ["fps.clearing_code", "fps.email"], ["ProfileRule"],
      **M, edits=[drop("26.03"), add("26.01", "004", at=1), add("26.04", "pay@shop.example")]),
    C("FPS in CNY (156)", V, ["fps.currency"], ["ProfileRule"], **M, edits=[set_("53", "156")]),
    C("made by the FPS builder: e-mail payee, HKD amount", V, ["fps.email", "fps.proxy.required"], ["Basic"],
      builder="fps", fields={"email": "pay@shop.example", "amount": "88.00", "dynamic": True}),
    C("quoted FPS sample whose CRC is wrong (declares 84E1, the CRC is D1A3)", I, ["mpm.crc.mismatch"],
      ["RealWorld", "CrcMismatch"], **Q("hk-fps-badcrc")),
    C("GUI hk.com.hkicl.fps", I, ["fps.mai.gui"], ["ProfileRule"], **M, edits=[set_("26.00", "hk.com.hkicl.fps")]),
    C("no FPS ID, mobile or e-mail", I, ["fps.proxy.required"], ["ProfileRule"], **M,
      edits=[drop("26.03"), add("26.01", "004")]),
    C("clearing code of 4 digits", I, ["fps.clearing_code"], ["ProfileRule"], **M, edits=[add("26.01", "0004")]),
    C("FPS ID of 6 digits", I, ["fps.fps_id"], ["ProfileRule"], **F, edits=[set_("26.02", "600050")]),
    C("mobile without the '+852-'", I, ["fps.mobile"], ["ProfileRule"], **M, edits=[set_("26.03", "67891234")]),
    C("e-mail without '@'", I, ["fps.email"], ["ProfileRule"], **M,
      edits=[drop("26.03"), add("26.04", "pay.shop.example")]),
    C("Country Code CN", I, ["fps.country"], ["ProfileRule"], **M, edits=[set_("58", "CN")]),
    C("Transaction Currency 840", I, ["fps.currency"], ["ProfileRule"], **M, edits=[set_("53", "840")]),
)

SET = VectorSet(
    name="fps", source="HK FPS common QR as implemented by Odoo and seen in samples; notes/profiles.md §7",
    description="Hong Kong codes validated with profile 'fps': GUI hk.com.hkicl, FPS ID / mobile / e-mail, "
                "clearing code, HK with HKD (or CNY).",
    groups=(Group("validate", "fps", CASES),))
