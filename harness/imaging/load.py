"""Image input → one grayscale numpy array that every reader gets (the I/O shell of reading).

All the ways an image can be bad end here as an `ImageError` naming the source and what was wrong:
not an image, truncated, too many pixels (a decompression bomb), a path that does not exist.
The pixel limit is checked from the header, before any pixel is decoded.
"""
from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from qrinterop.imaging.errors import ImageError, ImageTooLarge

# 40 megapixels: a phone photo is 12–48 MP; a rendered payment code is well under 1 MP.
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP"),
               (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))

ImageSource = Union[bytes, bytearray, memoryview, str, Path, np.ndarray, Image.Image]


def _check_pixels(width: int, height: int, max_pixels: int, source: str) -> None:
    if width <= 0 or height <= 0:
        raise ImageError(f"image has no pixels ({width}×{height})", source=source)
    if width * height > max_pixels:
        raise ImageTooLarge(width * height, max_pixels, source=source)


def _gray_from_pil(image: Image.Image) -> np.ndarray:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels carry arbitrary colour; a scanner sees them over white paper/screen.
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    if image.mode != "L":
        image = image.convert("L")
    return np.asarray(image, dtype=np.uint8).copy()


def _gray_from_array(array: np.ndarray, max_pixels: int) -> np.ndarray:
    source = "<array>"
    if array.dtype != np.uint8:
        raise ImageError(f"array dtype {array.dtype}: expected uint8 pixels", source=source)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        _check_pixels(array.shape[1], array.shape[0], max_pixels, source)
        return np.ascontiguousarray(array)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        _check_pixels(array.shape[1], array.shape[0], max_pixels, source)
        mode = "RGB" if array.shape[2] == 3 else "RGBA"
        return _gray_from_pil(Image.fromarray(np.ascontiguousarray(array), mode))
    raise ImageError(f"array shape {array.shape}: expected H×W gray, H×W×3 RGB or H×W×4 RGBA", source=source)


def load_gray(source: ImageSource, *, max_pixels: int = DEFAULT_MAX_PIXELS,
              max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """Decode an image once into a C-contiguous H×W uint8 grayscale array (255 = white).

    `source`: encoded image bytes (PNG, JPEG, anything Pillow reads), a file path, a numpy array
    (uint8; 2-D gray, or RGB/RGBA — Pillow's channel order), or a PIL image. Multi-frame images
    give their first frame. Raises `ImageError` / `ImageTooLarge`, never a Pillow or OS exception.
    """
    if isinstance(source, np.ndarray):
        return _gray_from_array(source, max_pixels)
    if isinstance(source, Image.Image):
        _check_pixels(source.width, source.height, max_pixels, "<PIL image>")
        return _gray_from_pil(source)
    if isinstance(source, (str, Path)):
        name = str(source)
        try:
            path = Path(source)
            size = path.stat().st_size
            if size > max_bytes:
                raise ImageError(f"file of {size} bytes is above the limit of {max_bytes} bytes", source=name)
            data = path.read_bytes()
        except OSError as exc:
            raise ImageError(f"cannot read the file: {exc.strerror or exc}", source=name) from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        name, data = "<bytes>", bytes(source)
        if len(data) > max_bytes:
            raise ImageError(f"{len(data)} bytes is above the limit of {max_bytes} bytes", source=name)
    else:
        raise ImageError(f"unsupported image source of type {type(source).__name__}", source="<argument>")
    return _decode(data, name, max_pixels)


def _decode(data: bytes, name: str, max_pixels: int) -> np.ndarray:
    if not data:
        raise ImageError("empty input (0 bytes)", source=name)
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone switched Pillow's global off; a cut file must fail here
        raise ImageError("Pillow is set to load truncated images (ImageFile.LOAD_TRUNCATED_IMAGES); "
                         "refusing to read with that set", source=name)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns above MAX_IMAGE_PIXELS and raises above twice that;
            # our limit is checked from the header below, so its warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                _check_pixels(image.width, image.height, max_pixels, name)
                image.load()
                return _gray_from_pil(image)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow's guard fires inside Image.open, before we see the size, when the image is over
        # twice Image.MAX_IMAGE_PIXELS; we do not raise that global, so it also bounds max_pixels.
        # Its message is the only place the size is given ("Image size (N pixels) exceeds …").
        size = re.search(r"\((\d+) pixels\)", str(exc))
        raise ImageTooLarge(int(size.group(1)) if size else None, max_pixels,
                            source=name, detail=f"Pillow: {exc}") from None
    except UnidentifiedImageError:
        kind = next((k for sig, k in _SIGNATURES if data.startswith(sig)), None)
        if kind:
            raise ImageError(f"truncated or corrupt {kind}: Pillow cannot read even its header "
                             f"({len(data)} bytes)", source=name) from None
        raise ImageError(f"not an image Pillow recognises (first bytes {data[:8]!r})", source=name) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow signals truncated or corrupt data with these (e.g. "image file is truncated").
        raise ImageError(f"corrupt or truncated image data: {exc}", source=name) from None
