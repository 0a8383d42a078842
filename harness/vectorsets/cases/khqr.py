"""khqr: Cambodia's KHQR (Bakong) codes (ishinvin/ts-khqr; notes/profiles.md §7)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import INVALID as I, VALID as V, C, Group, VectorSet, drop, rename, set_

K = Q("khqr-individual")
MERCHANT = [rename("29", "30"), set_("30.01", "MERCHANT01")]

CASES = (
    C("KHQR individual (29) with Chinese in 64 (length in characters) and timestamp template 99", V,
      ["khqr.mai.present", "khqr.account.format", "khqr.country", "khqr.currency", "khqr.timestamp"],
      ["RealWorld", "LengthInChars", "NonAsciiName"], **K),
    C("KHQR merchant (30) with merchant ID and acquiring bank", V, ["khqr.merchant.fields", "khqr.mai.present"],
      ["ProfileRule"], **K, edits=MERCHANT),
    C("KHQR in US dollars (840)", V, ["khqr.currency"], ["ProfileRule"], **K, edits=[set_("53", "840"),
                                                                                    set_("54", "10.00")]),
    C("made by the KHQR builder: merchant template, USD, fixed creation time", V,
      ["khqr.merchant.fields", "khqr.timestamp"], ["Basic"], builder="khqr",
      fields={"account_id": "shop@abaa", "name": "Coffee Shop", "city": "Phnom Penh", "timestamp_ms": 1764028800000,
              "currency": "USD", "merchant_id": "M000123", "acquiring_bank": "ABA Bank", "amount": "2.50",
              "dynamic": True}),
    C("neither 29 nor 30", I, ["khqr.mai.present"], ["ProfileRule"], **K,
      edits=[rename("29", "28")]),
    C("Bakong account ID without '@'", I, ["khqr.account.format"], ["ProfileRule"], **K,
      edits=[set_("29.00", "ishinvin.devb")]),
    C("merchant template without the acquiring bank (02)", I, ["khqr.merchant.fields"], ["ProfileRule"], **K,
      edits=[*MERCHANT, drop("30.02")]),
    C("Country Code TH", I, ["khqr.country"], ["ProfileRule"], **K, edits=[set_("58", "TH")]),
    C("Transaction Currency 764", I, ["khqr.currency"], ["ProfileRule"], **K, edits=[set_("53", "764")]),
    C("timestamp of 10 digits (seconds, not milliseconds)", I, ["khqr.timestamp"], ["ProfileRule"], **K,
      edits=[set_("99.00", "1693555967")]),
    C("KHQR with Chinese in 64 whose CRC covers the low byte of each character, not the UTF-8 bytes", I,
      ["mpm.crc.mismatch"], ["CrcOverLowByte", "NonAsciiName"], **K, crc="lowbyte"),
)

SET = VectorSet(
    name="khqr", source="KHQR (NBC Bakong) as implemented by ishinvin/ts-khqr; notes/profiles.md §7",
    description="Cambodian codes validated with profile 'khqr': individual (29) or merchant (30) template with "
                "a Bakong account ID, KH with KHR or USD, creation timestamp in 99.",
    groups=(Group("validate", "khqr", CASES),))
