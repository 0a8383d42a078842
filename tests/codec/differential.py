"""The differential corpus: what the codec and validator answered before they were made fast.

Two oracles pin the behaviour of `scan_mpm`, `parse_mpm`, `validate` and `build_mpm`:
- `golden/codec-v0.json.gz`, recorded once from the code at commit a2d1216 (before any speed work):
  the base payloads (every vector file's payloads, hypothesis `valid_objects` drawn derandomised,
  the benchmark mix), the object lists given to the builder, and one digest per input of every
  output. Mutations (bit flips, cuts, splices, length edits, CRC-fixed edits, lone surrogates, bytes)
  are derived from the base with a seeded `random.Random`, so they need not be stored.
- `reference/*_v0.py`, frozen copies of that code, which any new input can be run through (the
  slow fuzz test does), and which show *what* differs when a digest does not match.

    .venv/bin/python -m tests.codec.differential record   # only to re-record on purpose
"""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Callable

GOLDEN = Path(__file__).parent / "golden" / "codec-v0.json.gz"
SEED = 20261125
MUTATIONS_PER_BASE = 12
_NOISE = "0123456789" + "ABCZaz .-/" + "\x00\x1f\x7f\x85" + "éカ𠮷\u3000" + "\ud800"


def _vector_payloads() -> list[str]:
    from qrinterop.paths import VECTORS_DIR
    out: list[str] = []
    for f in sorted(Path(VECTORS_DIR).glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        for group in data.get("testGroups", []) if isinstance(data, dict) else []:
            for test in group.get("tests", []):
                if isinstance(test.get("payload"), str):
                    out.append(test["payload"])
    return out


def _hypothesis_objects(n: int = 400) -> list[list[dict]]:
    from hypothesis import HealthCheck, Phase, given, settings

    from qrinterop.strategies import valid_objects
    drawn: list[list[dict]] = []

    @settings(derandomize=True, max_examples=n, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), deadline=None)
    @given(valid_objects())
    def collect(objects):
        drawn.append(objects)

    collect()
    return drawn


def mutate(rng: random.Random, payload: str, other: str) -> str | bytes:
    """One random damage of `payload` (`other` is a splice partner)."""
    from tests.codec.reference.crc_v0 import crc_hex
    n = len(payload)
    kind = rng.randrange(11)
    if kind == 0 and n:                       # flip one bit of one character's code point
        i = rng.randrange(n)
        c = ord(payload[i]) ^ (1 << rng.randrange(8))
        return payload[:i] + chr(c) + payload[i + 1:]
    if kind == 1:                             # cut the tail
        return payload[:rng.randrange(n + 1)]
    if kind == 2:                             # cut a slice out
        i = rng.randrange(n + 1)
        return payload[:i] + payload[min(n, i + rng.randrange(1, 12)):]
    if kind == 3:                             # splice with another payload
        return payload[:rng.randrange(n + 1)] + other[rng.randrange(len(other) + 1):]
    if kind == 4:                             # insert noise
        i = rng.randrange(n + 1)
        return payload[:i] + "".join(rng.choice(_NOISE) for _ in range(rng.randrange(1, 4))) + payload[i:]
    if kind == 5 and n > 4:                   # edit a digit (often a length or an ID)
        i = rng.randrange(n)
        return payload[:i] + rng.choice("0123456789") + payload[i + 1:]
    if kind == 6 and n:                       # duplicate a segment
        i = rng.randrange(n)
        j = min(n, i + rng.randrange(1, 30))
        return payload[:j] + payload[i:j] + payload[j:]
    if kind == 7:                             # edit then fix the CRC, so the field rules run on it
        body = mutate(rng, payload, other)
        if isinstance(body, str) and len(body) >= 8 and body[-8:-4] == "6304":
            try:
                return body[:-4] + crc_hex(body[:-4])
            except UnicodeEncodeError:
                return body
        return body
    if kind == 8:                             # as bytes, sometimes with a byte flipped
        data = bytearray(payload.encode("utf-8", "surrogatepass"))
        if data and rng.random() < 0.5:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if kind == 9:                             # trailing garbage / whitespace after the CRC
        return payload + rng.choice(["\n", " ", "6304ABCD", "00", "\x00"])
    return payload.lower() if rng.random() < 0.3 else payload.swapcase()


