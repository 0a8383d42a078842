"""Build every vector set from its case file and write the publishable tree.

`generate(out_dir, date)` is deterministic: the same case files and reference give byte-identical
files (sorted keys, fixed order, no clock — the date is passed in and only appears in CHANGELOG
entries for sets whose content changed). Each set's semver is bumped by comparing with the file
already in `out_dir`: minor when cases are added, removed, or change payload/result/rules;
patch for any other change (comments, flags, notes, expected details).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

from qrinterop.errors import QrInteropError
from qrinterop.rules import catalogue
from qrinterop.vectorsets import GENERATOR_VERSION, RULES_SCHEMA_ID, SCHEMA_ID
from qrinterop.vectorsets.evaluate import CaseMismatch, evaluate
from qrinterop.vectorsets.flags import FLAGS
from qrinterop.vectorsets.model import VectorSet
from qrinterop.vectorsets.mutate import CaseError

SCHEMA_SOURCE = Path(__file__).resolve().parent / "schemas"
FIRST_VERSION = "1.0.0"


class GenerationError(QrInteropError):
    """One or more cases could not be generated, or disagree with the reference."""


def dumps(doc: Any) -> str:
    """The one JSON form every generated file uses."""
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def build_document(vset: VectorSet, image_writer: Callable | None = None) -> dict[str, Any]:
    """The set's document without `version` (the caller decides it). Raises GenerationError
    listing every case that fails, each with its group and comment."""
    groups, failures, used_flags = [], [], set()
    tc_id = 0
    for group in vset.groups:
        tests = []
        for case in group.cases:
            tc_id += 1
            try:
                test = evaluate(case, group, tc_id, image_writer)
            except (CaseMismatch, CaseError, QrInteropError) as exc:
                failures.append(f"{vset.name}/{tc_id} [{group.operation} {group.profile}] "
                                f"{case.comment!r}: {exc}")
                continue
            except (ValueError, TypeError, KeyError, IndexError) as exc:  # a malformed case record
                failures.append(f"{vset.name}/{tc_id} [{group.operation} {group.profile}] "
                                f"{case.comment!r}: malformed case ({type(exc).__name__}: {exc})")
                continue
            tests.append(test)
            used_flags.update(test["flags"])
        groups.append({"operation": group.operation, "profile": group.profile, "tests": tests})
    unknown = sorted(used_flags - set(FLAGS))
    if unknown:
        failures.append(f"{vset.name}: flags used but not defined in flags.py: {', '.join(unknown)}")
    if failures:
        raise GenerationError(f"{len(failures)} case(s) failed in set {vset.name}:\n  " + "\n  ".join(failures))
    doc: dict[str, Any] = {
        "schema": SCHEMA_ID, "name": vset.name, "generatorVersion": GENERATOR_VERSION,
        "source": vset.source, "description": vset.description,
        "numberOfTests": tc_id, "notes": {f: FLAGS[f] for f in sorted(used_flags)},
        "testGroups": groups}
    if vset.exemptions:
        doc["exemptions"] = dict(vset.exemptions)
    if any(g.operation in ("decode_image", "render") for g in vset.groups):
        from qrinterop.vectorsets.images import library_versions
        doc["libraryVersions"] = library_versions()
    return doc


def _case_key(test: dict) -> tuple:
    return (test["payload"], test["result"], tuple(test["rules"]))


def bump(previous: dict | None, doc: dict) -> tuple[str, str | None]:
    """(version, changelog line or None) for `doc` given the file it replaces."""
    if previous is None:
        return FIRST_VERSION, f"initial release, {doc['numberOfTests']} cases"
    old_version = previous.get("version", "0.0.0")
    comparable = {k: v for k, v in previous.items() if k != "version"}
    if comparable == doc:
        return old_version, None
    major, minor, patch = (int(x) for x in old_version.split("."))
    old = {t["tcId"]: t for g in previous.get("testGroups", []) for t in g["tests"]}
    new = {t["tcId"]: t for g in doc["testGroups"] for t in g["tests"]}
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(i for i in set(old) & set(new) if _case_key(old[i]) != _case_key(new[i]))
    if added or removed or changed:
        version = f"{major}.{minor + 1}.0"
        summary = f"{len(added)} added, {len(removed)} removed, {len(changed)} changed (payload/result/rules)"
    else:
        version = f"{major}.{minor}.{patch + 1}"
        summary = "comments, flags, notes or expected details changed; no case verdict changed"
    return version, f"{summary} (was {old_version}); {doc['numberOfTests']} cases"


def rules_document() -> dict[str, Any]:
    return {"schema": RULES_SCHEMA_ID, "generatorVersion": GENERATOR_VERSION,
            "rules": [r.to_dict() for r in catalogue()]}


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _update_changelog(path: Path, date: str, lines: list[str]) -> None:
    header = "# Vector sets — changelog\n\nEvery change to a set's cases bumps its version (minor: cases added, " \
             "removed or changed; patch: comments and details only). Written by `qrinterop vectors generate`.\n"
    old = path.read_text(encoding="utf-8") if path.exists() else header
    body = old[len(header):] if old.startswith(header) else "\n" + old
    heading = f"\n## {date}\n\n"
    items = "".join(f"- {line}\n" for line in lines)
    if body.startswith(heading):  # same date as the newest entry: one section per date
        body = body[len(heading):]
    path.write_text(header + heading + items + body, encoding="utf-8")


def generate(out_dir: Path, date: str, sets: list[VectorSet] | None = None,
             log: Callable[[str], None] = lambda s: None) -> dict[str, str]:
    """Write every set, rules.json, the schemas, CHANGELOG and MANIFEST into `out_dir`.
    Returns {set name: version}."""
    from qrinterop.vectorsets.cases import load_sets
    from qrinterop.vectorsets.images import ImageWriter
    from qrinterop.vectorsets.manifest import write_manifest

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    full_run = sets is None  # stale files are only removed when every set was generated
    sets = load_sets() if sets is None else sets
    writer = ImageWriter(out_dir)
    docs, errors = [], []
    for vset in sets:  # build everything first: a failing case must not leave a half-written tree
        try:
            docs.append(build_document(vset, writer.for_set(vset.name)))
        except GenerationError as exc:
            errors.append(str(exc))
    if errors:
        raise GenerationError("\n".join(errors) + "\nnothing was written")
    previous = {doc["name"]: _previous(out_dir / f"{doc['name']}.json") for doc in docs}  # may refuse: before writing
    versions: dict[str, str] = {}
    changes: list[str] = []
    for doc in docs:
        path = out_dir / f"{doc['name']}.json"
        version, change = bump(previous[doc["name"]], doc)
        doc["version"] = version
        _write_if_changed(path, dumps(doc).encode("utf-8"))
        versions[doc["name"]] = version
        if change:
            changes.append(f"`{doc['name']}` {version}: {change}")
        log(f"{doc['name']} {version}: {doc['numberOfTests']} cases")
    writer.flush()
    for stale in sorted(out_dir.glob("*.json")) if full_run else ():
        if stale.name != "rules.json" and stale.stem not in versions and _is_vector_file(stale):
            stale.unlink()
            changes.append(f"`{stale.stem}` removed")
    if full_run:
        writer.remove_stale()
    _write_if_changed(out_dir / "rules.json", dumps(rules_document()).encode("utf-8"))
    for schema in sorted(SCHEMA_SOURCE.glob("*.json")):
        _write_if_changed(out_dir / "schema" / schema.name, schema.read_bytes())
    if changes:
        _update_changelog(out_dir / "CHANGELOG.md", date, changes)
    here = Path(__file__).resolve().parent
    for source, name in (("README.vectors.md", "README.md"), ("LICENSE.vectors", "LICENSE")):
        if (here / source).exists():   # LICENSE: the bundle is CC0-1.0 (the code is Apache-2.0)
            _write_if_changed(out_dir / name, (here / source).read_bytes())
    write_manifest(out_dir, versions)
    return versions


def _previous(path: Path) -> dict | None:
    """The version being replaced (for the semver bump), or None for a new set."""
    if not path.exists():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise GenerationError(f"{path}: the previous version is not JSON ({exc}); restore it from version "
                              "control or delete it to start the set again at 1.0.0") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("version"), str) \
            or not re.fullmatch(r"\d+\.\d+\.\d+", doc["version"]):
        raise GenerationError(f"{path}: the previous version has no semver 'version'; restore or delete it")
    return doc


def _is_vector_file(path: Path) -> bool:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("schema") == SCHEMA_ID
    except (ValueError, OSError, AttributeError):
        return False
