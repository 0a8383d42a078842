"""KHQR (Cambodia, National Bank of Cambodia / Bakong) merchant-presented profile.

Sources: notes/profiles.md §7 — ishinvin/ts-khqr (`src/constants/khqr-subtag.ts`, README vector) and
the official npm `bakong-khqr`; the NBC specification was not read. Tag 29 = individual account,
tag 30 = merchant account. Unlike other schemes, **sub-ID 00 holds the Bakong account ID
(`name@bank`), not a GUI**: a KHQR code is recognised by 29/30 holding such an ID, or by being
Cambodian (58 = KH) with a 29/30 template (so a copy with a broken account ID is still checked).
Lengths are counted in characters (64-01 `文山` has length 02).
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import check_fixed, value_at
from qrinterop.rules.model import MUST, Findings, Profile, Rule

SOURCE = "KHQR (NBC Bakong), as implemented by ishinvin/ts-khqr"
ACCOUNT = re.compile(r"(?=.{3,32}$)[^\s@]+@[^\s@]+")
KINDS = {"29": "individual", "30": "merchant"}


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "khqr", description)


RULES: tuple[Rule, ...] = (
    _r("khqr.mai.present", MUST, "Individual (29) or merchant (30) account template is present",
       "A KHQR carries tag 29 (individual) or 30 (merchant). [solid: ts-khqr khqr-subtag.ts]"),
    _r("khqr.account.format", MUST, "Bakong account ID (00) is name@bank",
       "Sub-ID 00 of 29/30 is the Bakong account ID 'name@bank', at most 32 characters, e.g. 'ishinvin@devb' "
       "(ts-khqr BakongAccountID: non-empty, contains '@', length <= 32). [solid]"),
    _r("khqr.merchant.fields", MUST, "Merchant template carries merchant ID (01) and acquiring bank (02)",
       "Tag 30 holds 01 = merchant ID and 02 = acquiring bank besides the account ID, each at most 32 "
       "characters (ts-khqr throws MERCHANT_ID_REQUIRED / ACQUIRING_BANK_REQUIRED and checks the 32 limit; "
       "for tag 29 both 01 and 02 are optional, <= 32). [solid as implemented; NBC text unseen]"),
    _r("khqr.country", MUST, "Country Code is KH", "ID 58 = 'KH'. [solid]"),
    _r("khqr.currency", MUST, "Transaction Currency is 116 (KHR) or 840 (USD)", "ID 53 = '116' or '840'. [solid]"),
    _r("khqr.timestamp", MUST, "Template 99 sub-ID 00 is a 13-digit millisecond timestamp",
       "Template 99 holds 00 = the creation time in milliseconds since the epoch (13 digits). Newer SDKs "
       "reportedly add an expiry sub-tag, not checked. [solid for 00; expiry uncertain]"),
)


def account_templates(p: MpmPayload) -> list[DataObject]:
    return [o for o in p.objects if o.id in KINDS and o.children is not None]


def check_khqr(p: MpmPayload, out: Findings) -> None:
    templates = account_templates(p)
    if not templates:
        out.add("khqr.mai.present", "no individual (29) or merchant (30) account template", "")
    for t in templates:
        acc = t.child("00")
        if acc is None or not ACCOUNT.fullmatch(acc.value):
            out.add("khqr.account.format", f"{t.path}.00 is {acc.value if acc else None!r}; expected a Bakong "
                    "account ID name@bank", f"{t.path}.00", value_at(acc) if acc else t.offset,
                    acc.value if acc else None)
        for sub, name in (("01", "merchant ID" if t.id == "30" else "account information"), ("02", "acquiring bank")):
            o = t.child(sub)
            if o is None and t.id == "30":
                out.add("khqr.merchant.fields", f"merchant template 30 has no {sub} ({name})", f"30.{sub}", t.offset)
            elif o is not None and len(o.value) > 32:
                out.add("khqr.merchant.fields", f"{o.path} ({name}) is {len(o.value)} characters; at most 32",
                        o.path, value_at(o), o.value)
    check_fixed(p, "58", ("KH",), "khqr.country", "KHQR", out)
    check_fixed(p, "53", ("116", "840"), "khqr.currency", "KHQR", out)
    stamp = p.find("99.00")
    if stamp is not None and not re.fullmatch(r"\d{13}", stamp.value):
        out.add("khqr.timestamp", f"99.00 is {stamp.value!r}; expected 13 digits (milliseconds)", "99.00",
                value_at(stamp), stamp.value)


def detect(p: MpmPayload) -> bool:
    templates = account_templates(p)
    return any((a := t.child("00")) is not None and ACCOUNT.fullmatch(a.value) for t in templates) or (
        bool(templates) and p.get("58") == "KH")


def names(p: MpmPayload) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in account_templates(p):
        out.update({f"{t.path}.00": "Bakong account ID", f"{t.path}.02": "acquiring bank",
                    f"{t.path}.01": "account information" if t.id == "29" else "merchant ID"})
    if p.find("99") is not None:
        out["99.00"] = "creation timestamp (ms)"
    return out


PROFILE = Profile(name="khqr", title="KHQR (Cambodia, NBC Bakong)", rules=RULES, check=check_khqr, detect=detect,
                  names=names)
