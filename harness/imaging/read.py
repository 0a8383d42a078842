"""Read an image with every reader and say where they disagree.

The image is decoded once (`load_gray`) and the same grayscale array goes to each reader, so a
difference between readers is the readers' doing, not the image loader's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from qrinterop.errors import UsageError
from qrinterop.imaging.errors import NoCodeError
from qrinterop.imaging.load import DEFAULT_MAX_PIXELS, ImageSource, load_gray
from qrinterop.imaging.readers import READERS, ReaderResult

READER_NAMES: tuple[str, ...] = tuple(READERS)
NO_CODE = "no QR code found"


@dataclass(frozen=True)
class ScanResult:
    """Every reader's answers for one image.

    `results` holds one `ReaderResult` per code each reader decoded; a reader that decoded nothing
    has exactly one result with `error` set (NO_CODE, or the exception it raised). `codes` counts
    codes per reader; `multiple` is True when any reader saw more than one code. `disagreements`
    says in words where the readers differ (bytes, text, count); empty means they all agree.
    """

    results: tuple[ReaderResult, ...]
    width: int
    height: int
    codes: dict[str, int]
    disagreements: tuple[str, ...]

    @property
    def multiple(self) -> bool:
        return any(n > 1 for n in self.codes.values())

    @property
    def agree(self) -> bool:
        return not self.disagreements

    def by_reader(self, reader: str) -> list[ReaderResult]:
        return [r for r in self.results if r.reader == reader]

    def payloads(self, reader: str) -> list[bytes]:
        return [r.bytes for r in self.by_reader(reader) if r.ok and r.bytes is not None]

    @property
    def primary(self) -> ReaderResult | None:
        """The first successful answer, preferring zxing-cpp, then OpenCV, then pyzbar."""
        for name in READER_NAMES:
            for result in self.by_reader(name):
                if result.ok:
                    return result
        return None

    def to_json(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "codes": self.codes, "multiple": self.multiple,
                "agree": self.agree, "disagreements": list(self.disagreements),
                "results": [r.to_json() for r in self.results]}


def describe_difference(a: bytes, b: bytes) -> str:
    """Where two byte strings first differ, with a little context, e.g. for a mojibake report."""
    offset = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    lo = max(0, offset - 4)
    return (f"{len(a)} vs {len(b)} bytes, first difference at byte {offset}: "
            f"{a[lo:offset + 12]!r} vs {b[lo:offset + 12]!r}")


def compare(results: Iterable[ReaderResult], readers: Iterable[str]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Codes per reader and the disagreements among them (pure; used by `read` and by tests)."""
    results = list(results)
    readers = list(readers)
    codes = {name: sum(1 for r in results if r.reader == name and r.ok) for name in readers}
    found = {name: sorted(r.bytes for r in results if r.reader == name and r.ok and r.bytes is not None)
             for name in readers}
    texts = {name: sorted(r.text or "" for r in results if r.reader == name and r.ok) for name in readers}
    notes: list[str] = []
    if len(set(codes.values())) > 1:
        notes.append("readers found different numbers of codes: "
                     + ", ".join(f"{name} {count}" for name, count in codes.items()))
    readers_with_codes = [name for name in readers if codes[name]]
    if readers_with_codes:
        reference = readers_with_codes[0]
        for name in readers_with_codes[1:]:
            if found[name] != found[reference]:
                if len(found[name]) == len(found[reference]) == 1:
                    notes.append(f"bytes differ between {reference} and {name}: "
                                 + describe_difference(found[reference][0], found[name][0]))
                else:
                    notes.append(f"bytes differ between {reference} and {name}")
            elif texts[name] != texts[reference]:
                notes.append(f"same bytes but different text: {reference} {texts[reference]!r}, "
                             f"{name} {texts[name]!r}")
    return codes, tuple(notes)


def read_array(gray: np.ndarray, readers: Iterable[str] = READER_NAMES) -> ScanResult:
    """Run the named readers on an already decoded grayscale array."""
    names = list(readers)
    unknown = [n for n in names if n not in READERS]
    if unknown:
        raise UsageError(f"unknown reader {unknown[0]!r}: expected one of {', '.join(READER_NAMES)}")
    results: list[ReaderResult] = []
    for name in names:
        try:
            answers = READERS[name](gray)
        except Exception as exc:  # a reader crashing on an image is a finding about that reader
            answers = [ReaderResult(name, error=f"{type(exc).__name__}: {exc}")]
        if not answers:
            answers = [ReaderResult(name, error=NO_CODE)]
        results.extend(answers)
    codes, notes = compare(results, names)
    return ScanResult(tuple(results), int(gray.shape[1]), int(gray.shape[0]), codes, notes)


def read(source: ImageSource, readers: Iterable[str] = READER_NAMES, *,
         max_pixels: int = DEFAULT_MAX_PIXELS) -> ScanResult:
    """Read a QR image (PNG/JPEG bytes, a path, a numpy array or a PIL image) with every reader.

    Raises `ImageError` (a `QrInteropError`) for input that is not a readable image or is above
    `max_pixels`; an image with no code, or with several, is an ordinary `ScanResult`.
    """
    return read_array(load_gray(source, max_pixels=max_pixels), readers)


# Reliability order for "read it back": zxing-cpp and ZBar decoded every clean code in our corpora,
# OpenCV misses a few percent of clean codes (docs/imaging.md), so it comes last.
_READ_BACK_ORDER = ("zxing", "pyzbar", "opencv")


def read_png(image: ImageSource, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> str:
    """The payload text of the one code in an image, as the primary reader (zxing-cpp) reads it.

    Raises `ImageError` for a bad image, `NoCodeError` when no reader finds a code, and
    `NoCodeError` too when the image holds several codes (ambiguous). For the IUT `decode_image` op.
    """
    scan = read(image, max_pixels=max_pixels)
    if scan.multiple:
        raise NoCodeError(f"the image holds {max(scan.codes.values())} QR codes; expected one")
    primary = scan.primary
    if primary is None:
        raise NoCodeError(NO_CODE)
    if primary.text is not None:
        return primary.text
    return (primary.bytes or b"").decode("utf-8", errors="replace")


def read_png_all(image: ImageSource, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> dict[str, str | None]:
    """reader → the bytes it hands out, as UTF-8 text (None: nothing read, several codes, or not
    UTF-8), in reliability order zxing, pyzbar, opencv. Bytes, not a reader's charset guess, on
    purpose: Shift_JIS data gives None, and ZBar's mojibake comes back as the mojibake it is, so a
    caller comparing with the payload sees both as "not read back"."""
    scan = read(image, _READ_BACK_ORDER, max_pixels=max_pixels)
    out: dict[str, str | None] = {}
    for name in _READ_BACK_ORDER:
        ok = [r for r in scan.by_reader(name) if r.ok]
        out[name] = ok[0].utf8 if len(ok) == 1 else None
    return out
