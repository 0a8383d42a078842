"""The `pytest11` entry point: loaded into every pytest session of an environment with qrinterop.

It must be safe there. So it only declares options, all prefixed `--qri-` (generic names such as
`--profile` clash with other plugins: pytest-profiling owns `--profile`), and it switches the
conformance suite plugin (`qrinterop.plugin`) on only in a session that asks for it:

- a `--qri-…` option that points the suite somewhere (`--qri-iut`, `--qri-vectors`, …), or
- an argument naming the suite: `--pyargs qrinterop.conformance[.…]`, or a path inside it.

Any other pytest session — someone's unrelated project in the same virtualenv — gets no hooks,
no fixtures, no markers and no imports beyond this module. With PYTEST_DISABLE_PLUGIN_AUTOLOAD
set, load it by hand: `pytest -p qrinterop.pytest_entry …`.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SUITE_PLUGIN = "qrinterop.plugin"
SUITE_PACKAGE = "qrinterop.conformance"

# Options that aim the suite at something: any of them set means the session wants the suite.
_SUITE_OPTIONS = ("qri_iut", "qri_vectors", "qri_profile", "qri_run_record", "qri_expected_failures", "qri_error_codes",
                  "qri_wallet_url", "qri_wallet_ids")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qrinterop", "qrinterop conformance (active only with --qri-… or --pyargs qrinterop.conformance)")
    group.addoption("--qri-iut", default=None, metavar="SPEC",
                    help="implementation under test: python:mod:factory | jsonl:<cmd> | http://host:port "
                         "(default: the bundled reference)")
    group.addoption("--qri-profile", default=None, metavar="P[,P…]",
                    help="profile(s) to certify, comma separated (default: all the IUT declares)")
    group.addoption("--qri-vectors", default=None, metavar="DIR", help="vector directory (default: the bundled vectors)")
    group.addoption("--qri-expected-failures", default=None, metavar="FILE",
                    help="JSON {rule-or-vector-id: reason}: known deviations, shown as expected-failure")
    group.addoption("--qri-error-codes", default=None, metavar="FILE",
                    help="JSON {IUT error code: catalogue rule id}: read the IUT's own error codes as rule ids")
    group.addoption("--qri-run-record", default=None, metavar="PATH", help="write the run record (run.json) here")
    group.addoption("--qri-timeout", type=float, default=5.0, metavar="S", help="per-request IUT timeout (jsonl, http)")
    group.addoption("--qri-examples", type=int, default=None, metavar="N",
                    help="hypothesis examples per property test (default: small, see docs/conformance.md)")
    # With --pyargs pytest reads the command line before any conftest, so the wallet API suite's
    # options are declared here too (its conftest tolerates them being declared already).
    from qrinterop.conformance.wallet_api.options import add_options
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    if suite_requested(config) and not config.pluginmanager.has_plugin(SUITE_PLUGIN):
        # pytest_configure is a historic hook: the suite plugin's own configure still runs.
        config.pluginmanager.register(importlib.import_module(SUITE_PLUGIN), SUITE_PLUGIN)


def suite_requested(config: pytest.Config) -> bool:
    """True when this session runs the conformance suite (see the module docstring)."""
    if any(config.getoption(dest, None) for dest in _SUITE_OPTIONS):
        return True
    return any(_names_suite(str(arg)) for arg in config.args)


def _names_suite(arg: str) -> bool:
    target = arg.split("::", 1)[0]
    if target == SUITE_PACKAGE or target.startswith(SUITE_PACKAGE + "."):
        return True
    spec = importlib.util.find_spec(SUITE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return False
    path = Path(target).resolve()
    return any(path == Path(root).resolve() or Path(root).resolve() in path.parents
               for root in spec.submodule_search_locations)
