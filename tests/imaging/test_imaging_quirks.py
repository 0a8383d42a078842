"""reader_matrix: reader behaviour as data, in the shape its docstring promises."""
from __future__ import annotations

from imaging_payloads import EMV_CN, JPQR
from qrinterop.imaging import reader_matrix
from qrinterop.imaging.quirks import markdown_table, summarize

KEYS = {"variant", "encoding", "eci", "reader", "decoded", "exact_utf8", "text_exact", "bytes_hex", "text",
        "raw_exact_utf8", "error"}


def _row(rows: list[dict], variant: str, reader: str) -> dict:
    [row] = [r for r in rows if r["variant"] == variant and r["reader"] == reader]
    return row


def test_jpqr_matrix_shape_and_the_measured_quirks() -> None:
    rows = reader_matrix(JPQR)
    assert len(rows) == 9 and all(set(r) == KEYS for r in rows)
    assert [(r["variant"], r["reader"]) for r in rows[:3]] == [("utf8-eci", "zxing"), ("utf8-eci", "opencv"),
                                                               ("utf8-eci", "pyzbar")]
    assert all(_row(rows, "utf8-eci", r)["exact_utf8"] for r in ("zxing", "opencv", "pyzbar"))
    plain = _row(rows, "utf8", "pyzbar")
    assert plain["decoded"] and not plain["exact_utf8"] and plain["raw_exact_utf8"] is True
    sjis = _row(rows, "sjis-default", "zxing")
    assert sjis["encoding"] == "shift_jis" and not sjis["eci"]
    assert not sjis["exact_utf8"] and sjis["text_exact"]
    assert bytes.fromhex(sjis["bytes_hex"]) == JPQR.encode("shift_jis")
    assert _row(rows, "sjis-default", "pyzbar")["exact_utf8"]       # ZBar converts Shift_JIS correctly
    assert _row(rows, "utf8", "zxing")["raw_exact_utf8"] is None     # raw bytes are a ZBar-only fact


def test_ascii_payload_is_exact_everywhere_and_summary_counts() -> None:
    ascii_payload = "00020101021153033925802JP5906SHOP 16007TOKYO 6304ABCD"
    rows = reader_matrix(ascii_payload, readers=["zxing", "pyzbar"])
    assert len(rows) == 6 and all(r["exact_utf8"] and r["encoding"] == "ascii" and not r["eci"] for r in rows)
    counts = summarize(rows + reader_matrix(JPQR, readers=["zxing", "pyzbar"]))
    assert counts[("utf8", "pyzbar")] == {"payloads": 2, "decoded": 2, "exact_utf8": 1, "text_exact": 1,
                                          "raw_exact_utf8": 2}


def test_markdown_table_counts_all_and_non_ascii() -> None:
    table = markdown_table([JPQR, EMV_CN, "00020101021153033925802JP5906SHOP 16007TOKYO 6304ABCD"])
    utf8_line = next(line for line in table.splitlines() if line.startswith("| utf8 |"))
    assert utf8_line.startswith("| utf8 | 3/3, 2/2 |")
