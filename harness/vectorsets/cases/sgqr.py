"""sgqr: Singapore SGQR / PayNow (lee-ratinan/emv-qr and real payloads; notes/profiles.md §3)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, drop, set_

B = {"base": "sgqr-paynow-uen"}

CASES = (
    C("real SGQR: NETS template and SGQR metadata (51)", V,
      ["sgqr.mai.gui", "sgqr.meta.id", "sgqr.meta.version", "sgqr.meta.postal", "sgqr.meta.location",
       "sgqr.meta.revision", "sgqr.country", "sgqr.currency"], ["RealWorld"], **Q("sgqr-nets")),
    C("PayNow dynamic with amount, mobile proxy", V,
      ["sgqr.mai.gui", "sgqr.paynow.proxy_type", "sgqr.paynow.proxy_value", "sgqr.paynow.editable",
       "sgqr.paynow.editable_poi"], ["RealWorld"], **Q("sgqr-paynow-dynamic")),
    C("PayNow UEN with expiry and SGQR metadata (library README example; its SGQR ID has 13 characters)", A,
      ["sgqr.meta.id"], ["RealWorld"], **Q("sgqr-paynow-uen")),
    C("PayNow UEN with a 12-character SGQR ID and a YYYYMMDD expiry", V,
      ["sgqr.paynow.expiry", "sgqr.paynow.proxy_value", "sgqr.meta.id"], ["ProfileRule"], **B,
      edits=[set_("51.01", "202012345X12")]),
    C("PayNow expiry with time YYYYMMDDhhmmss (DBS codes)", V, ["sgqr.paynow.expiry"], ["ProfileRule"], **B,
      edits=[set_("51.01", "202012345X12"), set_("26.04", "20211231235959")]),
    C("PayNow GUI in lower case (sg.paynow)", I, ["sgqr.mai.gui"], ["GuiCase"], **B,
      edits=[set_("26.00", "sg.paynow"), drop("51")]),
    C("PayNow proxy type 3 (NRIC: only in PAYNOW:// URLs)", I, ["sgqr.paynow.proxy_type"], ["ProfileRule"], **B,
      edits=[set_("51.01", "202012345X12"), set_("26.01", "3")]),
    C("mobile proxy without +65", I, ["sgqr.paynow.proxy_value"], ["ProfileRule"],
      **Q("sgqr-paynow-dynamic"), edits=[set_("26.02", "81234567")]),
    C("UEN proxy in lower case", I, ["sgqr.paynow.proxy_value"], ["ProfileRule"], **B,
      edits=[set_("51.01", "202012345X12"), set_("26.02", "202012345x")]),
    C("amount-editable flag '2'", I, ["sgqr.paynow.editable"], ["ProfileRule"], **B,
      edits=[set_("51.01", "202012345X12"), set_("26.03", "2")]),
    C("static code that forbids editing the amount (01=11, 03=0)", A, ["sgqr.paynow.editable_poi"],
      ["ProfileRule"], **B, edits=[set_("51.01", "202012345X12"), set_("26.03", "0")]),
    C("expiry 20211331 (no month 13)", I, ["sgqr.paynow.expiry"], ["ProfileRule"], **B,
      edits=[set_("51.01", "202012345X12"), set_("26.04", "20211331")]),
    C("SGQR version '1.1'", I, ["sgqr.meta.version"], ["ProfileRule"], **Q("sgqr-nets"),
      edits=[set_("51.02", "1.1")]),
    C("SGQR postal code of 5 digits", I, ["sgqr.meta.postal"], ["ProfileRule"], **Q("sgqr-nets"),
      edits=[set_("51.03", "07902")]),
    C("SGQR level of 4 characters", I, ["sgqr.meta.location"], ["ProfileRule"], **Q("sgqr-nets"),
      edits=[set_("51.04", "0101")]),
    C("SGQR revision date 2018-02-30", I, ["sgqr.meta.revision"], ["ProfileRule"], **Q("sgqr-nets"),
      edits=[set_("51.07", "20180230")]),
    C("Country Code MY", I, ["sgqr.country"], ["ProfileRule"], **Q("sgqr-nets"), edits=[set_("58", "MY")]),
    C("Transaction Currency 458", I, ["sgqr.currency"], ["ProfileRule"], **Q("sgqr-nets"),
      edits=[set_("53", "458")]),
)

SET = VectorSet(
    name="sgqr", source="SGQR / PayNow as implemented by lee-ratinan/emv-qr and seen in real codes; "
                        "notes/profiles.md §3",
    description="Singapore codes validated with profile 'sgqr': PayNow template (proxy type and value, "
                "amount-editable flag, expiry), SGQR metadata template 51, SG/702.",
    groups=(Group("validate", "sgqr", CASES),))
