"""Robustness curves: for each reader and distortion, the share of codes read byte-exact as the
severity grows, and the severity at which the reader stops reading.

    .venv/bin/python bench/bench_imaging.py --docs   # recomputes docs/robustness.png and prints the tables

Codes are rendered in the `utf8-eci` variant (every reader returns the exact bytes of a clean
one), placed on a white margin of 10 modules so rotation/perspective never clip them, distorted
with fixed seeds, and read with every reader from the same distorted array.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from qrinterop.imaging.distort import DISTORTIONS, distort
from qrinterop.imaging.png import scale_matrix
from qrinterop.imaging.read import READER_NAMES, read_array
from qrinterop.imaging.render import RenderOptions, build_symbol

DEFAULT_SEVERITIES: tuple[float, ...] = tuple(round(i / 20, 2) for i in range(21))


@dataclass(frozen=True)
class Curve:
    """Success rate (share of payload × seed cases read byte-exact) at each severity."""

    reader: str
    distortion: str
    severities: tuple[float, ...]
    success: tuple[float, ...]

    @property
    def first_miss(self) -> float | None:
        """The first severity where fewer than half the cases are read; None if it never happens."""
        return next((s for s, rate in zip(self.severities, self.success) if rate < 0.5), None)

    @property
    def gone_from(self) -> float | None:
        """The severity from which the reader never again reads half the cases (it stops reading);
        None if it still does at the last severity. Readers are not monotonic (zxing-cpp misses
        one particular down-scaling and reads the smaller ones again), hence both figures."""
        gone = None
        for severity, rate in zip(self.severities, self.success):
            if rate >= 0.5:
                gone = None
            elif gone is None:
                gone = severity
        return gone


def scene(payload: str, options: RenderOptions = RenderOptions(variant="utf8-eci"),
          margin_modules: int = 10) -> np.ndarray:
    """The clean grayscale image a distortion starts from: the code plus a white margin."""
    symbol = build_symbol(payload, options.variant, options.error)
    dark = scale_matrix(symbol.matrix, options.scale, options.border + margin_modules)
    return (~dark).astype(np.uint8) * 255


def robustness_curves(payloads: Sequence[str], *, distortions: Iterable[str] = tuple(DISTORTIONS),
                      readers: Iterable[str] = READER_NAMES, severities: Sequence[float] = DEFAULT_SEVERITIES,
                      seeds: Sequence[int] = (0, 1), options: RenderOptions = RenderOptions(variant="utf8-eci"),
                      ) -> list[Curve]:
    """One `Curve` per (distortion, reader). Deterministic: same arguments, same curves."""
    readers = list(readers)
    clean = [(scene(p, options), p.encode("utf-8")) for p in payloads]
    curves = []
    for name in distortions:
        hits = {r: [0] * len(severities) for r in readers}
        for i, severity in enumerate(severities):
            for image, expected in clean:
                for seed in seeds:
                    scan = read_array(distort(image, name, severity, seed), readers)
                    for reader in readers:
                        hits[reader][i] += expected in scan.payloads(reader)
        cases = len(clean) * len(seeds)
        for reader in readers:
            curves.append(Curve(reader, name, tuple(severities), tuple(h / cases for h in hits[reader])))
    return curves


def markdown_table(curves: Sequence[Curve]) -> str:
    """Per distortion and reader: "first miss / stops from" severities (— = still reads at 1.0)."""
    readers = list(dict.fromkeys(c.reader for c in curves))
    names = list(dict.fromkeys(c.distortion for c in curves))
    by_key = {(c.distortion, c.reader): c for c in curves}
    lines = ["| distortion | severity s means | " + " | ".join(f"{r}: first miss / stops" for r in readers) + " |",
             "|---|---|" + "---|" * len(readers)]
    for name in names:
        cells = []
        for reader in readers:
            curve = by_key[(name, reader)]
            first, gone = curve.first_miss, curve.gone_from
            if first is None:
                cells.append("—")
            elif first == gone:
                cells.append(f"{first:.2f}")
            else:
                cells.append(f"{first:.2f} / {'—' if gone is None else f'{gone:.2f}'}")
        lines.append(f"| {name} | {DISTORTIONS[name].parameter} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


_COLOURS = {"zxing": (31, 119, 180), "opencv": (214, 39, 40), "pyzbar": (44, 160, 44)}


def plot_png(curves: Sequence[Curve]) -> bytes:
    """Small-multiples plot (one panel per distortion, one line per reader), drawn with Pillow."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    names = list(dict.fromkeys(c.distortion for c in curves))
    readers = list(dict.fromkeys(c.reader for c in curves))
    cols, pw, ph, pad = 3, 300, 200, 40
    rows = (len(names) + cols - 1) // cols
    width, height = cols * (pw + pad) + pad, rows * (ph + pad + 20) + pad + 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    try:  # DejaVu has σ, −, ·, °; Pillow's built-in bitmap font does not
        font = ImageFont.truetype("DejaVuSans.ttf", 11)
    except OSError:
        font = ImageFont.load_default()
    for k, reader in enumerate(readers):  # legend
        x = pad + k * 120
        draw.line([(x, 15), (x + 25, 15)], fill=_COLOURS.get(reader, (0, 0, 0)), width=3)
        draw.text((x + 30, 9), reader, fill="black", font=font)
    draw.text((pad + len(readers) * 120, 9), "share read byte-exact vs severity s", fill="black", font=font)
    by_key = {(c.distortion, c.reader): c for c in curves}
    for n, name in enumerate(names):
        ox = pad + (n % cols) * (pw + pad)
        oy = 30 + pad + (n // cols) * (ph + pad + 20)
        draw.rectangle([ox, oy, ox + pw, oy + ph], outline=(160, 160, 160))
        for frac in (0.25, 0.5, 0.75):
            y = oy + ph - frac * ph
            draw.line([(ox, y), (ox + pw, y)], fill=(230, 230, 230))
        draw.text((ox, oy - 14), f"{name}: {DISTORTIONS[name].parameter}", fill="black", font=font)
        draw.text((ox - 12, oy - 4), "1", fill="black", font=font)
        draw.text((ox - 12, oy + ph - 8), "0", fill="black", font=font)
        draw.text((ox, oy + ph + 3), "0", fill="black", font=font)
        draw.text((ox + pw - 6, oy + ph + 3), "1", fill="black", font=font)
        for k, reader in enumerate(readers):
            curve = by_key.get((name, reader))
            if curve is None:
                continue
            offset = (k - 1) * 2  # keep overlapping lines visible
            points = [(ox + s * pw, oy + ph - rate * (ph - 8) - 4 + offset)
                      for s, rate in zip(curve.severities, curve.success)]
            draw.line(points, fill=_COLOURS.get(reader, (0, 0, 0)), width=2)
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()

