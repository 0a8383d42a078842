"""cpm: consumer-presented codes — base64 of BER-TLV (EMV CPM; notes/emv-cpm.md §5-§6).

Objects are written as `{"id": tag hex, "value": hex}` / `{"id", "children"}`; an optional `"len"`
(hex) replaces the computed length bytes, which is how the one-byte-length encoder bug (C1) is
written down without typing bytes.
"""
from __future__ import annotations

import base64

from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet


def h(text: str) -> str:
    return text.encode("ascii").hex().upper()


def p(tag: str, value_hex: str, **kw) -> dict:
    return {"id": tag, "value": value_hex, **kw}


def t(tag: str, *children: dict, **kw) -> dict:
    return {"id": tag, "children": list(children), **kw}


PFI = p("85", h("CPV01"))
AID = p("4F", "A0000000555555")
TRACK2 = p("57", "1234567890123458D191220112345F")
PAN = p("5A", "1234567890123458")
APP = t("61", AID, TRACK2)
EX1 = (PFI, APP)
TRANSPARENT = t("63", p("9F10", "06010A03000000" + "00" * 25), p("9F26", "584FD385FA234BCC"), p("9F36", "0001"),
                p("9F37", "6D58EF13"))
BIG_APP_CHILDREN = (AID, TRACK2, p("50", h("PRODUCT ONE CARD")), p("5F20", h("CARDHOLDER/EMV WITH A LONG")),
                    TRANSPARENT)  # 133 bytes: needs 81 85
EX2_TEXT = ("hQVDUFYwMWETTwegAAAAVVVVUAhQcm9kdWN0MWETTwegAAAAZmZmUAhQcm9kdWN0MmJJWggSNFZ4kBI0WF8gDkNBUkRIT0xERVIvRU1W"
            "Xy0IcnVlc2RlZW5kIZ8QBwYBCgMAAACfJghYT9OF+iNLzJ82AgABnzcEbVjvEw==")
EX2_SOURCE = "EMV CPM Annex B.2; mvallim/emv-qrcode ConsumerPresentedModeDecoderTest.java"
EX1_TEXT = "hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8="
EX1_SOURCE = "EMV CPM Annex B.1"
ALL_FIELDS = (PFI, t("61", AID, p("50", h("Product1")), TRACK2, p("5F20", h("CARDHOLDER/EMV")),
                     p("5F2D", h("enfr")), p("5F50", h("tel:+81-3-1234-5678")), p("9F08", "0002"),
                     p("9F19", "000123456789"), p("9F24", h("P" * 29)), p("9F25", "3458")))

