"""Named base payloads that cases mutate: typed once, here.

Two kinds: `TREES` are composed object by object (the generator writes lengths and CRC);
`QUOTED` are real-world payloads copied from a named public source (notes/emv-mpm.md §6,
notes/profiles.md), kept verbatim — CRC included — because being real is their point.
"""
from __future__ import annotations

from qrinterop.vectorsets.mutate import CaseError, Node, tree_from_pairs, tree_from_payload

_MAI = ("26", [("00", "com.example.pay"), ("01", "MERCHANT0001")])

TREES: dict[str, list] = {
    # The smallest payload that meets every EMV MUST: a static code with one MAI template.
    "emv-basic": [("00", "01"), ("01", "11"), _MAI, ("52", "5812"), ("53", "840"), ("58", "US"),
                  ("59", "EXAMPLE MERCHANT"), ("60", "NEW YORK")],
    # A dynamic code with an amount and an Additional Data Field Template.
    "emv-dynamic": [("00", "01"), ("01", "12"), _MAI, ("52", "5812"), ("53", "840"), ("54", "25.50"),
                    ("58", "US"), ("59", "EXAMPLE MERCHANT"), ("60", "NEW YORK"),
                    ("62", [("01", "INV-0001"), ("05", "REF-0001"), ("07", "T01")])],
    # Nearly every optional root object, and every kind of template.
    "emv-full": [("00", "01"), ("01", "12"), ("02", "4000123456789010"), _MAI,
                 ("52", "5812"), ("53", "840"), ("54", "25.50"), ("55", "02"), ("56", "1.00"),
                 ("58", "US"), ("59", "EXAMPLE MERCHANT"), ("60", "NEW YORK"), ("61", "10001"),
                 ("62", [("01", "INV-0001"), ("03", "STORE 1"), ("05", "REF-0001"), ("07", "T01"),
                         ("09", "AME"), ("50", [("00", "com.example.adf"), ("01", "X1")])]),
                 ("64", [("00", "ES"), ("01", "COMERCIO EJEMPLO"), ("02", "NUEVA YORK")]),
                 ("80", [("00", "com.example.loyalty"), ("01", "GOLD")])],
    # Japanese merchant: ASCII root name/city, Japanese in 64 (EMV §4.9), yen without decimals.
    "emv-jp": [("00", "01"), ("01", "12"), ("26", [("00", "com.example.pay"), ("01", "JP0001")]),
               ("52", "5814"), ("53", "392"), ("54", "1200"), ("58", "JP"), ("59", "CAFE SAKURA"),
               ("60", "TOKYO"), ("64", [("00", "JA"), ("01", "カフェ さくら"), ("02", "東京")])],
    # JPQR static MPM (notes/profiles.md §1): GUI jp.or.paymentsjapan, store code 13/4/6/6, JP/392,
    # postal code, 64 in JA without 64-02.
    "jpqr-static": [("00", "01"), ("01", "11"),
                    ("26", [("00", "jp.or.paymentsjapan"), ("01", "0000000000001"), ("02", "0001"),
                            ("03", "000001"), ("04", "000001")]),
                    ("52", "5812"), ("53", "392"), ("58", "JP"), ("59", "CAFE SAKURA"), ("60", "TOKYO"),
                    ("61", "1066143"), ("64", [("00", "JA"), ("01", "カフェ さくら")])],
}

# (payload, source) — verbatim public payloads.
QUOTED: dict[str, tuple[str, str]] = {
    "spec-b7": (
        "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN"
        "5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***"
        "0708A60086670902ME91320016A0112233449988770708123456786304A13A",
        "EMV MPM Annex B.7 (rebuilt from its hex dump); also dongri/emv-qrcode emv/mpm/emv_mpm_test.go"),
    "mastercard-sqr": (
        "000201010211057704736a2f41a3-c54c-fce8-32d2-0324e1c32e22*3440e5bf-81ca-4c5f-a1b2-cf989f09a039"
        "52045024530384054031005802US5913Test Merchant6008New York62080304123463046F6D",
        "Mastercard SQR sample, developer.mastercard.com …/sqr-generate-qr/"),
    "ghana-visa-mc": (
        "0002010102110213404587568745904155326311155509945204625353039365802GH5915MAXMART LIMITED"
        "6005ACCRA62240708620037450308620037456304C913",
        "juanroman/emvqr issue #2 (primitive Visa 02 and Mastercard 04 MAIs)"),
    "khmer-unionpay": (
        "00020101021252044131153137210116372101160123456789ABCDE6016Banteay Meanchey5913Kuntheas Shop"
        "5802KH540510.005303840621201081234567863041FF2",
        "phannaly/emv-qr-code README (primitive UnionPay MAI 15)"),
    "odoo-vietnam": (
        "00020101021238590010A0000007270129000697042201156607040600001290208QRIBFTTA52040000530370454031005802VN"
        "5914aAeEoOiIuUyYđĐ6007Vietnam62170113INV/TEST/000263046744",
        "odoo/odoo PR #130806 test (non-ASCII Vietnamese letters in 59)"),
    "duitnow-real": (
        "00020201021126440014A0000006150001010689005302121102928373325204000053034585802MY5910JAMESONLAM"
        "6002MY6213060988866479363043A1C",
        "real DuitNow code quoted in notes/profiles.md §7 (PFI 02)"),
    "jpqr-mercari": (
        "0002016003xxx01021129300012D156000000000510A93FO3230Q31280012D15600000001030812345678"
        "26680019jp.or.paymentsjapan01130000000000001020400010306000001040600000153033925903xxx"
        "64180002JA0108メルペイ カフェ520441115802JP610710661436304DEE9",
        "mercari/go-emv-code mpm/jpqr/jpqr_test.go (valid JPQR, tags out of order)"),
    "jpqr-kenmaz-badcrc": (
        "00020164210002JA0111JPQRMPM本舗食堂53033925903xxx6003xxx610710600325802JP01021126680019"
        "jp.or.paymentsjapan0113000000000000102040001030600000104060000015204412163046D60",
        "kenmaz/JPQRReader JPQRReaderTests/MPMDecoderTests.swift (declares 6D60; UTF-8 CRC is 0F92)"),
    "pix-manual": (
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
        "5913Fulano de Tal6008BRASILIA62070503***63041D3D",
        "BCB Manual de Padrões para Iniciação do Pix, static example (quoted in many repos)"),
    "pix-brcode-upper": (
        "00020104141234567890123426580014BR.GOV.BCB.PIX0136123e4567-e12b-12d1-a456-42665544000027300012"
        "BR.COM.OUTRO011001234567895204000053039865406123.455802BR5917NOME DO RECEBEDOR6008BRASILIA"
        "61087007490062190515RP12345678-201980390012BR.COM.OUTRO01190123.ABCD.3456.WXYZ6304AD38",
        "BCB Manual do BR Code example (naomijub/brcode README): upper-case GUI"),
    "hk-fps-badcrc": (
        "00020101021226270012hk.com.hkicl0207999999952040000530334454031235802HK5902NA6002HK630484E1",
        "HK FPS template quoted in two repos (declares 84E1; the CRC is D1A3), notes/profiles.md §7"),
}


def base_tree(name: str) -> list[Node]:
    if name in TREES:
        return tree_from_pairs(TREES[name])
    if name in QUOTED:
        return tree_from_payload(QUOTED[name][0])
    raise CaseError(f"unknown base payload {name!r}; known: {', '.join([*TREES, *QUOTED])}")


def quoted(name: str) -> tuple[str, str]:
    if name not in QUOTED:
        raise CaseError(f"unknown quoted payload {name!r}")
    return QUOTED[name]
