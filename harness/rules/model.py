"""The rule catalogue's records, and the report a validation returns (DESIGN §3)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from qrinterop.violation import Violation

MUST, SHOULD, MAY = "MUST", "SHOULD", "MAY"
OFF = "OFF"  # a profile may switch an EMV rule off (its own rule replaces it)


@dataclass(frozen=True)
class Rule:
    """One requirement: the unit of certification. Printed verbatim by the reports."""
    id: str           # lowercase dotted, e.g. "mpm.crc.mismatch"
    title: str
    source: str       # document + clause, e.g. "EMV MPM §4.7.3.1"
    level: str        # MUST | SHOULD | MAY
    profile: str      # "emv", "cpm", "jpqr", …
    description: str

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source, "level": self.level,
                "profile": self.profile, "description": self.description}


class Findings:
    """Collects violations while checks run; gives each the level its rule has in this profile."""
    __slots__ = ("items", "_levels")

    def __init__(self, levels: Mapping[str, str]) -> None:
        self.items: list[Violation] = []
        self._levels = levels

    def add(self, rule: str, message: str, path: str = "", offset: int | None = None,
            value: str | None = None) -> None:
        level = self._levels[rule]  # KeyError here means a check names a rule the catalogue lacks
        if level != OFF:
            self.items.append(Violation(rule, message, path, offset, value, level))

    def extend(self, violations) -> None:
        for v in violations:
            self.add(v.rule, v.message, v.path, v.offset, v.value)


@dataclass(frozen=True)
class Profile:
    """A named rule set layered on a base (usually EMV MPM): `validate(p, profile=name)` runs the
    base's checks, then this profile's, with `overrides` changing the level of base rules."""
    name: str
    title: str
    rules: tuple[Rule, ...]
    check: Callable  # (payload, findings) -> None; payload is an MpmPayload (or CpmPayload for cpm)
    detect: Callable = lambda payload: False  # does the payload claim this profile?
    base: str | None = "emv"
    overrides: Mapping[str, str] = field(default_factory=dict)  # base rule id -> new level or OFF
    describe: Callable | None = None  # (payload) -> list[str]: extra lines for `explain`
    names: Callable | None = None     # (payload) -> {path: name} for profile-specific sub-fields


@dataclass
class ValidationReport:
    payload: str
    profile: str                 # what was asked for ("auto" allowed)
    profiles: list[str]          # what was applied, base first
    violations: list[Violation]
    parsed: object = None        # the MpmPayload / CpmPayload, for explain

    @property
    def valid(self) -> bool:
        """Valid when no MUST rule is broken; SHOULD findings are warnings."""
        return not any(v.level == MUST for v in self.violations)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.level == MUST]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.level != MUST]

    def to_dict(self) -> dict:
        return {"valid": self.valid, "profile": self.profile, "profiles": self.profiles,
                "violations": [v.to_dict() for v in self.violations]}
