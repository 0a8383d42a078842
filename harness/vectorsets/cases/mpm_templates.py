"""mpm-templates: MAI templates 26-51, primitive MAIs 02-25, 62 (and its 50-99), 64, 80-99."""
from __future__ import annotations

from qrinterop.vectorsets.bases import QUOTED
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, add, drop, \
    move, rename, set_

VALIDATE = (
    C("MAI template 26 with a reverse-domain GUI", V, ["mpm.template.gui", "mpm.template.gui_first"], ["TemplateMai"],
      base="emv-basic"),
    C("MAI template with an AID as GUI (D840000000)", V, ["mpm.template.gui", "mpm.field.length"], ["TemplateMai"],
      base="emv-basic", edits=[set_("26.00", "D840000000")]),
    C("MAI template with a UUID (no hyphens) as GUI, 32 characters: the maximum", V,
      ["mpm.template.gui", "mpm.field.length"], ["TemplateMai", "EdgeLength"], base="emv-basic",
      edits=[set_("26.00", "581b314e257f41bfbbdc6384daa31d16")]),
    C("GUI of 33 characters", I, ["mpm.field.length"], ["EdgeLength"], base="emv-basic",
      edits=[set_("26.00", "581b314e257f41bfbbdc6384daa31d16a")]),
    C("GUI with a non-ASCII character (GUI is ans)", I, ["mpm.field.format"], ["NonAsciiInAns"], base="emv-basic",
      edits=[set_("26.00", "com.exämple.pay")]),
    C("MAI template in 51, the last template ID", V, ["mpm.mai.present", "mpm.template.gui"], ["EdgeLength"],
      base="emv-basic", edits=[rename("26", "51")]),
    C("MAI template without a GUI (no sub-ID 00)", I, ["mpm.template.gui"], ["GuiMissing"], base="emv-basic",
      edits=[drop("26.00")]),
    C("MAI template whose GUI comes after 01: the spec says 'contain', encoders put it first", A,
      ["mpm.template.gui_first"], ["GuiNotFirst"], base="emv-basic", edits=[move("26.00", 1)]),
    C("MAI template whose value is not TLV (a primitive value in 26)", I,
      ["mpm.tlv.id", "mpm.template.gui"], ["PrimitiveMai"], base="emv-basic", edits=[set_("26", "ABCDEFG")]),
    C("primitive Visa MAI (02) whose PAN happens to look like TLV: it stays a plain value", V,
      ["mpm.mai.present", "mpm.field.format"], ["PrimitiveMai"], base="emv-basic",
      edits=[drop("26"), add("02", "0004123452040000", at=2)]),
    C("primitive Mastercard MAI (04) next to template 26", V, ["mpm.mai.present"], ["PrimitiveMai"],
      base="emv-basic", edits=[add("04", "5413330089012345", at=2)]),
    C("primitive MAI 02 with a non-ASCII character (02-25 are ans)", I, ["mpm.field.format"], ["PrimitiveMai"],
      base="emv-basic", edits=[add("02", "4000１２３４", at=2)]),
    C("MAI template of exactly 99 characters", V, ["mpm.field.length", "mpm.tlv.length"], ["EdgeLength"],
      base="emv-basic", edits=[set_("26.01", "M" * 76)]),
    C("payment-system template 62-50 with a GUI", V, ["mpm.template.gui"], ["Unreserved"], base="emv-dynamic",
      edits=[add("62.50", [("00", "com.example.adf"), ("01", "X1")])]),
    C("payment-system template 62-50 without a GUI", I, ["mpm.template.gui"], ["GuiMissing", "Unreserved"],
      base="emv-dynamic", edits=[add("62.50", [("01", "X1")])]),
    C("payment-system template 62-99 with its GUI second", A, ["mpm.template.gui_first"], ["GuiNotFirst"],
      base="emv-dynamic", edits=[add("62.99", [("01", "X1"), ("00", "com.example.adf")])]),
    C("unreserved template 80 with a GUI", V, ["mpm.template.gui"], ["Unreserved"], base="emv-basic",
      edits=[add("80", [("00", "com.example.loyalty"), ("01", "GOLD")])]),
    C("unreserved template 99 with Japanese in 01 (S format)", V, ["mpm.template.gui", "mpm.field.format"],
      ["Unreserved", "NonAsciiName"], base="emv-basic",
      edits=[add("99", [("00", "jp.example"), ("01", "ポイント")])]),
    C("unreserved template 80 without a GUI", I, ["mpm.template.gui"], ["GuiMissing", "Unreserved"],
      base="emv-basic", edits=[add("80", [("01", "GOLD")])]),
    C("two MAI templates (26 and 27) with different GUIs", V, ["mpm.tlv.duplicate", "mpm.template.gui"],
      ["TemplateMai"], base="emv-basic", edits=[add("27", [("00", "com.example.other"), ("01", "M2")], at=3)]),
    C("Language template 64 with 00, 01 and 02", V, ["mpm.lang.required", "mpm.lang.code"], ["Basic"],
      base="emv-full"),
    C("Language template 64 whose value is not TLV", I, ["mpm.tlv.id", "mpm.lang.required"], ["PrimitiveMai"],
      base="emv-full", edits=[set_("64", "ESPANOL")]),
)

PARSE = (
    C("primitive MAIs 02 and 04 parse as values, 26 as a template", V, ["mpm.tlv.id"], ["PrimitiveMai"],
      base="emv-basic", edits=[add("02", "4000123456789010", at=2), add("04", "5413330089012345", at=3)]),
    C("Ghana payload: primitive 02/04 whose PANs are not TLV", V, ["mpm.tlv.id"], ["PrimitiveMai", "RealWorld"],
      payload=QUOTED["ghana-visa-mc"][0], source=QUOTED["ghana-visa-mc"][1]),
    C("62 with a nested payment-system template 62-50", V, ["mpm.tlv.id"], ["Unreserved"], base="emv-full"),
    C("26 whose value does not parse as TLV", I, ["mpm.tlv.id"], ["PrimitiveMai"], base="emv-basic",
      edits=[set_("26", "ABCDEFG")]),
)

SET = VectorSet(
    name="mpm-templates", source="EMV MPM §4.7.9-4.7.11, §4.8, §4.9, §4.11; notes/emv-mpm.md §3, A4, A13",
    description="Merchant Account Information (primitive 02-25, templates 26-51 with a GUI), the Additional "
                "Data template's payment-system templates 62-50..99, the Language template 64 and the "
                "unreserved templates 80-99.",
    groups=(Group("validate", "emv", VALIDATE), Group("parse", "emv", PARSE)))
