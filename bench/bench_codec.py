"""Codec throughput: parse (structure + CRC), full EMV validation and build, payloads per second
on one core, beside the Python peers a user would otherwise pick, each on its own profile's
payloads, in the same run.

    python -m bench.bench_codec [--seconds 1.0] [--repeat 5] [--before-after]

Prints a markdown table (medians of `--repeat` rounds), the machine's load average before and
after, and whether the optional C scanner (`qrinterop.emv._mpmscan`) is in use; the pure-Python
fallback is measured in the same run (rows marked "pure Python"). Peers (bench-only installs:
`pip install vietnam-qr-pay konthaina-khqr sgqrgen`): a peer that is not installed is reported as
such, not skipped silently. No cache is keyed by payload, so repeating a payload flatters nothing.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import time
from typing import Callable

from qrinterop.emv import mpm
from qrinterop.emv.crc import crc_hex
from qrinterop.emv.mpm import build_mpm, parse_mpm
from qrinterop.rules import validate

VIETQR = "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C"
KHQR = ("00020101021229420013ishinvin@devb01090123456780208Dev Bank5204599953031165405100005802KH5909Ishin Vin"
        "6010Phnom Penh62680114INV-2022-12-250211855123456780310Ishin Shop07060123450807Payment64180002ZH0102文山"
        "0202金边9917001316935559673876304AE27")
SGQR = ("00020101021126490009SG.PAYNOW010120210202012345X0301104082021123151820007SG.SGQR0113202012345X123020701.0001"
        "03068286710402010503123060400000708201912315204000053037025802SG5911RATINAN LEE6009SINGAPORE610682876162140110"
        "987654321X630429FD")


def mix(n: int = 300, seed: int = 7) -> list[str]:
    """Real-looking payloads: short static, dynamic with 62 sub-fields, Japanese names in 64."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        kind = k % 3
        objs = [{"id": "00", "value": "01"}, {"id": "01", "value": "11" if kind == 0 else "12"},
                {"id": "26", "children": [{"id": "00", "value": "jp.or.paymentsjapan"},
                                          {"id": "01", "value": f"{rng.randrange(10**13):013d}"},
                                          {"id": "02", "value": f"{rng.randrange(10**4):04d}"},
                                          {"id": "03", "value": f"{rng.randrange(10**6):06d}"},
                                          {"id": "04", "value": f"{rng.randrange(10**6):06d}"}]},
                {"id": "52", "value": rng.choice(["5812", "5411", "5999"])}, {"id": "53", "value": "392"}]
        if kind:
            objs.append({"id": "54", "value": str(rng.randrange(1, 100000))})
        objs += [{"id": "58", "value": "JP"}, {"id": "59", "value": rng.choice(["CAFE MERU", "RAMEN TARO", "xxx"])},
                 {"id": "60", "value": rng.choice(["TOKYO", "OSAKA", "xxx"])}, {"id": "61", "value": "1066143"}]
        if kind == 1:
            objs.append({"id": "62", "children": [{"id": "01", "value": f"INV{rng.randrange(10**8)}"},
                                                  {"id": "03", "value": "STORE 12"},
                                                  {"id": "05", "value": f"REF{rng.randrange(10**10)}"},
                                                  {"id": "07", "value": "T0001"}, {"id": "09", "value": "ME"}]})
        if kind == 2:
            objs.append({"id": "64", "children": [{"id": "00", "value": "JA"},
                                                  {"id": "01", "value": rng.choice(["メルペイ カフェ", "ラーメン太郎", "喫茶𠮷野"])},
                                                  {"id": "02", "value": "東京"}]})
        out.append(build_mpm(objs))
    return out


def rate(fn: Callable[[str], object], payloads: list[str], seconds: float, repeat: int) -> float:
    """Median payloads/s over `repeat` timed rounds of about `seconds` each."""
    rounds = []
    for _ in range(repeat):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for p in payloads:
                fn(p)
            count += len(payloads)
        rounds.append(count / (time.perf_counter() - start))
    return statistics.median(rounds)


def parse_and_check_crc(p: str) -> None:
    parsed = parse_mpm(p)
    crc = parsed.objects[-1]
    if crc_hex(p[:crc.offset + 4]) != crc.value.upper():
        raise AssertionError("CRC")


def peers() -> list[tuple[str, str, Callable[[str], object], list[str]]]:
    found = []
    try:
        import vietnam_qr_pay
        found.append(("vietnam-qr-pay 1.0.0 QRPay(p)", "VietQR", vietnam_qr_pay.QRPay, [VIETQR]))
    except ImportError:
        found.append(("vietnam-qr-pay", "VietQR", None, [VIETQR]))
    try:
        import konthaina_khqr
        found.append(("konthaina-khqr 0.1.7 decode+verify", "KHQR",
                      lambda p: (konthaina_khqr.decode(p), konthaina_khqr.verify(p)), [KHQR]))
    except ImportError:
        found.append(("konthaina-khqr", "KHQR", None, [KHQR]))
    try:
        from sgqrgen.sgqrgen import SgQRGenerator
        found.append(("sgqrgen 0.1.2 parse_sgqr (flat, no CRC)", "SGQR", SgQRGenerator.parse_sgqr, [SGQR]))
    except ImportError:
        found.append(("sgqrgen", "SGQR", None, [SGQR]))
    return found


