"""`qrinterop render` and `qrinterop scan` end to end (the issue's done-when is the first test)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from imaging_payloads import JP_NAME, JPQR
from qrinterop.cli import main


def test_scan_of_rendered_jpqr_prints_japanese_name_byte_exact_and_what_pyzbar_made(tmp_path: Path, capsys) -> None:
    code = tmp_path / "code.png"
    assert main(["render", JPQR, "-o", str(code)]) == 0
    assert "utf-8 with ECI 26" in capsys.readouterr().out
    assert main(["scan", str(code), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by_reader = {r["reader"]: r for r in doc["results"]}
    exact = JPQR.encode("utf-8").hex()
    assert by_reader["zxing"]["bytes_hex"] == exact and by_reader["opencv"]["bytes_hex"] == exact
    assert "pyzbar" in by_reader and by_reader["pyzbar"]["ok"]
    assert doc["explain"][0]["payload"] == JPQR
    assert JP_NAME in doc["explain"][0]["explain"]  # the explanation shows the merchant name too

    assert main(["scan", str(code)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and line.split()}
    for reader in ("zxing", "opencv", "pyzbar"):
        assert JP_NAME in lines[reader], reader
    assert f"payload (zxing): {JPQR}" in out


def test_scan_shows_pyzbar_mojibake_for_utf8_without_eci(tmp_path: Path, capsys) -> None:
    code = tmp_path / "code.png"
    assert main(["render", JPQR, "-o", str(code), "--variant", "utf8"]) == 0
    capsys.readouterr()
    assert main(["scan", str(code), "--reader", "both"]) == 1   # the readers disagree: not interoperable
    out = capsys.readouterr().out
    pyzbar_line = next(line for line in out.splitlines() if line.strip().startswith("pyzbar"))
    assert JP_NAME not in pyzbar_line
    assert JPQR.encode("utf-8").decode("shift_jis") in pyzbar_line  # the mojibake itself
    assert "ZBar transcoded" in out and "readers DISAGREE" in out
    assert main(["scan", str(code), "--lenient"]) == 0  # asked to: report, but do not fail
    capsys.readouterr()


def test_scan_of_image_without_code_exits_1(tmp_path: Path, capsys) -> None:
    from PIL import Image
    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    assert main(["scan", str(blank)]) == 1
    assert "no reader found a QR code" in capsys.readouterr().out


def test_render_svg_and_usage_errors(tmp_path: Path, capsys) -> None:
    svg = tmp_path / "code.svg"
    assert main(["render", "hello", "-o", str(svg)]) == 0
    assert svg.read_bytes().lstrip().startswith(b"<?xml")
    with pytest.raises(SystemExit) as exited:  # argparse's choice check: exit 2, usage printed
        main(["render", "hello", "-o", str(tmp_path / "x.png"), "--variant", "latin1"])
    assert exited.value.code == 2
    assert main(["render", "hello", "-o", str(tmp_path / "x.png"), "--scale", "0"]) == 1
    assert "scale 0" in capsys.readouterr().err
    assert main(["render", "hello", "-o", str(tmp_path / "no-such-dir" / "x.png")]) == 2
    assert "cannot write" in capsys.readouterr().err
