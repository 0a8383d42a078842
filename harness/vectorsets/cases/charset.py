"""charset: UTF-8 text and how its length is counted.

LEN counts characters — Unicode code points — (EMV MPM §4.4.1.1) while the CRC runs over UTF-8
bytes. For 𠮷 (U+20BB7) the units implementations pick from all differ: 1 character, 4 UTF-8
bytes, 2 UTF-16 code units. A combining mark (é as e + U+0301, ガ as カ + U+3099 in NFD text) is a
character of its own, where Swift's String.count sees one grapheme; a flag is two characters.
"""
from __future__ import annotations

from qrinterop.vectorsets.model import INVALID as I, VALID as V, C, Group, VectorSet, length, set_

JA_NAME = "メルペイ カフェ"            # 8 characters, 22 UTF-8 bytes
ASTRAL = "𠮷野家 カフェ"               # 7 characters, 20 UTF-8 bytes, 8 UTF-16 units
EMOJI = "CAFE ☕🍰"                     # 7 characters, 12 UTF-8 bytes, 8 UTF-16 units
DECOMPOSED = "Cafe\u0301 Lumie\u0300re"  # 'é' and 'è' as base + combining mark: 14 characters
PRECOMPOSED = "Café Lumière"          # 12 characters
JA_NFD = "カ\u3099ーテン ショッフ\u309a"   # ガーテン ショップ decomposed (NFD): 11 code points, 9 graphemes
FLAG = "🇯🇵 SUSHI"                      # a flag is two regional indicators: 8 code points, 7 graphemes

VALIDATE = (
    C("Japanese alternate-language name in 64-01 (8 characters, 22 UTF-8 bytes): LEN 08", V,
      ["mpm.tlv.length", "mpm.payload.utf8", "mpm.field.length"], ["LengthInChars", "NonAsciiName"],
      base="emv-jp", edits=[set_("64.01", JA_NAME)]),
    C("astral kanji 𠮷 (U+20BB7) in 64-01: 7 characters, 20 UTF-8 bytes, 8 UTF-16 units; LEN 07", V,
      ["mpm.tlv.length", "mpm.payload.utf8"], ["AstralCharacter", "LengthInChars", "NonAsciiName"],
      base="emv-jp", edits=[set_("64.01", ASTRAL)]),
    C("emoji in 64-01 (☕ in the BMP, 🍰 astral)", V, ["mpm.tlv.length", "mpm.field.format"],
      ["AstralCharacter", "LengthInChars"], base="emv-jp", edits=[set_("64.01", EMOJI)]),
    C("decomposed accents (e + U+0301) in 64-01: each combining mark is a character", V,
      ["mpm.tlv.length", "mpm.field.format"], ["CombiningMark", "LengthInChars"], base="emv-full",
      edits=[set_("64.01", DECOMPOSED), set_("64.00", "FR")]),
    C("the same name precomposed (é, è): 2 characters fewer, a different CRC", V,
      ["mpm.tlv.length", "mpm.crc.mismatch"], ["CombiningMark", "LengthInChars"], base="emv-full",
      edits=[set_("64.01", PRECOMPOSED), set_("64.00", "FR")]),
    C("Japanese name in NFD (voiced marks U+3099/U+309A decomposed, as macOS writes names): each mark is a "
      "character", V, ["mpm.tlv.length", "mpm.field.format"], ["CombiningMark", "LengthInChars"], base="emv-jp",
      edits=[set_("64.01", JA_NFD)]),
    C("a flag emoji 🇯🇵 (two regional indicators) in 64-01: two characters", V, ["mpm.tlv.length"],
      ["AstralCharacter", "LengthInChars"], base="emv-jp", edits=[set_("64.01", FLAG)]),
    C("NFD Japanese name with LEN counted in graphemes (Swift String.count): 09 for 11 characters", I,
      ["mpm.tlv.id"], ["LengthInGraphemes", "CombiningMark"], base="emv-jp",
      edits=[set_("64.01", JA_NFD), length("64.01", "graphemes")]),
    C("flag emoji with LEN counted in graphemes", I, ["mpm.tlv.id"], ["LengthInGraphemes", "AstralCharacter"],
      base="emv-jp", edits=[set_("64.01", FLAG), length("64.01", "graphemes")]),
    C("25 Japanese characters in 64-01 (75 UTF-8 bytes): at the limit", V, ["mpm.field.length"],
      ["LengthInChars", "EdgeLength"], base="emv-jp", edits=[set_("64.01", "カ" * 25)]),
    C("26 Japanese characters in 64-01", I, ["mpm.field.length"], ["LengthInChars", "EdgeLength", "NameTooLong"],
      base="emv-jp", edits=[set_("64.01", "カ" * 26)]),
    C("Japanese city in 64-02 and Japanese text in an unreserved template", V, ["mpm.field.format"],
      ["NonAsciiName"], base="emv-jp", edits=[set_("64.02", "東京都渋谷区")]),
    C("Chinese merchant name in 64 (ZH), as in the KHQR sample", V, ["mpm.lang.code", "mpm.tlv.length"],
      ["NonAsciiName", "LengthInChars"], base="emv-jp",
      edits=[set_("64.00", "ZH"), set_("64.01", "文山"), set_("64.02", "金边")]),
    C("64-01 LEN written in UTF-8 bytes (22 for 8 characters)", I, ["mpm.tlv.truncated", "mpm.lang.required"],
      ["LengthInUtf8Bytes"], base="emv-jp", edits=[set_("64.01", JA_NAME), length("64.01", "utf8")]),
    C("every LEN written in UTF-8 bytes (64 and 64-01): a byte-counting generator", I,
      ["mpm.tlv.truncated", "mpm.crc.present"], ["LengthInUtf8Bytes"], base="emv-jp",
      edits=[set_("64.01", JA_NAME), length("64.01", "utf8"), length("64", "utf8"), length("64.02", "utf8")]),
    C("64-01 with 𠮷: LEN written in UTF-16 units (08 for 7 characters)", I,
      ["mpm.tlv.length"], ["LengthInUtf16Units", "AstralCharacter"], base="emv-jp",
      edits=[set_("64.01", ASTRAL), length("64.01", "utf16")]),
    C("64-01 with 𠮷: LEN written in UTF-8 bytes (20 for 7 characters)", I,
      ["mpm.tlv.truncated", "mpm.lang.required"], ["LengthInUtf8Bytes", "AstralCharacter"], base="emv-jp",
      edits=[set_("64.01", ASTRAL), length("64.01", "utf8")]),
    C("64-01 with emoji: LEN written in UTF-16 units, 64 too", I,
      ["mpm.tlv.truncated", "mpm.tlv.length", "mpm.crc.present"],
      ["LengthInUtf16Units", "AstralCharacter"], base="emv-jp",
      edits=[set_("64.01", EMOJI), length("64.01", "utf16"), length("64", "utf16")]),
    C("Japanese merchant name in the root 59 (ans): belongs in 64-01", I, ["mpm.field.format"],
      ["NonAsciiInAns", "LengthInChars"], base="emv-jp", edits=[set_("59", "カフェ さくら")]),
    C("Japanese city in the root 60 (ans)", I, ["mpm.field.format"], ["NonAsciiInAns"], base="emv-jp",
      edits=[set_("60", "東京")]),
    C("full-width digits in the amount (54 is ans)", I, ["mpm.field.format", "mpm.amount.format"],
      ["NonAsciiInAns"], base="emv-jp", edits=[set_("54", "１２００")]),
    C("the text a ZBar-based app gets for a UTF-8 symbol without ECI (UTF-8 bytes read as Shift_JIS)", I,
      ["mpm.crc.present", "mpm.tlv.id", "mpm.tlv.length"], ["MojibakeText"], base="emv-jp", edits=[set_("64.01", JA_NAME)],
      garble="utf8-read-as-sjis"),
    C("the same payload's UTF-8 bytes read as Latin-1", I, ["mpm.crc.present", "mpm.field.format", "mpm.tlv.id"],
      ["MojibakeText"], base="emv-jp", edits=[set_("64.01", JA_NAME)], garble="utf8-read-as-latin1"),
    C("control character (BEL) in 64-01", I, ["mpm.field.format"], ["NonAsciiName"], base="emv-jp",
      edits=[set_("64.01", "カフェ\x07さくら")]),
)

