"""Reading: round trips per reader, what each reader does to non-ASCII payloads, several codes, none."""
from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pyzbar import pyzbar

from imaging_payloads import EMV_CN, JP_NAME, JPQR
from qrinterop.imaging import RenderOptions, load_gray, read, read_array, render_png
from qrinterop.strategies import valid_payloads
from qrinterop.imaging.read import NO_CODE, compare
from qrinterop.imaging.readers import ReaderResult, read_pyzbar

# Text that stresses charset handling: ASCII, Japanese (kana, kanji, half-width), Chinese, emoji.
_ALPHABET = st.sampled_from(list("AZaz09 -./:*") + list("メルペイカフェ日本語東京ｶﾌｪ最佳运输北京") + ["😀", "🚀", "é", "ü"])
_TEXT = st.lists(_ALPHABET, min_size=1, max_size=120).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, eci=st.booleans())
def test_utf8_round_trip_is_byte_exact_with_zxing_and_opencv(text: str, eci: bool) -> None:
    variant = "utf8-eci" if eci else "utf8"
    scan = read(render_png(text, RenderOptions(variant=variant)).data)
    expected = text.encode("utf-8")
    assert scan.payloads("zxing") == [expected]
    # OpenCV misses about 1 % of clean symbols outright (see test_opencv_reads_nearly_every_clean_code);
    # when it answers, the answer must be byte-exact.
    assert scan.payloads("opencv") in ([expected], [])
    # pyzbar (ZBar): its raw bytes (ZBAR_CFG_BINARY) are always right; what pyzbar hands an app is
    # exact with the ECI, and without it differs only by ZBar's charset conversion — never a misread.
    [zbar] = scan.by_reader("pyzbar")
    assert zbar.details["raw_bytes"] == expected
    if eci or text.isascii():
        assert zbar.bytes == expected
    else:
        assert zbar.details["transcoded"] is (zbar.bytes != expected)


def test_opencv_reads_nearly_every_clean_code() -> None:
    """A fixed sample (seeded) of 100 payloads of 1–200 chars: OpenCV 5.0 read 99 here, never a wrong byte."""
    import random
    rnd = random.Random(3)
    hits = wrong = 0
    for _ in range(100):
        text = "".join(rnd.choice("AZaz09 -./:*メルペイ") for _ in range(rnd.choice([1, 3, 8, 30, 60, 120, 200])))
        got = read(render_png(text, RenderOptions(variant="utf8")).data, ["opencv"]).payloads("opencv")
        hits += got == [text.encode("utf-8")]
        wrong += bool(got) and got != [text.encode("utf-8")]
    assert wrong == 0 and hits >= 95


@pytest.mark.parametrize("payload", [JPQR, EMV_CN])
@pytest.mark.parametrize("variant", ["utf8-eci", "utf8"])
def test_real_payloads_round_trip_byte_exact_with_zxing_and_opencv(payload: str, variant: str) -> None:
    scan = read(render_png(payload, RenderOptions(variant=variant)).data)
    assert scan.payloads("zxing") == scan.payloads("opencv") == [payload.encode("utf-8")]


def test_jpqr_each_variant_matches_the_measured_reader_table() -> None:
    """notes/imaging.md's table, for the Japanese JPQR payload (measured again here)."""
    utf8 = JPQR.encode("utf-8")
    eci = read(render_png(JPQR, RenderOptions(variant="utf8-eci")).data)
    assert [eci.payloads(r) for r in ("zxing", "opencv", "pyzbar")] == [[utf8]] * 3
    assert eci.agree

    plain = read(render_png(JPQR, RenderOptions(variant="utf8")).data)
    assert plain.payloads("zxing") == plain.payloads("opencv") == [utf8]
    # ZBar guesses Shift_JIS for UTF-8 without ECI and converts: mojibake, exactly SJIS-decoding of UTF-8.
    assert plain.payloads("pyzbar") == [utf8.decode("shift_jis").encode("utf-8")]
    assert JP_NAME not in (plain.by_reader("pyzbar")[0].text or "")
    assert any("pyzbar" in note for note in plain.disagreements)

    sjis = read(render_png(JPQR, RenderOptions(variant="sjis-default")).data)
    [zx] = sjis.by_reader("zxing")
    assert zx.bytes == JPQR.encode("shift_jis") and zx.text == JPQR and zx.utf8 is None
    assert sjis.payloads("opencv") != [utf8]        # OpenCV passes non-UTF-8 data on, re-encoded wrongly
    assert sjis.payloads("pyzbar") == [utf8]        # ZBar's Shift_JIS guess is right this time
    assert sjis.by_reader("pyzbar")[0].details["raw_bytes"] == JPQR.encode("shift_jis")


def test_our_zbar_scan_gives_what_pyzbar_decode_gives() -> None:
    gray = load_gray(render_png(JPQR, RenderOptions(variant="utf8")).data)
    ours = [r.bytes for r in read_pyzbar(gray)]
    theirs = [d.data for d in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])]
    assert ours == theirs and len(ours) == 1


def _two_codes() -> np.ndarray:
    a = load_gray(render_png(JPQR).data)
    b = load_gray(render_png("second code").data)
    canvas = np.full((max(a.shape[0], b.shape[0]), a.shape[1] + b.shape[1] + 40), 255, dtype=np.uint8)
    canvas[:a.shape[0], :a.shape[1]] = a
    canvas[:b.shape[0], a.shape[1] + 40:] = b
    return canvas


