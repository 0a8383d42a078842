"""jpqr: JPQR (Payments Japan) merchant-presented codes — the largest profile set.

JPQR rules as the reference implements them (from mercari/go-emv-code, kenmaz/JPQRReader; the
guideline PDF was not readable, notes/profiles.md §1), plus the EMV cases that matter most for
Japanese payloads: character lengths, UTF-8 CRC, Japanese text kept out of the ans fields.
"""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q, own_rules
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, add, drop, \
    length, move, rename, set_, tune

B = {"base": "jpqr-static"}
DYN = [set_("01", "12"), add("54", "1200", at=5)]

CASES = (
    # --- valid --------------------------------------------------------------------------------
    C("static JPQR: GUI, store code 13/4/6/6, JP/392, postal code, 64 in JA with the Japanese name", V,
      own_rules("jpqr", but=("jpqr.amount.integer",)), ["Basic", "NonAsciiName", "LengthInChars"], **B),
    C("mercari/go-emv-code JPQR vector: valid, objects deliberately out of order (60 before 01), "
      "UnionPay-style templates 29 and 31 beside 26", V, own_rules("jpqr", but=("jpqr.amount.integer",)), ["RealWorld", "OutOfOrder"],
      **Q("jpqr-mercari")),
    C("dynamic JPQR with a whole-yen amount", V, ["jpqr.amount.integer", "mpm.amount.decimals"], ["Basic"],
      **B, edits=DYN),
    C("a primitive merchant account object (02, a Visa PAN) before the JPQR template: the JPQR template is "
      "still found (a reader must not stop at the first MAI)", V, ["jpqr.mai.gui", "mpm.mai.present"],
      ["PrimitiveMai"], **B, edits=[add("02", "4111111111111111", at=2)]),
    C("JPQR template in 27 (the GUI decides, not the template number)", V, ["jpqr.mai.gui"], ["TemplateMai"],
      **B, edits=[rename("26", "27")]),
    C("JPQR template in 51, another network's template in 26", V, ["jpqr.mai.gui", "mpm.template.gui"],
      ["TemplateMai"], **B, edits=[rename("26", "51"), add("26", [("00", "com.example.pay"), ("01", "M1")], at=2)]),
    C("store code sub-IDs in another order (04, 03, 02, 01) after the GUI", V,
      ["jpqr.store_code.required", "jpqr.store_code.length"], ["OutOfOrder"], **B,
      edits=[move("26.04", 1), move("26.03", 2), move("26.02", 3)]),
    C("astral kanji 𠮷 in the Japanese name (1 character, 4 UTF-8 bytes, 2 UTF-16 units)", V,
      ["jpqr.lang.required", "mpm.tlv.length"], ["AstralCharacter", "LengthInChars"], **B,
      edits=[set_("64.01", "𠮷野家 渋谷店")]),
    C("Japanese name of 25 characters in 64-01 (75 UTF-8 bytes)", V, ["jpqr.lang.required", "mpm.field.length"],
      ["LengthInChars", "EdgeLength"], **B, edits=[set_("64.01", "さ" * 25)]),
    C("half-width katakana name (ｶﾌｪ) in 64-01", V, ["jpqr.lang.required"], ["NonAsciiName"], **B,
      edits=[set_("64.01", "ｶﾌｪ ｻｸﾗ")]),
    C("made by the JPQR builder from typed fields: dynamic, 1200 yen, Japanese name", V,
      ["jpqr.amount.integer", "jpqr.store_code.length", "jpqr.lang.ja"], ["Basic", "NonAsciiName"], builder="jpqr",
      fields={"store_code": ("0000000000001", "0001", "000001", "000001"), "name_ja": "メルペイ カフェ",
              "postal_code": "1066143", "amount": 1200, "dynamic": True}),
    C("builder output with the amount then rewritten as '1200.00' (a generator adding decimals)", I,
      ["jpqr.amount.integer", "mpm.amount.decimals"], ["AmountFormat"], builder="jpqr",
      fields={"store_code": ("0000000000001", "0001", "000001", "000001"), "name_ja": "メルペイ カフェ",
              "postal_code": "1066143", "amount": 1200, "dynamic": True}, edits=[set_("54", "1200.00")]),
    C("CRC with a leading zero on a Japanese payload", V, ["mpm.crc.format"], ["CrcLeadingZero"], **B,
      edits=[tune("64.01", "カフェ", "leading-zero")]),
    # --- JPQR rules broken ---------------------------------------------------------------------
    C("no JPQR GUI: the template carries another network's GUI", I, ["jpqr.mai.gui"], ["ProfileRule"], **B,
      edits=[set_("26.00", "com.example.pay")]),
    C("JPQR GUI in upper case (JP.OR.PAYMENTSJAPAN)", I, ["jpqr.mai.gui"], ["GuiCase"], **B,
      edits=[set_("26.00", "JP.OR.PAYMENTSJAPAN")]),
    C("store code part 04 missing", I, ["jpqr.store_code.required"], ["ProfileRule"], **B, edits=[drop("26.04")]),
    C("no store code at all (GUI only)", I, ["jpqr.store_code.required"], ["ProfileRule"], **B,
      edits=[drop("26.01"), drop("26.02"), drop("26.03"), drop("26.04")]),
    C("store code part 01 of 12 characters (13 required)", I, ["jpqr.store_code.length"], ["ProfileRule"],
      **B, edits=[set_("26.01", "000000000001")]),
    C("store code part 03 of 7 characters (6 required)", I, ["jpqr.store_code.length"], ["ProfileRule"], **B,
      edits=[set_("26.03", "0000001")]),
    C("store code part 02 with a letter ('00A1'): samples are digits", A, ["jpqr.store_code.format"],
      ["ProfileRule"], **B, edits=[set_("26.02", "00A1")]),
    C("Country Code US", I, ["jpqr.country"], ["ProfileRule"], **B, edits=[set_("58", "US")]),
    C("Transaction Currency 840 (USD)", I, ["jpqr.currency"], ["ProfileRule"], **B, edits=[set_("53", "840")]),
    C("Postal Code missing (optional in EMV, required by JPQR)", I, ["jpqr.postal.required"], ["ProfileRule"], **B,
      edits=[drop("61")]),
    C("Postal Code with a hyphen ('106-6143')", A, ["jpqr.postal.format"], ["ProfileRule"], **B,
      edits=[set_("61", "106-6143")]),
    C("Language template 64 missing", I, ["jpqr.lang.required"], ["ProfileRule"], **B, edits=[drop("64")]),
    C("64-00 is EN", I, ["jpqr.lang.ja"], ["ProfileRule"], **B, edits=[set_("64.00", "EN")]),
    C("64-00 is 'ja' (lower case)", I, ["jpqr.lang.ja"], ["GuiCase"], **B,
      edits=[set_("64.00", "ja")]),
    C("64-02 alternate-language city present (mercari rejects it)", I, ["jpqr.lang.city_absent"], ["ProfileRule"],
      **B, edits=[add("64.02", "東京")]),
    C("yen amount with decimals ('1200.00')", I, ["jpqr.amount.integer", "mpm.amount.decimals"],
      ["AmountFormat"], **B, edits=[set_("01", "12"), add("54", "1200.00", at=5)]),
    C("yen amount '1200.' (a point without decimals: legal EMV, not whole yen)", I, ["jpqr.amount.integer"],
      ["AmountFormat"], **B, edits=[set_("01", "12"), add("54", "1200.", at=5)]),
    # --- the EMV cases that matter most for Japanese codes --------------------------------------
    C("Japanese merchant name in 59 instead of 64-01", I, ["mpm.field.format"], ["NonAsciiInAns"], **B,
      edits=[set_("59", "カフェ さくら")]),
    C("64-01 length written in UTF-8 bytes (a byte-counting generator)", I,
      ["mpm.tlv.truncated", "mpm.lang.required"], ["LengthInUtf8Bytes"], **B,
      edits=[length("64.01", "utf8")]),
    C("64-01 with 𠮷, length written in UTF-16 units", I, ["mpm.tlv.truncated", "mpm.lang.required"], ["LengthInUtf16Units",
                                                                                "AstralCharacter"], **B,
      edits=[set_("64.01", "𠮷野家 渋谷店"), length("64.01", "utf16")]),
    C("CRC computed over Shift_JIS bytes", I, ["mpm.crc.mismatch"], ["CrcOverShiftJis"], **B, crc="sjis"),
    C("CRC computed over EUC-JP bytes", I, ["mpm.crc.mismatch"], ["CrcOverEucJp"], **B, crc="eucjp"),
    C("the text a ZBar-based app gets for a UTF-8 symbol without ECI (bytes read as Shift_JIS)", I,
      ["mpm.crc.present", "mpm.tlv.id"], ["MojibakeText"], **B, garble="utf8-read-as-sjis"),
    C("the text an app gets when the bytes are read as Latin-1", I,
      ["mpm.crc.present", "mpm.field.format", "mpm.tlv.id"], ["MojibakeText"], **B, garble="utf8-read-as-latin1"),
    C("CRC computed over UTF-16 code units", I, ["mpm.crc.mismatch"], ["CrcOverUtf16"], **B, crc="utf16"),
    C("kenmaz/JPQRReader test payload: declares CRC 6D60, UTF-8 gives 0F92", I, ["mpm.crc.mismatch"],
      ["RealWorld", "CrcMismatch"], **Q("jpqr-kenmaz-badcrc")),
    C("CRC in lower-case hex", A, ["mpm.crc.uppercase"], ["LowercaseCrc"], **B, crc="lower",
      edits=[tune("64.01", "カフェ", "has-letters")]),
    C("no CRC", I, ["mpm.crc.present"], ["CrcMissing"], **B, crc="none"),
    C("Payload Format Indicator 02", I, ["mpm.pfi.value"], ["PfiNot01"], **B, edits=[set_("00", "02")]),
    C("store code 01 twice in the JPQR template", I, ["mpm.tlv.duplicate"], ["DuplicateId"], **B,
      edits=[add("26.01", "0000000000002")]),
    C("Merchant Name of 26 characters", I, ["mpm.field.length"], ["NameTooLong"], **B,
      edits=[set_("59", "CAFE SAKURA SHIBUYA BRANCH")]),
)

