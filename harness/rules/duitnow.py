"""DuitNow QR (Malaysia, PayNet) merchant-presented profile.

Sources: notes/profiles.md §7 — real DuitNow payloads (6+ independent ones) and their decoders; the
PayNet specification was not read. DuitNow is found by GUI `A0000006150001` in any of 26-51.
Codes carrying the bare `A000000615` (seen only in generated, AI-looking code that matches no real
payload) are recognised by the RID prefix so that `duitnow.mai.gui` can report them.

Every real DuitNow code starts `000202` (Payload Format Indicator "02", where EMV says "01"). Whether
PayNet specifies it or it is a de-facto deviation is unknown (notes §9 q4), so for DuitNow codes EMV's
`mpm.pfi.value` is lowered to SHOULD: reported as a warning, not a failure.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import MpmPayload
from qrinterop.profiles.scheme import check_fixed, check_sub, templates_with_gui, value_at
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

GUI = "A0000006150001"
RID = "A000000615"
SOURCE = "DuitNow QR (PayNet), as seen in real payloads"


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "duitnow", description)


RULES: tuple[Rule, ...] = (
    _r("duitnow.mai.gui", MUST, "A template carries the DuitNow GUI A0000006150001",
       "Sub-ID 00 of a template 26-51 (26 in every sample) is 'A0000006150001'. The commonly quoted "
       "'A000000615' with 01/02/03 comes from generated code and matches no real payload. [observed]"),
    _r("duitnow.participant", MUST, "Participant / acquirer code (01) is 6 digits",
       "Sub-ID 01 is a 6-digit participant code (890053, 603346, 588830 in the samples). [observed]"),
    _r("duitnow.account", MUST, "Merchant / account ID (02) is present",
       "Sub-ID 02 holds the merchant or account ID. [observed]"),
    _r("duitnow.country", MUST, "Country Code is MY", "ID 58 = 'MY'. [observed]"),
    _r("duitnow.currency", MUST, "Transaction Currency is 458 (MYR)", "ID 53 = '458'. [observed]"),
)


def check_duitnow(p: MpmPayload, out: Findings) -> None:
    templates = templates_with_gui(p, [RID], prefix=True)
    exact = [t for t in templates if t.child("00").value == GUI]
    if not exact:
        found = ", ".join(f"{t.path}.00 {t.child('00').value!r}" for t in templates)
        g = templates[0].child("00") if templates else None
        out.add("duitnow.mai.gui", f"no template 26-51 carries GUI {GUI!r}" + (f" (found {found})" if found else ""),
                g.path if g else "", value_at(g) if g else None, g.value if g else None)
    for t in exact:
        check_sub(t, "01", re.compile(r"\d{6}"), "duitnow.participant", "a 6-digit participant code", out,
                  required=True)
        if t.child("02") is None:
            out.add("duitnow.account", f"{t.path} has no sub-ID 02 (merchant / account ID)", f"{t.path}.02", t.offset)
    check_fixed(p, "58", ("MY",), "duitnow.country", "DuitNow", out)
    check_fixed(p, "53", ("458",), "duitnow.currency", "DuitNow", out)


def detect(p: MpmPayload) -> bool:
    return bool(templates_with_gui(p, [RID], prefix=True))


def names(p: MpmPayload) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in templates_with_gui(p, [GUI]):
        out.update({f"{t.path}.01": "participant / acquirer code", f"{t.path}.02": "merchant / account ID"})
    return out


PROFILE = Profile(name="duitnow", title="DuitNow QR (Malaysia, PayNet)", rules=RULES, check=check_duitnow,
                  detect=detect, names=names, overrides={"mpm.pfi.value": SHOULD})
