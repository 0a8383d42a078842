"""Payment payloads for imaging benchmarks and robustness curves: real ones plus seeded JPQR-like
ones built with the MPM codec (`qrinterop.emv.mpm.build_mpm`, so the CRCs are right).

About a third carry a Japanese merchant name in template 64, as in notes/imaging.md's sample.
"""
from __future__ import annotations

import random

from qrinterop.emv.mpm import build_mpm

# Valid real-world examples (EMVCo's Chinese example and a JPQR/Merpay one).
EMV_CN = ("00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN"
          "5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603"
          "***0708A60086670902ME91320016A0112233449988770708123456786304A13A")
JPQR = ("0002016003xxx01021129300012D156000000000510A93FO3230Q31280012D1560000000103081234567826680019"
        "jp.or.paymentsjapan01130000000000001020400010306000001040600000153033925903xxx64180002JA0108"
        "メルペイ カフェ520441115802JP610710661436304DEE9")

_NAMES_JA = ["メルペイ カフェ", "すし処 まつ", "東京ラーメン本舗", "ｶﾌｪ ﾄﾞ ﾊﾟﾘ", "八百屋やまだ", "書店 青空"]
_NAMES = ["CAFE MERPAY", "SUSHI MATSU", "TOKYO RAMEN", "BOOKS AOZORA", "YAMADA GROCERY", "PARK DELI"]
_CITIES = ["TOKYO", "OSAKA", "SAPPORO", "FUKUOKA", "NAGOYA", "KYOTO"]


def jpqr_like(rnd: random.Random, japanese: bool) -> str:
    """One JPQR-shaped payload (static or dynamic, with or without amount, 64 template if Japanese)."""
    objects: list = [("00", "01"), ("01", rnd.choice(["11", "12"])),
                     ("26", [("00", "jp.or.paymentsjapan"), ("01", f"{rnd.randrange(10**13):013d}"),
                             ("02", f"{rnd.randrange(10**4):04d}"), ("03", f"{rnd.randrange(10**6):06d}"),
                             ("04", f"{rnd.randrange(10**6):06d}")]),
                     ("29", [("00", "D15600000000"), ("05", f"A{rnd.randrange(10**9):09d}")]),
                     ("52", rnd.choice(["5812", "5411", "5942", "4111"])), ("53", "392")]
    if rnd.random() < 0.5:
        objects.append(("54", str(rnd.randrange(100, 50000))))
    objects += [("58", "JP"), ("59", rnd.choice(_NAMES)), ("60", rnd.choice(_CITIES)),
                ("61", f"{rnd.randrange(10**7):07d}")]
    if rnd.random() < 0.4:
        objects.append(("62", [("05", f"R{rnd.randrange(10**8):08d}"), ("07", f"T{rnd.randrange(10**4):04d}")]))
    if japanese:
        objects.append(("64", [("00", "JA"), ("01", rnd.choice(_NAMES_JA)), ("02", "東京")]))
    return build_mpm(objects)


def payment_corpus(n: int = 100, seed: int = 0) -> list[str]:
    """`n` valid payloads: the two real ones first, then seeded JPQR-like ones (1 in 3 Japanese)."""
    rnd = random.Random(seed)
    out = [JPQR, EMV_CN][:n]
    while len(out) < n:
        out.append(jpqr_like(rnd, japanese=len(out) % 3 == 0))
    return out


# The robustness curves use four: both real payloads and one ASCII / one Japanese generated one.
ROBUSTNESS_PAYLOADS: tuple[str, ...] = tuple(payment_corpus(4, seed=7))
