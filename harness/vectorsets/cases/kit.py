"""Small shared pieces of the case files (no cases here)."""
from __future__ import annotations

from qrinterop.rules import get_profile
from qrinterop.vectorsets.bases import QUOTED


def Q(name: str) -> dict:
    """Case keyword arguments for a quoted real-world payload: its text and its source."""
    payload, source = QUOTED[name]
    return {"payload": payload, "source": source}


def own_rules(profile: str, *, but: tuple[str, ...] = ()) -> list[str]:
    """The profile's own rule ids (not its base's), minus `but`: what a valid case of a profile that
    exercises every element of it shows being met."""
    ids = [r.id for r in get_profile(profile).rules]
    unknown = set(but) - set(ids)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not rules of {profile}")
    return [i for i in ids if i not in but]
