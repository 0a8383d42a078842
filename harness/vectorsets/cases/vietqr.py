"""vietqr: VietQR (NAPAS 247) codes (notes/profiles.md §7)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, drop, set_

N = Q("vietqr-napas")

CASES = (
    C("VietQR to an account, without 52/59/60 (allowed by the profile)", V,
      ["vietqr.mai.gui", "vietqr.root.mandatory", "vietqr.beneficiary", "vietqr.service", "vietqr.amount.integer",
       "vietqr.country", "vietqr.currency"], ["RealWorld"], **N),
    C("VietQR to a card (QRIBFTTC)", V, ["vietqr.service"], ["ProfileRule"], **N,
      edits=[set_("38.02", "QRIBFTTC")]),
    C("Odoo test payload (VietQR with non-ASCII letters in 59)", I, ["mpm.field.format"],
      ["RealWorld", "NonAsciiInAns"], **Q("odoo-vietnam")),
    C("GUI A000000728", I, ["vietqr.mai.gui"], ["ProfileRule"], **N, edits=[set_("38.00", "A000000728")]),
    C("58 missing", I, ["vietqr.root.mandatory"], ["ProfileRule"], **N, edits=[drop("58")]),
    C("bank BIN of 5 digits", I, ["vietqr.beneficiary"], ["ProfileRule"], **N,
      edits=[set_("38.01", [("00", "97041"), ("01", "0011001932418")])]),
    C("service code QRIBFTTX", I, ["vietqr.service"], ["ProfileRule"], **N, edits=[set_("38.02", "QRIBFTTX")]),
    C("VND amount with decimals", A, ["vietqr.amount.integer", "mpm.amount.decimals"], ["AmountFormat"], **N,
      edits=[set_("54", "120000.50")]),
    C("Country Code TH", I, ["vietqr.country"], ["ProfileRule"], **N, edits=[set_("58", "TH")]),
    C("Transaction Currency 840", I, ["vietqr.currency"], ["ProfileRule"], **N, edits=[set_("53", "840")]),
)

SET = VectorSet(
    name="vietqr", source="VietQR (NAPAS 247) as seen in public test vectors; notes/profiles.md §7",
    description="Vietnamese codes validated with profile 'vietqr': GUI A000000727, nested beneficiary "
                "(BIN + account), service code, VN/704; 52/59/60 may be omitted.",
    groups=(Group("validate", "vietqr", CASES),))
