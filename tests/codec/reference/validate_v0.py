"""FROZEN COPY (commit a2d1216) of `qrinterop.rules.validate` and `Findings`: the oracle of the
differential tests. The EMV check and the scanner are the frozen copies next to this file; the
national profiles' checks are the live ones (they are not what the fast path changes, and using
the live ones keeps this oracle right while their owners edit them)."""
from __future__ import annotations

from typing import Mapping

from qrinterop.rules import _profiles, get_profile
from qrinterop.rules.model import OFF, ValidationReport
from qrinterop.violation import Violation


class Findings:
    __slots__ = ("items", "_levels")

    def __init__(self, levels: Mapping[str, str]) -> None:
        self.items: list[Violation] = []
        self._levels = levels

    def add(self, rule: str, message: str, path: str = "", offset: int | None = None,
            value: str | None = None) -> None:
        level = self._levels[rule]
        if level != OFF:
            self.items.append(Violation(rule, message, path, offset, value, level))

    def extend(self, violations) -> None:
        for v in violations:
            self.add(v.rule, v.message, v.path, v.offset, v.value)


def _chain(profile: str) -> tuple[str, ...]:
    chain: list[str] = []
    name: str | None = profile
    while name is not None:
        chain.insert(0, name)
        name = get_profile(name).base
    return tuple(chain)


def _levels(names: tuple[str, ...]) -> dict[str, str]:
    levels = {r.id: r.level for n in names for r in get_profile(n).rules}
    overriding = [get_profile(n).overrides for n in names if get_profile(n).base is not None]
    if overriding:
        for rule, level in overriding[0].items():
            if all(o.get(rule) == level for o in overriding[1:]):
                levels[rule] = level
    return levels


def detect_profiles(parsed) -> list[str]:
    return [p.name for p in _profiles().values() if p.base == "emv" and p.detect(parsed)]


def _as_text(payload):
    if isinstance(payload, str):
        return payload, None
    if isinstance(payload, (bytes, bytearray, memoryview)):
        try:
            return bytes(payload).decode("utf-8"), None
        except UnicodeDecodeError as exc:
            return None, Violation("mpm.payload.utf8", f"byte {exc.start} ({bytes(payload)[exc.start]:#04x}) does "
                                   "not continue a UTF-8 sequence: the payload is not UTF-8 text", "", exc.start)
    raise TypeError(type(payload).__name__)


def validate(payload, profile: str = "emv") -> ValidationReport:
    from tests.codec.reference.emv_v0 import check_emv
    from tests.codec.reference.mpm_v0 import scan_mpm
    text, problem = _as_text(payload)
    if profile != "auto":
        get_profile(profile)
    if text is None:
        return ValidationReport(repr(payload), profile, ["emv"], [problem])
    if profile in ("upi", "auto") and "upi" in _profiles():
        from qrinterop.profiles.upi_uri import is_upi_uri, uri_report
        if is_upi_uri(text):
            return uri_report(text, profile)
    if profile == "cpm" or (profile == "auto" and text.startswith("hQVDUFY") and "cpm" in _profiles()):
        names: tuple[str, ...] = ("cpm",)
        from qrinterop.emv.cpm import scan_cpm
        parsed = scan_cpm(text)
    else:
        parsed = scan_mpm(text)
        names = ("emv", *detect_profiles(parsed)) if profile == "auto" else _chain(profile)
    out = Findings(_levels(names))
    try:
        for name in names:
            (check_emv if name == "emv" else get_profile(name).check)(parsed, out)
    except UnicodeEncodeError as exc:
        out.items.append(Violation("mpm.payload.utf8", f"character U+{ord(text[exc.start]):04X} at offset "
                                   f"{exc.start} is a lone surrogate and cannot be encoded as UTF-8", "",
                                   exc.start, text[exc.start]))
    return ValidationReport(text, profile, list(names), out.items, parsed)
