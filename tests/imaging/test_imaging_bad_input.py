"""Bad images: each is a clear `ImageError` (a QrInteropError) naming the source, never a crash."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from qrinterop.cli import main
from qrinterop.errors import QrInteropError
from qrinterop.imaging import ImageError, ImageTooLarge, read, render_png


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def test_not_an_image() -> None:
    with pytest.raises(ImageError, match="not an image Pillow recognises") as info:
        read(b"000201010211not a png at all")
    assert isinstance(info.value, QrInteropError) and info.value.source == "<bytes>"


def test_empty_input() -> None:
    with pytest.raises(ImageError, match="empty input"):
        read(b"")


def test_truncated_png() -> None:
    data = render_png("truncated").data
    with pytest.raises(ImageError, match="truncated"):
        read(data[: len(data) // 2])


def test_truncated_jpeg() -> None:
    buf = io.BytesIO()
    Image.open(io.BytesIO(render_png("jpeg").data)).convert("L").save(buf, "JPEG")
    with pytest.raises(ImageError, match="corrupt or truncated"):
        read(buf.getvalue()[:200])


def test_image_over_the_configured_pixel_limit_is_refused_before_decoding() -> None:
    data = _png(Image.new("L", (1000, 1000), 255))
    with pytest.raises(ImageTooLarge) as info:
        read(data, max_pixels=500_000)
    assert info.value.pixels == 1_000_000 and info.value.limit == 500_000
    assert read(data, max_pixels=1_000_000).primary is None  # at the limit: read, no code


def test_decompression_bomb_stopped_by_pillows_guard_too() -> None:
    # A PNG whose header claims 20000×20000 (400 megapixels) in 45 bytes: over Pillow's own
    # guard, which fires inside Image.open before any pixel data is looked at.
    import struct

    from qrinterop.imaging.png import _SIGNATURE, _chunk
    bomb = _SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 1, 0, 0, 0, 0)) + _chunk(b"IEND", b"")
    with pytest.raises(ImageTooLarge, match="decompression bomb"):
        read(bomb, max_pixels=10**10)
    with pytest.raises(ImageTooLarge) as info:
        read(bomb)
    assert info.value.pixels == 400_000_000 and info.value.limit == 40_000_000


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="cannot read the file") as info:
        read(tmp_path / "missing.png")
    assert info.value.source.endswith("missing.png")
    with pytest.raises(ImageError, match="cannot read the file"):
        read(tmp_path)


@pytest.mark.parametrize("array,message", [
    (np.zeros((10, 10), dtype=np.float32), "dtype float32"),
    (np.zeros((10, 10, 2), dtype=np.uint8), "shape"),
    (np.zeros((0, 10), dtype=np.uint8), "no pixels"),
])
def test_bad_arrays(array: np.ndarray, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        read(array)


def test_unsupported_source_type() -> None:
    with pytest.raises(ImageError, match="unsupported image source of type int"):
        read(42)  # type: ignore[arg-type]


def test_cli_scan_of_bad_input_says_what_and_where_without_a_trace(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "code.png"
    bad.write_bytes(render_png("x").data[:40])
    assert main(["scan", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "truncated" in err and "Traceback" not in err
    big = tmp_path / "big.png"
    big.write_bytes(_png(Image.new("L", (800, 800), 255)))
    assert main(["scan", str(big), "--max-pixels", "1000"]) == 1
    assert "above the limit of 1000 pixels" in capsys.readouterr().err


def test_png_cut_inside_its_header_is_named_as_a_truncated_png() -> None:
    with pytest.raises(ImageError, match="truncated or corrupt PNG"):
        read(render_png("x").data[:40])


_VALID_PNG = render_png("fuzz me 0123456789").data


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(0, len(_VALID_PNG)), flips=st.lists(st.tuples(st.integers(0, len(_VALID_PNG) - 1),
                                                                     st.integers(1, 255)), max_size=4))
def test_damaged_pngs_give_a_result_or_an_image_error_never_anything_else(cut: int, flips: list) -> None:
    data = bytearray(_VALID_PNG)
    for offset, xor in flips:
        data[offset] ^= xor
    try:
        scan = read(bytes(data[:cut]) if cut else bytes(data))
    except ImageError:
        return
    assert len(scan.results) >= 3  # every reader answered (maybe "no QR code found")
