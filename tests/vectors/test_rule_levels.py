"""Every rule's level is traced (issue 14 item 5): its source or description names where the level
comes from — a spec clause, the research notes (`notes/…`, `[solid …]`, `[observed]`), the
implementation it was seen in — or says it is our choice. A rule added without saying why it is
MUST, SHOULD or MAY fails here."""
from __future__ import annotations

import re

from qrinterop.conformance.suite_rules import SUITE_RULES
from qrinterop.rules import catalogue

TRACE = re.compile(r"notes/|\[solid|\[observed|our choice|§|Annex|Table|as seen in|as implemented by|"
                   r"mercari|kenmaz|DESIGN|\[modelling choice\]|\[uncertain\]|\[general knowledge", re.IGNORECASE)


def test_every_catalogue_rule_says_where_its_level_comes_from():
    untraced = [r.id for r in catalogue() if not TRACE.search(f"{r.source} {r.description}")]
    assert untraced == []


def test_every_suite_rule_says_where_its_level_comes_from():
    untraced = [r["id"] for r in SUITE_RULES if not TRACE.search(f"{r['source']} {r['description']}")
                and "conformance suite" not in r["source"]]
    assert untraced == []


def test_jpqr_amount_integer_is_marked_our_choice():
    rule = next(r for r in catalogue() if r.id == "jpqr.amount.integer")
    assert "our choice" in rule.description.lower() and "A5" in rule.description
