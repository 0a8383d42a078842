"""mpm-structure: TLV syntax, ordering, lengths, duplicates, unknown IDs, trailing data.

Two groups: `validate` (the reference validator's verdict) and `parse` (the strict parser:
a valid case's expected tree is what an IUT's `parse` must return, an invalid case must be
refused), and `build` (objects in, the exact payload out — in canonical order, so any correct
builder writes the same bytes; objects that break a structural rule must be refused). The parse group does not check the CRC: that is validation (DESIGN §4).
"""
from __future__ import annotations

from qrinterop.vectorsets.bases import QUOTED
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, add, drop, \
    length, move, rename, set_, tune
from qrinterop.vectorsets.mutate import CRC_HERE

_LONG = "X" * 70  # a 93-character template with its GUI


def _pad_to(total: int) -> list:
    """Edits adding unreserved templates 80… to emv-basic so the payload is exactly `total` characters."""
    from qrinterop.vectorsets.bases import base_tree
    from qrinterop.vectorsets.mutate import encode_payload
    missing = total - len(encode_payload(base_tree("emv-basic")))
    edits, template = [], 80
    while missing > 0:
        # a template costs 4 (ID, LEN) + 19 (its GUI "0015com.example.tNN") + 4 + filler, at most 99 inside
        body = min(missing - 4, 99)
        filler = body - 19 - 4
        if filler < 1:
            raise ValueError(f"cannot pad to exactly {total} characters")
        edits.append(add(str(template), [("00", f"com.example.t{template}"), ("01", "X" * filler)]))
        missing -= body + 4
        template += 1
    return edits

VALIDATE = (
    C("objects other than 00 and 63 in descending order: the spec allows any order", V,
      ["mpm.order.pfi_first", "mpm.order.crc_last"], ["OutOfOrder"], base="emv-basic",
      edits=[move("60", 1), move("59", 2), move("58", 3), move("53", 4), move("52", 5)]),
    C("template children in any order (62-07 before 62-01), GUI still first in 26", V,
      ["mpm.tlv.duplicate", "mpm.order.crc_last"], ["OutOfOrder"], base="emv-dynamic",
      edits=[move("62.07", 0)]),
    C("PFI (00) is the third object", I, ["mpm.order.pfi_first"], ["PfiNotFirst"], base="emv-basic",
      edits=[move("00", 2)]),
    C("no PFI at all", I, ["mpm.order.pfi_first", "mpm.root.mandatory"], ["PfiNotFirst"], base="emv-basic",
      edits=[drop("00")]),
    C("CRC (63) placed before 60, computed over everything before its value", I, ["mpm.order.crc_last"],
      ["CrcNotLast"], base="emv-basic", edits=[add("63", CRC_HERE, at=7)]),
    C("CR LF after the CRC (a scanner's line ending kept)", I, ["mpm.order.crc_last", "mpm.tlv.truncated"], ["TrailingData"],
      base="emv-basic", suffix="\r\n"),
    C("a whole object (61 05 10001, a postal code) after the CRC", I, ["mpm.order.crc_last"],
      ["TrailingData", "CrcNotLast"], base="emv-basic", suffix="610510001"),
    C("one space after the CRC", I, ["mpm.order.crc_last", "mpm.tlv.truncated"], ["TrailingData"],
      base="emv-basic", suffix=" "),
    C("merchant name (59) twice at the root, different values", I, ["mpm.tlv.duplicate"], ["DuplicateId"],
      base="emv-basic", edits=[add("59", "OTHER MERCHANT", at=7)]),
    C("PFI (00) twice at the root", I, ["mpm.tlv.duplicate"], ["DuplicateId"], base="emv-basic",
      edits=[add("00", "01", at=1)]),
    C("62-05 Reference Label twice inside the Additional Data template", I, ["mpm.tlv.duplicate"],
      ["DuplicateId"], base="emv-dynamic", edits=[add("62.05", "REF-0002")]),
    C("GUI (00) twice inside MAI template 26", I, ["mpm.tlv.duplicate"], ["DuplicateId"], base="emv-basic",
      edits=[add("26.00", "com.example.other")]),
    C("ID that is not two digits ('5A' for 59)", I,
      ["mpm.tlv.id", "mpm.root.mandatory", "mpm.crc.present"], ["BadTlvHeader"],
      base="emv-basic", edits=[rename("59", "5A")]),
    C("length field that is not two digits ('1A')", I,
      ["mpm.tlv.length", "mpm.root.mandatory", "mpm.crc.present"], ["BadTlvHeader"],
      base="emv-basic", edits=[length("59", "1A")]),
    C("60 declares 99 characters, more than remain", I, ["mpm.tlv.truncated", "mpm.crc.present",
                                                          "mpm.root.mandatory"],
      ["Truncated"], base="emv-basic", edits=[length("60", 99)]),
    C("62-05 declares more characters than its template holds", I, ["mpm.tlv.truncated"], ["Truncated"],
      base="emv-dynamic", edits=[length("62.07", 9)]),
    C("postal code (61) with length 00", I, ["mpm.tlv.empty"], ["EmptyValue"], base="emv-full",
      edits=[set_("61", "")]),
    C("Additional Data template (62) with length 00", I, ["mpm.adf.nonempty"], ["EmptyValue"],
      base="emv-dynamic", edits=[set_("62", "")]),
    C("empty payload", I, ["mpm.tlv.truncated"], ["Truncated"], payload=""),
    C("text that is not TLV at all", I, ["mpm.tlv.id"], ["BadTlvHeader"], payload="hello, world"),
    C("RFU root ID 70 present: readers should tolerate and flag it", A, ["mpm.rfu.id"], ["RfuId"],
      base="emv-basic", edits=[add("70", "RESERVED")]),
    C("payload of about 1100 characters (eleven unreserved templates): over the 512 SHOULD limit", A,
      ["mpm.payload.size"], ["OversizePayload"], base="emv-basic",
      edits=[add(str(t), [("00", f"com.example.t{t}"), ("01", _LONG)]) for t in range(80, 91)]),
    C("payload of about 500 characters: under the 512 limit", V, ["mpm.payload.size"], ["EdgeLength"],
      base="emv-basic",
      edits=[add(str(t), [("00", f"com.example.t{t}"), ("01", _LONG)]) for t in range(80, 84)]),
    C("payload of exactly 512 characters: at the limit", V, ["mpm.payload.size"], ["EdgeLength"],
      base="emv-basic", edits=_pad_to(512)),
    C("payload of 513 characters: one over the SHOULD limit", A, ["mpm.payload.size"], ["EdgeLength",
                                                                                        "OversizePayload"],
      base="emv-basic", edits=_pad_to(513)),
    C("BR Code manual example: 80 template and second MAI (27) around Pix (26)", V,
      ["mpm.tlv.duplicate", "mpm.template.gui"], ["RealWorld", "Unreserved"],
      payload=QUOTED["pix-brcode-upper"][0], source=QUOTED["pix-brcode-upper"][1]),
)

