"""Rendering: our fast matrices are segno's matrices; the PNG is right; variants encode as named."""
from __future__ import annotations

import io

import numpy as np
import pytest
import segno
import zxingcpp
from PIL import Image

from imaging_payloads import EMV_CN, JPQR
from qrinterop.errors import QrInteropError
from qrinterop.imaging import RenderError, RenderOptions, Variant, build_symbol, load_gray, render_png, render_svg
from qrinterop.imaging.render import segno_arguments

PAYLOADS = [JPQR, EMV_CN, "ペA", "HELLO WORLD 123", "hello", "12345678901234567890", "é café", "😀 emoji 🚀",
            "日本語テキスト" * 20, "x" * 1000, "A" * 2, "メ"]


def _segno_matrix(payload: str, variant: Variant, error: str | None) -> np.ndarray:
    call = segno_arguments(payload, variant)
    qr = segno.make(payload, encoding=call.encoding, eci=call.eci, mode=call.mode, error=error, micro=False)
    return np.array([list(row) for row in qr.matrix], dtype=np.uint8)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("variant", list(Variant))
def test_fast_matrix_is_exactly_segnos(payload: str, variant: Variant) -> None:
    for error in (None, "M", "H"):
        ours = build_symbol(payload, variant, error)
        assert np.array_equal(ours.matrix, _segno_matrix(payload, variant, error)), (payload[:20], variant, error)


def test_png_pixels_are_the_matrix_scaled_with_quiet_zone() -> None:
    rendered = render_png(JPQR, RenderOptions(scale=3, border=2))
    image = Image.open(io.BytesIO(rendered.data))
    n = rendered.symbol.matrix.shape[0]
    assert image.size == ((n + 4) * 3, (n + 4) * 3)
    gray = np.asarray(image.convert("L"))
    modules = gray[6::3, 6::3][:n, :n]  # one pixel per module, inside the quiet zone
    assert np.array_equal(modules == 0, rendered.symbol.matrix == 1)
    assert (gray[:6, :] == 255).all() and (gray[:, -6:] == 255).all()


def test_colours_give_a_two_colour_palette_png() -> None:
    rendered = render_png("hello", RenderOptions(dark="#203080", light="#ffeedd"))
    pixels = np.asarray(Image.open(io.BytesIO(rendered.data)).convert("RGB")).reshape(-1, 3)
    assert {tuple(int(c) for c in p) for p in np.unique(pixels, axis=0)} == {(0x20, 0x30, 0x80), (0xFF, 0xEE, 0xDD)}


def test_uncached_render_is_byte_identical_to_cached() -> None:
    assert render_png(JPQR, cache=False).data == render_png(JPQR).data


def _zxing_bytes(png: bytes) -> bytes:
    codes = zxingcpp.read_barcodes(load_gray(png))
    assert len(codes) == 1
    return bytes(codes[0].bytes)


def test_sjis_default_variant_really_holds_shift_jis_bytes() -> None:
    rendered = render_png(JPQR, RenderOptions(variant="sjis-default"))
    assert rendered.encoding == "shift_jis" and not rendered.eci
    assert _zxing_bytes(rendered.data) == JPQR.encode("shift_jis") != JPQR.encode("utf-8")


@pytest.mark.parametrize("variant,eci", [("utf8-eci", True), ("utf8", False)])
def test_utf8_variants_hold_utf8_bytes(variant: str, eci: bool) -> None:
    rendered = render_png(JPQR, RenderOptions(variant=variant))
    assert rendered.encoding == "utf-8" and rendered.eci is eci
    assert _zxing_bytes(rendered.data) == JPQR.encode("utf-8")


def test_sjis_default_falls_back_to_utf8_for_chinese_not_in_shift_jis() -> None:
    # 运 and 输 (simplified Chinese) have no Shift_JIS code, so segno falls back to UTF-8.
    rendered = render_png(EMV_CN, RenderOptions(variant="sjis-default"))
    assert rendered.encoding == "utf-8"
    assert _zxing_bytes(rendered.data) == EMV_CN.encode("utf-8")


def test_ascii_payload_is_the_same_symbol_in_every_variant_without_eci() -> None:
    payload = "00020101021153033925802JP5906SHOP 16007TOKYO 6304ABCD"
    symbols = [build_symbol(payload, v).matrix for v in Variant]
    assert all(np.array_equal(symbols[0], s) for s in symbols[1:])
    assert not render_png(payload, RenderOptions(variant="utf8-eci")).eci


def test_svg_uses_the_same_symbol() -> None:
    svg = render_svg(JPQR)
    assert svg.kind == "svg" and svg.data.lstrip().startswith(b"<?xml") and b"<svg" in svg.data
    assert svg.symbol.mask == render_png(JPQR).symbol.mask


@pytest.mark.parametrize("options", [dict(error="X"), dict(scale=0), dict(border=-1), dict(dark="red"),
                                     dict(light="#12345"), dict(variant="latin1")])
def test_bad_render_options_are_render_errors(options: dict) -> None:
    with pytest.raises(RenderError) as info:
        RenderOptions(**options)
    assert isinstance(info.value, QrInteropError)
    assert list(options)[0] in str(info.value) or "colour" in str(info.value)


def test_payload_too_long_or_empty_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="does not fit"):
        render_png("x" * 8000)
    with pytest.raises(RenderError, match="non-empty"):
        render_png("")


def test_utf8_variants_force_byte_mode_where_segno_would_pick_kanji() -> None:
    # segno.make("ペA", encoding="utf-8") picks Kanji mode, because the UTF-8 bytes E3 83 9A 41
    # are valid Shift_JIS pairs; ZBar then decodes Kanji mode as Shift_JIS even after ECI 26.
    assert segno.make("ペA", encoding="utf-8", micro=False).mode == "kanji"
    for variant in ("utf8", "utf8-eci"):
        rendered = render_png("ペA", RenderOptions(variant=variant))
        assert rendered.symbol.mode == "byte"
        assert _zxing_bytes(rendered.data) == "ペA".encode("utf-8")


def test_rendered_is_the_image_bytes_and_survives_pickling() -> None:
    import base64
    import pickle
    rendered = render_png(JPQR)
    assert type(rendered.data) is bytes and rendered == rendered.data
    assert base64.b64decode(base64.b64encode(rendered)) == rendered.data
    again = pickle.loads(pickle.dumps(rendered))
    assert again == rendered and again.encoding == "utf-8" and again.symbol.mask == rendered.symbol.mask


def test_numpy_penalty_scores_equal_segnos_on_pattern_rich_matrices() -> None:
    """The vectorised N1–N4 (N3 with segno's search quirks) against segno's own scorer, on matrices
    built from finder-like runs so that overlapping and edge-touching 1011101 hits are common."""
    from segno import encoder

    from qrinterop.imaging.symbol import penalty_scores
    rng = np.random.default_rng(11)
    pieces = ["1011101", "10111011101", "0000", "1", "0", "1011101011101"]
    for size in (21, 25, 45):
        stack = []
        for _ in range(40):
            rows = []
            for _ in range(size):
                line = ""
                while len(line) < size:
                    line += pieces[rng.integers(len(pieces))]
                rows.append([int(c) for c in line[:size]])
            stack.append(rows)
        stack_arr = np.array(stack, dtype=np.uint8)
        ours = penalty_scores(stack_arr)
        theirs = [sum(encoder.mask_scores(tuple(bytearray(r) for r in m), size, size)) for m in stack]
        assert list(ours) == theirs
