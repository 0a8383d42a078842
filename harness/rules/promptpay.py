"""PromptPay / Thai QR Payment (Bank of Thailand standard) merchant-presented profile.

Sources: notes/profiles.md §4 — dtinth/promptpay-qr (7 generator vectors), lee-ratinan/emv-qr,
icez/php-libpromptpay and several Go/Kotlin implementations; the BOT standard text was not read.
Thai QR is found by an AID beginning with the RID `A000000677` in sub-ID 00 of any template 26-51:
29 = credit transfer (PromptPay), 30 = bill payment, 31 = "payment innovation" (K-Shop).

P2P PromptPay and bill-payment codes omit 52/59/60 in every generator sample, so EMV's
`mpm.root.mandatory` is switched off and `promptpay.root.mandatory` checks 00, 53, 58 instead.
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import check_fixed, check_required, check_sub, templates_with_gui, value_at
from qrinterop.rules.model import MUST, OFF, SHOULD, Findings, Profile, Rule

RID = "A000000677"
CREDIT_TRANSFER = "A000000677010111"
BILL_PAYMENT = "A000000677010112"
CROSS_BORDER_BILL = "A000000677012006"
INNOVATION = "A000000677010113"
CUSTOMER_OR_OTA = "A000000677010114"  # sources disagree on its meaning
KNOWN_AIDS = {CREDIT_TRANSFER: "credit transfer (PromptPay)", BILL_PAYMENT: "bill payment (domestic merchant)",
              CROSS_BORDER_BILL: "bill payment (cross-border merchant)", INNOVATION: "payment innovation",
              CUSTOMER_OR_OTA: "customer-presented or One-Time Authorization (sources disagree)"}
SOURCE = "BOT Thai QR Payment standard (as implemented by dtinth/promptpay-qr, lee-ratinan/emv-qr)"
REQUIRED = ("00", "53", "58")
_REF = re.compile(r"[\x20-\x7e]{1,20}")
PROXIES = {"01": ("mobile number", re.compile(r"0066\d{9}"), "13 digits: '0066' and the national number"),
           "02": ("national ID / tax ID", re.compile(r"\d{13}"), "13 digits"),
           "03": ("e-wallet ID", re.compile(r"\d{15}"), "15 digits"),
           "04": ("bank account", re.compile(r"\d{1,43}"), "1-43 digits")}


def _r(id_: str, level: str, title: str, description: str) -> Rule:
    return Rule(id_, title, SOURCE, level, "promptpay", description)


RULES: tuple[Rule, ...] = (
    _r("promptpay.mai.aid", MUST, "A template carries a known Thai QR AID",
       "Sub-ID 00 of a template 26-51 is one of A000000677010111 (credit transfer, tag 29), A000000677010112 "
       "(bill payment, 30), A000000677012006 (cross-border bill payment, observed in 3 repos), A000000677010113 "
       "(payment innovation, 31, observed) or A000000677010114 (meaning disputed: 'customer-presented' in "
       "several libraries, 'One-Time Authorization' in one). [solid for 0111/0112]"),
    _r("promptpay.root.mandatory", MUST, "00, 53 and 58 are present",
       "Replaces EMV's mandatory set: P2P PromptPay and bill-payment codes omit 52, 59 and 60 in every "
       "generator sample (dtinth), so only 00, 53 and 58 are required (63 is mpm.crc.present). [solid]"),
    _r("promptpay.proxy.required", MUST, "Credit transfer names exactly one target",
       "The credit-transfer template holds exactly one of 01 (mobile), 02 (national/tax ID), 03 (e-wallet), "
       "04 (bank account). 05 = OTA appears in some implementations and is ignored here. [solid]"),
    _r("promptpay.proxy.format", MUST, "Credit-transfer target has its format",
       "01 mobile = 13 digits, '0066' then the national number without its leading 0 (e.g. 0066801234567; "
       "lee-ratinan further requires 6, 8 or 9 after 0066, which dtinth's all-zero vector does not meet, so "
       "that prefix is not checked); "
       "02 national / tax ID = 13 digits; 03 e-wallet = 15 digits; 04 bank account = up to 43 digits. [solid]"),
    _r("promptpay.bill.biller", MUST, "Bill payment carries a 15-digit biller ID",
       "Bill-payment sub-ID 01 is the biller ID: 15 digits (13-digit tax ID + 2-digit suffix). [solid]"),
    _r("promptpay.bill.refs", MUST, "Bill payment carries reference 1 (<= 20), reference 2 <= 20",
       "Sub-ID 02 (ref1) is present and at most 20 characters; 03 (ref2), when present, at most 20. "
       "[solid as implemented: lee-ratinan's decoder requires ref1 and checks both lengths; every dtinth "
       "bill-payment vector carries ref1]"),
    _r("promptpay.innovation.acquirer", SHOULD, "Payment-innovation acquirer ID is 3 digits",
       "Sub-ID 01 of the A000000677010113 template is a 3-digit acquirer ID (e.g. 004 = KBank). [observed]"),
    _r("promptpay.country", MUST, "Country Code is TH", "ID 58 = 'TH'. [solid]"),
    _r("promptpay.currency", MUST, "Transaction Currency is 764 (THB)", "ID 53 = '764'. [solid]"),
    _r("promptpay.poi.amount", SHOULD, "Point of initiation is 12 with an amount, 11 without",
       "dtinth/promptpay-qr writes 01 = '11' without an amount and '12' with one; EMV itself allows a static "
       "code with an amount, so this is a warning. [solid as generator behaviour]"),
)


def thai_templates(p: MpmPayload) -> list[DataObject]:
    return templates_with_gui(p, [RID], prefix=True)


def check_promptpay(p: MpmPayload, out: Findings) -> None:
    check_required(p, REQUIRED, "promptpay.root.mandatory", "PromptPay", out)
    templates = thai_templates(p)
    if not templates:
        out.add("promptpay.mai.aid", f"no template 26-51 carries a Thai QR AID (RID {RID})", "")
    for t in templates:
        aid = t.child("00")
        if aid.value not in KNOWN_AIDS:
            out.add("promptpay.mai.aid", f"{aid.path} is {aid.value!r}; known Thai QR AIDs are "
                    f"{', '.join(KNOWN_AIDS)}", aid.path, value_at(aid), aid.value)
        elif aid.value == CREDIT_TRANSFER:
            _check_credit_transfer(t, out)
        elif aid.value in (BILL_PAYMENT, CROSS_BORDER_BILL):
            check_sub(t, "01", re.compile(r"\d{15}"), "promptpay.bill.biller", "a 15-digit biller ID", out,
                      required=True)
            check_sub(t, "02", _REF, "promptpay.bill.refs", "reference 1 of 1-20 characters", out, required=True)
            check_sub(t, "03", _REF, "promptpay.bill.refs", "reference 2 of 1-20 characters", out)
        elif aid.value == INNOVATION:
            check_sub(t, "01", re.compile(r"\d{3}"), "promptpay.innovation.acquirer", "a 3-digit acquirer ID", out)
    check_fixed(p, "58", ("TH",), "promptpay.country", "PromptPay", out)
    check_fixed(p, "53", ("764",), "promptpay.currency", "PromptPay", out)
    poi, amount = p.find("01"), p.find("54")
    if poi is not None and poi.value in ("11", "12"):
        want = "12" if amount is not None else "11"
        if poi.value != want:
            out.add("promptpay.poi.amount", f"01 is {poi.value!r} {'with' if amount else 'without'} an amount (54); "
                    f"PromptPay generators write {want!r}", "01", value_at(poi), poi.value)


def _check_credit_transfer(t: DataObject, out: Findings) -> None:
    present = [s for s in PROXIES if t.child(s) is not None]
    if len(present) != 1:
        out.add("promptpay.proxy.required", f"{t.path} holds {len(present)} transfer targets "
                f"({', '.join(present) or 'none'}); exactly one of 01-04 is expected", t.path, value_at(t), t.value)
    for s in present:
        name, pattern, want = PROXIES[s]
        check_sub(t, s, pattern, "promptpay.proxy.format", f"a {name} of {want}", out)


def detect(p: MpmPayload) -> bool:
    return bool(thai_templates(p))


def names(p: MpmPayload) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in thai_templates(p):
        aid = t.child("00").value
        out[f"{t.path}.00"] = f"Thai QR AID: {KNOWN_AIDS.get(aid, 'unknown')}"
        if aid == CREDIT_TRANSFER:
            out.update({f"{t.path}.{s}": v[0] for s, v in PROXIES.items()})
        elif aid in (BILL_PAYMENT, CROSS_BORDER_BILL):
            out.update({f"{t.path}.01": "biller ID", f"{t.path}.02": "reference 1", f"{t.path}.03": "reference 2"})
        elif aid == INNOVATION:
            out[f"{t.path}.01"] = "acquirer ID"
    return out


PROFILE = Profile(name="promptpay", title="PromptPay / Thai QR Payment (Thailand, BOT)", rules=RULES,
                  check=check_promptpay, detect=detect, names=names,
                  overrides={"mpm.root.mandatory": OFF})
