"""Rule catalogue and validator: `validate(payload, profile="emv")` returns every violation.

A profile is a named rule set layered on a base (EMV MPM for the national profiles). The list
of profiles is static (PROFILE_MODULES); each module exposes `PROFILE`. A module that is not
there is skipped, so profiles can land one at a time.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Iterable

from qrinterop.errors import UsageError
from qrinterop.rules.model import MAY, MUST, OFF, SHOULD, Findings, Profile, Rule, ValidationReport
from qrinterop.violation import Violation

__all__ = ["validate", "catalogue", "rules_for", "profile_names", "get_profile", "detect_profiles",
           "Rule", "Violation", "ValidationReport", "Profile", "MUST", "SHOULD", "MAY"]

PROFILE_MODULES = ("emv", "cpm", "jpqr", "pix", "sgqr", "promptpay", "qris", "upi", "bharatqr", "duitnow",
                   "qrph", "vietqr", "khqr", "fps")


@lru_cache(maxsize=None)
def _profiles() -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for name in PROFILE_MODULES:
        module_name = f"qrinterop.rules.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        found[module.PROFILE.name] = module.PROFILE
    return found


def profile_names() -> list[str]:
    return list(_profiles())


def get_profile(name: str) -> Profile:
    profiles = _profiles()
    if name not in profiles:
        raise UsageError(f"unknown profile {name!r}; known profiles: {', '.join(profiles)}, auto")
    return profiles[name]


def catalogue() -> list[Rule]:
    """Every rule of every profile, in profile order then declaration order."""
    return [r for p in _profiles().values() for r in p.rules]


def rules_for(profile: str) -> list[Rule]:
    """The rules `validate(…, profile)` applies: the base's, then the profile's own."""
    return [r for name in _chain(profile) for r in get_profile(name).rules]


def _chain(profile: str) -> tuple[str, ...]:
    chain: list[str] = []
    name: str | None = profile
    while name is not None:
        chain.insert(0, name)
        name = get_profile(name).base
    return tuple(chain)


@lru_cache(maxsize=None)
def _levels(names: tuple[str, ...]) -> dict[str, str]:
    """Rule id -> level for this chain. A profile's overrides change base rules only for it: when
    several national profiles apply at once ("auto"), an override counts only if every one of them
    makes it, so PromptPay switching off mpm.root.mandatory does not excuse a Pix code beside it."""
    levels = {r.id: r.level for n in names for r in get_profile(n).rules}
    overriding = [get_profile(n).overrides for n in names if get_profile(n).base is not None]
    if overriding:
        for rule, level in overriding[0].items():
            if all(o.get(rule) == level for o in overriding[1:]):
                levels[rule] = level
    return levels


def detect_profiles(parsed) -> list[str]:
    """National profiles the payload claims (by GUI / AID, not by template number)."""
    return [p.name for p in _profiles().values()
            if p.base == "emv" and p.detect(parsed)]


def _as_text(payload: str | bytes) -> tuple[str | None, Violation | None]:
    if isinstance(payload, str):
        return payload, None
    if isinstance(payload, (bytes, bytearray, memoryview)):
        try:
            return bytes(payload).decode("utf-8"), None
        except UnicodeDecodeError as exc:
            return None, Violation("mpm.payload.utf8", f"byte {exc.start} ({bytes(payload)[exc.start]:#04x}) does "
                                   "not continue a UTF-8 sequence: the payload is not UTF-8 text", "", exc.start)
    raise UsageError(f"payload must be text or bytes, got {type(payload).__name__}")


# profile -> (names, level map, checks) for the profiles whose chain does not depend on the payload
# (every MPM profile except "auto" and "upi", whose URI form is decided per payload). Keyed by
# profile name only: the rule catalogue is static once loaded, so this is compiled once per name.
_PLANS: dict[str, tuple[tuple[str, ...], dict[str, str], tuple]] = {}


def _plan(profile: str) -> tuple[tuple[str, ...], dict[str, str], tuple]:
    names = _chain(profile)
    plan = (names, _levels(names), tuple(get_profile(n).check for n in names))
    if profile not in ("auto", "upi", "cpm"):
        _PLANS[profile] = plan
    return plan


def validate(payload: str | bytes, profile: str = "emv") -> ValidationReport:
    """Every violation of `payload` under `profile` ("emv", "jpqr", …, "cpm", or "auto")."""
    plan = _PLANS.get(profile) if type(payload) is str else None
    if plan is not None:  # the hot path: text under a fixed MPM profile, nothing decided per call
        from qrinterop.emv.mpm import scan_mpm
        names, levels, checks = plan
        parsed = scan_mpm(payload)
        out = Findings(levels)
        try:
            for check in checks:
                check(parsed, out)
        except UnicodeEncodeError as exc:
            out.items.append(_surrogate(payload, exc))
        return ValidationReport(payload, profile, list(names), out.items, parsed)
    return _validate(payload, profile)


def _surrogate(text: str, exc: UnicodeEncodeError) -> Violation:
    return Violation("mpm.payload.utf8", f"character U+{ord(text[exc.start]):04X} at offset {exc.start} is a lone "
                     "surrogate and cannot be encoded as UTF-8", "", exc.start, text[exc.start])


def _validate(payload: str | bytes, profile: str) -> ValidationReport:
    text, problem = _as_text(payload)
    if profile != "auto":
        get_profile(profile)  # unknown names are a usage error, before any work
    if text is None:
        return ValidationReport(repr(payload), profile, ["emv"], [problem])
    if profile in ("upi", "auto") and "upi" in _profiles():
        from qrinterop.profiles.upi_uri import is_upi_uri, uri_report
        if is_upi_uri(text):  # UPI's non-EMV form: a payment URI, not TLV (notes/profiles.md §5)
            return uri_report(text, profile)
    if profile == "cpm" or (profile == "auto" and text.startswith("hQVDUFY") and "cpm" in _profiles()):
        names: tuple[str, ...] = ("cpm",)
        from qrinterop.emv.cpm import scan_cpm
        parsed = scan_cpm(text)
    else:
        from qrinterop.emv.mpm import scan_mpm
        parsed = scan_mpm(text)
        names = ("emv", *detect_profiles(parsed)) if profile == "auto" else _plan(profile)[0]
    out = Findings(_levels(names))
    try:
        for name in names:
            get_profile(name).check(parsed, out)
    except UnicodeEncodeError as exc:  # a str with lone surrogates (e.g. from surrogateescape)
        out.items.append(_surrogate(text, exc))
    return ValidationReport(text, profile, list(names), out.items, parsed)


def levels_of(violations: Iterable[Violation]) -> dict[str, int]:
    counts = {MUST: 0, SHOULD: 0, MAY: 0}
    for v in violations:
        counts[v.level] = counts.get(v.level, 0) + 1
    return counts
