"""The images set: small and few, and the per-reader behaviour it records is what the readers do."""
from __future__ import annotations

from qrinterop.paths import VECTORS_DIR
from qrinterop.vectorsets.images import reader_flags, reader_rows
from tests.vectors.conftest import load
from tests.vectors.library_versions import require_recorded_library_versions


def _image_cases():
    doc = load(VECTORS_DIR / "images.json")
    return [t for g in doc["testGroups"] if g["operation"] == "decode_image" for t in g["tests"]]


def test_images_are_few_and_small():
    pngs = sorted((VECTORS_DIR / "images").glob("*.png"))
    assert 0 < len(pngs) <= 40
    assert sum(p.stat().st_size for p in pngs) < 2_000_000
    assert {f"images/{p.name}" for p in pngs} == {t["image"] for t in _image_cases()}


def test_recorded_reader_behaviour_is_what_the_readers_do():
    require_recorded_library_versions()
    for test in _image_cases():
        png = (VECTORS_DIR / test["image"]).read_bytes()
        rows = reader_rows(png, test["payload"])
        assert rows == test["readers"], test["tcId"]
        assert set(reader_flags(rows)) <= set(test["flags"]), test["tcId"]


def test_symbol_bytes_decide_the_result():
    """UTF-8 in the symbol: valid. Anything else (segno's Shift_JIS default for Japanese): acceptable,
    with exactly the rule the reference reports for those bytes."""
    seen = set()
    for test in _image_cases():
        expected = test["expected"]
        assert bytes.fromhex(expected["symbolBytesHex"]) == test["payload"].encode(expected["symbolEncoding"])
        if expected["symbolBytesHex"] == test["payloadHex"]:
            assert test["result"] == "valid"
        else:
            assert (test["result"], test["rules"]) == ("acceptable", ["mpm.payload.utf8"])
        seen.add((expected["variant"], test["result"]))
    assert ("sjis-default", "acceptable") in seen and ("sjis-default", "valid") in seen  # 𠮷 has no Shift_JIS
