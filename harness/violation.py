"""A finding about a payload: which rule it breaks, what is wrong, and where."""
from __future__ import annotations

from typing import NamedTuple


class Violation(NamedTuple):
    rule: str                  # rule id, e.g. "mpm.crc.mismatch"
    message: str               # what is wrong and what was expected
    path: str = ""             # data-object path, e.g. "62.05"; "" for the payload as a whole
    offset: int | None = None  # character offset (MPM) or byte offset (CPM) in the payload
    value: str | None = None   # the offending value, as found
    level: str = "MUST"        # MUST | SHOULD | MAY, from the rule (a profile may override it)

    def to_dict(self) -> dict:
        return {"rule": self.rule, "level": self.level, "message": self.message, "path": self.path,
                "offset": self.offset, "value": self.value}

    def describe(self) -> str:
        where = " ".join(x for x in (f"object {self.path}" if self.path else "",
                                     f"offset {self.offset}" if self.offset is not None else "") if x)
        return f"[{self.rule}] {self.level}{' at ' + where if where else ''}: {self.message}"
