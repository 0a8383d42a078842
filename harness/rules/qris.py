"""QRIS (Indonesia, Bank Indonesia / ASPI) merchant-presented profile.

Sources: notes/profiles.md §6 — astrapay/spring-qris (validators, `MerchantCriteria.java` quoting
the spec's table 4.6), the Dart `qris` package, and real merchant codes quoted in repositories.
The QRIS specification itself was not read.

Tags 26-45 carry the domestic PJSP (issuer/acquirer) templates (reverse-domain GUI, 18-digit
merchant PAN starting 9360 + NNS); tag 51 the national template (GUI `ID.CO.QRIS.WWW`, NMID).
A code is QRIS when it carries the national GUI, or when it is Indonesian (58 = ID) with a PJSP
template whose PAN starts 9360 (so a copy that lost its 51 is still checked, and reported).

Not modelled: the common practice of turning a static code into a "dynamic" one by rewriting
010211 -> 010212 and inserting 54 (notes §6) yields a payload indistinguishable from a genuine
dynamic code, so no rule can detect it from the payload alone.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import check_fixed, check_gui_case, check_sub, templates_with_gui, value_at
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

GUI = "ID.CO.QRIS.WWW"
SOURCE = "QRIS (BI/ASPI) standard (as implemented by astrapay/spring-qris)"
CRITERIA = ("UMI", "UKE", "UME", "UBE", "URE", "PSO", "BLU")
PJSP_IDS = tuple(f"{i:02d}" for i in range(26, 46))
_PAN = re.compile(r"9360\d{14}")
_NMID = re.compile(r"ID\d{13}")


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "qris", description)


RULES: tuple[Rule, ...] = (
    _r("qris.mai.present", MUST, "National template 51 or a PJSP template 26-45",
       "astrapay's MerchantAccountInformation2To45ExistValidator requires the national template (51) or at "
       "least one merchant account in 02-45. [solid as implemented]"),
    _r("qris.mai.gui", MUST, "National template GUI is ID.CO.QRIS.WWW",
       "The national template's sub-ID 00 is 'ID.CO.QRIS.WWW' (upper case in every sample). [solid]"),
    _r("qris.nmid.format", MUST, "NMID (51-02) is 'ID' and 13 digits",
       "The national merchant ID is 15 characters: 'ID' followed by 13 digits; it is required in 51. [solid]"),
    _r("qris.criteria", MUST, "Merchant criteria is UMI, UKE, UME, UBE, URE, PSO or BLU",
       "Sub-ID 03 of 51 and of the PJSP templates is a merchant criteria code from the spec's table 4.6 "
       "(quoted by astrapay MerchantCriteria.java). When absent the issuer assumes URE. [solid]"),
    _r("qris.pan.format", MUST, "PJSP merchant PAN is 18 digits starting 9360",
       "Sub-ID 01 of a PJSP template 26-45 is the merchant PAN: '9360', the 4-digit NNS (national numbering, "
       "e.g. 0914 GoPay, 0915 DANA, 0009 BNI), then a method-indicator digit and the merchant number: 18 "
       "digits. [solid]"),
    _r("qris.merchant_id.length", MUST, "PJSP merchant ID (02) is at most 15 characters",
       "Sub-ID 02 of a PJSP template is the merchant ID, up to 15 characters. [solid]"),
    _r("qris.country", MUST, "Country Code is ID", "ID 58 = 'ID'. [solid]"),
    _r("qris.currency", MUST, "Transaction Currency is 360 (IDR)", "ID 53 = '360'. [solid]"),
    _r("qris.postal.format", SHOULD, "Postal Code is 5 digits",
       "ID 61 is a 5-digit Indonesian postal code in the samples ('common', not verified as required). [observed]"),
)


def national_template(p: MpmPayload) -> DataObject | None:
    found = templates_with_gui(p, [GUI])
    return found[0] if found else None


def pjsp_templates(p: MpmPayload) -> list[DataObject]:
    national = national_template(p)
    return [o for o in p.objects if o.id in PJSP_IDS and o.children is not None and o is not national]


def check_qris(p: MpmPayload, out: Findings) -> None:
    national, pjsp = national_template(p), pjsp_templates(p)
    has_mai = national is not None or any("02" <= o.id <= "45" for o in p.objects)
    if not has_mai:
        out.add("qris.mai.present", "no national template (GUI ID.CO.QRIS.WWW) and no merchant account in 02-45", "")
    if national is None:
        t51 = p.find("51")
        if t51 is not None and t51.children is not None:
            g = t51.child("00")
            out.add("qris.mai.gui", f"51.00 is {g.value if g else None!r}; the national template's GUI is {GUI!r}",
                    "51.00", value_at(g) if g else t51.offset, g.value if g else None)
    else:
        check_gui_case(national, GUI, "qris.mai.gui", out)
        check_sub(national, "02", _NMID, "qris.nmid.format", "an NMID: 'ID' and 13 digits", out, required=True)
        _check_criteria(national, out)
    for t in pjsp:
        check_sub(t, "01", _PAN, "qris.pan.format", "18 digits starting 9360", out)
        mid = t.child("02")
        if mid is not None and len(mid.value) > 15:
            out.add("qris.merchant_id.length", f"{mid.path} is {len(mid.value)} characters; at most 15", mid.path,
                    value_at(mid), mid.value)
        _check_criteria(t, out)
    check_fixed(p, "58", ("ID",), "qris.country", "QRIS", out)
    check_fixed(p, "53", ("360",), "qris.currency", "QRIS", out)
    postal = p.find("61")
    if postal is not None and not re.fullmatch(r"\d{5}", postal.value):
        out.add("qris.postal.format", f"61 is {postal.value!r}; expected 5 digits", "61", value_at(postal),
                postal.value)


def _check_criteria(t: DataObject, out: Findings) -> None:
    check_sub(t, "03", re.compile("|".join(CRITERIA)), "qris.criteria", f"one of {', '.join(CRITERIA)}", out)


def detect(p: MpmPayload) -> bool:
    if national_template(p) is not None:
        return True
    return p.get("58") == "ID" and any((pan := o.child("01")) is not None and pan.value.startswith("9360")
                                       for o in p.objects if o.id in PJSP_IDS and o.children is not None)


def names(p: MpmPayload) -> dict[str, str]:
    out: dict[str, str] = {}
    national = national_template(p)
    if national is not None:
        out.update({f"{national.path}.02": "NMID (national merchant ID)", f"{national.path}.03": "merchant criteria"})
    for t in pjsp_templates(p):
        out.update({f"{t.path}.01": "merchant PAN (9360 + NNS …)", f"{t.path}.02": "merchant ID",
                    f"{t.path}.03": "merchant criteria"})
    return out


PROFILE = Profile(name="qris", title="QRIS (Indonesia, Bank Indonesia / ASPI)", rules=RULES, check=check_qris,
                  detect=detect, names=names)
