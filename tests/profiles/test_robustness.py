"""Every profile's checks, detection, names and descriptions survive any payload: damaged copies
of the samples must give findings, never an exception."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from qrinterop.rules import get_profile, validate
from tests.profiles.samples import SAMPLES

PROFILES = ["jpqr", "pix", "sgqr", "promptpay", "qris", "upi", "bharatqr", "duitnow", "qrph", "vietqr", "khqr", "fps"]


@st.composite
def damaged(draw):
    text = draw(st.sampled_from([s.payload for s in SAMPLES]))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["cut", "put", "drop"]))
        if op == "cut":
            text = text[:i]
        elif op == "put":
            text = text[:i] + draw(st.sampled_from(list("0123456789@.*A あ"))) + text[i + 1:]
        else:
            text = text[:i] + text[i + 4:]
    return text


@settings(max_examples=150, deadline=None, derandomize=True)
@given(damaged())
def test_damaged_payloads_never_raise(text):
    auto = validate(text, "auto")
    for name in PROFILES:
        report = validate(text, name)
        assert all(v.rule and v.message for v in report.violations)
        profile = get_profile(name)
        if profile.describe is not None:
            assert isinstance(profile.describe(report.parsed), list)
        if profile.names is not None:
            assert isinstance(profile.names(report.parsed), dict)
    assert auto.profiles[0] == "emv"
