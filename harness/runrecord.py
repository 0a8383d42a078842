"""The run record (`run.json`, schema `qrinterop/run@1`): what a conformance run hands the report
writers. Contract: docs/run-record.md; JSON Schema: reports/schema/run-record.schema.json.

The model is plain dataclasses; `RunRecord.to_dict()` is the JSON. Writing is atomic (temp file +
rename) so a reader never sees half a file, and the suite rewrites the record as it goes so a run
killed half way still leaves a record with `complete: false`. Evidence is passed through
`redact` before it is stored: secrets never reach a run record.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from qrinterop import __version__
from qrinterop.reports.verdicts import decide, verdict_model

SCHEMA = "qrinterop/run@1"
STATUSES = ("passed", "failed", "warning", "skipped", "expected-failure")
KINDS = ("vector", "property", "mutation", "differential", "robustness", "wallet-api")
PARTS = ("codec", "profile", "imaging", "wallet-api")
CATEGORIES = ("iut-crash", "timeout", "protocol", "wrong-verdict", "wrong-value", "charset", "not-implemented")
ATTRIBUTION_METHODS = ("reported", "diagnosis", "primary")

REDACTED = "[redacted]"
# Keys whose values are secrets wherever they appear (HTTP headers, JSON bodies, configs).
_SECRET_KEY = re.compile(
    r"(authori[sz]ation|api[-_]?key|secret|password|passwd|token|signature|private[-_]?key|"
    r"x-.*-signature|cookie|client[-_]?secret|access[-_]?key|credential)", re.IGNORECASE)
# Secret-looking substrings inside free text (stderr, messages).
_SECRET_TEXT = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
     "-----BEGIN PRIVATE KEY-----" + REDACTED + "-----END PRIVATE KEY-----"),
    (re.compile(r"(?i)\b(bearer|basic|hmac|opa)\s+[A-Za-z0-9._~+/=:-]{8,}"), r"\1 " + REDACTED),
    (re.compile(r"(?i)\b(api[-_]?key|secret|password|token|signature)\s*[=:]\s*[^\s,;&\"']+"),
     r"\1=" + REDACTED),
]


def redact(value: Any) -> Any:
    """A copy of `value` with secrets replaced by "[redacted]": values under secret-named keys
    (any depth, dicts and lists of header pairs), and secret-looking text in strings."""
    if isinstance(value, Mapping):
        return {k: (REDACTED if isinstance(k, str) and _SECRET_KEY.search(k) and v not in (None, "")
                    else redact(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and isinstance(value[0], str) and _SECRET_KEY.search(value[0]):
            return [value[0], REDACTED]      # a header pair ("Authorization", "…")
        return [redact(v) for v in value]
    if isinstance(value, str):
        for pattern, replacement in _SECRET_TEXT:
            value = pattern.sub(replacement, value)
        return value
    return value


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class TestRecord:
    __test__ = False   # not a pytest test class, despite the name
    id: str
    kind: str
    part: str
    rules: list[str]
    status: str
    nodeid: str | None = None
    feature: str | None = None
    operation: str | None = None
    result: str | None = None
    category: str | None = None
    message: str | None = None
    durationMs: float | None = None
    expectedFailure: str | None = None
    evidence: dict[str, Any] | None = None
    # Why it failed, decided by the suite (issue 14): the rules the IUT actually broke and how that
    # was decided — "reported" (the IUT's own rule ids), "diagnosis" (the suite's diagnosis of its
    # output or behaviour) or "primary" (the vector's primary rule, the last resort).
    attribution: dict[str, Any] | None = None
    diagnosis: str | None = None          # one sentence: what the IUT got wrong
    warnings: list[str] | None = None     # e.g. "rejected for another reason: …"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"test {self.id}: status {self.status!r} is not one of {STATUSES}")
        if self.kind not in KINDS:
            raise ValueError(f"test {self.id}: kind {self.kind!r} is not one of {KINDS}")
        if self.part not in PARTS:
            raise ValueError(f"test {self.id}: part {self.part!r} is not one of {PARTS}")
        if self.category is not None and self.category not in CATEGORIES:
            raise ValueError(f"test {self.id}: category {self.category!r} is not one of {CATEGORIES}")
        if self.attribution is not None:
            if self.attribution.get("method") not in ATTRIBUTION_METHODS or not self.attribution.get("rules"):
                raise ValueError(f"test {self.id}: attribution {self.attribution!r} needs rules and a method "
                                 f"({', '.join(ATTRIBUTION_METHODS)})")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = redact(self.evidence) if self.evidence else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TestRecord":
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class RunRecord:
    iut: dict[str, Any]
    vectors: dict[str, Any] = field(default_factory=lambda: {"dir": None, "manifestSha256": None, "sets": []})
    rules: list[dict[str, Any]] = field(default_factory=list)
    tests: list[TestRecord] = field(default_factory=list)
    expectedFailuresFile: str | None = None
    scope: dict[str, Any] = field(default_factory=lambda: {"profiles": None})   # --profile narrowing
    errorCodesFile: str | None = None
    startedAt: str = field(default_factory=utc_now)
    finishedAt: str | None = None
    complete: bool = False
    qrinteropVersion: str = __version__
    python: str = field(default_factory=platform.python_version)
    platform: str = field(default_factory=platform.platform)

    def add(self, test: TestRecord) -> None:
        self.tests.append(test)

    def finish(self, *, complete: bool, now: str | None = None) -> None:
        self.finishedAt = now or utc_now()
        self.complete = complete

    def to_dict(self) -> dict[str, Any]:
        data = {"schema": SCHEMA, "qrinteropVersion": self.qrinteropVersion, "python": self.python,
                "platform": self.platform, "startedAt": self.startedAt, "finishedAt": self.finishedAt,
                "complete": self.complete, "iut": self.iut, "vectors": self.vectors, "scope": self.scope,
                "expectedFailuresFile": self.expectedFailuresFile, "errorCodesFile": self.errorCodesFile,
                "rules": self.rules, "tests": [t.to_dict() for t in self.tests]}
        data["verdicts"] = verdict_model(data)     # the one verdict model; writers only render it
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RunRecord":
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a run record: schema is {data.get('schema')!r}, expected {SCHEMA!r}")
        record = cls(iut=dict(data["iut"]), vectors=dict(data.get("vectors") or {}),
                     rules=list(data.get("rules") or []),
                     tests=[TestRecord.from_dict(t) for t in data.get("tests") or []],
                     expectedFailuresFile=data.get("expectedFailuresFile"),
                     scope=dict(data.get("scope") or {"profiles": None}),
                     errorCodesFile=data.get("errorCodesFile"),
                     startedAt=data["startedAt"], finishedAt=data.get("finishedAt"),
                     complete=bool(data.get("complete")))
        for key in ("qrinteropVersion", "python", "platform"):
            if key in data:
                setattr(record, key, data[key])
        return record


def write_run_record(record: RunRecord, path: Path) -> Path:
    """Write atomically: a reader (or a crash) never sees a half-written run.json."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".run-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record.to_dict(), fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_run_record(path: Path) -> RunRecord:
    return RunRecord.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def rule_verdicts(record: RunRecord) -> dict[str, str]:
    """Rule id → verdict, from the one verdict model (qrinterop.reports.verdicts; docs/run-record.md)."""
    return {rv.rule.id: rv.verdict.value for rv in decide(record.to_dict()).rules}


def must_rules_pass(record: RunRecord) -> bool:
    """True when no MUST rule failed (a rule the catalogue lacks counts as MUST)."""
    return not decide(record.to_dict()).overall.failing_must_rules


def tests_by_status(tests: Iterable[TestRecord]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for test in tests:
        counts[test.status] += 1
    return counts
