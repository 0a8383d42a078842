"""SGQR / PayNow (Singapore, MAS / IMDA SGQR, ABS PayNow) merchant-presented profile.

Sources: notes/profiles.md §3 — lee-ratinan/emv-qr `src/EmvMerchant*.php` (PayNow and SGQR
sub-fields, decoder errors E015/E016) and real SGQR payloads. The SGQR specification itself was not
read. PayNow is found by GUI `SG.PAYNOW` in any of 26-51 (real SGQRs put NETS, Grab… in 26), the
SGQR metadata by GUI `SG.SGQR` (ID 51 in every sample).

Whether a PayNow code has *expired* (sub-ID 04 before today) needs a clock, which the pure
validator does not have: `paynow_expiry()` returns the date for the caller to compare.
"""
from __future__ import annotations

import re
from datetime import datetime

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import check_fixed, check_gui_case, check_sub, templates_with_gui, value_at
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

PAYNOW, SGQR = "SG.PAYNOW", "SG.SGQR"
LEE = "SGQR / PayNow (as implemented by lee-ratinan/emv-qr EmvMerchant.php)"


def _r(id_: str, level: str, title: str, description: str, source: str = LEE) -> Rule:
    return Rule(id_, title, source, level, "sgqr", description)


RULES: tuple[Rule, ...] = (
    _r("sgqr.mai.gui", MUST, "A template carries SG.PAYNOW or SG.SGQR",
       "One of templates 26-51 has sub-ID 00 = 'SG.PAYNOW' (PayNow; 'preferred ID' 26 but any of 26-51) or "
       "'SG.SGQR' (SGQR metadata, 51), written in upper case. [solid]"),
    _r("sgqr.paynow.proxy_type", MUST, "PayNow proxy type is 0 (mobile) or 2 (UEN)",
       "PayNow sub-ID 01 is '0' (mobile number) or '2' (UEN). Type '3' (NRIC) appears only in non-EMV "
       "PAYNOW:// URL generators. [solid]"),
    _r("sgqr.paynow.proxy_value", MUST, "PayNow proxy value matches its type",
       "Sub-ID 02 is present; for type 0 it is '+65' and 8 digits (PayNow registers Singapore mobiles; "
       "lee-ratinan's decoder accepts any E.164 number '+' 8-15 digits); for type 2 a UEN as lee-ratinan "
       "checks it (after ACRA's UEN page): nnnnnnnnX, yyyynnnnnX (19xx/20xx) or TyyPQnnnnX (T/S), "
       "optionally followed by a 2-4 character suffix (e.g. 201403121W). [solid as implemented]"),
    _r("sgqr.paynow.editable", MUST, "PayNow amount-editable flag is 0 or 1",
       "Sub-ID 03 is '1' (the payer may edit the amount) or '0'. [solid]"),
    _r("sgqr.paynow.editable_poi", SHOULD, "Amount editability agrees with static/dynamic",
       "lee-ratinan flags a static code (01 = 11) that forbids editing (03 = 0) and a dynamic one (01 = 12) "
       "that allows it (03 = 1) (decoder error E015 / E015.1). [solid as implemented; spec unseen]"),
    _r("sgqr.paynow.expiry", MUST, "PayNow expiry is a date YYYYMMDD (or YYYYMMDDhhmmss)",
       "Sub-ID 04 is a real calendar date YYYYMMDD; DBS-generated codes use 14 digits YYYYMMDDhhmmss "
       "[observed]. An expired code is flagged by lee-ratinan (E016); checking that needs a clock and is "
       "left to the caller (sgqr.paynow_expiry)."),
    _r("sgqr.meta.id", SHOULD, "SGQR ID (51-01) is 12 characters",
       "The SGQR metadata's 01 is a 12-character SGQR ID in real payloads (e.g. 1809072DD85C) and lee-ratinan's "
       "decoder checks 12; its own README example carries 13 (202012345X123), so a mismatch is a warning. "
       "[observed]"),
    _r("sgqr.meta.version", MUST, "SGQR version (51-02) is NN.NNNN", "Sub-ID 02 looks like '01.0001'. [solid]"),
    _r("sgqr.meta.postal", MUST, "SGQR postal code (51-03) is 6 digits",
       "Sub-ID 03 is a 6-digit Singapore postal code. [solid]"),
    _r("sgqr.meta.location", MUST, "SGQR level / unit / misc fit their lengths",
       "Sub-IDs 04 (level) <= 3, 05 (unit) <= 5, 06 (miscellaneous) <= 10 characters. [solid]"),
    _r("sgqr.meta.revision", MUST, "SGQR revision date (51-07) is YYYYMMDD", "Sub-ID 07 is a calendar date. [solid]"),
    _r("sgqr.country", MUST, "Country Code is SG", "ID 58 = 'SG'. [solid]"),
    _r("sgqr.currency", MUST, "Transaction Currency is 702 (SGD)", "ID 53 = '702'. [solid]"),
)

_MOBILE = re.compile(r"\+65\d{8}")
_UEN = re.compile(r"(\d{8}[A-Z]|(19|20)\d{7}[A-Z]|[ST]\d{2}[A-Z]{2}\d{4}[A-Z])([0-9A-Z]{2,4})?")  # lee-ratinan
_VERSION = re.compile(r"\d{2}\.\d{4}")
_POSTAL = re.compile(r"\d{6}")
_ANY = {"04": re.compile(r".{1,3}"), "05": re.compile(r".{1,5}"), "06": re.compile(r".{1,10}")}


