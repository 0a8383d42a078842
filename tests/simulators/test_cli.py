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


def test_unreachable_postgresql_state_is_a_usage_error_without_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg", reason="psycopg is needed for the PostgreSQL store")
    assert main(["serve", "--state", "postgresql://sim:hunter2@127.0.0.1:1/sim"]) == 2
    err = capsys.readouterr().err
    assert "cannot open as a PostgreSQL database" in err and "hunter2" not in err and "sim:***@" in err


@pytest.mark.parametrize("argv, expected", [
    (["serve", "--max-fault-latency", "-1"], "--max-fault-latency"),
    (["serve", "--max-fault-latency", "90000"], "--max-fault-latency"),
])
def test_fault_options_are_checked(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert expected in capsys.readouterr().err
