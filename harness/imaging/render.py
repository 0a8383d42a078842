"""Payload → QR image (PNG or SVG bytes), in the three encodings real generators produce.

Variants (they only differ for non-ASCII payloads; an ASCII payload gives the same symbol in all
three, in the most compact mode segno finds, and never carries an ECI designator):

- `utf8-eci`     UTF-8 in byte mode, preceded by ECI 26 (UTF-8): the unambiguous choice.
- `utf8`         UTF-8 in byte mode, no ECI: what most EMV/JPQR generators make; readers must guess.
                 Both force byte mode: given `encoding="utf-8"` alone, segno (1.6.6) picks *Kanji*
                 mode whenever the UTF-8 bytes happen to form valid Shift_JIS pairs (e.g. "ペA"),
                 and ZBar then reads them as Shift_JIS even with the ECI (measured; see docs/imaging.md).
- `sjis-default` `segno.make(payload)` as a naive generator calls it: segno tries ISO-8859-1, then
                 Shift_JIS, then UTF-8, and never adds an ECI — Japanese becomes Shift_JIS bytes,
                 which are not the bytes the EMV CRC was computed over (notes/imaging.md).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import segno

from qrinterop.imaging.errors import RenderError
from qrinterop.imaging.png import encode_png, scale_matrix
from qrinterop.imaging.symbol import Symbol, fast_matrix


class Variant(str, Enum):
    UTF8_ECI = "utf8-eci"
    UTF8 = "utf8"
    SJIS_DEFAULT = "sjis-default"


VARIANTS: tuple[Variant, ...] = (Variant.UTF8_ECI, Variant.UTF8, Variant.SJIS_DEFAULT)
_EC_LEVELS = ("L", "M", "Q", "H")
_HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class RenderOptions:
    """How to draw a code. `error` is the minimum EC level (segno raises it when the symbol has room;
    None = segno's default, L boosted). `scale` is pixels per module, `border` the quiet zone in
    modules (ISO/IEC 18004 asks for 4). Colours are "#rrggbb"."""

    variant: Variant = Variant.UTF8_ECI
    error: str | None = None
    scale: int = 4
    border: int = 4
    dark: str = "#000000"
    light: str = "#ffffff"

    def __post_init__(self) -> None:
        object.__setattr__(self, "variant", _variant(self.variant))
        if self.error is not None and self.error.upper() not in _EC_LEVELS:
            raise RenderError(f"error correction level {self.error!r}: expected one of L, M, Q, H")
        if self.error is not None:
            object.__setattr__(self, "error", self.error.upper())
        if not 1 <= self.scale <= 100:
            raise RenderError(f"scale {self.scale}: expected 1..100 pixels per module")
        if not 0 <= self.border <= 100:
            raise RenderError(f"border {self.border}: expected 0..100 modules")
        _rgb("dark", self.dark)
        _rgb("light", self.light)


class Rendered(bytes):
    """A rendered image: the file's bytes themselves (so it can be written, compared or
    base64-encoded as is — `.data` gives plain `bytes`), plus what is in it: `kind` ("png"/"svg"),
    `variant`, `encoding` (charset of the byte-mode data: "utf-8", "shift_jis", "iso-8859-1" or
    "ascii"), `eci` (an ECI designator was written) and `symbol` (version, EC level, mask, matrix)."""

    kind: str
    variant: Variant
    encoding: str
    eci: bool
    symbol: Symbol

    def __new__(cls, data: bytes, kind: str, variant: Variant, encoding: str, eci: bool,
                symbol: Symbol) -> "Rendered":
        self = super().__new__(cls, data)
        self.kind, self.variant, self.encoding, self.eci, self.symbol = kind, variant, encoding, eci, symbol
        return self

    @property
    def data(self) -> bytes:
        return bytes(self)

    def __reduce__(self) -> tuple:
        return (Rendered, (bytes(self), self.kind, self.variant, self.encoding, self.eci, self.symbol))

    def __repr__(self) -> str:
        return (f"Rendered({self.kind}, {len(self)} bytes, variant={self.variant.value}, "
                f"encoding={self.encoding}, eci={self.eci}, version={self.symbol.version}-{self.symbol.error})")


def _variant(value: Variant | str) -> Variant:
    try:
        return Variant(value)
    except ValueError:
        raise RenderError(f"variant {value!r}: expected one of {', '.join(v.value for v in VARIANTS)}") from None


def _rgb(name: str, colour: str) -> tuple[int, int, int]:
    match = _HEX_COLOUR.match(colour)
    if not match:
        raise RenderError(f"{name} colour {colour!r}: expected #rrggbb")
    value = int(match.group(1), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


@dataclass(frozen=True)
class SegnoCall:
    """The segno arguments for a payload in a variant, and the charset its data ends up in."""

    encoding: str | None
    eci: bool
    mode: str | None
    charset: str


def segno_arguments(payload: str, variant: Variant | str) -> SegnoCall:
    """How to call segno for a payload in a variant (see the module docstring)."""
    variant = _variant(variant)
    if payload.isascii():
        return SegnoCall(None, False, None, "ascii")
    if variant is Variant.SJIS_DEFAULT:
        for charset in ("iso-8859-1", "shift_jis"):  # segno's own order (encoder.data_to_bytes)
            try:
                payload.encode(charset)
                return SegnoCall(None, False, None, charset)
            except UnicodeEncodeError:
                continue
        return SegnoCall(None, False, None, "utf-8")
    return SegnoCall("utf-8", variant is Variant.UTF8_ECI, "byte", "utf-8")


@lru_cache(maxsize=1024)
def _cached_symbol(payload: str, variant: Variant, error: str | None) -> Symbol:
    return build_symbol(payload, variant, error)


def build_symbol(payload: str, variant: Variant | str = Variant.UTF8_ECI, error: str | None = None) -> Symbol:
    """The QR symbol (module matrix, version, EC level, mask) for a payload; identical to segno.make's."""
    if not isinstance(payload, str) or payload == "":
        raise RenderError("payload: expected a non-empty string")
    call = segno_arguments(payload, variant)
    try:
        return fast_matrix(payload, encoding=call.encoding, eci=call.eci, error=error, mode=call.mode)
    except segno.DataOverflowError as exc:
        raise RenderError(f"payload of {len(payload)} characters does not fit in a QR code "
                          f"at EC level {error or 'L'} ({exc})") from None