def parse_date(value: str) -> datetime | None:
    for fmt, n in (("%Y%m%d", 8), ("%Y%m%d%H%M%S", 14)):
        if len(value) == n and value.isdigit():
            try:
                return datetime.strptime(value, fmt)
            except ValueError:
                return None
    return None


def paynow_expiry(p: MpmPayload) -> datetime | None:
    """The PayNow expiry (sub-ID 04) as a naive datetime, for a caller that has a clock."""
    found = templates_with_gui(p, [PAYNOW])
    o = found[0].child("04") if found else None
    return parse_date(o.value) if o is not None else None


def check_sgqr(p: MpmPayload, out: Findings) -> None:
    paynow, meta = templates_with_gui(p, [PAYNOW]), templates_with_gui(p, [SGQR])
    if not paynow and not meta:
        out.add("sgqr.mai.gui", f"no template 26-51 carries GUI {PAYNOW!r} or {SGQR!r}", "")
    for t in paynow:
        check_gui_case(t, PAYNOW, "sgqr.mai.gui", out)
        _check_paynow(p, t, out)
    for t in meta:
        check_gui_case(t, SGQR, "sgqr.mai.gui", out)
        _check_meta(t, out)
    check_fixed(p, "58", ("SG",), "sgqr.country", "SGQR", out)
    check_fixed(p, "53", ("702",), "sgqr.currency", "SGQR", out)


def _check_paynow(p: MpmPayload, t: DataObject, out: Findings) -> None:
    kind = check_sub(t, "01", re.compile(r"[02]"), "sgqr.paynow.proxy_type", "'0' (mobile) or '2' (UEN)", out,
                     required=True)
    proxy = t.child("02")
    if proxy is None:
        out.add("sgqr.paynow.proxy_value", f"{t.path} has no sub-ID 02 (proxy value)", f"{t.path}.02", t.offset)
    elif kind is not None and kind.value in ("0", "2"):
        pattern, want = (_MOBILE, "'+65' and 8 digits") if kind.value == "0" else (_UEN, "a UEN (e.g. 201403121W)")
        if not pattern.fullmatch(proxy.value):
            out.add("sgqr.paynow.proxy_value", f"{proxy.path} is {proxy.value!r}; proxy type {kind.value} "
                    f"expects {want}", proxy.path, value_at(proxy), proxy.value)
    editable = check_sub(t, "03", re.compile(r"[01]"), "sgqr.paynow.editable", "'0' or '1'", out)
    poi = p.find("01")
    if editable is not None and poi is not None:
        if (poi.value, editable.value) in (("11", "0"), ("12", "1")):
            kind_word = "static" if poi.value == "11" else "dynamic"
            out.add("sgqr.paynow.editable_poi", f"{editable.path} is {editable.value!r} in a {kind_word} code "
                    f"(01 = {poi.value}); expected {'1' if poi.value == '11' else '0'}", editable.path,
                    value_at(editable), editable.value)
    expiry = t.child("04")
    if expiry is not None and parse_date(expiry.value) is None:
        out.add("sgqr.paynow.expiry", f"{expiry.path} is {expiry.value!r}; expected a date YYYYMMDD or "
                "YYYYMMDDhhmmss", expiry.path, value_at(expiry), expiry.value)


def _check_meta(t: DataObject, out: Findings) -> None:
    ident = t.child("01")
    if ident is not None and len(ident.value) != 12:
        out.add("sgqr.meta.id", f"{ident.path} is {len(ident.value)} characters; real SGQR IDs have 12",
                ident.path, value_at(ident), ident.value)
    check_sub(t, "02", _VERSION, "sgqr.meta.version", "a version like '01.0001'", out)
    check_sub(t, "03", _POSTAL, "sgqr.meta.postal", "6 digits", out)
    for sub, pattern in _ANY.items():
        check_sub(t, sub, pattern, "sgqr.meta.location", f"at most {pattern.pattern[4:-1]} characters", out)
    rev = t.child("07")
    if rev is not None and (len(rev.value) != 8 or parse_date(rev.value) is None):
        out.add("sgqr.meta.revision", f"{rev.path} is {rev.value!r}; expected a date YYYYMMDD", rev.path,
                value_at(rev), rev.value)


def detect(p: MpmPayload) -> bool:
    return bool(templates_with_gui(p, [PAYNOW, SGQR]))


def names(p: MpmPayload) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in templates_with_gui(p, [PAYNOW]):
        out.update({f"{t.path}.01": "PayNow proxy type", f"{t.path}.02": "PayNow proxy value",
                    f"{t.path}.03": "PayNow amount editable", f"{t.path}.04": "PayNow expiry"})
    for t in templates_with_gui(p, [SGQR]):
        out.update({f"{t.path}.01": "SGQR ID", f"{t.path}.02": "SGQR version", f"{t.path}.03": "postal code",
                    f"{t.path}.04": "level", f"{t.path}.05": "unit", f"{t.path}.06": "miscellaneous",
                    f"{t.path}.07": "revision date"})
    return out


PROFILE = Profile(name="sgqr", title="SGQR / PayNow (Singapore)", rules=RULES, check=check_sgqr, detect=detect,
                  names=names)