PARSE = (
    C("minimal static payload: tree of root objects and template 26", V, ["mpm.tlv.id", "mpm.tlv.length"],
      ["Basic"], base="emv-basic"),
    C("every kind of template: 26, 62 with 62-50, 64, 80; primitive MAI 02", V,
      ["mpm.tlv.id", "mpm.tlv.length", "mpm.tlv.truncated"], ["Basic", "PrimitiveMai", "Unreserved"],
      base="emv-full"),
    C("objects in descending order keep their order in the tree", V, ["mpm.tlv.id"], ["OutOfOrder"],
      base="emv-basic", edits=[move("60", 1), move("59", 2), move("58", 3)]),
    C("EMV Annex B.7: Chinese in 64 counted in characters", V, ["mpm.tlv.length", "mpm.tlv.truncated"],
      ["RealWorld", "LengthInChars"], payload=QUOTED["spec-b7"][0], source=QUOTED["spec-b7"][1]),
    C("a structurally sound payload with a wrong CRC: a parser may verify the CRC (as many real codecs do) "
      "and reject it, or leave it to validation and return the tree — either answer, but a tree it returns "
      "must be right", A, ["mpm.crc.mismatch"], ["CrcMismatch"], base="emv-basic", crc="wrong"),
    C("leading and trailing spaces in 59 and 60 are part of the values (LEN counts them): keep them", V,
      ["mpm.tlv.length"], ["SignificantSpaces"], base="emv-basic",
      edits=[set_("59", "  SAKURA CAFE "), set_("60", " TOKYO")]),
    C("RFU root ID 70 and RFU 62-49 are kept in the tree (a reader tolerates IDs it does not know)", V,
      ["mpm.tlv.id"], ["RfuId"], base="emv-dynamic", edits=[add("70", "RFU VALUE", at=5), add("62.49", "RFU SUB")]),
    C("length field '-1'", I, ["mpm.tlv.length"], ["BadTlvHeader"], base="emv-basic", edits=[length("59", "-1")]),
    C("length field '+5' (a signed number a lenient int() accepts)", I, ["mpm.tlv.length"], ["BadTlvHeader"],
      base="emv-basic", edits=[length("60", "+5")]),
    C("length field ' 5' (a space a lenient int() accepts)", I, ["mpm.tlv.length"], ["BadTlvHeader"],
      base="emv-basic", edits=[length("60", " 5")]),
    C("duplicate 59 at the root", I, ["mpm.tlv.duplicate"], ["DuplicateId"], base="emv-basic",
      edits=[add("59", "OTHER MERCHANT", at=7)]),
    C("duplicate 62-05", I, ["mpm.tlv.duplicate"], ["DuplicateId"], base="emv-dynamic",
      edits=[add("62.05", "REF-0002")]),
    C("ID '5A'", I, ["mpm.tlv.id"], ["BadTlvHeader"], base="emv-basic", edits=[rename("59", "5A")]),
    C("length '1A'", I, ["mpm.tlv.length"], ["BadTlvHeader"], base="emv-basic", edits=[length("59", "1A")]),
    C("60 runs past the end", I, ["mpm.tlv.truncated"], ["Truncated"], base="emv-basic", edits=[length("60", 99)]),
    C("length 00", I, ["mpm.tlv.empty"], ["EmptyValue"], base="emv-full", edits=[set_("61", "")]),
    C("trailing space after the CRC", I, ["mpm.tlv.truncated"], ["TrailingData"], base="emv-basic", suffix=" "),
)

