"""The command-line options of the wallet API conformance tests, as a plugin module.

With `--pyargs`, pytest loads no conftest before it parses the command line, so an option a
conftest adds is unknown at that point; load this module with `-p` (or as a `pytest11` entry
point) to make `--qri-wallet-url` known. The package's conftest adds the same options when it is
collected by path. Adding twice is harmless.
"""
from __future__ import annotations

import pytest


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("qrinterop-wallet-api", "qrinterop wallet API conformance")
    for name, kw in (("--qri-wallet-url", {"default": None, "metavar": "URL",
                                       "help": "wallet API implementation under test, e.g. http://127.0.0.1:8700 "
                                               "(each wallet under /<id>, control API under /_sim); default: the "
                                               "in-process simulators"}),
                     ("--qri-wallet-ids", {"default": None, "metavar": "IDS",
                                       "help": "comma list of wallets to test (default: every wallet the IUT serves)"})):
        try:
            group.addoption(name, **kw)
        except ValueError:           # already added (plugin and conftest both loaded)
            pass


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
