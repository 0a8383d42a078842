"""JPQR (Japan, Payments Japan Association / キャッシュレス推進協議会) merchant-presented profile.

The guideline PDF (JPQR MPM guideline 1.0) could not be read; every rule here is reconstructed
from two open-source implementations — mercari/go-emv-code `mpm/jpqr` (Go; validates the fields
below) and kenmaz/JPQRReader (Swift decoder) — as collected in notes/profiles.md §1, whose
confidence tags ([solid] / [observed] / [uncertain]) each description repeats. The mercari rules
were re-read in its `jpqr.go` (validateCountryCodeIsJP, validateTransactionCurrency,
validatePostalCode, validateMerchantInformation) and `id.go` (ParseID, validateIDLength).

A JPQR code is found by its GUI `jp.or.paymentsjapan` in ANY merchant-account template 26-51
(mercari's `jpqr.ParseID` scans them all; its own negative test puts it in 27), never by tag 26.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import (check_fixed, check_gui_case, templates_with_gui, value_at)
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

GUI = "jp.or.paymentsjapan"
MERCARI = "JPQR MPM guideline 1.0 (as implemented by mercari/go-emv-code mpm/jpqr)"
KENMAZ = "JPQR MPM guideline 1.0 (as decoded by kenmaz/JPQRReader MPMDecoder.swift)"
# 統一店舗識別コード: sub-ID -> fixed length (mercari). kenmaz names them 管理レベル1-4.
STORE_CODE = {"01": 13, "02": 4, "03": 6, "04": 6}


def _r(id_: str, level: str, title: str, source: str, description: str) -> Rule:
    return Rule(id_, title, source, level, "jpqr", description)


RULES: tuple[Rule, ...] = (
    _r("jpqr.mai.gui", MUST, "A merchant account template carries the JPQR GUI", MERCARI,
       "One of templates 26-51 has sub-ID 00 = 'jp.or.paymentsjapan' (19 characters, lower case). It is "
       "usually 26, but the template number is not fixed: mercari's ParseID scans every MAI template and "
       "compares sub-ID 00 exactly (so case matters). [solid: mercari mpm/jpqr/id.go, kenmaz, a third JS repo]"),
    _r("jpqr.store_code.required", MUST, "Unified store code sub-IDs 01-04 are all present", MERCARI,
       "The JPQR template holds the 統一店舗識別コード (unified store identification code) in sub-IDs "
       "01, 02, 03 and 04 (kenmaz: 管理レベル1-4); mercari requires all four. Which level is company, "
       "store or terminal is not known from public sources. In mercari a missing part fails its length check "
       "(an absent LV counts as length 0). [solid as mercari behaviour]"),
    _r("jpqr.store_code.length", MUST, "Unified store code parts have lengths 13/4/6/6", MERCARI,
       "Sub-ID 01 is 13 characters, 02 is 4, 03 is 6, 04 is 6 (mercari id.go lv1Length..lv4Length; Go counts "
       "bytes, which equals characters for the ASCII codes seen). [solid]"),
    _r("jpqr.store_code.format", SHOULD, "Unified store code parts are digits", MERCARI,
       "Every public sample's store code is zero-padded digits (0000000000001/0001/000001/000001); mercari "
       "checks only the lengths, so a non-digit is reported as a warning. [uncertain: guideline unseen]"),
    _r("jpqr.country", MUST, "Country Code is JP", MERCARI,
       "ID 58 = 'JP' (mercari rejects any other country; its negative vector uses a non-JP code). [solid as "
       "mercari behaviour]"),
    _r("jpqr.currency", MUST, "Transaction Currency is 392 (JPY)", MERCARI,
       "ID 53 = '392' (mercari rejects others; negative vector 'non-392'). [solid as mercari behaviour]"),
    _r("jpqr.postal.required", MUST, "Postal Code is present", MERCARI,
       "ID 61 (optional in EMV) is required by mercari's JPQR validator. [solid as mercari behaviour; "
       "guideline wording unseen]"),
    _r("jpqr.postal.format", SHOULD, "Postal Code is a 7-digit Japanese postal code", KENMAZ,
       "Both public vectors carry 7 digits without hyphen (1066143, 1060032); Japanese postal codes are 7 "
       "digits. Not validated by mercari, so a warning. [observed]"),
    _r("jpqr.lang.required", MUST, "Language template 64 is present", MERCARI,
       "ID 64 (optional in EMV) is required: the Japanese merchant name goes in 64-01 (UTF-8, length in "
       "characters) while 59/60 hold ASCII (the samples use the literal 'xxx'). [solid as mercari behaviour]"),
    _r("jpqr.lang.ja", MUST, "Language Preference is JA", MERCARI,
       "64-00 = 'JA' (mercari). [solid as mercari behaviour; guideline wording unseen]"),
    _r("jpqr.lang.city_absent", MUST, "No alternate-language city (64-02)", MERCARI,
       "mercari rejects a JPQR code that carries 64-02 (Merchant City - Alternate Language) with the message "
       "'MerchantInformation.City is not necessary'; the wording suggests the guideline calls it unnecessary "
       "rather than forbidden, so the MUST follows mercari, not a seen clause. [solid as mercari behaviour; "
       "guideline wording unseen]"),
    _r("jpqr.amount.integer", MUST, "JPY amount has no decimal point", "EMV MPM §4.7.4.1 + ISO 4217 (JPY exponent 0)",
       "ID 54 is whole yen: digits only, no '.' (not even '100.'). Level MUST is our choice: the notes give no "
       "JPQR source for it (notes/profiles.md §1; the JPQR guideline text is unseen) and EMV's own decimals rule "
       "is SHOULD (mpm.amount.decimals, notes/emv-mpm.md A5); a decimal point in a yen amount can only be "
       "misread by a wallet, so qrinterop requires whole yen."),
)

_DIGITS = re.compile(r"\d+")
_POSTAL = re.compile(r"\d{7}")


def jpqr_template(p: MpmPayload) -> DataObject | None:
    """The first merchant account template (26-51) whose GUI is JPQR's, ignoring case."""
    found = templates_with_gui(p, [GUI])
    return found[0] if found else None


