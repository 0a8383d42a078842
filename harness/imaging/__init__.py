"""QR imaging: render payloads with segno, read images with zxing-cpp, OpenCV and ZBar, distort them.

    from qrinterop.imaging import render_png, read, reader_matrix
    scan = read(render_png("000201…").data)      # every reader's bytes/text, and where they disagree
"""
from __future__ import annotations

from qrinterop.imaging.errors import ImageError, ImageTooLarge, NoCodeError, RenderError
from qrinterop.imaging.load import DEFAULT_MAX_PIXELS, load_gray
from qrinterop.imaging.quirks import reader_matrix
from qrinterop.imaging.read import READER_NAMES, ScanResult, read, read_array, read_png, read_png_all
from qrinterop.imaging.readers import ReaderResult
from qrinterop.imaging.render import (VARIANTS, Rendered, RenderOptions, Variant, build_symbol, render,
                                      render_png, render_svg)

__all__ = ["DEFAULT_MAX_PIXELS", "READER_NAMES", "VARIANTS", "ImageError", "ImageTooLarge", "NoCodeError",
           "ReaderResult",
           "RenderError", "RenderOptions", "Rendered", "ScanResult", "Variant", "build_symbol", "load_gray",
           "read", "read_array", "read_png", "read_png_all", "reader_matrix", "render", "render_png", "render_svg"]
