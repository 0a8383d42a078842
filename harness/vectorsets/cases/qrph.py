"""qrph: QR Ph (Philippines) P2P and P2M codes (real samples; notes/profiles.md §7)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, add, drop, set_

P = Q("qrph-p2p")

CASES = (
    C("QR Ph P2P (GCash): com.p2pqrpay in 27", V,
      ["qrph.mai.gui", "qrph.bic", "qrph.account", "qrph.p2p.mcc", "qrph.country", "qrph.currency"],
      ["RealWorld"], **P),
    C("P2P with a mobile number '+63-…' in 05 (04 dropped to make room)", V, ["qrph.p2p.mobile"], ["ProfileRule"],
      **P, edits=[drop("27.04"), add("27.05", "+63-9171234567")]),
    C("QR Ph P2M (Maya): ph.ppmi.p2m in 28, payment-system GUI in 62", V, ["qrph.mai.gui", "qrph.bic"],
      ["RealWorld"], **Q("qrph-p2m")),
    C("GUI in upper case (COM.P2PQRPAY)", I, ["qrph.mai.gui"], ["GuiCase"], **P,
      edits=[set_("27.00", "COM.P2PQRPAY")]),
    C("BIC of 9 characters", I, ["qrph.bic"], ["ProfileRule"], **P, edits=[set_("27.01", "GXCHPHM2X")]),
    C("no account (03)", I, ["qrph.account"], ["ProfileRule"], **P, edits=[drop("27.03")]),
    C("P2P mobile without +63-", A, ["qrph.p2p.mobile"], ["ProfileRule"], **P,
      edits=[drop("27.04"), add("27.05", "09171234567")]),
    C("P2P code with MCC 5411", A, ["qrph.p2p.mcc"], ["ProfileRule"], **P, edits=[set_("52", "5411")]),
    C("Country Code SG", I, ["qrph.country"], ["ProfileRule"], **P, edits=[set_("58", "SG")]),
    C("Transaction Currency 840", I, ["qrph.currency"], ["ProfileRule"], **P, edits=[set_("53", "840")]),
)

SET = VectorSet(
    name="qrph", source="QR Ph (BSP / PPMI) as seen in real codes; notes/profiles.md §7",
    description="Philippine codes validated with profile 'qrph': com.p2pqrpay / ph.ppmi.p2m, BIC, account, "
                "P2P conventions, PH/608.",
    groups=(Group("validate", "qrph", CASES),))
