"""Three independent QR readers behind one shape: grayscale array in, one `ReaderResult` per code out.

- zxing-cpp (primary): `.bytes` is the raw byte content, `.text` its charset-aware text (it honours
  ECI and otherwise guesses among UTF-8 / Shift_JIS / ISO-8859-1).
- OpenCV `QRCodeDetector.detectAndDecodeBytes` (second opinion; `…Multi` for several codes):
  bytes only — UTF-8 data as is, other byte-mode data re-encoded as if it were ISO-8859-1
  (measured with 5.0) — so its "text" is its bytes read as UTF-8, what its str API gives an app.
- pyzbar (ZBar): `.data` is what pyzbar hands an app — ZBar's text after it *guesses* the charset
  and converts to UTF-8 (the mojibake bug in notes/imaging.md). We also scan once more with ZBar's
  `ZBAR_CFG_BINARY` set (zbar ≥ 0.23.1; pyzbar has no switch for it, so via its ctypes bindings)
  to record the raw bytes ZBar actually decoded: `details["raw_bytes"]`.

A reader that raises is recorded as that reader's error (a finding), never propagated.
"""
from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import cv2
import numpy as np
import zxingcpp

# OpenCV logs "ECI is not supported properly" to stderr on every ECI code; that is a finding we
# record from the bytes, and the log line would otherwise interleave with CLI output.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


@dataclass(frozen=True)
class ReaderResult:
    """One reader's answer for one code (or its failure: `error` set, `bytes` None).

    `bytes`: the payload bytes the reader hands out; `text`: the reader's own text for it (what an
    app built on that reader shows); `utf8`: `bytes` decoded as UTF-8, None if they are not UTF-8;
    `details`: reader-specific facts (content type, symbol version, ZBar raw bytes, …).
    """

    reader: str
    bytes: bytes | None = None
    text: str | None = None
    utf8: str | None = None
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and self.bytes is not None

    def to_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, bytes):
                return value.hex()
            return value
        return {"reader": self.reader, "ok": self.ok,
                "bytes_hex": self.bytes.hex() if self.bytes is not None else None,
                "text": self.text, "utf8": self.utf8, "error": self.error,
                "details": {k: plain(v) for k, v in self.details.items()}}


