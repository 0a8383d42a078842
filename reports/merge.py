"""`qrinterop report merge RUN.json… --out DIR`: join the run records of one sharded run.

A CI fleet certifies one IUT in pieces (`certify --shard 1/3`, `2/3`, `3/3` on three machines,
`qrinterop.shard`); each piece writes its own run.json. Merging concatenates their tests and
checks that the pieces belong together: the same IUT (name and version), the same vector set
(manifest hash), no test run twice. The merged record is an ordinary run record, so every
report writer takes it as is, and its counts equal those of one machine running everything.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterable, Mapping

from qrinterop.errors import QrInteropError
from qrinterop.reports.record import RUN_SCHEMA_ID, check, read_json


class MergeError(QrInteropError):
    """The run records given cannot be one run: says which one and why."""


def merge_run_records(records: Iterable[Mapping[str, Any]], names: Iterable[str] | None = None) -> dict[str, Any]:
    """The pure part: run-record documents in, one document out (the inputs are not changed)."""
    records = list(records)
    names = list(names) if names is not None else [f"record {i + 1}" for i in range(len(records))]
    if not records:
        raise MergeError("nothing to merge: give at least one run.json")
    first, first_name = records[0], names[0]
    identity = _iut_identity(first)
    manifest = (first.get("vectors") or {}).get("manifestSha256")
    merged: dict[str, Any] = {key: value for key, value in first.items() if key not in ("tests", "rules")}
    merged["iut"] = dict(first["iut"])
    rules: dict[str, dict[str, Any]] = {}
    tests: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for record, name in zip(records, names):
        if record.get("schema") != RUN_SCHEMA_ID:
            raise MergeError(f"{name}: not a run record (schema {record.get('schema')!r})")
        if _iut_identity(record) != identity:
            raise MergeError(f"{name}: IUT {_iut_identity(record)} differs from {identity} in {first_name}; "
                             "only shards of one run can be merged")
        other = (record.get("vectors") or {}).get("manifestSha256")
        if other != manifest:
            raise MergeError(f"{name}: vector manifest {other} differs from {manifest} in {first_name}")
        for rule in record.get("rules") or []:
            rules.setdefault(rule["id"], rule)
        for test in record.get("tests") or []:
            key = test.get("nodeid") or test["id"]
            if key in seen:
                raise MergeError(f"{name}: test {key} is also in {seen[key]} (overlapping shards, or one run "
                                 "given twice)")
            seen[key] = name
            tests.append(dict(test))
    merged["rules"] = list(rules.values())
    merged["tests"] = tests
    merged["startedAt"] = min(r["startedAt"] for r in records)
    finished = [r.get("finishedAt") for r in records]
    merged["finishedAt"] = None if None in finished else max(finished)
    merged["complete"] = all(bool(r.get("complete")) for r in records)
    counts = {(r.get("vectors") or {}).get("cases") for r in records}
    if len(counts) > 1:
        raise MergeError(f"the records disagree on how many vector cases are in scope ({sorted(map(str, counts))}); "
                         "only shards of one run can be merged")
    # the merged record is the whole run: judged against every case in scope, a missing shard shows
    merged["scope"] = {**(first.get("scope") or {}), "shard": None}
    return merged


def _iut_identity(record: Mapping[str, Any]) -> tuple[Any, Any]:
    iut = record.get("iut") or {}
    return iut.get("name"), iut.get("version")


def merge_run_files(paths: list[Path], out_dir: Path) -> Path:
    """Read, check and merge run.json files into out_dir/run.json; the shards' allure-results
    files (uniquely named by allure-pytest) are copied into out_dir/allure-results."""
    from qrinterop.runrecord import RunRecord, write_run_record
    documents = []
    for path in paths:
        document = read_json(Path(path))
        if not isinstance(document, dict) or document.get("schema") != RUN_SCHEMA_ID:
            raise MergeError(f"{path}: not a run.json (schema {document.get('schema') if isinstance(document, dict) else None!r})")
        check(document, "run-record", str(path))
        documents.append(document)
    merged = merge_run_records(documents, [str(p) for p in paths])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run_json = write_run_record(RunRecord.from_dict(merged), out_dir / "run.json")
    results = out_dir / "allure-results"
    for path in paths:
        source = Path(path).parent / "allure-results"
        if source.is_dir() and source.resolve() != results.resolve():
            results.mkdir(exist_ok=True)
            for item in source.iterdir():
                if item.is_file():
                    shutil.copy2(item, results / item.name)
    return run_json
