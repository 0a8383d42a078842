"""Deterministic, seeded image distortions that model scanning a payment code, with a severity knob.

Each distortion is a pure function `(gray, severity, rng) -> gray` on H×W uint8 arrays
(255 = white). `severity` runs from 0 (untouched) to 1 (far beyond what a phone camera would
deliver); the mapping to physical parameters is in each docstring and in DISTORTIONS, so a curve
point can be read as "blur of σ = 3 px" and reproduced. Randomness comes only from the `rng`
argument (`numpy.random.Generator`), so the same seed gives the same image.

The parameters assume the default rendering (4 px per module, 4-module quiet zone).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from qrinterop.errors import UsageError

WHITE = 255


def _check(severity: float) -> float:
    if not 0.0 <= severity <= 1.0:
        raise UsageError(f"severity {severity}: expected a number in [0, 1]")
    return float(severity)


def scale_down(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """Shrink to (1 − 0.9·s) of the size (area averaging): at s = 1 a 4 px module is 0.4 px."""
    factor = 1.0 - 0.9 * _check(severity)
    if factor >= 1.0:
        return gray.copy()
    h, w = gray.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def rotate(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """Rotate by 45°·s (the hardest angle for axis-aligned scanning), canvas grown, white fill."""
    angle = 45.0 * _check(severity)
    if angle == 0:
        return gray.copy()
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(gray, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=WHITE)


def perspective(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """Keystone, as a sticker photographed at an angle: the top edge shrinks by 80 %·s toward
    its middle (s = 1 is a view about 70° off axis); which edge shrinks is chosen by `rng`."""
    s = _check(severity)
    if s == 0:
        return gray.copy()
    h, w = gray.shape
    inset = 0.4 * s * w
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[inset, 0], [w - inset, 0], [w, h], [0, h]])
    turns = int(rng.integers(0, 4))  # which edge is the far one
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=WHITE)
    return np.ascontiguousarray(np.rot90(out, turns))


def blur(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian blur (defocus) with σ = 4 px·s — one module's width at s = 1."""
    sigma = 4.0 * _check(severity)
    if sigma == 0:
        return gray.copy()
    return cv2.GaussianBlur(gray, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_REPLICATE)


def noise(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """Additive Gaussian sensor noise, σ = 160 grey levels·s, clipped to 0..255."""
    sigma = 160.0 * _check(severity)
    noisy = gray.astype(np.float32) + rng.normal(0.0, sigma, gray.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def low_contrast(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """Squeeze toward mid-grey: contrast (1 − s), i.e. black/white become 128 ∓ 127.5·(1 − s)."""
    contrast = 1.0 - _check(severity)
    out = 127.5 + (gray.astype(np.float32) - 127.5) * contrast
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def jpeg(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """JPEG round trip (Pillow) at quality 100 − 99·s, after halving the size at s > 0 so that
    the 8×8 blocks straddle modules as in a photo of a small code (quality alone barely matters
    at 4 px per module)."""
    s = _check(severity)
    if s == 0:
        return gray.copy()
    quality = int(round(100 - 99 * s))
    small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    buf = io.BytesIO()
    Image.fromarray(small, "L").save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L")).copy()


def occlusion(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """A square patch (glare: white, or a thumb: dark, chosen by `rng`) covering 10 %·s of the
    image area, at an `rng`-chosen position."""
    s = _check(severity)
    h, w = gray.shape
    side = int(round(np.sqrt(0.1 * s * h * w)))
    out = gray.copy()
    if side == 0:
        return out
    side = min(side, h, w)
    top = int(rng.integers(0, h - side + 1))
    left = int(rng.integers(0, w - side + 1))
    out[top:top + side, left:left + side] = WHITE if rng.random() < 0.5 else 40
    return out


def invert(gray: np.ndarray, severity: float, rng: np.random.Generator) -> np.ndarray:
    """Light-on-dark (a code shown on a dark-mode screen): inverted when s ≥ 0.5, else untouched.
    It is on/off, so its "curve" says only whether a reader reads inverted codes at all."""
    return (WHITE - gray) if _check(severity) >= 0.5 else gray.copy()


@dataclass(frozen=True)
class Distortion:
    name: str
    apply: Callable[[np.ndarray, float, np.random.Generator], np.ndarray]
    parameter: str  # the physical meaning of severity s, for tables and plots


DISTORTIONS: dict[str, Distortion] = {d.name: d for d in (
    Distortion("scale_down", scale_down, "size × (1 − 0.9 s)"),
    Distortion("rotate", rotate, "45° · s"),
    Distortion("perspective", perspective, "far edge −80 % · s"),
    Distortion("blur", blur, "Gaussian σ = 4 px · s"),
    Distortion("noise", noise, "Gaussian σ = 160 · s"),
    Distortion("low_contrast", low_contrast, "contrast 1 − s"),
    Distortion("jpeg", jpeg, "½ size, quality 100 − 99 s"),
    Distortion("occlusion", occlusion, "patch = 10 % · s of area"),
    Distortion("invert", invert, "inverted when s ≥ 0.5"),
)}


def distort(gray: np.ndarray, name: str, severity: float, seed: int = 0) -> np.ndarray:
    """Apply the named distortion at `severity` with a generator seeded by `seed` (deterministic)."""
    if name not in DISTORTIONS:
        raise UsageError(f"unknown distortion {name!r}: expected one of {', '.join(DISTORTIONS)}")
    return DISTORTIONS[name].apply(gray, severity, np.random.default_rng(seed))
