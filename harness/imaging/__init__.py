"""QR imaging: render payloads with segno, read images with zxing-cpp, OpenCV and ZBar, distort them.

    from qrinterop.imaging import render_png, read, reader_matrix
"""
from __future__ import annotations

from qrinterop.imaging.errors import ImageError, ImageTooLarge, RenderError
from qrinterop.imaging.render import (VARIANTS, Rendered, RenderOptions, Variant, build_symbol, render,
                                      render_png, render_svg)

__all__ = ["VARIANTS", "ImageError", "ImageTooLarge", "RenderError", "RenderOptions", "Rendered", "Variant",
           "build_symbol", "render", "render_png", "render_svg"]
