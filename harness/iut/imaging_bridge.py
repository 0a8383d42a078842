"""The few imaging calls the IUT layer needs, over `qrinterop.imaging` (another part).

Kept apart so the reference IUT and the render check do not depend on the imaging part's
internal names in many places; `available()` is None when imaging (or its readers) is absent.
"""
from __future__ import annotations

from typing import Any


def available() -> Any | None:
    try:
        import qrinterop.imaging as imaging
    except ImportError:
        return None
    needed = ("render_png", "read_png")
    return imaging if all(callable(getattr(imaging, n, None)) for n in needed) else None


def render_png(payload: str) -> bytes:
    imaging = available()
    if imaging is None:
        raise RuntimeError("qrinterop.imaging is not available (render_png missing)")
    return bytes(imaging.render_png(payload))   # Rendered is bytes plus facts; keep the bytes


def read_png(png: bytes) -> str:
    imaging = available()
    if imaging is None:
        raise RuntimeError("qrinterop.imaging is not available (read_png missing)")
    return imaging.read_png(png)


def read_with_readers(png: bytes, count: int = 2) -> dict[str, str | None]:
    """Decode `png` with `count` independent readers: reader name → payload (None: unread)."""
    imaging = available()
    if imaging is None:
        raise RuntimeError("qrinterop.imaging is not available")
    return dict(list(imaging.read_png_all(png).items())[:count])
