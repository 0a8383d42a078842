"""Imaging benchmark: render ms/code (ours vs plain segno, same run), read ms/image per reader,
and the wall time to read a set of images with every reader.

    .venv/bin/python bench/bench_imaging.py [--n 100] [--rounds 5]
    .venv/bin/python bench/bench_imaging.py --docs   # reader behaviour + robustness tables, docs/robustness.png

Payloads: `qrinterop.imaging.corpus.payment_corpus(n)` — the two real EMV/JPQR payloads plus
seeded JPQR-like ones of 180–248 characters, a third with Japanese names. Figures are medians over
rounds; the machine is shared, so compare the side-by-side columns rather than absolute values.
"""
from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import time
from typing import Callable, Sequence

import segno

from qrinterop.imaging import RenderOptions, load_gray, read, render_png
from qrinterop.imaging.corpus import payment_corpus
from qrinterop.imaging.readers import READERS, _zbar_scan


def _median_ms_per_item(run: Callable[[], int], rounds: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        count = run()
        samples.append((time.perf_counter() - start) * 1000 / count)
    return statistics.median(samples), samples


def bench_render(payloads: Sequence[str], rounds: int) -> dict[str, float]:
    options = RenderOptions(variant="utf8")

    def segno_plain() -> int:
        for p in payloads:
            buf = io.BytesIO()
            segno.make(p, encoding="utf-8").save(buf, kind="png", scale=4, border=4)
        return len(payloads)

    def ours_uncached() -> int:
        for p in payloads:
            render_png(p, options, cache=False)
        return len(payloads)

    def ours_cached() -> int:
        for p in payloads:
            render_png(p, options)
        return len(payloads)

    ours_cached()  # fill the cache once
    figures = {}
    # Interleave the contenders round by round so background load hits them alike.
    seg, ours, cached = [], [], []
    for _ in range(rounds):
        seg.append(_median_ms_per_item(segno_plain, 1)[0])
        ours.append(_median_ms_per_item(ours_uncached, 1)[0])
        cached.append(_median_ms_per_item(ours_cached, 1)[0])
    figures["segno.make(p, encoding='utf-8').save(png, scale=4, border=4)"] = statistics.median(seg)
    figures["qrinterop render_png, uncached"] = statistics.median(ours)
    figures["qrinterop render_png, cached symbol (PNG still written)"] = statistics.median(cached)
    return figures


def bench_readers(payloads: Sequence[str], rounds: int) -> dict[str, float]:
    arrays = [load_gray(render_png(p, RenderOptions(variant="utf8-eci")).data) for p in payloads]
    expected = [p.encode("utf-8") for p in payloads]
    figures = {}
    for name, reader in READERS.items():
        def run() -> int:
            exact = sum(any(r.bytes == e for r in reader(a)) for a, e in zip(arrays, expected))
            figures[f"{name} exact"] = exact
            return len(arrays)
        figures[name] = _median_ms_per_item(run, rounds)[0]

    def zbar_one_scan() -> int:  # what a plain pyzbar.decode costs: the anchors' figure
        for a in arrays:
            _zbar_scan(a, binary=False)
        return len(arrays)
    figures["pyzbar one scan"] = _median_ms_per_item(zbar_one_scan, rounds)[0]
    return figures


def bench_set(payloads: Sequence[str]) -> tuple[int, float, int]:
    """Read every rendered variant of every payload (PNG bytes → all readers), wall time."""
    images = [render_png(p, RenderOptions(variant=v)).data
              for p in payloads for v in ("utf8-eci", "utf8", "sjis-default")]
    start = time.perf_counter()
    decoded = sum(1 for data in images if read(data).primary is not None)
    return len(images), time.perf_counter() - start, decoded


def docs_tables() -> None:
    from qrinterop.imaging import quirks, robustness
    from qrinterop.imaging.corpus import ROBUSTNESS_PAYLOADS
    from qrinterop.paths import ROOT

    print("## reader behaviour (50 corpus payloads)\n")
    print(quirks.markdown_table(payment_corpus(50)))
    start = time.perf_counter()
    curves = robustness.robustness_curves(ROBUSTNESS_PAYLOADS, seeds=(0, 1))
    print(f"\n## robustness ({len(ROBUSTNESS_PAYLOADS)} payloads × 2 seeds, {time.perf_counter() - start:.0f} s)\n")
    print(robustness.markdown_table(curves))
    (ROOT / "docs" / "robustness.png").write_bytes(robustness.plot_png(curves))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--docs", action="store_true",
                        help="print docs/imaging.md's tables (50 payloads) and write docs/robustness.png instead")
    args = parser.parse_args()
    if args.docs:
        docs_tables()
        return
    payloads = payment_corpus(args.n)
    lengths = [len(p) for p in payloads]
    print(f"# imaging benchmark: {args.n} payloads ({min(lengths)}–{max(lengths)} chars), "
          f"median of {args.rounds} rounds; {platform.python_version()}, segno {segno.__version__}; "
          f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    render = bench_render(payloads, args.rounds)
    base = render["segno.make(p, encoding='utf-8').save(png, scale=4, border=4)"]
    print("\n| render (PNG, scale 4, border 4) | ms/code | speed-up vs segno |\n|---|---|---|")
    for label, ms in render.items():
        print(f"| {label} | {ms:.2f} | {base / ms:.1f}× |")
    readers = bench_readers(payloads, args.rounds)
    print("\n| reader (same preloaded grayscale arrays) | ms/image | exact bytes |\n|---|---|---|")
    for name in READERS:
        print(f"| {name} | {readers[name]:.2f} | {readers[name + ' exact']}/{len(payloads)} |")
    print(f"| pyzbar, one scan only (= pyzbar.decode, no raw bytes) | {readers['pyzbar one scan']:.2f} | |")
    count, seconds, decoded = bench_set(payloads)
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    print(f"\nread() of {count} PNG images (3 variants × {len(payloads)} payloads; decode + all three readers): "
          f"{seconds:.2f} s ({seconds / count * 1000:.1f} ms/image), {decoded} decoded")


if __name__ == "__main__":
    main()