def _as_utf8(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_zxing(gray: np.ndarray) -> list[ReaderResult]:
    codes = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    results = []
    for code in codes:
        extra = getattr(code, "extra", None) or {}  # `.extra` is zxing-cpp 3.x
        details: dict[str, Any] = {"content_type": code.content_type.name,
                                   "symbology_identifier": code.symbology_identifier,
                                   "ec_level": code.ec_level, "version": extra.get("Version")}
        data = bytes(code.bytes)
        results.append(ReaderResult("zxing", data, code.text, _as_utf8(data), None, details))
    return results


# zxing-cpp's Python API does not say whether the symbol carried an ECI: `symbology_identifier`
# stays "]Q1" with ECI 26 present, and TextMode.ECI labels every text "]Q2\\000026" because it
# re-encodes to UTF-8 itself (measured with zxing-cpp 3.1.1). So no "eci" detail is reported.


_LOCAL = threading.local()  # a QRCodeDetector holds state; one per thread (servers read in worker threads)


def _opencv_detector() -> cv2.QRCodeDetector:
    detector = getattr(_LOCAL, "detector", None)
    if detector is None:
        detector = _LOCAL.detector = cv2.QRCodeDetector()
    return detector


def read_opencv(gray: np.ndarray) -> list[ReaderResult]:
    # The single-code API decodes more clean symbols than the multi-code one (measured with
    # OpenCV 5.0 on 300 rendered codes: 297 vs 291), but gives up on an image with two codes;
    # so: single first, and the multi-code API only when the single one found nothing.
    detector = _opencv_detector()
    data, _points, _straight = detector.detectAndDecodeBytes(gray)
    if data:
        text = _as_utf8(bytes(data))
        return [ReaderResult("opencv", bytes(data), text, text, None, {"api": "detectAndDecodeBytes"})]
    found, decoded, _points, _straight = detector.detectAndDecodeBytesMulti(gray)
    if not found:
        return []
    results = []
    for data in decoded:
        if not data:  # detected a code but could not decode it
            results.append(ReaderResult("opencv", error="code detected but not decoded",
                                        details={"api": "detectAndDecodeBytesMulti"}))
            continue
        text = _as_utf8(bytes(data))
        results.append(ReaderResult("opencv", bytes(data), text, text, None, {"api": "detectAndDecodeBytesMulti"}))
    return results


# --- ZBar, through pyzbar's ctypes bindings --------------------------------------------------
_ZBAR_QRCODE = 64
_ZBAR_CFG_ENABLE = 0
_ZBAR_CFG_BINARY = 4       # zbar.h (0.23.1+): "don't convert binary data to text"
_FOURCC_Y800 = 808466521


def _zbar_scan(gray: np.ndarray, binary: bool) -> list[bytes]:
    from pyzbar import wrapper as zb  # imported here: needs libzbar0, and only this reader does

    pixels = np.ascontiguousarray(gray).tobytes()
    height, width = gray.shape
    scanner = zb.zbar_image_scanner_create()
    image = zb.zbar_image_create()
    try:
        zb.zbar_image_scanner_set_config(scanner, 0, _ZBAR_CFG_ENABLE, 0)          # all symbologies off
        zb.zbar_image_scanner_set_config(scanner, _ZBAR_QRCODE, _ZBAR_CFG_ENABLE, 1)  # QR on
        if binary and zb.zbar_image_scanner_set_config(scanner, _ZBAR_QRCODE, _ZBAR_CFG_BINARY, 1) != 0:
            raise RuntimeError("this libzbar does not support ZBAR_CFG_BINARY (needs zbar >= 0.23.1)")
        zb.zbar_image_set_format(image, _FOURCC_Y800)
        zb.zbar_image_set_size(image, width, height)
        zb.zbar_image_set_data(image, ctypes.cast(pixels, ctypes.c_void_p), len(pixels), None)
        if zb.zbar_scan_image(scanner, image) < 0:
            raise RuntimeError("zbar_scan_image failed")
        found = []
        symbol = zb.zbar_image_first_symbol(image)
        while symbol:
            found.append(ctypes.string_at(zb.zbar_symbol_get_data(symbol), zb.zbar_symbol_get_data_length(symbol)))
            symbol = zb.zbar_symbol_next(symbol)
        return found
    finally:
        zb.zbar_image_destroy(image)
        zb.zbar_image_scanner_destroy(scanner)


def read_pyzbar(gray: np.ndarray) -> list[ReaderResult]:
    # Without BINARY this is the very call sequence of `pyzbar.pyzbar.decode` (its `.data` is
    # `string_at(zbar_symbol_get_data, …_length)`); tests/imaging checks the two agree. Doing both
    # scans here keeps the symbol order the same between them.
    decoded = _zbar_scan(gray, binary=False)
    try:
        raw: list[bytes] | None = _zbar_scan(gray, binary=True)
    except RuntimeError:
        raw = None
    results = []
    for i, data in enumerate(decoded):
        details: dict[str, Any] = {}
        if raw is not None and len(raw) == len(decoded):
            details["raw_bytes"] = raw[i]
            details["transcoded"] = raw[i] != data
        text = _as_utf8(data)  # ZBar's text output is UTF-8 (after its charset guess)
        results.append(ReaderResult("pyzbar", data, text, text, None, details))
    return results


READERS: dict[str, Callable[[np.ndarray], list[ReaderResult]]] = {
    "zxing": read_zxing,
    "opencv": read_opencv,
    "pyzbar": read_pyzbar,
}
