"""The mutations that write bad payloads on purpose."""
from __future__ import annotations

import pytest

from qrinterop.emv.crc import crc_hex
from qrinterop.vectorsets.model import add, length, set_, tune
from qrinterop.vectorsets.mutate import CRC_HERE, CaseError, build_mpm_case, crc_value, tree_from_pairs

TREE = [("00", "01"), ("64", [("00", "JA"), ("01", "𠮷野家")])]


def build(edits=(), crc="ok", suffix=""):
    return build_mpm_case(tree_from_pairs(TREE), list(edits), crc, suffix)


def test_lengths_in_each_unit():
    assert "0103𠮷野家" in build()                                   # characters
    assert "0110𠮷野家" in build([length("64.01", "utf8")])          # 4 + 3 + 3 bytes
    assert "0104𠮷野家" in build([length("64.01", "utf16")])         # surrogate pair + 2
    assert "01XY𠮷野家" in build([length("64.01", "XY")])


def test_crc_modes():
    covered = "0002016413" + "0002JA0103𠮷野家" + "6304"
    assert build().endswith("6304" + crc_hex(covered))
    kanji = [set_("64.01", "野家")]  # 𠮷 has no Shift_JIS code
    assert len({build(kanji, crc="sjis"), build(kanji, crc="utf16"), build(kanji)}) == 3
    assert crc_value("ABC6304", "lower") == crc_hex("ABC6304").lower()
    assert build(crc="none").endswith("𠮷野家")
    with pytest.raises(CaseError, match="cannot be encoded"):
        build(crc="latin1")


def test_unpadded_crc_drops_leading_zeros():
    text = build([tune("64.01", "x", "leading-zero")], crc="unpadded")
    at = text.rindex("63")
    assert text[at + 2:at + 4] in ("03", "02", "01") and not text[at + 4:].startswith("0")


def test_crc_placed_mid_payload():
    text = build([add("63", CRC_HERE, at=1)])
    assert text.startswith("0002016304") and text.endswith("𠮷野家")
    assert text[6:14] == "6304" + crc_hex("0002016304")


def test_tune_is_deterministic_and_meets_its_predicate():
    a, b = build([tune("64.01", "n", "leading-zero")]), build([tune("64.01", "n", "leading-zero")])
    assert a == b and a[-4] == "0"


def test_errors_name_the_path():
    with pytest.raises(CaseError, match="62.05"):
        build([set_("62.05", "x")])
    with pytest.raises(CaseError, match="does not fit"):
        build([set_("64.01", "x" * 120)])


def test_garble_is_what_a_charset_guessing_reader_returns():
    from qrinterop.vectorsets.mutate import garble
    assert garble("カ", "utf8-read-as-latin1") == "\xe3\x82\xab"
    assert garble("カフェ", "utf8-read-as-sjis") == "カフェ".encode().decode("shift_jis", errors="replace")
    assert garble("ABC", "utf8-read-as-sjis") == "ABC"
    with pytest.raises(CaseError, match="unknown garble"):
        garble("x", "rot13")


def test_cpm_encoder_reproduces_the_spec_examples():
    from qrinterop.vectorsets.cases import cpm
    from qrinterop.vectorsets.mutate import cpm_text
    assert cpm_text(cpm.EX1, None) == cpm.EX1_TEXT
    assert cpm_text(cpm.EX1, "nopad") == cpm.EX1_TEXT.rstrip("=")


def test_grapheme_count_on_the_texts_the_vectors_use():
    from qrinterop.vectorsets.cases.charset import FLAG, JA_NFD
    from qrinterop.vectorsets.mutate import graphemes
    assert (len(JA_NFD), graphemes(JA_NFD)) == (11, 9)      # two combining voiced marks
    assert (len(FLAG), graphemes(FLAG)) == (8, 7)            # one flag = two regional indicators
    assert graphemes("🇯🇵🇧🇷") == 2 and graphemes("👨\u200d👩\u200d👧") == 1 and graphemes("☕\ufe0f") == 1
    assert "0109" + JA_NFD in build([set_("64.01", JA_NFD), length("64.01", "graphemes")])
