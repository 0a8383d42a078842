"""The mutation battery (issue 14 item 6): every mutant IUT — the reference with one realistic bug —
must fail the suite, and the suite must name the planted rule first (the rule charged by the most
failed tests). In-process (qrinterop.conformance.selfcheck), a few seconds for the whole battery.

Figures for docs/conformance.md: `PYTHONPATH=tests/mutants python -m qrinterop.conformance.selfcheck mutants`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import mutants as battery  # noqa: E402

from qrinterop.conformance import selfcheck  # noqa: E402
from qrinterop.iut.reference import ReferenceIut  # noqa: E402


def test_the_battery_has_at_least_40_distinct_mutants():
    assert len(battery.ALL) >= 40
    assert len({m.__name__ for m in battery.ALL}) == len(battery.ALL)
    assert all(m.PLANTED and m.WHY for m in battery.ALL)


def test_the_reference_itself_fails_nothing():
    """The control: without a planted bug the same judging finds nothing (else a kill means nothing)."""
    check = selfcheck.run(ReferenceIut())
    assert check.tests > 400 and check.failed == []


@pytest.mark.parametrize("mutant", battery.ALL, ids=lambda m: m.__name__)
def test_mutant_is_killed_and_blamed_on_its_planted_rule(mutant):
    check = selfcheck.run(mutant())
    assert check.failed, f"{mutant.__name__} ({mutant.WHY}) passes the suite"
    assert check.named_first == mutant.PLANTED, (
        f"{mutant.__name__}: planted {mutant.PLANTED}, the suite names {check.named_first} first "
        f"(charged: {dict(check.charged)})")


@pytest.mark.parametrize("variant", battery.LEGITIMATE, ids=lambda m: m.__name__)
def test_a_legitimate_variant_is_not_failed(variant):
    """No false positives: choices the spec leaves open (a CRC-checking parser, a builder that
    sorts, or omits an empty object) pass, at most with a warning."""
    check = selfcheck.run(variant())
    assert check.tests > 400
    assert check.failed == [], [(tid, o.message) for tid, o in check.failed[:3]]


@pytest.mark.parametrize("mutant", battery.EQUIVALENT_MUTANTS, ids=lambda m: m.__name__)
def test_an_equivalent_mutant_ends_in_a_warning_on_its_rule_not_a_failure(mutant):
    assert mutant.__name__ in battery.EQUIVALENT
    check = selfcheck.run(mutant())
    assert check.failed == []
    assert any(mutant.PLANTED in o.rules for _, o in check.warned), [o.message for _, o in check.warned[:3]]
