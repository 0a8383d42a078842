"""Property tests: round trips, and no input of any kind makes the codec raise a foreign error."""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrinterop.emv.cpm import scan_cpm
from qrinterop.emv.mpm import build_mpm, parse_mpm
from qrinterop.errors import QrInteropError
from qrinterop.rules import validate
from qrinterop.strategies import valid_objects, valid_payloads
from tests.codec.samples import VALID_MPM

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(valid_objects())
def test_parse_of_build_is_the_tree(objects):
    tree = parse_mpm(build_mpm(objects)).to_objects()
    assert tree[:-1] == objects and tree[-1]["id"] == "63"


@FAST
@given(valid_payloads)
def test_generated_payloads_are_valid_and_canonical(payload):
    report = validate(payload)
    assert report.valid, [v.describe() for v in report.violations]
    assert build_mpm(parse_mpm(payload).to_objects()) == payload


def _check_never_crashes(data):
    try:
        report = validate(data, "auto")
    except QrInteropError:
        return
    assert isinstance(report.valid, bool)
    for v in report.violations:
        assert v.rule and v.message


@FAST
@given(st.text(max_size=300))
def test_arbitrary_text(text):
    _check_never_crashes(text)


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data):
    _check_never_crashes(data)
    scan_cpm(data)


def _mutate(rng: random.Random, payload: str) -> str:
    raw = bytearray(payload.encode("utf-8", "surrogateescape"))
    kind = rng.choice(["flip", "cut", "splice", "insert", "delete"])
    if not raw:
        return ""
    i = rng.randrange(len(raw))
    if kind == "flip":
        raw[i] ^= 1 << rng.randrange(8)
    elif kind == "cut":
        raw = raw[:i]
    elif kind == "splice":
        other = rng.choice(VALID_MPM).encode()
        raw = raw[:i] + other[rng.randrange(len(other)):]
    elif kind == "insert":
        raw[i:i] = bytes([rng.randrange(256)])
    else:
        del raw[i]
    return raw.decode("utf-8", "surrogateescape") if rng.random() < 0.5 else bytes(raw)


@FAST
@given(st.sampled_from(VALID_MPM), st.integers(0, 2**32), st.integers(1, 4))
def test_mutated_payloads(payload, seed, rounds):
    rng = random.Random(seed)
    for _ in range(rounds):
        mutated = _mutate(rng, payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))
        _check_never_crashes(mutated)
        payload = mutated if isinstance(mutated, str) else mutated.decode("utf-8", "replace")


@FAST
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", max_size=200))
def test_arbitrary_base64_as_cpm(text):
    try:
        validate("hQVDUFY" + text, "cpm")
    except QrInteropError:
        pass
