"""pytest plugin (entry point `pytest11`): the options that point the conformance suite at an IUT."""
from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qrinterop", "qrinterop conformance")
    group.addoption("--iut", default=None, help="implementation under test: python:mod:factory | jsonl:<cmd> | http://host:port")
    group.addoption("--profile", default=None, help="profile(s) to certify, comma separated (default: all the IUT declares)")
    group.addoption("--vectors", default=None, help="vector directory (default: the bundled vectors/)")
