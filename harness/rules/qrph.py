"""QR Ph (Philippines, BSP / PPMI) merchant-presented profile.

Sources: notes/profiles.md §7 — real GCash, BDO and Maya payloads [observed]; the QR Ph
specification was not read. P2P codes carry GUI `com.p2pqrpay` (tag 27 in the samples), P2M codes
`ph.ppmi.p2m` (tag 28); both are found by GUI in any of 26-51. The meaning of P2P sub-ID 02
(`99964403` in every sample) is unknown and not checked.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import MpmPayload
from qrinterop.profiles.scheme import check_fixed, check_gui_case, check_sub, templates_with_gui, value_at
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

P2P, P2M = "com.p2pqrpay", "ph.ppmi.p2m"
SOURCE = "QR Ph (BSP / PPMI), as seen in real GCash, BDO and Maya payloads"
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "qrph", description)


RULES: tuple[Rule, ...] = (
    _r("qrph.mai.gui", MUST, "A template carries com.p2pqrpay or ph.ppmi.p2m",
       "Sub-ID 00 of a template 26-51 is 'com.p2pqrpay' (person to person, 27 in the samples) or "
       "'ph.ppmi.p2m' (person to merchant, 28), in lower case. [observed]"),
    _r("qrph.bic", MUST, "Receiving institution (01) is a BIC",
       "Sub-ID 01 is the receiving institution's BIC, 8 or 11 characters (ISO 9362), e.g. GXCHPHM2XXX (GCash), "
       "BNORPHMMXXX (BDO), PAPHPHM1XXX (Maya). [observed]"),
    _r("qrph.account", MUST, "Account / merchant ID (03) is present",
       "Sub-ID 03 holds the account number (P2P) or the merchant ID (P2M). [observed]"),
    _r("qrph.p2p.mobile", SHOULD, "P2P mobile number (05) is +63-…",
       "P2P sub-ID 05, when present, is a mobile number written '+63-' and digits. [observed]"),
    _r("qrph.p2p.mcc", SHOULD, "P2P codes use MCC 6016",
       "Every P2P sample carries 52 = '6016'. [observed; not known to be required]"),
    _r("qrph.country", MUST, "Country Code is PH", "ID 58 = 'PH'. [observed]"),
    _r("qrph.currency", MUST, "Transaction Currency is 608 (PHP)", "ID 53 = '608'. [observed]"),
)


def check_qrph(p: MpmPayload, out: Findings) -> None:
    p2p, p2m = templates_with_gui(p, [P2P]), templates_with_gui(p, [P2M])
    if not p2p and not p2m:
        out.add("qrph.mai.gui", f"no template 26-51 carries GUI {P2P!r} or {P2M!r}", "")
    for t, gui in [(t, P2P) for t in p2p] + [(t, P2M) for t in p2m]:
        check_gui_case(t, gui, "qrph.mai.gui", out)
        check_sub(t, "01", _BIC, "qrph.bic", "a BIC of 8 or 11 characters", out, required=True)
        if t.child("03") is None:
            out.add("qrph.account", f"{t.path} has no sub-ID 03 ({'account' if gui == P2P else 'merchant ID'})",
                    f"{t.path}.03", t.offset)
    for t in p2p:
        check_sub(t, "05", re.compile(r"\+63-\d{6,12}"), "qrph.p2p.mobile", "'+63-' and digits", out)
    mcc = p.find("52")
    if p2p and mcc is not None and mcc.value != "6016":
        out.add("qrph.p2p.mcc", f"52 is {mcc.value!r} in a P2P code; every P2P sample uses '6016'", "52",
                value_at(mcc), mcc.value)
    check_fixed(p, "58", ("PH",), "qrph.country", "QR Ph", out)
    check_fixed(p, "53", ("608",), "qrph.currency", "QR Ph", out)


def detect(p: MpmPayload) -> bool:
    return bool(templates_with_gui(p, [P2P, P2M]))


def names(p: MpmPayload) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in templates_with_gui(p, [P2P]):
        out.update({f"{t.path}.01": "receiving institution BIC", f"{t.path}.02": "unknown (99964403 in samples)",
                    f"{t.path}.03": "account number", f"{t.path}.04": "wallet reference", f"{t.path}.05": "mobile"})
    for t in templates_with_gui(p, [P2M]):
        out.update({f"{t.path}.01": "acquirer BIC", f"{t.path}.03": "merchant ID"})
    return out


PROFILE = Profile(name="qrph", title="QR Ph (Philippines, BSP / PPMI)", rules=RULES, check=check_qrph, detect=detect,
                  names=names)