BUILD = (
    C("build a static JPQR: the Japanese name's LEN in characters, CRC over UTF-8", V,
      ["jpqr.lang.required", "mpm.tlv.length", "mpm.crc.mismatch"], ["Basic", "LengthInChars"], **B),
    C("build a dynamic JPQR with a whole-yen amount", V, ["jpqr.amount.integer"], ["Basic"], **B, edits=DYN),
    C("build with 𠮷 in the name (one character)", V, ["mpm.tlv.length"], ["AstralCharacter", "LengthInChars"],
      **B, edits=[set_("64.01", "𠮷野家 渋谷店")]),
    C("build with the store code 01 given twice: refuse", I, ["mpm.tlv.duplicate"], ["DuplicateId"], **B,
      edits=[add("26.01", "0000000000002")]),
)

SET = VectorSet(
    name="jpqr", source="JPQR MPM as implemented by mercari/go-emv-code and kenmaz/JPQRReader "
                        "(guideline PDF unread); notes/profiles.md §0-§1",
    description="JPQR merchant-presented codes validated with profile 'jpqr': GUI jp.or.paymentsjapan in any "
                "template 26-51, the unified store code, JP/392, postal code, the Japanese name in 64 (JA, no "
                "64-02), whole-yen amounts; plus Japanese text lengths and CRC bytes.",
    groups=(Group("validate", "jpqr", CASES), Group("build", "jpqr", BUILD)))