PARSE = (
    C("Japanese in 64-01: the tree holds the exact characters", V, ["mpm.tlv.length"], ["LengthInChars"],
      base="emv-jp", edits=[set_("64.01", JA_NAME)]),
    C("𠮷 in 64-01: one character, not two (UTF-16) or four (UTF-8)", V, ["mpm.tlv.length"],
      ["AstralCharacter", "LengthInChars"], base="emv-jp", edits=[set_("64.01", ASTRAL)]),
    C("decomposed accents keep their combining marks (no NFC normalisation)", V, ["mpm.tlv.length"],
      ["CombiningMark"], base="emv-full", edits=[set_("64.01", DECOMPOSED)]),
    C("LEN in UTF-8 bytes cannot be parsed with character lengths", I, ["mpm.tlv.truncated"],
      ["LengthInUtf8Bytes"], base="emv-jp", edits=[set_("64.01", JA_NAME), length("64.01", "utf8")]),
    C("NFD Japanese keeps its combining voiced marks in the tree", V, ["mpm.tlv.length"], ["CombiningMark"],
      base="emv-jp", edits=[set_("64.01", JA_NFD)]),
    C("LEN in UTF-16 units with 𠮷 cannot be parsed", I, ["mpm.tlv.length"], ["LengthInUtf16Units"],
      base="emv-jp", edits=[set_("64.01", ASTRAL), length("64.01", "utf16")]),
)

BUILD = (
    C("build with a Japanese name: LEN 08 for 22 UTF-8 bytes, CRC over the UTF-8 bytes", V,
      ["mpm.tlv.length", "mpm.crc.mismatch"], ["LengthInChars", "NonAsciiName"], base="emv-jp",
      edits=[set_("64.01", JA_NAME)]),
    C("build with 𠮷: LEN counts it once (not 2 UTF-16 units, not 4 bytes)", V, ["mpm.tlv.length"],
      ["AstralCharacter", "LengthInChars"], base="emv-jp", edits=[set_("64.01", ASTRAL)]),
    C("build with combining marks: no normalisation, each mark counted", V, ["mpm.tlv.length"],
      ["CombiningMark"], base="emv-full", edits=[set_("64.01", DECOMPOSED)]),
    C("build with emoji", V, ["mpm.tlv.length", "mpm.crc.mismatch"], ["AstralCharacter"], base="emv-jp",
      edits=[set_("64.01", EMOJI)]),
)

SET = VectorSet(
    name="charset", source="EMV MPM §1.4, §4.4.1.1, §4.5, §4.9; notes/emv-mpm.md A7, A8; notes/profiles.md §0",
    description="UTF-8 text (Japanese, Chinese, emoji, astral kanji, combining marks): lengths counted in "
                "characters, CRC over UTF-8 bytes, ans fields stay ASCII.",
    groups=(Group("validate", "emv", VALIDATE), Group("parse", "emv", PARSE), Group("build", "emv", BUILD)))
