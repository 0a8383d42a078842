"""VietQR (Vietnam, NAPAS 247) merchant-presented profile.

Sources: notes/profiles.md §7 — a vector "from the generator reference linked in the spec", Odoo's
VietQR test and real codes [observed]; the NAPAS specification was not read. VietQR is found by
GUI `A000000727` (tag 38 in the samples) in any of 26-51. Its sub-ID 01 nests one more template
(00 = bank BIN, 01 = account or card), which this profile reads itself.

VietQR codes often omit 52/59/60, so EMV's `mpm.root.mandatory` is switched off and
`vietqr.root.mandatory` requires 00, 53 and 58.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import (check_fixed, check_gui_case, check_required, nested, templates_with_gui,
                                       value_at)
from qrinterop.rules.model import MUST, OFF, SHOULD, Findings, Profile, Rule

GUI = "A000000727"
SOURCE = "VietQR (NAPAS 247), as seen in the generator reference vector and real codes"
SERVICES = {"QRIBFTTA": "transfer to an account", "QRIBFTTC": "transfer to a card"}
REQUIRED = ("00", "53", "58")


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "vietqr", description)


RULES: tuple[Rule, ...] = (
    _r("vietqr.mai.gui", MUST, "A template carries the NAPAS GUI A000000727",
       "Sub-ID 00 of a template 26-51 (38 in every sample) is 'A000000727'. [observed]"),
    _r("vietqr.root.mandatory", MUST, "00, 53 and 58 are present",
       "Replaces EMV's mandatory set: VietQR codes often omit 52, 59 and 60. [observed]"),
    _r("vietqr.beneficiary", MUST, "Beneficiary (01) nests a 6-digit bank BIN and an account",
       "Sub-ID 01 is itself a run of data objects: 00 = 6-digit bank BIN (e.g. 970415, 970436), 01 = account "
       "or card number (up to 19 letters/digits). [observed]"),
    _r("vietqr.service", MUST, "Service code (02) is QRIBFTTA or QRIBFTTC",
       "Sub-ID 02 is 'QRIBFTTA' (to an account) or 'QRIBFTTC' (to a card). [observed]"),
    _r("vietqr.amount.integer", SHOULD, "VND amount has no decimal point",
       "54 is an integer VND amount in every sample (VND has no minor unit). [observed]"),
    _r("vietqr.country", MUST, "Country Code is VN", "ID 58 = 'VN'. [observed]"),
    _r("vietqr.currency", MUST, "Transaction Currency is 704 (VND)", "ID 53 = '704'. [observed]"),
)


def vietqr_template(p: MpmPayload) -> DataObject | None:
    found = templates_with_gui(p, [GUI])
    return found[0] if found else None


def beneficiary(template: DataObject) -> tuple[str | None, str | None]:
    """(bank BIN, account) from sub-ID 01, or Nones."""
    o = template.child("01")
    if o is None:
        return None, None
    inner = nested(o)
    return inner.get("00"), inner.get("01")


def check_vietqr(p: MpmPayload, out: Findings) -> None:
    check_required(p, REQUIRED, "vietqr.root.mandatory", "VietQR", out)
    t = vietqr_template(p)
    if t is None:
        out.add("vietqr.mai.gui", f"no template 26-51 carries GUI {GUI!r}", "")
    else:
        check_gui_case(t, GUI, "vietqr.mai.gui", out)
        _check_beneficiary(t, out)
        service = t.child("02")
        if service is None or service.value not in SERVICES:
            out.add("vietqr.service", f"{t.path}.02 is {service.value if service else None!r}; expected QRIBFTTA "
                    "or QRIBFTTC", f"{t.path}.02", value_at(service) if service else t.offset,
                    service.value if service else None)
    amount = p.find("54")
    if amount is not None and "." in amount.value:
        out.add("vietqr.amount.integer", f"54 is {amount.value!r}; VND amounts are whole", "54", value_at(amount),
                amount.value)
    check_fixed(p, "58", ("VN",), "vietqr.country", "VietQR", out)
    check_fixed(p, "53", ("704",), "vietqr.currency", "VietQR", out)


def _check_beneficiary(t: DataObject, out: Findings) -> None:
    o = t.child("01")
    if o is None:
        out.add("vietqr.beneficiary", f"{t.path} has no sub-ID 01 (beneficiary)", f"{t.path}.01", t.offset)
        return
    inner = nested(o)
    for issue in inner.issues:
        out.add("vietqr.beneficiary", f"{o.path} is not a run of data objects: {issue.message}", issue.path,
                issue.offset, issue.value)
    if inner.issues:
        return
    bin_, account = inner.find("00"), inner.find("01")
    if bin_ is None or not re.fullmatch(r"\d{6}", bin_.value):
        out.add("vietqr.beneficiary", f"{o.path}.00 (bank BIN) is {bin_.value if bin_ else None!r}; expected 6 digits",
                f"{o.path}.00", bin_.offset + 4 if bin_ else o.offset, bin_.value if bin_ else None)
    if account is None or not re.fullmatch(r"[A-Za-z0-9]{1,19}", account.value):
        out.add("vietqr.beneficiary", f"{o.path}.01 (account / card) is {account.value if account else None!r}; "
                "expected 1-19 letters or digits", f"{o.path}.01", account.offset + 4 if account else o.offset,
                account.value if account else None)


def detect(p: MpmPayload) -> bool:
    return vietqr_template(p) is not None


def names(p: MpmPayload) -> dict[str, str]:
    t = vietqr_template(p)
    if t is None:
        return {}
    return {f"{t.path}.01": "beneficiary (nested: 00 bank BIN, 01 account/card)", f"{t.path}.01.00": "bank BIN",
            f"{t.path}.01.01": "account / card number", f"{t.path}.02": "service code"}


def describe(p: MpmPayload) -> list[str]:
    t = vietqr_template(p)
    if t is None:
        return []
    bank, account = beneficiary(t)
    service = t.child("02")
    return [f"VietQR: bank BIN {bank}, account {account}, service "
            f"{SERVICES.get(service.value, service.value) if service else None}"]


PROFILE = Profile(name="vietqr", title="VietQR (Vietnam, NAPAS 247)", rules=RULES, check=check_vietqr, detect=detect,
                  describe=describe, names=names, overrides={"mpm.root.mandatory": OFF})