TARGETS = {"parse": 150_000, "validate": 90_000}  # issue 3: one core, ~200-char payloads


@contextlib.contextmanager
def pure_python():
    """Measure the fallback a machine without a C compiler runs (as QRINTEROP_PURE_PYTHON=1 does)."""
    saved, mpm._accelerated_scan = mpm._accelerated_scan, None
    try:
        yield
    finally:
        mpm._accelerated_scan = saved


def validate_emv(p: str) -> object:
    return validate(p, "emv")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def before_after(seconds: float, repeat: int) -> None:
    """The code before the speed work (frozen copies in tests/codec/reference, commit a2d1216)
    against the current code with and without the C scanner, interleaved round by round."""
    from tests.codec.reference import mpm_v0, validate_v0
    from tests.codec.reference.crc_v0 import crc_hex as crc_v0

    def parse_v0(p: str) -> None:
        crc = mpm_v0.parse_mpm(p).objects[-1]
        if crc_v0(p[:crc.offset + 4]) != crc.value.upper():
            raise AssertionError("CRC")

    payloads = mix()
    objects = [parse_mpm(p).to_objects() for p in payloads]
    indices = list(range(len(objects)))
    cases = {
        "scan_mpm": (mpm_v0.scan_mpm, mpm.scan_mpm, payloads),
        "parse_mpm + CRC": (parse_v0, parse_and_check_crc, payloads),
        "validate(p, 'emv')": (lambda p: validate_v0.validate(p, "emv"), validate_emv, payloads),
        "build_mpm": (lambda i: mpm_v0.build_mpm(objects[i]), lambda i: build_mpm(objects[i]), indices),
    }
    rounds: dict[tuple[str, str], list[float]] = {}
    for _ in range(repeat):
        for name, (old, new, seq) in cases.items():
            for label, fn, pure in (("before", old, False), ("now", new, False), ("now, pure Python", new, True)):
                with pure_python() if pure else contextlib.nullcontext():
                    rounds.setdefault((name, label), []).append(rate(fn, seq, seconds, 1))
    print(f"| (medians of {repeat}) | before (a2d1216) | now | now, pure Python |\n|---|---|---|---|")
    for name in cases:
        print(f"| {name} | " + " | ".join(f"{statistics.median(rounds[name, label]):,.0f}/s"
                                         for label in ("before", "now", "now, pure Python")) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--before-after", action="store_true",
                    help="time the pre-speed-work code (tests/codec/reference) against the current code")
    args = ap.parse_args()
    if args.before_after:
        print(f"C scanner {'in use' if mpm.ACCELERATED else 'NOT in use'}; before: {load()}\n")
        before_after(args.seconds, args.repeat)
        print(f"\nafter: {load()}")
        return
    payloads = mix()
    avg = statistics.mean(len(p) for p in payloads)
    objects = [parse_mpm(p).to_objects() for p in payloads]
    assert all(validate(p).valid for p in payloads)
    print(f"Python {platform.python_version()}, C scanner {'in use' if mpm.ACCELERATED else 'NOT in use'}; "
          f"before: {load()}\n")
    mix_label = f"JPQR mix (avg {avg:.0f} chars)"
    timed = lambda fn, seq: rate(fn, seq, args.seconds, args.repeat)  # noqa: E731
    parse_rate, validate_rate = timed(parse_and_check_crc, payloads), timed(validate_emv, payloads)
    rows = [
        ("qrinterop parse_mpm + CRC check", mix_label, parse_rate, f"target {TARGETS['parse']:,}"),
        ("qrinterop validate(p, 'emv') (every EMV rule)", mix_label, validate_rate, f"target {TARGETS['validate']:,}"),
        ("qrinterop build_mpm(objects)", mix_label,
         timed(lambda i: build_mpm(objects[i]), list(range(len(objects)))), ""),
    ]
    if mpm.ACCELERATED:
        with pure_python():
            rows += [("qrinterop parse_mpm + CRC check, pure Python", mix_label, timed(parse_and_check_crc, payloads), ""),
                     ("qrinterop validate(p, 'emv'), pure Python", mix_label, timed(validate_emv, payloads), "")]
    for name, profile, fn, samples in peers():
        label = f"{profile} ({len(samples[0])} chars)"
        if fn is None:
            rows.append((f"{name} (not installed)", profile, float("nan"), ""))
            continue
        peer = timed(fn, samples * 50)
        rows.append((name, label, peer, "peer"))
        for what, ours in (("validate(p, 'emv')", validate_emv), ("parse_mpm + CRC", parse_and_check_crc)):
            r = timed(ours, samples * 50)
            rows.append((f"  qrinterop {what} on the same {profile} payload", label, r, f"{r / peer:.2f}x the peer"))
    print(f"| what | payloads | payloads/s (median of {args.repeat}) | note |\n|---|---|---|---|")
    for name, profile, r, note in rows:
        print(f"| {name} | {profile} | {r:,.0f} | {note} |")
    print(f"\nafter: {load()}")
    for what, r in (("parse", parse_rate), ("validate", validate_rate)):
        verdict = "met" if r >= TARGETS[what] else f"NOT met ({r / TARGETS[what]:.0%} of it)"
        print(f"{what}: {r:,.0f}/s against a target of {TARGETS[what]:,}/s: {verdict}")


if __name__ == "__main__":
    main()
