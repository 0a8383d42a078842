"""The fast codec and validator answer exactly what the code before the speed work answered.

See `differential.py`: every output (objects, offsets, paths, issues, parse errors, every violation's
rule/message/path/offset/value/level under "emv" and "auto", built payloads and build errors) of
~15,000 inputs is compared with the golden digests recorded from commit a2d1216, and on any
mismatch the frozen copy of that code shows what differs.
"""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrinterop.emv import mpm
from qrinterop.emv.mpm import build_mpm, parse_mpm, scan_mpm
from qrinterop.rules import validate
from qrinterop.strategies import valid_payloads
from tests.codec import differential as diff
from tests.codec.reference import mpm_v0, validate_v0


@pytest.fixture(scope="module")
def golden() -> dict:
    return diff.load()


@pytest.fixture(scope="module")
def inputs(golden) -> list:
    found = diff.corpus(golden["base"])
    assert diff.corpus_digest(found) == golden["corpus_digest"], \
        "the mutation corpus is not the one recorded (random.Random or differential.py changed)"
    return found


def _explain(payload) -> str:
    live = diff.outputs(payload, scan_mpm, parse_mpm, validate)
    ref = diff.outputs(payload, mpm_v0.scan_mpm, mpm_v0.parse_mpm, validate_v0.validate)
    parts = [f"input {payload!r}"]
    for a, b in zip(live, ref):
        if a != b:
            parts.append(f"  live: {a!r}\n  then: {b!r}")
    if live == ref:
        parts.append("  (live equals the frozen copy: a shared dependency or a national profile changed; "
                     "re-record only if that change is intended)")
    return "\n".join(parts)


def test_corpus_is_large_and_mixed(inputs) -> None:
    assert len(inputs) > 10_000
    assert sum(isinstance(p, bytes) for p in inputs) > 300
    assert sum(isinstance(p, str) and "\ud800" in p for p in inputs) > 10
    assert sum(isinstance(p, str) and not scan_mpm(p).ok for p in inputs) > 3_000


@pytest.fixture(params=["as-installed", "pure-python"])
def scanner(request, monkeypatch) -> str:
    """Run once as installed (C scanner when built) and once with the pure-Python scanner only."""
    if request.param == "pure-python":
        monkeypatch.setattr(mpm, "_accelerated_scan", None)
    return request.param


def test_every_output_matches_the_recorded_one(golden, inputs, scanner) -> None:
    bad = [p for p, want in zip(inputs, golden["outputs"])
           if diff.digest(diff.outputs(p, scan_mpm, parse_mpm, validate)) != want]
    assert not bad, f"{len(bad)} of {len(inputs)} inputs differ; first:\n" + "\n".join(_explain(p) for p in bad[:3])


def test_every_build_matches_the_recorded_one(golden, inputs) -> None:
    # the live scanner makes the builder's DataObject inputs (build_mpm checks their class); the
    # scanner's own outputs are pinned by the test above
    builds = diff.build_inputs(golden["objects"], scan_mpm, inputs)
    assert len(builds) == len(golden["builds"])
    bad = [(b, diff.build_outputs(b, build_mpm)) for b, want in zip(builds, golden["builds"]) if diff.digest(diff.build_outputs(b, build_mpm)) != want]
    assert not bad, f"{len(bad)} builds differ; first: {bad[:2]!r}"


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.one_of(st.text(max_size=300), valid_payloads,
                 st.tuples(valid_payloads, valid_payloads, st.integers(0, 2**32)).map(
                     lambda t: diff.mutate(random.Random(t[2]), t[0], t[1]))))
def test_fuzz_live_equals_frozen_copy(payload) -> None:
    live = diff.outputs(payload, scan_mpm, parse_mpm, validate)
    ref = diff.outputs(payload, mpm_v0.scan_mpm, mpm_v0.parse_mpm, validate_v0.validate)
    assert live == ref, _explain(payload)


def test_build_accepts_the_same_object_kinds_as_before() -> None:
    """The builder's dict fast path: other Mappings, DataObjects, pairs and junk behave as before."""
    from types import MappingProxyType

    def kinds(scan):  # each module's own DataObjects (the builder checks their class)
        parsed = scan("00020101021126050001a5204581253033925802JP5901X6001Y6304ABCD")
        return [list(parsed.objects), [MappingProxyType(o.to_obj()) for o in parsed.objects],
                [(o.id, o.value) for o in parsed.objects if o.children is None],
                [{"value": "01"}], [MappingProxyType({"value": "01"})], [("00",)], [3], [None], [("00", 1)],
                [{"id": "26", "children": [MappingProxyType({"id": "00", "value": "a"}), ("01", "b")]}]]
    for live, then in zip(kinds(scan_mpm), kinds(mpm_v0.scan_mpm)):
        assert diff.build_outputs(live, build_mpm) == diff.build_outputs(then, mpm_v0.build_mpm), live
