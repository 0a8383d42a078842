"""The EMV MPM data dictionary: every data object's name, format and length limits.

Source: EMV QRCPS Merchant-Presented Mode, Table 3.6 (root), Table 3.7 (ID 62), Table 3.8 (ID 64),
Tables 4.2 / 4.4 / 4.5 (templates). Section numbers follow the v1.0 (July 2017) text, the only
body available to us; the v1.1 additions (62-10, 62-11) are marked `since="1.1"` and their
formats are NOT verified against the v1.1 text (notes/emv-mpm.md §0).
"""
from __future__ import annotations

from typing import NamedTuple

N, ANS, S = "N", "ans", "S"  # numeric, EMV Book 4 common character set (0x20-0x7E), any Unicode


class FieldSpec(NamedTuple):
    name: str
    fmt: str            # N | ans | S
    min_len: int
    max_len: int
    since: str = "1.0"  # spec version that introduced the object
    rfu: bool = False   # reserved for future use: generators must not emit it (notes A14)


def _ids(lo: int, hi: int) -> list[str]:
    return [f"{i:02d}" for i in range(lo, hi + 1)]


# IDs whose value is itself a list of data objects (EMV MPM §3.2, Table 3.6).
ROOT_TEMPLATES = frozenset(_ids(26, 51) + ["62", "64"] + _ids(80, 99))
ADF_TEMPLATES = frozenset(_ids(50, 99))  # payment-system templates inside 62 (Table 4.4)
MAI_PRIMITIVE = frozenset(_ids(2, 25))   # Visa, Mastercard, … PANs/aliases: plain values (notes A4)
MAI_TEMPLATES = frozenset(_ids(26, 51))
UNRESERVED_TEMPLATES = frozenset(_ids(80, 99))

_MAI_NETWORKS = {
    ("02", "03"): "Visa", ("04", "05"): "Mastercard", ("06", "08"): "reserved by EMVCo",
    ("09", "10"): "Discover", ("11", "12"): "Amex", ("13", "14"): "JCB",
    ("15", "16"): "UnionPay", ("17", "25"): "reserved by EMVCo",
}

ROOT: dict[str, FieldSpec] = {
    "00": FieldSpec("Payload Format Indicator", N, 2, 2),
    "01": FieldSpec("Point of Initiation Method", N, 2, 2),
    "52": FieldSpec("Merchant Category Code", N, 4, 4),
    "53": FieldSpec("Transaction Currency", N, 3, 3),
    "54": FieldSpec("Transaction Amount", ANS, 1, 13),
    "55": FieldSpec("Tip or Convenience Indicator", N, 2, 2),
    "56": FieldSpec("Value of Convenience Fee Fixed", ANS, 1, 13),
    "57": FieldSpec("Value of Convenience Fee Percentage", ANS, 1, 5),
    "58": FieldSpec("Country Code", ANS, 2, 2),
    "59": FieldSpec("Merchant Name", ANS, 1, 25),
    "60": FieldSpec("Merchant City", ANS, 1, 15),
    "61": FieldSpec("Postal Code", ANS, 1, 10),
    "62": FieldSpec("Additional Data Field Template", S, 1, 99),
    "63": FieldSpec("CRC", ANS, 4, 4),
    "64": FieldSpec("Merchant Information - Language Template", S, 1, 99),
}
for (lo, hi), network in _MAI_NETWORKS.items():
    for _id in _ids(int(lo), int(hi)):
        ROOT[_id] = FieldSpec(f"Merchant Account Information ({network})", ANS, 1, 99)
for _id in MAI_TEMPLATES:
    ROOT[_id] = FieldSpec("Merchant Account Information template", S, 1, 99)
for _id in _ids(65, 79):
    ROOT[_id] = FieldSpec("RFU for EMVCo", S, 1, 99, rfu=True)
for _id in UNRESERVED_TEMPLATES:
    ROOT[_id] = FieldSpec("Unreserved Template", S, 1, 99)

ADDITIONAL_DATA: dict[str, FieldSpec] = {
    "01": FieldSpec("Bill Number", ANS, 1, 25),
    "02": FieldSpec("Mobile Number", ANS, 1, 25),
    "03": FieldSpec("Store Label", ANS, 1, 25),
    "04": FieldSpec("Loyalty Number", ANS, 1, 25),
    "05": FieldSpec("Reference Label", ANS, 1, 25),
    "06": FieldSpec("Customer Label", ANS, 1, 25),
    "07": FieldSpec("Terminal Label", ANS, 1, 25),
    "08": FieldSpec("Purpose of Transaction", ANS, 1, 25),
    "09": FieldSpec("Additional Consumer Data Request", ANS, 1, 3),
    # v1.1 additions; formats unverified (notes/emv-mpm.md §0): accepted as ans up to 99.
    "10": FieldSpec("Merchant Tax ID", ANS, 1, 99, since="1.1"),
    "11": FieldSpec("Merchant Channel", ANS, 1, 99, since="1.1"),
}
for _id in _ids(12, 49):
    ADDITIONAL_DATA[_id] = FieldSpec("RFU for EMVCo", S, 1, 99, rfu=True)
for _id in ADF_TEMPLATES:
    ADDITIONAL_DATA[_id] = FieldSpec("Payment System specific template", S, 1, 99)

LANGUAGE: dict[str, FieldSpec] = {
    "00": FieldSpec("Language Preference", ANS, 2, 2),
    "01": FieldSpec("Merchant Name - Alternate Language", S, 1, 25),
    "02": FieldSpec("Merchant City - Alternate Language", S, 1, 15),
}
for _id in _ids(3, 99):
    LANGUAGE[_id] = FieldSpec("RFU for EMVCo", S, 1, 99, rfu=True)

TEMPLATE: dict[str, FieldSpec] = {"00": FieldSpec("Globally Unique Identifier", ANS, 1, 32)}
for _id in _ids(1, 99):
    TEMPLATE[_id] = FieldSpec("Payment network specific", S, 1, 99)


def children_dictionary(template_path: str) -> dict[str, FieldSpec]:
    """The dictionary for the children of the template at `template_path` ("62", "26", "62.50")."""
    if template_path == "62":
        return ADDITIONAL_DATA
    if template_path == "64":
        return LANGUAGE
    return TEMPLATE


def spec_for(path: str) -> FieldSpec | None:
    """The spec of the object at `path` ("59", "62.05", "26.00"), or None for an unknown place."""
    parent, _, last = path.rpartition(".")
    if not parent:
        return ROOT.get(path)
    return children_dictionary(parent).get(last)
