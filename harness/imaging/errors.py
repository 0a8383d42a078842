"""Errors of the imaging part: an image that cannot be read, or a payload that cannot be drawn.

They subclass `qrinterop.errors.QrInteropError`, so the CLI prints them plainly (no trace).
"""
from __future__ import annotations

from qrinterop.errors import QrInteropError


class ImageError(QrInteropError):
    """The input is not a usable image: not an image at all, truncated, or of an unsupported kind.

    `source` names where the image came from (a path, "<bytes>", "<array>") so the message says where.
    """

    def __init__(self, message: str, *, source: str = "<bytes>") -> None:
        self.source = source
        self.message = message
        super().__init__(f"image {source}: {message}")


class ImageTooLarge(ImageError):
    """The image has more pixels than the limit (a decompression bomb, or just huge).

    `pixels` is None when Pillow's own bomb guard stopped it before the size was known to us.
    """

    def __init__(self, pixels: int | None, limit: int, *, source: str = "<bytes>", detail: str = "") -> None:
        self.pixels, self.limit = pixels, limit
        size = f"{pixels} pixels" if pixels is not None else "the image"
        super().__init__(f"{size} is above the limit of {limit} pixels (decompression bomb guard"
                         f"{': ' + detail if detail else ''}; raise max_pixels if the image is genuine)",
                         source=source)


class NoCodeError(QrInteropError):
    """An image that was expected to hold exactly one QR code holds none (or several)."""


class RenderError(QrInteropError):
    """A payload could not be drawn as a QR code with the options given (too long, bad colour…)."""