# Parse cases added after 1.4.0, in a group of their own at the end so that published tcIds keep
# their meaning (tcIds run through the groups in order).
PARSE_ADDED = (
    C("62-05's length field '0I' inside template 62 (a character deleted): a decoder must stop with an error, "
      "not loop looking for the next object", I, ["mpm.tlv.length"], ["BadTlvHeader"], base="emv-dynamic",
      edits=[length("62.05", "0I")]),
)

BUILD = (
    C("build the minimal static payload: lengths and CRC computed by the IUT", V, ["mpm.tlv.length",
                                                                                    "mpm.crc.mismatch"],
      ["Basic"], base="emv-basic"),
    C("build every kind of template (26, 62 with 62-50, 64, 80) and a primitive MAI 02", V,
      ["mpm.tlv.length", "mpm.crc.mismatch", "mpm.template.gui"], ["Basic", "PrimitiveMai", "Unreserved"],
      base="emv-full"),
    C("build objects given out of order (00 third): 00 first, 63 last, the rest in any order", V,
      ["mpm.order.pfi_first"], ["OutOfOrder"], base="emv-basic", edits=[move("00", 2)]),
    C("build values with leading and trailing spaces: written as given, LEN counting the spaces", V,
      ["mpm.tlv.length"], ["SignificantSpaces"], base="emv-basic", edits=[set_("59", "  SAKURA CAFE ")]),
    C("build with a CRC whose first digit is 0 (must be written as four digits)", V, ["mpm.crc.format"],
      ["CrcLeadingZero"], base="emv-dynamic", edits=[tune("62.05", "REF-", "leading-zero")]),
    C("objects with 59 twice: a builder must refuse", I, ["mpm.tlv.duplicate"], ["DuplicateId"], base="emv-basic",
      edits=[add("59", "OTHER MERCHANT", at=7)]),
    C("an empty postal code (61): refusing the objects or omitting 61 are both right; writing 6100 is not", A,
      ["mpm.tlv.empty"], ["EmptyValue"], base="emv-full", edits=[set_("61", "")]),
    C("an ID that is not two digits", I, ["mpm.tlv.id"], ["BadTlvHeader"], base="emv-basic",
      edits=[rename("59", "5A")]),
)

SET = VectorSet(
    name="mpm-structure", source="EMV MPM §3.2, §4.1, §4.3-4.6; notes/emv-mpm.md §1, A12, A14",
    description="Data-object syntax (two-digit ID and length, value within bounds, no empty value), "
                "ordering (00 first, 63 last, anything between), duplicates at every level, RFU IDs, "
                "payload size, trailing data.",
    groups=(Group("validate", "emv", VALIDATE), Group("parse", "emv", PARSE), Group("build", "emv", BUILD),
            Group("parse", "emv", PARSE_ADDED)))
