"""`qrinterop demo`: the whole scenario from the CLI; the images it writes are the codes paid."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qrinterop.cli import main
from qrinterop.imaging import read
from qrinterop.rules import validate


def test_demo_runs_the_scenario_and_writes_the_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "codes"
    assert main(["demo", "--out", str(out), "--wallets", "paypay,linepay,merpay"]) == 0
    text = capsys.readouterr().out
    for wallet in ("paypay", "linepay", "merpay"):
        assert f"[{wallet}] app scans the image: {wallet}: pay" in text
        assert f"to {wallet}'s API" in text
        assert f"PAID by {wallet}; shop notified (1 webhook, signature valid)" in text
    assert "[race]" in text and "PAID once" in text and "[static]" in text and "[refund]" in text
    images = sorted(out.glob("*.png"))
    assert [p.name for p in images] == ["order-1-paypay.png", "order-2-linepay.png", "order-3-merpay.png", "race.png",
                                        "static-sticker.png"]
    for png in images:
        payload = read(png.read_bytes()).primary.utf8
        assert payload is not None and validate(payload, "jpqr").violations == []


def test_demo_json_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--wallets", "dbarai", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] and [s["step"] for s in doc["steps"]][:5] == ["setup", "order", "scan", "route", "paid"]
    assert main(["demo", "--wallets", "bitcoin"]) == 2
    assert "unknown wallet" in capsys.readouterr().err
