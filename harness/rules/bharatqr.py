"""BharatQR (India; NPCI with Visa, Mastercard, RuPay, Amex) merchant-presented profile: the card
merchant accounts of the Indian EMV code. Its UPI merchant account is the `upi` profile.

Sources: notes/profiles.md §5 — 5 real payloads from Razorpay, PayU, HDFC and Axis documentation
and tests [observed]; the BharatQR specification was not read. The card MAIs are primitive
(no sub-TLV): 02 Visa mPAN, 04 Mastercard mPAN, 06 RuPay mPAN, 08 IFSC + account number.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import MpmPayload
from qrinterop.profiles.scheme import check_fixed, templates_with_gui, value_at
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

SOURCE = "BharatQR (as seen in Razorpay, PayU, HDFC and Axis payloads)"
UPI_GUI = "A000000524"
CARD_MAIS = {"02": ("Visa mPAN", re.compile(r"4\d{15}"), "16 digits starting 4"),
             "04": ("Mastercard mPAN", re.compile(r"5\d{14}"), "15 digits starting 5"),
             "06": ("RuPay mPAN", re.compile(r"6\d{15}"), "16 digits starting 6")}
_IFSC_ACCOUNT = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}[A-Za-z0-9]{1,35}")


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "bharatqr", description)


RULES: tuple[Rule, ...] = (
    _r("bharatqr.mai.present", MUST, "A card account (02/04/06/08) or a UPI template",
       "A BharatQR carries at least one of 02 Visa, 04 Mastercard, 06 RuPay, 08 IFSC+account, or a UPI "
       "template (GUI A000000524). [observed]"),
    _r("bharatqr.mpan.format", MUST, "Card mPANs have their network's length and prefix",
       "02 Visa mPAN = 16 digits starting 4; 04 Mastercard mPAN = 15 digits starting 5; 06 RuPay mPAN = 16 "
       "digits starting 6. [observed in 5 real payloads]"),
    _r("bharatqr.mpan.luhn", SHOULD, "Visa and RuPay mPANs pass the Luhn check",
       "Every Visa and RuPay mPAN in the samples passes Luhn (4 of 4); the 15-digit Mastercard identifiers "
       "do not consistently (1 of 2), so they are not checked. [uncertain]"),
    _r("bharatqr.ifsc", MUST, "08 is an IFSC followed by the account number",
       "08 holds the 11-character IFSC (4 letters, '0', 6 letters/digits; RBI format, general knowledge) "
       "directly followed by the account number, without sub-TLV (e.g. UTIB0000319 + 920010039307642). "
       "[observed]"),
    _r("bharatqr.country", MUST, "Country Code is IN", "ID 58 = 'IN'. [observed]"),
    _r("bharatqr.currency", MUST, "Transaction Currency is 356 (INR)", "ID 53 = '356'. [observed]"),
    _r("bharatqr.postal.format", SHOULD, "Postal Code is a 6-digit PIN code",
       "ID 61 is a 6-digit PIN code. [observed]"),
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def check_bharatqr(p: MpmPayload, out: Findings) -> None:
    root = {o.id: o for o in p.objects}
    if not any(i in root for i in ("02", "04", "06", "08")) and not templates_with_gui(p, [UPI_GUI]):
        out.add("bharatqr.mai.present", "no card account (02, 04, 06, 08) and no UPI template (A000000524)", "")
    for ident, (name, pattern, want) in CARD_MAIS.items():
        o = root.get(ident)
        if o is None:
            continue
        if not pattern.fullmatch(o.value):
            out.add("bharatqr.mpan.format", f"{ident} ({name}) is {o.value!r}; expected {want}", ident,
                    value_at(o), o.value)
        elif ident in ("02", "06") and not _luhn_ok(o.value):
            out.add("bharatqr.mpan.luhn", f"{ident} ({name}) {o.value} fails the Luhn check", ident, value_at(o),
                    o.value)
    ifsc = root.get("08")
    if ifsc is not None and not _IFSC_ACCOUNT.fullmatch(ifsc.value):
        out.add("bharatqr.ifsc", f"08 is {ifsc.value!r}; expected an IFSC (e.g. UTIB0000319) followed by the "
                "account number", "08", value_at(ifsc), ifsc.value)
    check_fixed(p, "58", ("IN",), "bharatqr.country", "BharatQR", out)
    check_fixed(p, "53", ("356",), "bharatqr.currency", "BharatQR", out)
    pin = root.get("61")
    if pin is not None and not re.fullmatch(r"\d{6}", pin.value):
        out.add("bharatqr.postal.format", f"61 is {pin.value!r}; expected a 6-digit PIN code", "61", value_at(pin),
                pin.value)


def detect(p: MpmPayload) -> bool:
    """Indian (58 = IN or 53 = 356) with a card account in 02-08."""
    return (p.get("58") == "IN" or p.get("53") == "356") and any(
        o.id in ("02", "03", "04", "05", "06", "07", "08") for o in p.objects)


def names(p: MpmPayload) -> dict[str, str]:
    return {**{i: v[0] for i, v in CARD_MAIS.items() if p.find(i)}, **({"08": "IFSC + account number"}
                                                                      if p.find("08") else {})}


PROFILE = Profile(name="bharatqr", title="BharatQR (India) card merchant accounts", rules=RULES,
                  check=check_bharatqr, detect=detect, names=names)
