"""Report tests build from fixture run records: they never reopen the IUT those records name to
measure image robustness (build_reports does that for certify); the tests that draw robustness
curves measure or write robustness.json themselves."""
import pytest


@pytest.fixture(autouse=True)
def _no_robustness_measurement(monkeypatch):
    monkeypatch.setenv("QRINTEROP_ROBUSTNESS", "0")
