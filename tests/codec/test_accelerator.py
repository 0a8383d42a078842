"""The optional C scanner (`qrinterop.emv._mpmscan`) and the pure-Python scanner agree exactly.

The accelerator reads only regular payloads and answers None for anything else; so on every input
either it returns None and the Python scanner reports at least one issue, or it returns the very
objects (same values, offsets, paths, children, same types) the Python scanner builds with no issue.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrinterop.emv import mpm
from qrinterop.strategies import valid_payloads
from tests.codec import differential as diff

needs_c = pytest.mark.skipif(not mpm.ACCELERATED, reason="C scanner not built (no compiler at install, "
                             "or QRINTEROP_PURE_PYTHON=1): the pure-Python path is the one in use")


def _exact(objects) -> list:
    """Every field with its exact type, recursively: equality alone would accept a str subclass."""
    return [(type(o), type(o[0]), o[0], type(o[1]), o[1], type(o[2]), o[2], type(o[3]), o[3],
             None if o[4] is None else (type(o[4]), _exact(o[4]))) for o in objects]


def _agree(text: str) -> bool:
    fast = mpm._accelerated_scan(text)
    slow = mpm._scan_python(text)
    if fast is None:
        assert slow.issues, f"C scanner refused a payload the Python scanner reads cleanly: {text!r}"
        return False
    assert type(fast) is tuple and not slow.issues, text
    assert _exact(fast) == _exact(slow.objects), text
    assert repr(fast) == repr(slow.objects)
    return True


@needs_c
def test_both_scanners_agree_on_the_golden_corpus() -> None:
    inputs = [p for p in diff.corpus(diff.load()["base"]) if isinstance(p, str) and len(p) <= mpm.MAX_INPUT_LENGTH]
    accepted = sum(_agree(p) for p in inputs)
    # both branches are exercised: most base payloads are regular, most mutations are not
    assert accepted > 1_000 and len(inputs) - accepted > 3_000


@needs_c
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.one_of(st.text(max_size=200), st.text("0123456789", max_size=200), valid_payloads,
                 st.tuples(valid_payloads, valid_payloads, st.integers(0, 2**32)).map(
                     lambda t: diff.mutate(random.Random(t[2]), t[0], t[1])).filter(lambda p: isinstance(p, str))))
def test_both_scanners_agree_on_generated_text(text: str) -> None:
    _agree(text)


@needs_c
@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.one_of(st.text(max_size=400), st.text("0123456789", max_size=300), valid_payloads,
                 st.tuples(valid_payloads, valid_payloads, st.integers(0, 2**32)).map(
                     lambda t: diff.mutate(random.Random(t[2]), t[0], t[1])).filter(lambda p: isinstance(p, str))))
def test_both_scanners_agree_fuzz(text: str) -> None:
    _agree(text)


@needs_c
def test_accelerator_edges() -> None:
    for text in ["", "0", "0001", "00010", "0002019", "00020100020", "6304ABCD", "\ud800\ud800\ud800",
                 "0002é1", "0003éカ𠮷", "00020101021126050001a", "2605000100", "62080001a0001b",
                 "6209500500010", "0099" + "9" * 99, "00" + "99" + "x" * 98]:
        _agree(text)
    from qrinterop.emv.dictionary import ROOT_TEMPLATES
    every_id = "".join(f"{i:02d}050001x" if f"{i:02d}" in ROOT_TEMPLATES else f"{i:02d}01x" for i in range(100))
    assert _agree(every_id) and len(mpm._accelerated_scan(every_id)) == 100  # all 100 IDs in one level
    assert not _agree(every_id + "0001x")        # a 101st object repeats an ID: Python words it
    flat = "".join(f"{i:02d}01x" for i in range(100))
    assert not _agree(flat)  # templates among them hold "x", not TLV: Python reports it
    assert mpm._accelerated_scan("0003éカ𠮷")[0].value == "éカ𠮷"
    nested = mpm._accelerated_scan("621350090005abcde")  # 62 > 50 (a payment-system template) > 00
    assert nested[0].children[0].children[0][2:4] == (8, "62.50.00") and _agree("621350090005abcde")
    assert mpm._accelerated_scan("261350090005abcde")[0].children[0].children is None  # 26.50 is primitive
    with pytest.raises(TypeError):
        mpm._accelerated_scan(b"000201")


def test_pure_python_switch() -> None:
    """QRINTEROP_PURE_PYTHON=1 forces the fallback (the path a machine without a compiler uses)."""
    env = {**os.environ, "QRINTEROP_PURE_PYTHON": "1"}
    code = ("from qrinterop.emv import mpm; from qrinterop.rules import validate; "
            "from tests.codec.samples import JPQR_MERCARI as p; "
            "print(mpm.ACCELERATED, validate(p, 'jpqr').valid, mpm.parse_mpm(p).objects[-1].id)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True", "63"]


@needs_c
def test_accelerator_keeps_reference_counts_balanced() -> None:
    """Shared objects (the interned ID strings) neither leak nor lose references, on the regular
    path nor on the early exits of an irregular payload (a nested template that goes wrong)."""
    regular = "00020101021126050001a5204581253033925802JP5901X6001Y63041AD6"
    tag = mpm._accelerated_scan(regular)[0][0]
    before = sys.getrefcount(tag)
    for _ in range(2000):
        mpm._accelerated_scan(regular)
        mpm._accelerated_scan("000201010211260500010")           # bad length inside a template
        mpm._accelerated_scan("0002010002016209500400010")        # duplicate ID after a template
    assert sys.getrefcount(tag) == before
