"""bharatqr: BharatQR card merchant accounts (02 Visa, 04 Mastercard, 06 RuPay, 08 IFSC; notes/profiles.md §5)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, drop, set_

R = Q("bharatqr-razorpay")
X = Q("bharatqr-axis")

CASES = (
    C("Razorpay BharatQR: Visa 02, Mastercard 04, RuPay 06, IFSC 08 and UPI", V,
      ["bharatqr.mai.present", "bharatqr.mpan.format", "bharatqr.mpan.luhn", "bharatqr.ifsc", "bharatqr.country",
       "bharatqr.currency", "bharatqr.postal.format"], ["RealWorld", "PrimitiveMai"], **R),
    C("Axis static BharatQR", V, ["bharatqr.mai.present", "bharatqr.mpan.format"], ["RealWorld", "PrimitiveMai"],
      **X),
    C("UPI template only, no card MAI", V, ["bharatqr.mai.present"], ["ProfileRule"], **R,
      edits=[drop("02"), drop("04"), drop("06"), drop("08")]),
    C("no card MAI and no UPI template (one other template)", I, ["bharatqr.mai.present"], ["ProfileRule"], **R,
      edits=[drop("02"), drop("04"), drop("06"), drop("08"), set_("26.00", "com.example.pay"),
             set_("27.00", "com.example.pay2")]),
    C("Visa mPAN of 15 digits", I, ["bharatqr.mpan.format"], ["PrimitiveMai"], **R,
      edits=[set_("02", "439263000000008")]),
    C("Mastercard mPAN starting with 4", I, ["bharatqr.mpan.format"], ["PrimitiveMai"], **R,
      edits=[set_("04", "454046100000000")]),
    C("Visa mPAN failing the Luhn check", A, ["bharatqr.mpan.luhn"], ["PrimitiveMai"], **R,
      edits=[set_("02", "4392630000000086")]),
    C("08 with a malformed IFSC", I, ["bharatqr.ifsc"], ["ProfileRule"], **R,
      edits=[set_("08", "YESB1CMSNOC222333004882")]),
    C("Country Code US", I, ["bharatqr.country"], ["ProfileRule"], **R, edits=[set_("58", "US")]),
    C("Transaction Currency 840", I, ["bharatqr.currency"], ["ProfileRule"], **R, edits=[set_("53", "840")]),
    C("PIN code of 5 digits", A, ["bharatqr.postal.format"], ["ProfileRule"], **R, edits=[set_("61", "11008")]),
)

SET = VectorSet(
    name="bharatqr", source="BharatQR as seen in Razorpay, PayU, HDFC and Axis payloads; notes/profiles.md §5",
    description="Indian codes validated with profile 'bharatqr': primitive card MAIs (Visa/Mastercard/RuPay "
                "mPANs, IFSC + account) or a UPI template; IN/356.",
    groups=(Group("validate", "bharatqr", CASES),))