def store_code(template: DataObject) -> tuple[str | None, ...]:
    """The four parts of the unified store code (None for a missing part)."""
    return tuple((c.value if (c := template.child(s)) is not None else None) for s in STORE_CODE)


def check_jpqr(p: MpmPayload, out: Findings) -> None:
    template = jpqr_template(p)
    if template is None:
        guis = [f"{o.id} {g.value!r}" for o in p.objects if o.children is not None and "26" <= o.id <= "51"
                and (g := o.child("00")) is not None]
        out.add("jpqr.mai.gui", f"no merchant account template 26-51 carries GUI {GUI!r}"
                + (f" (found {', '.join(guis)})" if guis else " (no MAI template found)"), "")
    else:
        check_gui_case(template, GUI, "jpqr.mai.gui", out)
        _check_store_code(template, out)
    check_fixed(p, "58", ("JP",), "jpqr.country", "JPQR", out)
    check_fixed(p, "53", ("392",), "jpqr.currency", "JPQR", out)
    postal = p.find("61")
    if postal is None:
        out.add("jpqr.postal.required", "JPQR requires 61 Postal Code; it is missing", "61")
    elif not _POSTAL.fullmatch(postal.value):
        out.add("jpqr.postal.format", f"61 is {postal.value!r}; expected 7 digits without hyphen", "61",
                value_at(postal), postal.value)
    _check_language(p, out)
    amount = p.find("54")
    if amount is not None and "." in amount.value:
        out.add("jpqr.amount.integer", f"54 is {amount.value!r}; a JPY amount is whole yen without '.'", "54",
                value_at(amount), amount.value)


def _check_store_code(template: DataObject, out: Findings) -> None:
    for sub, length in STORE_CODE.items():
        o = template.child(sub)
        if o is None:
            out.add("jpqr.store_code.required", f"{template.path} lacks {template.path}.{sub} (store code "
                    f"level {int(sub)}, {length} characters)", f"{template.path}.{sub}", template.offset)
            continue
        if len(o.value) != length:
            out.add("jpqr.store_code.length", f"{o.path} is {len(o.value)} characters; store code level "
                    f"{int(sub)} is exactly {length}", o.path, value_at(o), o.value)
        if not _DIGITS.fullmatch(o.value):
            out.add("jpqr.store_code.format", f"{o.path} is {o.value!r}; every known store code is digits",
                    o.path, value_at(o), o.value)


def _check_language(p: MpmPayload, out: Findings) -> None:
    lang = p.find("64")
    if lang is None:
        out.add("jpqr.lang.required", "JPQR requires 64 (language template with the Japanese merchant name); "
                "it is missing", "64")
        return
    if lang.children is None:
        return
    code = lang.child("00")
    if code is not None and code.value != "JA":
        out.add("jpqr.lang.ja", f"64.00 is {code.value!r}; JPQR requires 'JA'", "64.00", value_at(code), code.value)
    city = lang.child("02")
    if city is not None:
        out.add("jpqr.lang.city_absent", f"64.02 ({city.value!r}) must be absent in JPQR", "64.02", city.offset,
                city.value)


def detect(p: MpmPayload) -> bool:
    return jpqr_template(p) is not None


def names(p: MpmPayload) -> dict[str, str]:
    template = jpqr_template(p)
    if template is None:
        return {}
    at = template.path
    # ASCII names: explain aligns its columns by character count (統一店舗識別コード is in docs/profiles.md)
    return {f"{at}.00": "JPQR GUI", **{f"{at}.{s}": f"JPQR store code level {int(s)} ({n} chars)"
                                        for s, n in STORE_CODE.items()}}


def describe(p: MpmPayload) -> list[str]:
    """For `explain`: which participating wallets would pay this code, and which account."""
    from qrinterop.profiles.acceptance import acceptance_lines
    return acceptance_lines(p)


PROFILE = Profile(name="jpqr", title="JPQR (Japan, Payments Japan Association) MPM", rules=RULES,
                  check=check_jpqr, detect=detect, describe=describe, names=names)
