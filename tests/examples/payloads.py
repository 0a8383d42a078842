"""Known payloads and hand-made faults for the example IUTs' tests (notes/emv-mpm.md §6)."""
from __future__ import annotations

from iut_process import seal

# EMVCo MPM Annex B.7 example (notes §6 V1): CRC A13A, 248 characters, 260 UTF-8 bytes.
EMVCO = ("00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN"
         "5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***"
         "0708A60086670902ME91320016A0112233449988770708123456786304A13A")
# A Japanese static code with a katakana alternate-language name (64.01 "メルペイ カフェ").
JAPAN = ("0002016003xxx01021129300012D156000000000510A93FO3230Q31280012D1560000000103081234567826680019"
         "jp.or.paymentsjapan01130000000000001020400010306000001040600000153033925903xxx64180002JA0108"
         "メルペイ カフェ520441115802JP610710661436304DEE9")

EMVCO_TREE = [
    {"id": "00", "value": "01"},
    {"id": "01", "value": "12"},
    {"id": "29", "children": [{"id": "00", "value": "D15600000000"}, {"id": "05", "value": "A93FO3230Q"}]},
    {"id": "31", "children": [{"id": "00", "value": "D15600000001"}, {"id": "03", "value": "12345678"}]},
    {"id": "52", "value": "4111"},
    {"id": "58", "value": "CN"},
    {"id": "59", "value": "BEST TRANSPORT"},
    {"id": "60", "value": "BEIJING"},
    {"id": "64", "children": [{"id": "00", "value": "ZH"}, {"id": "01", "value": "最佳运输"},
                              {"id": "02", "value": "北京"}]},
    {"id": "54", "value": "23.72"},
    {"id": "53", "value": "156"},
    {"id": "55", "value": "01"},
    {"id": "62", "children": [{"id": "03", "value": "1234"}, {"id": "06", "value": "***"},
                              {"id": "07", "value": "A6008667"}, {"id": "09", "value": "ME"}]},
    {"id": "91", "children": [{"id": "00", "value": "A011223344998877"}, {"id": "07", "value": "12345678"}]},
    {"id": "63", "value": "A13A"},
]

LANGUAGE_TEMPLATE = "64200002ZH0104最佳运输0202北京"
# The EMVCo example without its non-ASCII template and CRC: every byte is one character.
ASCII_BODY = EMVCO[:-8].replace(LANGUAGE_TEMPLATE, "")
ASCII = seal(ASCII_BODY)
ADF = ASCII_BODY[ASCII_BODY.index("6233"):ASCII_BODY.index("6233") + 4 + 33]


def one_char_crc_change(payload: str) -> str:
    last = payload[-1]
    return payload[:-1] + ("B" if last != "B" else "C")


# (case name, payload, the rule it breaks). Faulted bodies are re-sealed with a correct CRC so
# that, for a correct validator, the named rule is the only one broken.
INVALID_CASES = [
    ("crc-one-char", one_char_crc_change(EMVCO), "mpm.crc.mismatch"),
    ("crc-missing", ASCII_BODY, "mpm.crc.present"),
    ("crc-not-hex", ASCII_BODY + "6304ZZZZ", "mpm.crc.format"),
    ("crc-not-last", ASCII + "610512345", "mpm.order.crc_last"),
    ("duplicate-58", seal(ASCII_BODY.replace("5802CN", "5802CN5802CN")), "mpm.tlv.duplicate"),
    ("pfi-not-first", seal("010212000201" + ASCII_BODY[12:]), "mpm.order.pfi_first"),
    ("pfi-02", seal(ASCII_BODY.replace("000201", "000202", 1)), "mpm.pfi.value"),
    ("no-52", seal(ASCII_BODY.replace("52044111", "")), "mpm.root.mandatory"),
    ("no-mai", seal(ASCII_BODY.replace("29300012D156000000000510A93FO3230Q", "")
                    .replace("31280012D15600000001030812345678", "")), "mpm.mai.present"),
    ("amount-zero", seal(ASCII_BODY.replace("540523.72", "54040.00")), "mpm.amount.format"),
    ("amount-comma", seal(ASCII_BODY.replace("540523.72", "540523,72")), "mpm.amount.format"),
    ("tip-04", seal(ASCII_BODY.replace("550201", "550204")), "mpm.tip.value"),
    ("tip-02-no-56", seal(ASCII_BODY.replace("550201", "550202")), "mpm.tip.fixed"),
    ("tip-03-100pct", seal(ASCII_BODY.replace("550201", "5502035703100")), "mpm.tip.percentage"),
    ("adf-empty", seal(ASCII_BODY.replace(ADF, "6200")), "mpm.adf.nonempty"),
    ("name-26-chars", seal(ASCII_BODY.replace("5914BEST TRANSPORT", "5926" + "B" * 26)), "mpm.field.length"),
    ("country-lower-case", seal(ASCII_BODY.replace("5802CN", "5802cn")), "mpm.country.format"),
    ("initiation-13", seal(ASCII_BODY.replace("010212", "010213")), "mpm.poi.value"),
    ("template-without-gui", seal(ASCII_BODY.replace("0012D15600000000", "0112D15600000000")), "mpm.template.gui"),
    ("consumer-request-MM", seal(ASCII_BODY.replace("0902ME", "0902MM")), "mpm.adf.consumer_request"),
    ("language-code-Z1", seal(EMVCO[:-8].replace("0002ZH", "0002Z1")), "mpm.lang.code"),
    ("language-without-00", seal(EMVCO[:-8].replace(LANGUAGE_TEMPLATE, "64140104最佳运输0202北京")), "mpm.lang.required"),
    ("control-char-in-S", seal(EMVCO[:-8].replace("最佳运输", "最佳\x01输")), "mpm.field.format"),
    ("mcc-not-digits", seal(ASCII_BODY.replace("52044111", "520441A1")), "mpm.field.format"),
    ("id-not-digits", seal("000201AB02" + ASCII_BODY[6:]), "mpm.tlv.id"),
    ("length-not-digits", seal(ASCII_BODY.replace("5802CN", "58X2CN")), "mpm.tlv.length"),
    ("truncated", EMVCO[:-3], "mpm.tlv.truncated"),
    ("empty-value", seal(ASCII_BODY.replace("5802CN", "5802CN6100")), "mpm.tlv.empty"),
]
