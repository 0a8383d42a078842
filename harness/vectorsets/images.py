"""The images set's shell: render each case's payload, distort it, write the PNG, and record what
every reader (zxing-cpp, OpenCV, ZBar) actually got back from *that file*.

A decode_image vector is `valid` when the symbol carries exactly the payload's UTF-8 bytes (an IUT
must read it back to the payload). When the symbol carries other bytes (the `sjis-default`
variant of a Japanese payload), the vector is `acceptable`: EMV §4.12 wants UTF-8, so refusing is
right, and recovering the text by charset guessing is what working wallet apps do; its rules are
what the reference validator reports for the symbol's bytes (mpm.payload.utf8).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Callable

from qrinterop.vectorsets.evaluate import reference_verdict
from qrinterop.vectorsets.model import ACCEPTABLE, VALID, Case

IMAGES_DIR = "images"
MAX_IMAGE_BYTES = 120_000  # per file; the whole images/ folder must stay well under 2 MB


DISTORTION_SEED = 20261125  # fixed: the same spec always gives the same file


def distort(png: bytes, spec: str | None) -> bytes:
    """Apply "name:severity[,name:severity…]" with the imaging part's seeded distortions
    (`qrinterop.imaging.distort`: rotate, blur, noise, low_contrast, scale_down, perspective, jpeg,
    occlusion, invert; severity 0..1, its physical meaning in that module); returns PNG bytes."""
    if not spec:
        return png
    from PIL import Image

    from qrinterop.imaging.distort import distort as apply
    from qrinterop.imaging.load import load_gray

    gray = load_gray(png)
    for part in spec.split(","):
        name, _, severity = part.partition(":")
        gray = apply(gray, name, float(severity), seed=DISTORTION_SEED)
    out = io.BytesIO()
    Image.fromarray(gray, "L").save(out, format="PNG", optimize=True)
    return out.getvalue()


READERS = ("zxing", "opencv", "pyzbar")
_DISTRIBUTIONS = ("zxing-cpp", "opencv-python-headless", "pyzbar", "segno", "pillow")


def library_versions() -> dict[str, str]:
    """The versions of the libraries whose behaviour the images set records (renderer and readers):
    another version may read a distorted image differently, and `readers` is only true for these."""
    from importlib.metadata import PackageNotFoundError, version
    out = {}
    for name in _DISTRIBUTIONS:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def reader_rows(png: bytes, payload: str, readers: tuple[str, ...] = READERS) -> list[dict[str, Any]]:
    """What each reader returns for this PNG, judged against the payload (cf. imaging.quirks.reader_matrix)."""
    from qrinterop.imaging.read import read

    expected = payload.encode("utf-8")
    scan = read(png, readers)
    rows = []
    for name in readers:
        answers = scan.by_reader(name)
        ok = [r for r in answers if r.ok]
        first = ok[0] if ok else (answers[0] if answers else None)
        row: dict[str, Any] = {"reader": name, "decoded": bool(ok),
                               "exactUtf8": bool(ok) and first.bytes == expected,
                               "textExact": bool(ok) and first.text == payload}
        if ok and first.bytes != expected:
            row["bytesHex"] = first.bytes.hex()
        if ok and first.text != payload:
            row["text"] = first.text
        if not ok and first is not None:
            row["error"] = first.error
        rows.append(row)
    return rows


_READER_LABEL = {"zxing": "Zxing", "opencv": "OpenCv", "pyzbar": "Zbar"}


def reader_flags(rows: list[dict[str, Any]]) -> list[str]:
    """Flags naming what each reader did wrong on this file (defined in flags.py), so a report can
    filter the image cases by reader behaviour."""
    flags = []
    for row in rows:
        label = _READER_LABEL[row["reader"]]
        if not row["decoded"]:
            flags.append(f"NotReadBy{label}")
        elif not row["textExact"]:
            flags.append(f"{label}Mojibake")
        elif not row["exactUtf8"]:
            flags.append(f"{label}BytesNotUtf8")
    return flags


class ImageWriter:
    """Renders `images/<set>-<tcId>.png` for the output folder; nothing touches the disk before
    `flush()`, so a generation that fails half-way leaves the published tree as it was."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.pending: dict[str, bytes] = {}  # written by flush(), once every set has generated

    def flush(self) -> None:
        for rel, png in self.pending.items():
            path = self.out_dir / rel
            if not (path.exists() and path.read_bytes() == png):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(png)

    def for_set(self, set_name: str) -> Callable:
        def write(tc_id: int, payload: str, case: Case) -> tuple[str, dict, list, list]:
            from qrinterop.imaging import RenderOptions, render_png

            spec = dict(case.image or {})
            rendered = render_png(payload, RenderOptions(variant=spec.get("variant", "utf8-eci"),
                                                         scale=int(spec.get("scale", 3)), border=4))
            png = distort(rendered.data, spec.get("distortion"))
            if len(png) > MAX_IMAGE_BYTES:
                raise ValueError(f"image is {len(png)} bytes; keep vector images under {MAX_IMAGE_BYTES}")
            rel = f"{IMAGES_DIR}/{set_name}-{tc_id}.png"
            self.pending[rel] = png
            symbol_bytes = payload.encode(rendered.encoding)
            expected: dict[str, Any] = {"payload": payload, "symbolBytesHex": symbol_bytes.hex(),
                                        "symbolEncoding": rendered.encoding, "eci": rendered.eci,
                                        "variant": rendered.variant.value,
                                        "distortion": spec.get("distortion") or "none"}
            if symbol_bytes == payload.encode("utf-8"):
                expected["_result"], expected["_rules"] = VALID, []
            else:
                _verdict, reported, _exp = reference_verdict(symbol_bytes, "emv")
                expected["_result"], expected["_rules"] = ACCEPTABLE, reported
            rows = reader_rows(png, payload)
            return rel, expected, rows, reader_flags(rows)
        return write

    def remove_stale(self) -> None:
        folder = self.out_dir / IMAGES_DIR
        if not folder.is_dir():
            return
        for png in folder.glob("*.png"):
            if f"{IMAGES_DIR}/{png.name}" not in self.pending:
                png.unlink()
