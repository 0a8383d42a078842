"""mpm-crc: ID 63 — presence, format, case, zero padding, and the bytes it is computed over."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, length, \
    set_, tune

CRC_RULES = ["mpm.crc.present", "mpm.crc.format", "mpm.crc.mismatch", "mpm.crc.uppercase"]


CASES = (
    C("CRC-16/CCITT-FALSE over the UTF-8 bytes up to and including '6304', upper-case hex", V, CRC_RULES,
      ["Basic"], base="emv-basic"),
    C("EMV spec Annex B.7 example: CRC A13A over 260 UTF-8 bytes of a 248-character payload (Chinese in 64)", V,
      ["mpm.crc.mismatch", "mpm.tlv.length"], ["RealWorld", "NonAsciiName", "LengthInChars"], **Q("spec-b7")),
    C("Mastercard SQR sample (CRC 6F6D): static code with an amount, primitive Mastercard MAI 05", V,
      ["mpm.crc.mismatch", "mpm.crc.format"], ["RealWorld", "StaticWithAmount", "PrimitiveMai"],
      **Q("mastercard-sqr")),
    C("CRC whose first hex digit is 0: written with all four digits; readers comparing '%X' output fail", V,
      ["mpm.crc.format", "mpm.crc.mismatch"], ["CrcLeadingZero"], base="emv-dynamic",
      edits=[tune("62.05", "REF-", "leading-zero")]),
    C("CRC made of digits only (upper and lower case coincide)", V, ["mpm.crc.uppercase", "mpm.crc.mismatch"],
      ["EdgeLength"], base="emv-dynamic", edits=[tune("62.05", "DIG-", "no-letters")]),
    C("CRC in lower-case hex, value correct: readers should accept it, generators should not emit it", A,
      ["mpm.crc.uppercase"], ["LowercaseCrc"], base="emv-dynamic", crc="lower",
      edits=[tune("62.05", "LC-", "has-letters")]),
    C("CRC in lower-case hex on a Japanese payload", A, ["mpm.crc.uppercase"], ["LowercaseCrc", "NonAsciiName"],
      base="emv-jp", crc="lower", edits=[tune("64.01", "カフェ ", "has-letters")]),
    C("CRC with its leading zero dropped and LEN 03 ('%X' instead of '%04X')", I, ["mpm.crc.format", "mpm.field.length"],
      ["CrcUnpadded"], base="emv-dynamic", crc="unpadded", edits=[tune("62.05", "REF-", "leading-zero")]),
    C("CRC off by one bit: a reader that never checks the CRC accepts it", I, ["mpm.crc.mismatch"],
      ["CrcMismatch"], base="emv-dynamic", crc="wrong"),
    C("CRC computed over Shift_JIS bytes of a payload with Japanese in 64", I, ["mpm.crc.mismatch"],
      ["CrcOverShiftJis", "NonAsciiName"], base="emv-jp", crc="sjis"),
    C("CRC computed over UTF-16 code units instead of UTF-8 bytes", I, ["mpm.crc.mismatch"],
      ["CrcOverUtf16", "NonAsciiName"], base="emv-jp", crc="utf16"),
    C("CRC computed over Latin-1 bytes of an accented alternate-language name (CAFÉ)", I, ["mpm.crc.mismatch"],
      ["CrcOverLatin1"], base="emv-full", crc="latin1", edits=[set_("64.01", "CAFÉ DEL MAR")]),
    C("CRC computed without the '6304' it must cover", I, ["mpm.crc.mismatch"], ["CrcWithoutTag"],
      base="emv-basic", crc="without-tag"),
    C("no CRC at all: decoders that treat ID 63 as optional accept it", I, ["mpm.crc.present"], ["CrcMissing"],
      base="emv-basic", crc="none"),
    C("CRC of four characters that are not hex digits", I, ["mpm.crc.format"], ["CrcMismatch"], base="emv-basic",
      crc="ZZZZ"),
    C("CRC of five hex digits (LEN 05)", I, ["mpm.crc.format", "mpm.field.length"], ["EdgeLength"], base="emv-basic", crc="0A1B2"),
    C("kenmaz/JPQRReader test payload: declares 6D60, the UTF-8 CRC is 0F92 (neither Shift_JIS nor EUC-JP "
      "gives 6D60 either)", I, ["mpm.crc.mismatch"], ["RealWorld", "CrcMismatch"], **Q("jpqr-kenmaz-badcrc")),
    C("HK FPS template quoted in two repositories: declares 84E1, the CRC is D1A3", I, ["mpm.crc.mismatch"],
      ["RealWorld", "CrcMismatch"], **Q("hk-fps-badcrc")),
    C("correct CRC over a malformed payload (00 written with LEN 01): a valid CRC says nothing about structure", I,
      ["mpm.tlv.id", "mpm.crc.present", "mpm.pfi.value", "mpm.root.mandatory", "mpm.field.length"],
      ["ValidCrcBadStructure"], base="emv-basic", edits=[length("00", 1)]),
    # added after 1.0.0: new cases go last, so published tcIds keep their meaning
    C("CRC computed over the low byte of each UTF-16 unit of a Japanese name, not its UTF-8 bytes: readers "
      "that check the CRC that way accept it and reject every valid non-Latin payload", I, ["mpm.crc.mismatch"],
      ["CrcOverLowByte", "NonAsciiName"], base="emv-jp", crc="lowbyte"),
)

SET = VectorSet(
    name="mpm-crc", source="EMV MPM §4.7.3; notes/emv-mpm.md §5, A1-A3, A12",
    description="The CRC of ID 63: CRC-16/CCITT-FALSE over the UTF-8 bytes of the payload up to and "
                "including '6304', four upper-case hex digits, last object.",
    groups=(Group("validate", "emv", CASES),))