VALIDATE = (
    C("EMV CPM Annex B.1: 85 'CPV01', one 61 with AID and Track 2", V,
      ["cpm.base64", "cpm.pfi.first", "cpm.pfi.value", "cpm.app.present", "cpm.app.aid", "cpm.account.present",
       "cpm.track2.format", "cpm.ber.length", "cpm.ber.tag"], ["RealWorld", "Basic"],
      payload=EX1_TEXT, source=EX1_SOURCE),
    C("EMV CPM Annex B.2: two 61s and a 62 holding transparent template 64 (168 characters of base64)", V,
      ["cpm.app.count", "cpm.duplicate", "cpm.order", "cpm.field.format", "cpm.field.length", "cpm.ber.truncated",
       "cpm.size"],
      ["RealWorld", "CpmTemplates"], payload=EX2_TEXT, source=EX2_SOURCE),
    C("one 61 and a common 62 (the prose says 62 only comes with two 61s; Table 3.1 says optional)", V,
      ["cpm.app.count", "cpm.account.present"], ["CpmTemplates"],
      cpm=(PFI, t("61", AID), t("62", TRACK2))),
    C("every Table 6.1 field at its limits: 50, 5F20, 5F2D, 5F50 tel:, 9F08, 9F19, 9F24 (29), 9F25", V,
      ["cpm.field.length", "cpm.field.format", "cpm.issuer_url.scheme"], ["EdgeLength"], cpm=ALL_FIELDS),
    C("Issuer URL mailto:", V, ["cpm.issuer_url.scheme"], ["Basic"],
      cpm=(PFI, t("61", AID, TRACK2, p("5F50", h("mailto:help@bank.example"))))),
    C("PAN (5A) instead of Track 2", V, ["cpm.account.present", "cpm.field.format"], ["Basic"],
      cpm=(PFI, t("61", AID, PAN))),
    C("61 of 133 bytes: long length form 81 85", V, ["cpm.ber.length"], ["BerLongForm"],
      cpm=(PFI, t("61", *BIG_APP_CHILDREN))),
    C("61 of 133 bytes written with one length byte 85 (an encoder keeping the low byte)", I,
      ["cpm.ber.length", "cpm.app.present"], ["BerLongForm"], cpm=(PFI, t("61", *BIG_APP_CHILDREN, len="85"))),
    C("length 05 written in the non-minimal long form 81 05", I, ["cpm.ber.length"], ["BerLongForm"],
      cpm=(PFI, t("61", p("4F", "A0000000555555", len="8107"), TRACK2))),
    C("indefinite length (80)", I, ["cpm.ber.length", "cpm.app.present"], ["BerLongForm"],
      cpm=(PFI, t("61", AID, TRACK2, len="80"))),
    C("a value that runs past the end", I, ["cpm.ber.truncated", "cpm.app.present"],
      ["Truncated"], cpm=(PFI, t("61", AID, TRACK2, len="40"))),
    C("a multi-byte tag cut off at the end (5F with no second byte)", I, ["cpm.ber.tag"], ["Truncated"],
      cpm=(PFI, APP, {"id": "5F", "value": "", "len": ""})),
    C("URL-safe base64 alphabet ('-' and '_')", I, ["cpm.base64"], ["Base64Variant"],
      cpm=(PFI, t("61", AID, p("50", h("Product1")), TRACK2), t("62", p("9F26", "584FD385FA234BCC"))),
      cpm_text="urlsafe"),
    C("base64 without its '=' padding", I, ["cpm.base64"], ["Base64Variant"], cpm=EX1, cpm_text="nopad"),
    C("base64 broken by a line feed (as the spec PDF wraps it)", I, ["cpm.base64"], ["Base64Variant"],
      cpm=(PFI, t("61", AID, TRACK2, p("50", h("Product1")), p("5F20", h("CARDHOLDER/EMV")))), cpm_text="newline"),
    C("Application Template before the PFI", I, ["cpm.pfi.first", "cpm.order"], ["CpmTemplates"], cpm=(APP, PFI)),
    C("PFI 'CPV02'", I, ["cpm.pfi.value"], ["Basic"], cpm=(p("85", h("CPV02")), APP)),
    C("PFI twice (mvallim's negative vector: 85 05 CPV01 85 05 CPV01)", I,
      ["cpm.duplicate", "cpm.app.present"], ["DuplicateId", "RealWorld"],
      payload=base64.b64encode(bytes.fromhex("8505435056303185054350563031")).decode("ascii"),
      source="mvallim/emv-qrcode ConsumerPresentedModeDecoderTest.java"),
    C("no Application Template", I, ["cpm.app.present"], ["CpmTemplates"], cpm=(PFI, t("62", TRACK2))),
    C("three Application Templates", I, ["cpm.app.count"], ["CpmTemplates"], cpm=(PFI, APP, APP, APP)),
    C("Application Template without an ADF Name (4F)", I, ["cpm.app.aid"], ["Basic"], cpm=(PFI, t("61", TRACK2))),
    C("ADF Name of 4 bytes", I, ["cpm.app.aid", "cpm.field.length"], ["EdgeLength"],
      cpm=(PFI, t("61", p("4F", "A0000000"), TRACK2))),
    C("neither Track 2 (57) nor PAN (5A)", I, ["cpm.account.present"], ["Basic"],
      cpm=(PFI, t("61", AID, p("50", h("Product1"))))),
    C("Track 2 both in 61 and in the common 62", I, ["cpm.duplicate"], ["DuplicateId"],
      cpm=(PFI, APP, t("62", TRACK2))),
    C("common 62 before the Application Template", A, ["cpm.order"], ["CpmTemplates"],
      cpm=(PFI, t("62", p("5F20", h("CARDHOLDER/EMV"))), APP)),
    C("QR text over 512 characters (62 of 400 bytes, length form 82 01 90)", A, ["cpm.size"],
      ["BerLongForm", "EdgeLength"], cpm=(PFI, APP, t("62", t("64", p("9F10", "AB" * 392))))),
    C("9F08 Application Version of 3 bytes", I, ["cpm.field.length"], ["EdgeLength"],
      cpm=(PFI, t("61", AID, TRACK2, p("9F08", "000201")))),
    C("Application Label with a hyphen (50 is letters, digits, spaces)", I, ["cpm.field.format"], ["Basic"],
      cpm=(PFI, t("61", AID, TRACK2, p("50", h("PRODUCT-1"))))),
    C("9F24 Payment Account Reference in lower case", I, ["cpm.field.format"], ["Basic"],
      cpm=(PFI, t("61", AID, TRACK2, p("9F24", h("p" * 29))))),
    C("Track 2 without the 'D' separator", I, ["cpm.track2.format"], ["Basic"],
      cpm=(PFI, t("61", AID, p("57", "1234567890123458119122011234")))),
    C("9F19 Token Requestor ID with a hex letter (it is n: BCD digits)", I, ["cpm.field.format"], ["Basic"],
      cpm=(PFI, t("61", AID, TRACK2, p("9F19", "00012345678A")))),
    C("transparent template 63 holding what would break POI rules (57 twice): opaque to the POI", V,
      ["cpm.duplicate", "cpm.track2.format"], ["CpmTemplates"],
      cpm=(PFI, t("61", AID, TRACK2, t("63", p("57", "12"), p("57", "34"))))),
    C("Issuer URL with http:", I, ["cpm.issuer_url.scheme"], ["Basic"],
      cpm=(PFI, t("61", AID, TRACK2, p("5F50", h("http://bank.example"))))),
)

