"""qris: Indonesia's QRIS (astrapay/spring-qris and real merchant codes; notes/profiles.md §6)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, drop, set_

G = Q("qris-gopay")

CASES = (
    C("real QRIS merchant code: GoPay template (26) and national template (51)", V,
      ["qris.mai.present", "qris.mai.gui", "qris.nmid.format", "qris.criteria", "qris.pan.format",
       "qris.merchant_id.length", "qris.country", "qris.currency", "qris.postal.format"], ["RealWorld"], **G),
    C("national template only (no PJSP template)", V, ["qris.mai.present", "qris.mai.gui"], ["ProfileRule"], **G,
      edits=[drop("26")]),
    C("static code turned dynamic by hand (01=12 + amount): structurally valid", V, ["qris.mai.present"],
      ["StaticWithAmount"], **G, edits=[set_("01", "12")]),
    C("neither 51 nor a PJSP template", I, ["qris.mai.present", "mpm.mai.present"], ["ProfileRule"], **G,
      edits=[drop("26"), drop("51")]),
    C("national GUI in lower case", I, ["qris.mai.gui"], ["GuiCase"], **G, edits=[set_("51.00", "id.co.qris.www")]),
    C("NMID of 14 characters", I, ["qris.nmid.format"], ["ProfileRule"], **G, edits=[set_("51.02", "ID102434455646")]),
    C("merchant criteria 'XYZ'", I, ["qris.criteria"], ["ProfileRule"], **G, edits=[set_("51.03", "XYZ")]),
    C("PJSP PAN not starting 9360", I, ["qris.pan.format"], ["ProfileRule"], **G,
      edits=[set_("26.01", "123409143573316009")]),
    C("PJSP merchant ID of 16 characters", I, ["qris.merchant_id.length"], ["ProfileRule"], **G,
      edits=[set_("26.02", "G573316009ABCDEF")]),
    C("Country Code MY", I, ["qris.country"], ["ProfileRule"], **G, edits=[set_("58", "MY")]),
    C("Transaction Currency 458", I, ["qris.currency"], ["ProfileRule"], **G, edits=[set_("53", "458")]),
    C("postal code of 6 digits", A, ["qris.postal.format"], ["ProfileRule"], **G, edits=[set_("61", "201111")]),
)

SET = VectorSet(
    name="qris", source="QRIS as implemented by astrapay/spring-qris and seen in real codes; notes/profiles.md §6",
    description="Indonesian codes validated with profile 'qris': national template 51 (GUI, NMID, criteria), "
                "PJSP templates 26-45 (PAN, merchant ID), ID/360.",
    groups=(Group("validate", "qris", CASES),))
