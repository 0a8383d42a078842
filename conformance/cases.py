"""Vector sets (DESIGN §5) → one `Case` per test vector, with its set's identity and hash.

Any `*.json` in the vectors directory whose `"schema"` is `qrinterop/vectors@1` is a set; other
JSON files (rules.json, schemas) are ignored. A malformed set is a UsageError naming the file
and the field, never a crash of the collection.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from qrinterop.errors import UsageError

VECTOR_SCHEMA = "qrinterop/vectors@1"
OPERATIONS = ("parse", "build", "validate", "render", "decode_image")
RESULTS = ("valid", "invalid", "acceptable")


@dataclass(frozen=True)
class VectorSet:
    name: str
    version: str
    sha256: str
    path: Path
    notes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass(frozen=True)
class Case:
    set: VectorSet
    tc_id: int
    operation: str
    profile: str
    result: str
    payload: str | None
    rules: tuple[str, ...]
    comment: str = ""
    flags: tuple[str, ...] = ()
    expected: dict[str, Any] = field(default_factory=dict)
    objects: list[dict[str, Any]] | None = None     # build input
    image: str | None = None                        # relative to the vectors dir
    mode: str = "mpm"
    preferred: str | None = None                    # for acceptable: the more common answer

    @property
    def id(self) -> str:
        return f"{self.set.name}/{self.tc_id}"

    def __repr__(self) -> str:  # short: it is the test parameter pytest and Allure show
        return f"Case({self.id} {self.operation} {self.profile} {self.result})"

    @property
    def vectors_dir(self) -> Path:
        return self.set.path.parent

    def to_vector(self) -> dict[str, Any]:
        """The case as it appears in its file (for evidence)."""
        data: dict[str, Any] = {"tcId": self.tc_id, "comment": self.comment, "flags": list(self.flags),
                                "payload": self.payload, "result": self.result, "rules": list(self.rules)}
        if self.expected:
            data["expected"] = self.expected
        if self.objects is not None:
            data["objects"] = self.objects
        if self.image:
            data["image"] = self.image
        return data


def load_sets(vectors_dir: Path) -> list[tuple[VectorSet, dict[str, Any]]]:
    vectors_dir = Path(vectors_dir)
    if not vectors_dir.is_dir():
        raise UsageError(f"--vectors {vectors_dir}: not a directory")
    found = []
    for path in sorted(vectors_dir.glob("*.json")):
        raw = path.read_bytes()
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise UsageError(f"vector file {path}: not JSON ({exc})") from exc
        if not isinstance(data, dict) or data.get("schema") != VECTOR_SCHEMA:
            continue
        for key in ("name", "version", "testGroups"):
            if key not in data:
                raise UsageError(f"vector file {path}: missing field {key!r}")
        vset = VectorSet(name=str(data["name"]), version=str(data["version"]),
                         sha256=hashlib.sha256(raw).hexdigest(), path=path, notes=dict(data.get("notes") or {}))
        found.append((vset, data))
    return found


def load_cases(vectors_dir: Path, profiles: Iterable[str] | None = None) -> tuple[list[VectorSet], list[Case]]:
    """Every case in the directory, optionally only those of `profiles`."""
    wanted = set(profiles) if profiles else None
    sets, cases = [], []
    for vset, data in load_sets(vectors_dir):
        sets.append(vset)
        for g, group in enumerate(data["testGroups"]):
            where = f"vector file {vset.path.name}: testGroups[{g}]"
            operation = group.get("operation")
            if operation not in OPERATIONS:
                raise UsageError(f"{where}: operation {operation!r} is not one of {', '.join(OPERATIONS)}")
            profile = str(group.get("profile") or "emv")
            if wanted is not None and profile not in wanted:
                continue
            for t, test in enumerate(group.get("tests") or []):
                cases.append(_case(vset, group, test, f"{where}.tests[{t}]", operation, profile))
    return sets, cases


def _case(vset: VectorSet, group: dict, test: dict, where: str, operation: str, profile: str) -> Case:
    if "tcId" not in test:
        raise UsageError(f"{where}: missing 'tcId'")
    result = test.get("result")
    if result not in RESULTS:
        raise UsageError(f"{where} (tcId {test['tcId']}): result {result!r} is not one of {', '.join(RESULTS)}")
    mode = str(test.get("mode") or group.get("mode") or ("cpm" if profile == "cpm" else "mpm"))
    expected = test.get("expected") or {}
    objects = test.get("objects")
    if objects is None and operation == "build":
        objects = expected.get("objects")
    return Case(set=vset, tc_id=int(test["tcId"]), operation=operation, profile=profile, result=result,
                payload=test.get("payload"), rules=tuple(test.get("rules") or ()),
                comment=str(test.get("comment") or ""), flags=tuple(test.get("flags") or ()),
                expected=dict(expected), objects=objects, image=test.get("image"), mode=mode,
                preferred=test.get("preferred"))


def manifest_sha256(vectors_dir: Path) -> str | None:
    manifest = Path(vectors_dir) / "MANIFEST"
    return hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else None
