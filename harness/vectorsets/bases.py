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
    "sgqr-paynow-uen": (
        "00020101021126490009SG.PAYNOW010120210202012345X0301104082021123151820007SG.SGQR0113202012345X123020701.0001"
        "03068286710402010503123060400000708201912315204000053037025802SG5911RATINAN LEE6009SINGAPORE6106828761"
        "62140110987654321X630429FD",
        "lee-ratinan/emv-qr README (PayNow UEN + SGQR metadata)"),
    "sgqr-nets": (
        "00020101021126810011SG.COM.NETS01231198500065G9912312359000211111686614000308686614019908604108C2518"
        "00007SG.SGQR01121809072DD85C020701.00010306079027040201050206060400000708201809155204581253037025802SG"
        "5912SOBA EXPRESS6009Singapore630457B3",
        "real SGQR (NETS + SGQR metadata) from a CNA article, quoted in a PHP repository; notes/profiles.md §3"),
    "sgqr-paynow-dynamic": (
        "00020101021226370009SG.PAYNOW010120210201207337D03010520400005303702540510.005802SG5916Nerdherd Pte Ltd"
        "6009Singapore6304F832", "PayNow dynamic sample with amount; notes/profiles.md §3"),
    "promptpay-mobile": ("00020101021129370016A000000677010111011300668012345675802TH530376463046197",
                         "dtinth/promptpay-qr index.test.js (mobile, static)"),
    "promptpay-amount": ("00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469",
                         "dtinth/promptpay-qr index.test.js (with amount)"),
    "promptpay-bill": (
        "00020101021230640016A0000006770101120115010553509091205020720661140310W22932935553037645406200.005802TH"
        "62070703PRF63040C86", "Thai bill payment (tag 30) sample; notes/profiles.md §4"),
    "promptpay-kshop": (
        "00020101021130810016A00000067701011201150107536000315080214KB0000016416840320KPS004KB000001641684"
        "31690016A00000067701011301030040214KB0000016416840420KPS004KB00000164168453037645802TH6304A14E",
        "K-Shop bill payment + payment innovation (30 + 31); notes/profiles.md §4"),
    "qris-gopay": (
        "00020101021126610014COM.GO-JEK.WWW01189360091435733160090210G5733160090303UMI51440014ID.CO.QRIS.WWW"
        "0215ID10243445564680303UMI5204581253033605802ID5911FAMILY FARM6005Medan61052011162070703A016304485F",
        "real QRIS merchant code (GoPay) quoted in public repositories; notes/profiles.md §6"),
    "bharatqr-razorpay": (
        "000201010212021643926300000000850415540461000000008061661005900000000890827YESB0CMSNOC222333004882700"
        "126430010A0000005240117razorpaybqr@icici02041.1027350010A0000005240117RZPGT8ildsFTgS5Sp5204753153033565"
        "4041.105802IN5906zxcbmn6005Delhi610611008562300514GT8ildsFTgS5Sp070838R004506304B6A9",
        "Razorpay docs (BharatQR, dynamic, UPI + cards); notes/profiles.md §5"),
    "bharatqr-axis": (
        "000201010211021646049010737005110415512260007370050061661000200737005220826UTIB0000319920010039307642"
        "26460010A0000005240128MAB.037135003190033@AXISBANK27490010A000000524013103713500319003361000200737005"
        "225204829953033565802IN5920TECHNO MAIN SALTLAKE6007KOLKATA610670009162120708073700526304A9AD",
        "Axis Bank static BharatQR; notes/profiles.md §5"),
    "qrph-p2p": (
        "00020101021127830012com.p2pqrpay0111GXCHPHM2XXX02089996440303152170200000006560417DWQM4TK3JDNWIWRDY"
        "5204601653036085802PH5908Setnayan6011Holy Spirit6104123463045E2D", "QR Ph P2P (GCash); notes/profiles.md §7"),
    "qrph-p2m": (
        "00020101021228500011ph.ppmi.p2m0111PAPHPHM1XXX0309102140529050331052047299530360854041.005802PH5903Rui"
        "6006Manila62440014com.paymaya.qr052228oYUr47CjKVCKh57wfb3s6304C116", "QR Ph P2M (Maya); notes/profiles.md §7"),
    "vietqr-napas": (
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN"
        "62170813ung ho lu lut6304C15C", "VietQR (NAPAS 247) test vector; notes/profiles.md §7"),
    "khqr-individual": (
        "00020101021229420013ishinvin@devb01090123456780208Dev Bank5204599953031165405100005802KH5909Ishin Vin"
        "6010Phnom Penh62680114INV-2022-12-250211855123456780310Ishin Shop07060123450807Payment64180002ZH0102文山"
        "0202金边9917001316935559673876304AE27", "ishinvin/ts-khqr README (KHQR individual); notes/profiles.md §7"),
    "fps-mobile": (
        "00020101021226330012hk.com.hkicl0313+852-6789123452040000530334454031005802HK5914company_1_data6002HK"
        "62170513INV/TEST/00016304A154", "Odoo l10n_hk test (FPS mobile); notes/profiles.md §7"),
    "fps-id": (
        "00020101021226320012hk.com.hkicl0207600050906011520400005303344540510.505802HK5902NA6002HK"
        "62270523HKTEST202103190606259626304BCD1", "HK FPS ID sample; notes/profiles.md §7"),
    "duitnow-masjid": (
        "00020201021126420014A000000615000101066033460210MD001675755204866153034585802MY5925MASJID AN NUR KG PULAU PA"
        "6002MY62730325176058824920300364503190705201760588252660003807507161760587771148005630470BF",
        "real DuitNow code (PFI 02); notes/profiles.md §7"),
}


def base_tree(name) -> list[Node]:
    """The editable tree of a named base, or of an inline base given as (id, value) pairs."""
    if isinstance(name, (list, tuple)):
        return tree_from_pairs(name)
    if name in TREES:
        return tree_from_pairs(TREES[name])
    if name in QUOTED:
        return tree_from_payload(QUOTED[name][0])
    raise CaseError(f"unknown base payload {name!r}; known: {', '.join([*TREES, *QUOTED])}")


def quoted(name: str) -> tuple[str, str]:
    if name not in QUOTED:
        raise CaseError(f"unknown quoted payload {name!r}")
    return QUOTED[name]
