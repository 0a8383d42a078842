"""`qrinterop serve` usage errors are plain messages with exit code 2."""
from __future__ import annotations

import pytest

from qrinterop.cli import main


@pytest.mark.parametrize("argv, expected", [
    (["serve", "--wallets", "paypay,nopay"], "unknown wallet id(s) nopay"),
    (["serve", "--port", "0"], "--port 0"),
    (["serve", "--max-body", "0"], "must be positive"),
])
def test_usage_errors(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_state_file_that_is_not_a_database(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    assert main(["serve", "--state", str(bad)]) == 2
    assert "cannot open as a SQLite database" in capsys.readouterr().err
