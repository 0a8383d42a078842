"""Flags used by the vector sets, defined once (Wycheproof's `notes`): each names the failure class
(`bugType`) a case catches, what goes wrong, and where that bug was seen.

A set's `notes` holds exactly the flags its cases use; `verify` rejects an undefined flag.
"""
from __future__ import annotations

# The failure classes. Wycheproof's idea, our domain's names.
BUG_TYPES = {
    "BASIC": "ordinary functionality every implementation must get right",
    "EDGE_CASE": "a boundary value (limits, smallest/largest, first/last position)",
    "LENGTH_UNIT": "length counted in UTF-8 bytes or UTF-16 units instead of characters",
    "CRC_BYTES": "CRC computed over the wrong bytes (another charset, or the wrong span)",
    "CRC_FORMAT": "CRC written or compared in the wrong form (case, zero padding)",
    "MISSING_STEP": "a required check is skipped (CRC, duplicates, order, presence)",
    "LENIENT_PARSING": "malformed structure accepted (trailing data, bad lengths)",
    "WRONG_STRUCTURE": "a primitive object read as a template or the reverse",
    "CASE_SENSITIVITY": "an identifier compared with the wrong case sensitivity",
    "FIELD_LIMIT": "a field's length or range limit not enforced, or enforced wrongly",
    "REAL_WORLD_DEVIATION": "a deviation found in codes really issued; strict and lenient readers differ",
    "CHARSET": "a character-set rule (N / ans / S) applied wrongly or text mangled",
    "ENCODING": "symbol-level byte encoding (ECI, Shift_JIS, UTF-8) mishandled",
    "BER_ENCODING": "BER-TLV tag or length form mishandled (CPM)",
    "PROFILE_RULE": "a national profile's own rule on top of EMV",
}


def _f(bug: str, description: str, *links: str, effect: str | None = None) -> dict:
    note = {"bugType": bug, "description": description}
    if effect:
        note["effect"] = effect
    if links:
        note["links"] = list(links)
    return note


_READER_LIBS = (("Zxing", "zxing-cpp"), ("OpenCv", "OpenCV QRCodeDetector"), ("Zbar", "ZBar (pyzbar)"))

