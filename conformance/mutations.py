"""Single mutations of a valid payload (pure): delete or replace one character, with the CRC left
as it was (the IUT must notice the CRC) or recomputed (the IUT must notice the damage itself)."""
from __future__ import annotations

from typing import Iterator, NamedTuple

from qrinterop.emv.crc import CRC_TAG, crc_hex

_REPLACEMENT = {**{d: str((int(d) + 1) % 10) for d in "0123456789"}}


class Mutant(NamedTuple):
    payload: str
    how: str        # "delete 12", "replace 12 '5'->'6'", with "+crc" when the CRC was recomputed


def _replacement(ch: str) -> str:
    if ch in _REPLACEMENT:
        return _REPLACEMENT[ch]
    return "X" if ch != "X" else "Y"


def single_mutations(payload: str, limit: int) -> Iterator[Mutant]:
    """At most `limit` mutants per family, spread evenly over the payload (deterministic)."""
    body_end = payload.rfind(CRC_TAG)
    families = []
    raw = [Mutant(payload[:i] + payload[i + 1:], f"delete {i}") for i in range(len(payload))]
    raw += [Mutant(payload[:i] + _replacement(c) + payload[i + 1:], f"replace {i} {c!r}->{_replacement(c)!r}")
            for i, c in enumerate(payload)]
    families.append(raw)
    if body_end > 0:
        body = payload[:body_end]
        fixed = []
        for i, c in enumerate(body):
            for new_body, how in ((body[:i] + body[i + 1:], f"delete {i}+crc"),
                                  (body[:i] + _replacement(c) + body[i + 1:], f"replace {i} {c!r}->{_replacement(c)!r}+crc")):
                text = new_body + CRC_TAG
                fixed.append(Mutant(text + crc_hex(text), how))
        families.append(fixed)
    for family in families:
        step = max(1, len(family) // limit) if limit else 1
        yield from family[::step][:limit]
