"""promptpay: Thai QR Payment / PromptPay (dtinth/promptpay-qr and others; notes/profiles.md §4)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, add, drop, \
    set_

M = Q("promptpay-mobile")

CASES = (
    C("PromptPay mobile, static, without 52/59/60 (allowed by the profile)", V,
      ["promptpay.mai.aid", "promptpay.root.mandatory", "promptpay.proxy.required", "promptpay.proxy.format",
       "promptpay.country", "promptpay.currency", "promptpay.poi.amount"], ["RealWorld"], **M),
    C("PromptPay with an amount (dynamic)", V, ["promptpay.poi.amount", "promptpay.proxy.format"], ["RealWorld"],
      **Q("promptpay-amount")),
    C("bill payment (tag 30): biller ID and references", V, ["promptpay.bill.biller", "promptpay.bill.refs"],
      ["RealWorld"], **Q("promptpay-bill")),
    C("K-Shop: bill payment (30) and payment innovation (31)", V, ["promptpay.innovation.acquirer",
                                                                   "promptpay.mai.aid"],
      ["RealWorld"], **Q("promptpay-kshop")),
    C("e-wallet ID (15 digits)", V, ["promptpay.proxy.format"], ["ProfileRule"], **M,
      edits=[drop("29.01"), add("29.03", "012345678901234")]),
    C("unknown AID A000000677019999", I, ["promptpay.mai.aid"], ["ProfileRule"], **M,
      edits=[set_("29.00", "A000000677019999")]),
    C("58 missing", I, ["promptpay.root.mandatory"], ["ProfileRule"], **M, edits=[drop("58")]),
    C("credit transfer with two targets (mobile and national ID)", I, ["promptpay.proxy.required"],
      ["ProfileRule"], **M, edits=[add("29.02", "1234567890123")]),
    C("mobile number written 0812345678 (without 0066)", I, ["promptpay.proxy.format"], ["ProfileRule"], **M,
      edits=[set_("29.01", "0812345678")]),
    C("bill payment biller ID of 13 digits", I, ["promptpay.bill.biller"], ["ProfileRule"],
      **Q("promptpay-bill"), edits=[set_("30.01", "0105535090912")]),
    C("bill payment without reference 1", I, ["promptpay.bill.refs"], ["ProfileRule"], **Q("promptpay-bill"),
      edits=[drop("30.02")]),
    C("bill payment reference 2 of 21 characters", I, ["promptpay.bill.refs"], ["ProfileRule"],
      **Q("promptpay-bill"), edits=[set_("30.03", "W2293293555ABCDEFGHIJ")]),
    C("payment innovation acquirer ID of 4 digits", A, ["promptpay.innovation.acquirer"], ["ProfileRule"],
      **Q("promptpay-kshop"), edits=[set_("31.01", "0004")]),
    C("Country Code SG", I, ["promptpay.country"], ["ProfileRule"], **M, edits=[set_("58", "SG")]),
    C("Transaction Currency 840", I, ["promptpay.currency"], ["ProfileRule"], **M, edits=[set_("53", "840")]),
    C("static (01=11) with an amount: legal in EMV, not how PromptPay generators write it", A,
      ["promptpay.poi.amount"], ["StaticWithAmount"], **Q("promptpay-amount"), edits=[set_("01", "11")]),
)

SET = VectorSet(
    name="promptpay", source="Thai QR Payment standard as implemented by dtinth/promptpay-qr and others; "
                             "notes/profiles.md §4",
    description="Thai codes validated with profile 'promptpay': AIDs of credit transfer (29), bill payment (30) "
                "and payment innovation (31), targets and their formats, TH/764; 52/59/60 may be omitted.",
    groups=(Group("validate", "promptpay", CASES),))