def render_png(payload: str, options: RenderOptions = RenderOptions(), *, cache: bool = True) -> Rendered:
    """PNG bytes of the payload's QR code (1-bit grayscale, or a 2-colour palette for other colours)."""
    symbol = _cached_symbol(payload, options.variant, options.error) if cache \
        else build_symbol(payload, options.variant, options.error)
    dark = scale_matrix(symbol.matrix, options.scale, options.border)
    data = encode_png(dark, dark_rgb=_rgb("dark", options.dark), light_rgb=_rgb("light", options.light))
    call = segno_arguments(payload, options.variant)
    return Rendered(data, "png", options.variant, call.charset, call.eci, symbol)


def render_svg(payload: str, options: RenderOptions = RenderOptions()) -> Rendered:
    """SVG bytes via segno's own SVG writer, with the same symbol (same mask) as `render_png`."""
    symbol = _cached_symbol(payload, options.variant, options.error)
    call = segno_arguments(payload, options.variant)
    qr = segno.make(payload, encoding=call.encoding, eci=call.eci, mode=call.mode, error=options.error,
                    micro=False, mask=symbol.mask)
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=options.scale, border=options.border, dark=options.dark, light=options.light)
    return Rendered(buf.getvalue(), "svg", options.variant, call.charset, call.eci, symbol)


def render(payload: str, options: RenderOptions = RenderOptions(), *, kind: str = "png") -> Rendered:
    """`render_png` or `render_svg` by `kind`."""
    if kind == "png":
        return render_png(payload, options)
    if kind == "svg":
        return render_svg(payload, options)
    raise RenderError(f"image kind {kind!r}: expected png or svg")