FLAGS: dict[str, dict] = {
    "Basic": _f("BASIC", "a well-formed payload or a plain violation of one rule"),
    "EdgeLength": _f("EDGE_CASE", "a value exactly at, or one past, its length limit"),
    "LengthInChars": _f("LENGTH_UNIT", "LEN counts characters (code points); a parser counting UTF-8 bytes "
                        "rejects this valid payload or misreads the objects after the non-ASCII value",
                        "EMV MPM §4.4.1.1", "notes/emv-mpm.md A8"),
    "LengthInUtf8Bytes": _f("LENGTH_UNIT", "LEN written as the UTF-8 byte count (a byte-oriented generator); "
                            "a reader counting characters must reject it",
                            "notes/emv-mpm.md A8", effect="the value swallows the next object's header"),
    "LengthInUtf16Units": _f("LENGTH_UNIT", "LEN written as UTF-16 code units (JavaScript/Java String.length): "
                             "an astral character such as 𠮷 (U+20BB7) counts 2",
                             effect="off by one per astral character"),
    "LengthInGraphemes": _f("LENGTH_UNIT", "LEN written as user-perceived characters (Swift String.count, "
                            "grapheme segmenters): a decomposed voiced mark (カ + U+3099) or a flag (🇯🇵) counts 1 "
                            "where EMV counts code points", effect="short by one per combining mark or flag"),
    "AstralCharacter": _f("LENGTH_UNIT", "a character outside the BMP (𠮷, emoji): 1 character, 4 UTF-8 bytes, "
                          "2 UTF-16 units — the three length units all differ"),
    "CombiningMark": _f("CHARSET", "a decomposed character (base + combining mark, e.g. NFD text from macOS) "
                        "counts as two characters; normalising to NFC changes the length and the CRC"),
    "CrcOverShiftJis": _f("CRC_BYTES", "CRC computed over Shift_JIS bytes instead of UTF-8 (Japanese generators "
                          "that hash the platform encoding)", "notes/emv-mpm.md §5",
                          "notes/profiles.md §1 (kenmaz/JPQRReader vector)"),
    "CrcOverEucJp": _f("CRC_BYTES", "CRC computed over EUC-JP bytes instead of UTF-8",
                        "notes/profiles.md §1 (kenmaz/JPQRReader vector: neither Shift_JIS nor EUC-JP explains it)"),
    "MojibakeText": _f("ENCODING", "the payload as a charset-guessing reader returns it (UTF-8 bytes read as "
                       "Shift_JIS or Latin-1): an app must reject it, not pay a garbled merchant",
                       "notes/imaging.md", "https://github.com/NaturalHistoryMuseum/pyzbar/issues/14"),
    "CrcOverLatin1": _f("CRC_BYTES", "CRC computed over Latin-1 bytes instead of UTF-8"),
    "CrcOverUtf16": _f("CRC_BYTES", "CRC computed over UTF-16 code units instead of UTF-8 bytes"),
    "CrcOverLowByte": _f("CRC_BYTES", "CRC computed over the low byte of each UTF-16 unit (JavaScript "
                         "`charCodeAt(i) & 0xFF`, Python `ord(c) & 0xFF`) instead of the UTF-8 bytes: right for ASCII "
                         "and Latin-1, wrong for any other script"),
    "CrcWithoutTag": _f("CRC_BYTES", "CRC computed without the '6304' that the spec includes", "EMV MPM §4.7.3.1"),
    "CrcLeadingZero": _f("CRC_FORMAT", "the CRC starts with zero nibbles; it must be written (and compared) as "
                         "four digits", "https://github.com/DannielWhatever/emvqr/issues/13",
                         "notes/emv-mpm.md A2"),
    "CrcUnpadded": _f("CRC_FORMAT", "CRC written with its leading zeros dropped ('%X' for '%04X')",
                      "https://github.com/DannielWhatever/emvqr/issues/13"),
    "LowercaseCrc": _f("CRC_FORMAT", "CRC in lower-case hex: seen in real codes; the spec's example is upper "
                       "case, readers should accept it (rule mpm.crc.uppercase is SHOULD)",
                       "https://github.com/DannielWhatever/emvqr/issues/8", "notes/emv-mpm.md A1"),
    "CrcMismatch": _f("MISSING_STEP", "the CRC does not match: a reader that never checks it accepts a "
                      "corrupted or tampered code", "https://github.com/dongri/emv-qrcode/issues/30",
                      "https://github.com/bacen/pix-api/issues/444", "notes/emv-mpm.md A3"),
    "CrcMissing": _f("MISSING_STEP", "no ID 63 at all; decoders that treat the CRC as optional accept it",
                     "https://github.com/mvallim/emv-qrcode/issues/4", "notes/emv-mpm.md A3"),
    "ValidCrcBadStructure": _f("MISSING_STEP", "the CRC is right but the structure is not: a CRC check is no "
                               "substitute for parsing", "https://github.com/bacen/pix-api/issues/189",
                               "notes/emv-mpm.md A12"),
    "DuplicateId": _f("MISSING_STEP", "an ID twice at one level; last-wins or first-wins readers disagree "
                      "on the value", "EMV MPM §4.3.1.2"),
    "OutOfOrder": _f("EDGE_CASE", "objects other than 00 and 63 in any order: allowed by the spec, and "
                     "rejected by readers that expect ascending IDs", "EMV MPM §4.6.1",
                     "mercari/go-emv-code jpqr_test.go"),
    "PfiNotFirst": _f("MISSING_STEP", "ID 00 not the first object", "EMV MPM §4.6.1.1"),
    "CrcNotLast": _f("MISSING_STEP", "ID 63 not the last object; readers that locate the CRC by position "
                     "('last 4 characters') or by search disagree", "EMV MPM §4.6.1.2"),
    "SignificantSpaces": _f("EDGE_CASE", "leading or trailing spaces inside a value: they are part of the value "
                            "(LEN counts them); a reader or builder must not trim them"),
    "TrailingData": _f("LENIENT_PARSING", "characters after the CRC's value (a newline from a scanner, padding)",
                       "EMV MPM §4.6.1.2"),
    "Truncated": _f("LENIENT_PARSING", "a declared length runs past the end of the payload or template"),
    "BadTlvHeader": _f("LENIENT_PARSING", "an ID or length field that is not two digits"),
    "EmptyValue": _f("EDGE_CASE", "length 00: a present object must hold 1-99 characters", "EMV MPM §4.4.1.2"),
    "PrimitiveMai": _f("WRONG_STRUCTURE", "merchant account information 02-25 is primitive (a Visa/Mastercard "
                       "PAN); parsers that expect every MAI to be a template crash or reject it",
                       "https://github.com/juanroman/emvqr/issues/2", "notes/emv-mpm.md A4"),
    "TemplateMai": _f("WRONG_STRUCTURE", "MAI 26-51 is a template and must parse as one", "notes/emv-mpm.md A4"),
    "AdfSubIdZero": _f("WRONG_STRUCTURE", "62-00 is not defined (62 sub-IDs start at 01; 00 is a GUI only "
                       "inside 62-50..99): readers that copy template rules to 62 disagree on it"),
    "GuiCase": _f("CASE_SENSITIVITY", "GUIs compared case-sensitively: 'br.gov.bcb.pix' and 'BR.GOV.BCB.PIX' "
                  "are both in official Pix examples", "notes/profiles.md §2"),
    "GuiMissing": _f("MISSING_STEP", "a template without its GUI (sub-ID 00)", "EMV MPM §4.7.11.2"),
    "GuiNotFirst": _f("EDGE_CASE", "a template whose GUI is not its first object: the spec says 'contain', "
                      "encoders put it first", "notes/emv-mpm.md A13"),
    "NameTooLong": _f("FIELD_LIMIT", "merchant name over 25 / city over 15 characters (Pix DICT names are "
                      "longer; generators truncate or not)", "https://github.com/bacen/pix-api/issues/157",
                      "notes/emv-mpm.md A11"),
    "PfiNot01": _f("REAL_WORLD_DEVIATION", "Payload Format Indicator other than '01': every real DuitNow code "
                   "carries '02'; strict readers reject, lenient ones accept", "notes/emv-mpm.md A9",
                   "notes/profiles.md §7"),
    "NonAsciiInAns": _f("CHARSET", "local script in an ans field (59/60); EMV puts it in 64, some schemes "
                        "(Pix) accept UTF-8 there", "notes/emv-mpm.md A7"),
    "NonAsciiName": _f("CHARSET", "merchant name in UTF-8 (Japanese, Chinese) in template 64: readers must "
                       "not mangle it"),
    "StaticWithAmount": _f("EDGE_CASE", "static code (01=11) with an amount: legal in EMV (Mastercard's sample)",
                           "notes/emv-mpm.md A10"),
    "AmountFormat": _f("FIELD_LIMIT", "amount syntax: '98.', '0.00', '98,73', more decimals than the currency",
                       "notes/emv-mpm.md A5", "https://github.com/bacen/pix-api/issues/170"),
    "ConvenienceFee": _f("FIELD_LIMIT", "55/56/57 tip and fee matrix, percentage range 00.01-99.99",
                         "notes/emv-mpm.md A6"),
    "RfuId": _f("EDGE_CASE", "an RFU ID (65-79, 62-12..49, 64-03..): generators must not emit, readers should "
                "tolerate", "notes/emv-mpm.md A14"),
    "V11Field": _f("EDGE_CASE", "a v1.1 addition (62-10 Merchant Tax ID, 62-11 Merchant Channel); v1.0 readers "
                   "treat it as RFU", "notes/emv-mpm.md §0"),
    "RealWorld": _f("BASIC", "a payload quoted verbatim from a public source (see the case's comment)"),
    "OversizePayload": _f("EDGE_CASE", "a payload over 512 characters (a SHOULD limit)", "EMV MPM §4.1"),
    "Unreserved": _f("BASIC", "unreserved templates 80-99 and payment-system templates 62-50..99"),
    "BerLongForm": _f("BER_ENCODING", "a CPM template over 127 bytes needs the long length form 81 xx / "
                      "82 xx xx; one-byte encoders truncate it", "https://github.com/dongri/emv-qrcode",
                      "notes/emv-cpm.md C1"),
    "Base64Variant": _f("ENCODING", "URL-safe alphabet, missing padding or whitespace in the CPM base64",
                        "notes/emv-cpm.md C6"),
    "CpmTemplates": _f("EDGE_CASE", "number and order of application / common data templates",
                       "notes/emv-cpm.md C2-C4"),
    "ProfileRule": _f("PROFILE_RULE", "a rule of the national profile (beyond EMV)"),
    "ShiftJisSymbol": _f("ENCODING", "the symbol carries Shift_JIS bytes (segno's default for Japanese) instead "
                         "of the UTF-8 the CRC covers; readers that return bytes hand back non-UTF-8",
                         "notes/imaging.md", "https://github.com/NaturalHistoryMuseum/pyzbar/issues/14"),
    "Utf8NoEci": _f("ENCODING", "UTF-8 bytes without an ECI designator: readers must guess the charset "
                    "(ZBar guesses Shift_JIS and returns mojibake)", "notes/imaging.md"),
    "Utf8Eci": _f("ENCODING", "UTF-8 with ECI 000026, as EMV §4.12 asks for non-ans content", "notes/imaging.md"),
    # Derived from what each reader library returned for the image file (images set only).
    **{f"NotReadBy{label}": _f("EDGE_CASE", f"{lib} found no code in this image (a wallet built on it "
                                             "cannot scan it)") for label, lib in _READER_LIBS},
    **{f"{label}Mojibake": _f("ENCODING", f"{lib} decoded the code but its text is not the payload "
                                          "(charset guessed wrongly)", "notes/imaging.md") for label, lib in _READER_LIBS},
    **{f"{label}BytesNotUtf8": _f("ENCODING", f"{lib}'s text is right but its bytes are not the payload's UTF-8 "
                                              "(an app hashing those bytes gets a CRC mismatch)", "notes/imaging.md")
       for label, lib in _READER_LIBS},
    "Distorted": _f("EDGE_CASE", "a printed-and-photographed code: rotation, blur, low contrast, noise"),
}