def corpus(base: list[str]) -> list[str | bytes]:
    rng = random.Random(SEED)
    inputs: list[str | bytes] = list(base)
    for p in base:
        for _ in range(MUTATIONS_PER_BASE):
            inputs.append(mutate(rng, p, rng.choice(base)))
    inputs += ["", "0", "000", "0002", "000201", "6304", "63040000", "x" * 600, "0" * 70000]
    return inputs


def _plain(objects) -> tuple:
    return tuple((o[0], o[1], o[2], o[3], None if o[4] is None else _plain(o[4]), type(o).__name__)
                 for o in objects)


def _err(exc: Exception) -> tuple:
    return (type(exc).__name__, str(exc), *(getattr(exc, k, None) for k in ("rule", "path", "offset", "value")))


def outputs(payload: str | bytes, scan_mpm: Callable, parse_mpm: Callable, validate: Callable) -> tuple:
    """Everything a caller can observe about `payload`, as plain comparable data."""
    out: list = []
    if isinstance(payload, str):
        s = scan_mpm(payload)
        out.append(("scan", s.text == payload, _plain(s.objects), tuple(tuple(v) for v in s.issues),
                    tuple(type(v).__name__ for v in s.issues), s.ok))
        try:
            p = parse_mpm(payload)
            out.append(("parse", _plain(p.objects), p.to_objects()))
        except Exception as exc:  # the codec's own error type: compared by its fields
            out.append(("parse-error", _err(exc)))
    for profile in ("emv", "auto"):
        try:
            r = validate(payload, profile)
            out.append((profile, r.payload, r.profile, tuple(r.profiles), r.valid,
                        tuple(tuple(v) for v in r.violations)))
        except Exception as exc:
            out.append((profile + "-error", _err(exc)))
    return tuple(out)


def build_outputs(objects: list, build_mpm: Callable) -> tuple:
    out = []
    for order in ("given", "canonical"):
        try:
            out.append(build_mpm(objects, order=order))
        except Exception as exc:
            out.append(_err(exc))
    return tuple(out)


def digest(value: tuple) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def corpus_digest(inputs: list) -> str:
    return digest(tuple(inputs))


def build_inputs(base_objects: list[list[dict]], scan_mpm: Callable, inputs: list) -> list:
    """Object lists for the builder: hypothesis draws, plus what the scanner read from every
    mutated text (dicts, DataObjects and pairs; many are invalid on purpose)."""
    out: list = list(base_objects)
    rng = random.Random(SEED + 1)
    for p in inputs:
        if isinstance(p, str) and len(p) < 2000:
            objects = scan_mpm(p).objects
            form = rng.randrange(3)
            out.append(list(objects) if form == 0 else [o.to_obj() for o in objects] if form == 1
                       else [(o.id, o.value) for o in objects])
    return out


def load() -> dict:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        return json.load(f)


def record() -> None:
    """Write the golden file from the FROZEN reference copies (= the code at commit a2d1216)."""
    from qrinterop.rules import validate as live_validate  # noqa: F401  (registers the profiles)
    from tests.codec.reference import mpm_v0, validate_v0
    from bench.bench_codec import mix
    objects = _hypothesis_objects()
    base = _vector_payloads() + [mpm_v0.build_mpm(o) for o in objects] + mix()
    inputs = corpus(base)
    builds = build_inputs(objects, mpm_v0.scan_mpm, inputs)
    golden = {
        "note": "recorded by tests/codec/differential.py from the frozen copies of commit a2d1216",
        "seed": SEED, "mutations_per_base": MUTATIONS_PER_BASE, "base": base, "objects": objects,
        "corpus_digest": corpus_digest(inputs),
        "outputs": [digest(outputs(p, mpm_v0.scan_mpm, mpm_v0.parse_mpm, validate_v0.validate)) for p in inputs],
        "builds": [digest(build_outputs(b, mpm_v0.build_mpm)) for b in builds],
    }
    GOLDEN.parent.mkdir(exist_ok=True)
    with gzip.open(GOLDEN, "wt", encoding="utf-8") as f:
        json.dump(golden, f, separators=(",", ":"))
    print(f"{len(inputs)} inputs, {len(builds)} build inputs -> {GOLDEN}")


if __name__ == "__main__" and sys.argv[1:] == ["record"]:
    record()