def test_two_codes_in_one_image_are_an_explicit_multi_result() -> None:
    scan = read(_two_codes())
    assert scan.multiple
    expected = sorted([JPQR.encode("utf-8"), b"second code"])
    for reader in ("zxing", "opencv", "pyzbar"):
        assert sorted(scan.payloads(reader)) == expected, reader
    assert scan.codes == {"zxing": 2, "opencv": 2, "pyzbar": 2}


def test_image_without_a_code_gives_no_code_from_every_reader() -> None:
    scan = read(np.full((120, 120), 255, dtype=np.uint8))
    assert scan.primary is None and not scan.multiple
    assert [(r.reader, r.error) for r in scan.results] == [(n, NO_CODE) for n in ("zxing", "opencv", "pyzbar")]


def test_jpeg_and_rgba_inputs_read_the_same_payload() -> None:
    png = render_png(JPQR).data
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(jpeg, "JPEG", quality=90)
    assert read(jpeg.getvalue()).payloads("zxing") == [JPQR.encode("utf-8")]
    # Transparent background: composited over white, as a screen or paper shows it.
    gray = load_gray(png)
    rgba = np.zeros(gray.shape + (4,), dtype=np.uint8)
    rgba[..., 3] = np.where(gray == 0, 255, 0)
    assert read(rgba, ["zxing"]).payloads("zxing") == [JPQR.encode("utf-8")]


def test_compare_reports_count_byte_and_text_differences() -> None:
    a = ReaderResult("zxing", b"abc", "abc", "abc")
    b = ReaderResult("opencv", b"abd", "abd", "abd")
    c = ReaderResult("pyzbar", b"abc", "ABC", "abc")
    codes, notes = compare([a, b, c], ["zxing", "opencv", "pyzbar"])
    assert codes == {"zxing": 1, "opencv": 1, "pyzbar": 1}
    assert any("bytes differ between zxing and opencv" in n and "byte 2" in n for n in notes)
    assert any("different text" in n for n in notes)
    codes, notes = compare([a, ReaderResult("opencv", error=NO_CODE)], ["zxing", "opencv"])
    assert codes == {"zxing": 1, "opencv": 0} and "different numbers of codes" in notes[0]
    assert compare([a, ReaderResult("opencv", b"abc", "abc", "abc")], ["zxing", "opencv"])[1] == ()


def test_read_array_names_an_unknown_reader() -> None:
    from qrinterop.errors import UsageError
    with pytest.raises(UsageError, match="unknown reader 'quirc'"):
        read_array(np.full((10, 10), 255, dtype=np.uint8), ["quirc"])


def test_read_png_and_read_png_all_for_the_iut_layer() -> None:
    from qrinterop.imaging import NoCodeError, read_png, read_png_all
    assert read_png(render_png(JPQR)) == JPQR  # a Rendered is the PNG's bytes
    mojibake = JPQR.encode("utf-8").decode("shift_jis")
    assert read_png_all(render_png(JPQR, RenderOptions(variant="utf8")).data) == {
        "zxing": JPQR, "pyzbar": mojibake, "opencv": JPQR}
    sjis = read_png_all(render_png(JPQR, RenderOptions(variant="sjis-default")))
    assert sjis["zxing"] is None and sjis["pyzbar"] == JPQR  # Shift_JIS bytes are not UTF-8; ZBar converts
    with pytest.raises(NoCodeError, match="no QR code"):
        read_png(np.full((50, 50), 255, dtype=np.uint8))
    with pytest.raises(NoCodeError, match="holds 2 QR codes"):
        read_png(_two_codes())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=valid_payloads)
def test_generated_valid_emv_payloads_round_trip(payload: str) -> None:
    """Valid EMV payloads from the shared strategies (kana, CJK, astral, combining marks in S fields)."""
    scan = read(render_png(payload, RenderOptions(variant="utf8-eci")))
    expected = payload.encode("utf-8")
    assert scan.payloads("zxing") == [expected]
    assert scan.payloads("opencv") in ([expected], [])
    assert scan.by_reader("pyzbar")[0].details["raw_bytes"] == expected


def test_reading_from_several_threads_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor
    png = render_png(JPQR)
    with ThreadPoolExecutor(max_workers=4) as pool:
        scans = list(pool.map(lambda _: read(png), range(8)))
    assert all(s.payloads("zxing") == s.payloads("opencv") == [JPQR.encode("utf-8")] for s in scans)


def _profile_samples() -> list:
    """The public sample payload of every profile (tests/profiles/samples.py, the profiles part's)."""
    import importlib.util

    from qrinterop.paths import ROOT
    path = ROOT / "tests" / "profiles" / "samples.py"
    if not path.is_file():
        return []
    spec = importlib.util.spec_from_file_location("imaging_profile_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.SAMPLES)


@pytest.mark.parametrize("sample", _profile_samples() or [None], ids=lambda s: s.key if s else "none")
def test_every_profile_sample_round_trips_in_every_utf8_variant(sample) -> None:
    if sample is None:
        pytest.skip("tests/profiles/samples.py is not there")
    expected = sample.payload.encode("utf-8")
    for variant in ("utf8-eci", "utf8"):
        scan = read(render_png(sample.payload, RenderOptions(variant=variant)))
        assert scan.payloads("zxing") == [expected], (sample.profile, variant)
        assert scan.payloads("opencv") in ([expected], []), (sample.profile, variant)
        assert scan.by_reader("pyzbar")[0].details["raw_bytes"] == expected, (sample.profile, variant)
