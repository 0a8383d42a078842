"""HK FPS (Hong Kong, HKICL / HKMA common QR code) merchant-presented profile.

Sources: notes/profiles.md §7 — Odoo's account_qr_code_emv / l10n_hk (sub-field mapping, test vector)
and sample payloads; the HKMA common QR specification was not read. FPS is found by GUI
`hk.com.hkicl` in any of 26-51. The meaning of sub-ID 06 seen in one sample (`1`) is unknown, and a
05 timestamp / expiry sub-field is uncertain: neither is checked.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import check_fixed, check_gui_case, check_sub, templates_with_gui, value_at
from qrinterop.rules.model import MUST, Findings, Profile, Rule

GUI = "hk.com.hkicl"
SOURCE = "HKMA common QR / FPS (as implemented by Odoo l10n_hk)"
PROXIES = {"02": "FPS ID", "03": "mobile number", "04": "e-mail address"}


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "fps", description)


RULES: tuple[Rule, ...] = (
    _r("fps.mai.gui", MUST, "A template carries the FPS GUI hk.com.hkicl",
       "Sub-ID 00 of a template 26-51 (26 in every sample) is 'hk.com.hkicl'. [solid]"),
    _r("fps.proxy.required", MUST, "An FPS ID (02), mobile (03) or e-mail (04) is present",
       "The FPS template names the payee by FPS ID, mobile number or e-mail address (Odoo writes one). "
       "[solid as implemented]"),
    _r("fps.clearing_code", MUST, "Participant clearing code (01) is 3 digits",
       "Sub-ID 01, when present, is a 3-digit bank clearing code (e.g. 004). No sample carries it. "
       "[solid as implemented]"),
    _r("fps.fps_id", MUST, "FPS ID (02) is 7 or 9 digits",
       "Odoo's l10n_hk `_check_hk_proxy` accepts an FPS ID of length 7 or 9 (not 8); every sample's ID is "
       "7 digits. [solid as implemented]"),
    _r("fps.mobile", MUST, "Mobile (03) is +CC-number, e.g. +852-67891234",
       "Sub-ID 03 is '+', a 1-3 digit country code, '-', and 6-12 digits (Odoo's regex "
       "^[+]\\d{1,3}-\\d{6,12}$; its message gives the form +852-67891234). [solid as implemented]"),
    _r("fps.email", MUST, "E-mail (04) is an e-mail address",
       "Sub-ID 04 is an e-mail address (Odoo checks it with its single_email_re). [solid as implemented]"),
    _r("fps.country", MUST, "Country Code is HK", "ID 58 = 'HK'. [solid]"),
    _r("fps.currency", MUST, "Transaction Currency is 344 (HKD) or 156 (CNY)",
       "ID 53 = '344'; Odoo also allows '156' (CNY). [solid for 344]"),
)


def fps_template(p: MpmPayload) -> DataObject | None:
    found = templates_with_gui(p, [GUI])
    return found[0] if found else None


def check_fps(p: MpmPayload, out: Findings) -> None:
    t = fps_template(p)
    if t is None:
        out.add("fps.mai.gui", f"no template 26-51 carries GUI {GUI!r}", "")
    else:
        check_gui_case(t, GUI, "fps.mai.gui", out)
        if not any(t.child(s) is not None for s in PROXIES):
            out.add("fps.proxy.required", f"{t.path} has no FPS ID (02), mobile (03) or e-mail (04)", t.path,
                    value_at(t),
                    t.value)
        check_sub(t, "01", re.compile(r"\d{3}"), "fps.clearing_code", "a 3-digit clearing code", out)
        check_sub(t, "02", re.compile(r"\d{7}|\d{9}"), "fps.fps_id", "7 or 9 digits", out)
        check_sub(t, "03", re.compile(r"\+\d{1,3}-\d{6,12}"), "fps.mobile", "'+852-' style: +CC- and 6-12 digits", out)
        check_sub(t, "04", re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"), "fps.email", "an e-mail address", out)
    check_fixed(p, "58", ("HK",), "fps.country", "HK FPS", out)
    check_fixed(p, "53", ("344", "156"), "fps.currency", "HK FPS", out)


def detect(p: MpmPayload) -> bool:
    return fps_template(p) is not None


def names(p: MpmPayload) -> dict[str, str]:
    t = fps_template(p)
    if t is None:
        return {}
    return {f"{t.path}.01": "participant clearing code", **{f"{t.path}.{s}": n for s, n in PROXIES.items()}}


PROFILE = Profile(name="fps", title="HK FPS (Hong Kong, HKICL)", rules=RULES, check=check_fps, detect=detect,
                  names=names)
