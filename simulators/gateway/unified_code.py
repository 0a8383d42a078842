"""The unified code itself: one JPQR (EMV MPM) payload per merchant code or order. Pure.

What goes in, and why (notes/profiles.md §1, rules `jpqr.*`):
- template 26 with GUI `jp.or.paymentsjapan` and the 4-level unified store code (13/4/6/6 chars):
  the only merchant account in a JPQR code — it names no wallet;
- 01 = `11` (static: the customer enters the amount) or `12` (dynamic: one order, amount in 54,
  integer yen);
- 62-05 (reference label) = the gateway's order id on a dynamic code, so the wallet that scans it
  can ask the gateway for *that* order (a static code carries none: each payment is a new sale);
- 59/60 in Latin script, 64 with language `JA` and the Japanese name in 64-01 (64-02 must be
  absent in JPQR).
"""
from __future__ import annotations

from dataclasses import dataclass

from qrinterop.emv.mpm import build_mpm

JPQR_GUI = "jp.or.paymentsjapan"
STORE_CODE_LENGTHS = (13, 4, 6, 6)
POI_STATIC, POI_DYNAMIC = "11", "12"


@dataclass(frozen=True)
class MerchantProfile:
    """The shop as the code shows it. `store_code` is the JPQR unified store code "a/b/c/d"."""
    store_code: str
    name: str                 # Latin script (tag 59)
    name_ja: str              # Japanese (tag 64-01)
    city: str                 # Latin script (tag 60)
    postal_code: str          # tag 61 (JPQR requires it)
    mcc: str = "5812"         # eating places and restaurants

    def __post_init__(self) -> None:
        parts = self.store_code.split("/")
        if len(parts) != 4 or any(len(p) != n or not p.isdigit() for p, n in zip(parts, STORE_CODE_LENGTHS)):
            raise ValueError(f"store_code {self.store_code!r}: expected 4 digit groups of 13/4/6/6, "
                             "e.g. 0000000000001/0001/000001/000001")


def unified_payload(merchant: MerchantProfile, *, amount: int | None, reference: str | None) -> str:
    """The JPQR payload: static when `amount` is None, else dynamic for order `reference`."""
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0):
        raise ValueError(f"amount {amount!r}: expected a positive whole number of yen")
    if amount is not None and not reference:
        raise ValueError("a dynamic code needs the order reference (62-05)")
    a, b, c, d = merchant.store_code.split("/")
    objects: list[tuple] = [
        ("00", "01"),
        ("01", POI_STATIC if amount is None else POI_DYNAMIC),
        ("26", [("00", JPQR_GUI), ("01", a), ("02", b), ("03", c), ("04", d)]),
        ("52", merchant.mcc), ("53", "392"),
    ]
    if amount is not None:
        objects.append(("54", str(amount)))
    objects += [("58", "JP"), ("59", merchant.name), ("60", merchant.city), ("61", merchant.postal_code)]
    if reference:
        objects.append(("62", [("05", reference)]))
    objects.append(("64", [("00", "JA"), ("01", merchant.name_ja)]))
    return build_mpm(objects)