PARSE = (
    C("Annex B.1 tree: hex values, 61 with children", V, ["cpm.ber.tag", "cpm.ber.length"], ["Basic"],
      payload=EX1_TEXT, source=EX1_SOURCE),
    C("Annex B.2 tree: two-byte tags 5F20, 9F10; transparent template 64 inside 62", V, ["cpm.ber.tag"],
      ["Basic"], payload=EX2_TEXT, source=EX2_SOURCE),
    C("long form 81 85 parses", V, ["cpm.ber.length"], ["BerLongForm"], cpm=(PFI, t("61", *BIG_APP_CHILDREN))),
    C("one-byte length 85 for 133 bytes does not parse", I, ["cpm.ber.length"], ["BerLongForm"],
      cpm=(PFI, t("61", *BIG_APP_CHILDREN, len="85"))),
    C("value past the end does not parse", I, ["cpm.ber.truncated"], ["Truncated"],
      cpm=(PFI, t("61", AID, TRACK2, len="40"))),
)

BUILD = (
    C("build Annex B.1: must equal the spec's base64", V, ["cpm.base64", "cpm.ber.length"], ["Basic"], cpm=EX1),
    C("build two-byte tags (5F20, 9F08) and a common data template", V, ["cpm.ber.tag"], ["Basic"],
      cpm=(PFI, t("61", AID, TRACK2), t("62", p("5F20", h("CARDHOLDER/EMV")), p("9F08", "0002")))),
    C("build a 61 of 133 bytes: length 81 85 (one-byte encoders write 85 and break it)", V, ["cpm.ber.length"],
      ["BerLongForm"], cpm=(PFI, t("61", *BIG_APP_CHILDREN))),
    C("build a 400-byte transparent template: length 82 01 90", V, ["cpm.ber.length"], ["BerLongForm"],
      cpm=(PFI, APP, t("62", t("64", p("9F10", "AB" * 392))))),
    C("children given for a primitive tag (57): a builder must refuse", I, ["cpm.ber.tag"], ["Basic"],
      cpm=(PFI, t("61", AID, t("57", p("5A", "1234"))))),
    C("an incomplete two-byte tag ('5F' alone): a builder must refuse", I, ["cpm.ber.tag"], ["Basic"],
      cpm=(PFI, t("61", AID, TRACK2, p("5F", "00")))),
)

SET = VectorSet(
    name="cpm", source="EMV QRCPS Consumer-Presented Mode v1.0; notes/emv-cpm.md",
    description="Consumer-presented codes: base64 (standard alphabet, padded) of BER-TLV; PFI 'CPV01' first, "
                "one or two Application Templates with AID and account data, Table 6.1 lengths and formats, "
                "long-form lengths.",
    groups=(Group("validate", "cpm", VALIDATE), Group("parse", "cpm", PARSE), Group("build", "cpm", BUILD)))
