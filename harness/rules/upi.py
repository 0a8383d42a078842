"""UPI (India, NPCI): the UPI merchant account inside an EMV code, and the rules of the non-EMV
`upi://pay?` URI form.

EMV form (notes/profiles.md §5, observed in 5 real payloads from Razorpay/PayU/HDFC/Axis docs):
tag 26 with GUI `A000000524` (the NPCI RID) carries the VPA in 01; a second template with the same
GUI (27 in every sample) carries a transaction reference or store ID. A web page claims GUI
`upi.npci.org`; no real payload uses it, so it is not accepted. The card side of the Indian EMV
code is the `bharatqr` profile; a Razorpay-style code claims both.

URI form: `upi://pay?pa=…&pn=…` (NPCI "UPI Linking Specifications" v1.6). It is not EMV and has no
CRC; `qrinterop.profiles.upi_uri.check_upi_uri` checks it against the `upi.uri.*` rules below,
which live in this catalogue so that reports and `rules --profile upi` list them.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import check_fixed, check_gui_case, check_sub, templates_with_gui, value_at
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

GUI = "A000000524"
EMV_SOURCE = "BharatQR / UPI QR (as seen in Razorpay, PayU, HDFC and Axis payloads)"
URI_SOURCE = "NPCI UPI Linking Specifications v1.6 (Nov 2017)"
VPA = re.compile(r"[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63}")


def _r(id_: str, level: str, title: str, source: str, description: str) -> Rule:
    return Rule(id_, title, source, level, "upi", description)


RULES: tuple[Rule, ...] = (
    _r("upi.mai.gui", MUST, "A template carries the NPCI GUI A000000524", EMV_SOURCE,
       "One of templates 26-51 has sub-ID 00 = 'A000000524' (NPCI RID); 26 in every real payload. The "
       "'upi.npci.org' GUI claimed by one web page appears in no real payload and is not accepted. [observed]"),
    _r("upi.vpa.required", MUST, "The first UPI template carries a VPA in 01", EMV_SOURCE,
       "The first template with GUI A000000524 (26 in the samples) holds the payee VPA in sub-ID 01; a second "
       "one (27) holds a transaction reference or store ID instead. [observed]"),
    _r("upi.vpa.format", MUST, "VPA is name@handle", EMV_SOURCE,
       "The VPA is a user part (letters, digits, '.', '-', '_') '@' a handle (e.g. razorpaybqr@icici, "
       "…@AXISBANK). [solid]"),
    _r("upi.min_amount.format", SHOULD, "UPI template 02 is a decimal", EMV_SOURCE,
       "Sub-ID 02 of the VPA template holds a decimal such as '1.10' or '1.0', probably a minimum amount. "
       "[observed; meaning uncertain]"),
    _r("upi.country", MUST, "Country Code is IN", EMV_SOURCE, "ID 58 = 'IN'. [observed]"),
    _r("upi.currency", MUST, "Transaction Currency is 356 (INR)", EMV_SOURCE, "ID 53 = '356'. [observed]"),
    # --- the URI form (checked by qrinterop.profiles.upi_uri) ---------------------------------
    _r("upi.uri.scheme", MUST, "URI starts with upi://pay?", URI_SOURCE,
       "A UPI payment URI is 'upi://pay?' followed by a URL-encoded query string. [solid]"),
    _r("upi.uri.encoding", MUST, "Query string is well-formed and UTF-8", URI_SOURCE,
       "Parameters are name=value pairs separated by '&', percent-escapes are valid and decode to UTF-8. [solid]"),
    _r("upi.uri.duplicate", MUST, "Each parameter appears once", URI_SOURCE,
       "A parameter given twice is ambiguous: two readers may take different copies. [modelling choice]"),
    _r("upi.uri.pa", MUST, "Payee address (pa) is a VPA", URI_SOURCE,
       "'pa' is present and is a VPA name@handle. [solid]"),
    _r("upi.uri.pn", SHOULD, "Payee name (pn) is present", URI_SOURCE,
       "'pn' names the payee; most generators write it. Whether it is mandatory is not verified. [uncertain]"),
    _r("upi.uri.am", MUST, "Amount (am) is a positive decimal with at most 2 decimals", URI_SOURCE,
       "'am', when present, is digits with an optional '.' and up to 2 decimals, not zero. [solid]"),
    _r("upi.uri.cu", MUST, "Currency (cu) is INR", URI_SOURCE, "'cu', when present, is 'INR'. [solid]"),
    _r("upi.uri.mc", SHOULD, "Merchant code (mc) is a 4-digit MCC", URI_SOURCE,
       "'mc', when present, is a 4-digit ISO 18245 merchant category code. [solid]"),
)


def upi_templates(p: MpmPayload) -> list[DataObject]:
    return templates_with_gui(p, [GUI])


def check_upi(p: MpmPayload, out: Findings) -> None:
    templates = upi_templates(p)
    if not templates:
        out.add("upi.mai.gui", f"no template 26-51 carries GUI {GUI!r}", "")
    for t in templates:
        check_gui_case(t, GUI, "upi.mai.gui", out)
    if templates:
        first = templates[0]
        vpa = first.child("01")
        if vpa is None:
            out.add("upi.vpa.required", f"{first.path} (the first UPI template) has no VPA in sub-ID 01",
                    f"{first.path}.01", first.offset)
        elif not VPA.fullmatch(vpa.value):
            out.add("upi.vpa.format", f"{vpa.path} is {vpa.value!r}; expected a VPA name@handle", vpa.path,
                    value_at(vpa), vpa.value)
        check_sub(first, "02", re.compile(r"\d+(\.\d+)?"), "upi.min_amount.format", "a decimal such as '1.10'", out)
    check_fixed(p, "58", ("IN",), "upi.country", "UPI", out)
    check_fixed(p, "53", ("356",), "upi.currency", "UPI", out)


def detect(p: MpmPayload) -> bool:
    return bool(upi_templates(p))


def names(p: MpmPayload) -> dict[str, str]:
    templates = upi_templates(p)
    out: dict[str, str] = {}
    for i, t in enumerate(templates):
        if i == 0:
            out.update({f"{t.path}.01": "UPI VPA", f"{t.path}.02": "minimum amount (meaning uncertain)"})
        else:
            out[f"{t.path}.01"] = "UPI transaction reference / store ID"
    return out


def describe(p: MpmPayload) -> list[str]:
    templates = upi_templates(p)
    vpa = templates[0].child("01") if templates else None
    return [f"UPI payee VPA {vpa.value} (template {templates[0].path})"] if vpa is not None else []


PROFILE = Profile(name="upi", title="UPI (India, NPCI) in an EMV code", rules=RULES, check=check_upi, detect=detect,
                  describe=describe, names=names)
