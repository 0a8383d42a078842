"""The error types a qrinterop user can see. Every one says what was wrong and where."""
from __future__ import annotations

# Exit codes of every command (documented in the README): 0 passed / valid / certified, 1 failed /
# invalid / not certified, 2 usage error (including a missing optional dependency), 3 internal
# error (a bug of qrinterop: please report it), 4 incomplete (certify: a MUST rule never exercised,
# or the IUT never answered). One definition: the CLI and the verdict model both use these.
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERNAL, EXIT_INCOMPLETE = 0, 1, 2, 3, 4


class QrInteropError(Exception):
    """Base of every error qrinterop raises on purpose."""


class UsageError(QrInteropError):
    """The caller asked for something that does not exist (unknown profile, bad --iut spec…)."""


class LocatedError(QrInteropError):
    """An error in a payload, with the rule it breaks and where: object path, offset, value."""

    def __init__(self, rule: str, message: str, *, path: str = "", offset: int | None = None,
                 value: str | None = None) -> None:
        self.rule, self.message, self.path, self.offset, self.value = rule, message, path, offset, value
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.path:
            where.append(f"object {self.path}")
        if self.offset is not None:
            where.append(f"offset {self.offset}")
        place = f" at {', '.join(where)}" if where else ""
        return f"[{self.rule}]{place}: {self.message}"


class MpmError(LocatedError):
    """A merchant-presented (EMV MPM) payload could not be parsed or built."""


class CpmError(LocatedError):
    """A consumer-presented (EMV CPM, BER-TLV in base64) payload could not be parsed or built."""
