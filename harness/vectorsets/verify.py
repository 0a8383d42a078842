"""Check a published vector tree: hashes, schemas, ids, counts — and every case against the reference.

Each problem names the file, the tcId (when there is one) and the reason. A vector whose result
or rules contradict what the reference implementation says today is rejected: the tree cannot
drift from the code that claims to pass it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jsonschema

from qrinterop.errors import QrInteropError
from qrinterop.vectorsets import RULES_SCHEMA_ID, SCHEMA_ID
from qrinterop.vectorsets.manifest import ManifestError, compute, published_files, read_manifest

SCHEMA_FILES = {SCHEMA_ID: "vectors.schema.json", RULES_SCHEMA_ID: "rules.schema.json"}


@dataclass(frozen=True)
class Problem:
    file: str
    tc_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" tcId {self.tc_id}" if self.tc_id is not None else "")
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "tcId": self.tc_id, "reason": self.reason}


def _schema(root: Path, schema_id: str) -> dict:
    from qrinterop.vectorsets.generate import SCHEMA_SOURCE
    # The tree's own copy is what a publisher ships; fall back to the package's for a bare tree.
    path = root / "schema" / SCHEMA_FILES[schema_id]
    if not path.exists():
        path = SCHEMA_SOURCE / SCHEMA_FILES[schema_id]
    return json.loads(path.read_text(encoding="utf-8"))


def _schema_problems(doc: Any, schema: dict, file: str) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        tc_id = None
        if len(path) >= 4 and path[0] == "testGroups" and path[2] == "tests":
            try:
                tc_id = doc["testGroups"][path[1]]["tests"][path[3]].get("tcId")
            except (IndexError, KeyError, TypeError, AttributeError):
                tc_id = None
        where = "/".join(str(p) for p in path) or "(top level)"
        out.append(Problem(file, tc_id, f"schema: at {where}: {error.message}"))
    return out


def check_manifest(root: Path) -> list[Problem]:
    try:
        recorded = read_manifest(root)
    except ManifestError as exc:
        return [Problem("MANIFEST", None, str(exc))]
    actual = compute(root)
    problems = []
    for rel, digest in recorded.files.items():
        if rel not in actual.files:
            problems.append(Problem(rel, None, "listed in MANIFEST but missing"))
        elif actual.files[rel] != digest:
            problems.append(Problem(rel, None, f"sha256 is {actual.files[rel]}, MANIFEST says {digest}"))
    for rel in actual.files:
        if rel not in recorded.files:
            problems.append(Problem(rel, None, "present but not listed in MANIFEST"))
    for name, (version, count) in actual.sets.items():
        if recorded.sets.get(name) != (version, count):
            problems.append(Problem(f"{name}.json", None, f"version/count {version}/{count} but MANIFEST says "
                                    f"{recorded.sets.get(name)}"))
    for name in recorded.sets:
        if name not in actual.sets:
            problems.append(Problem(f"{name}.json", None, "set listed in MANIFEST but missing"))
    return problems


def check_rules(root: Path) -> list[Problem]:
    from qrinterop.vectorsets.generate import rules_document
    path = root / "rules.json"
    if not path.exists():
        return [Problem("rules.json", None, "missing")]
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [Problem("rules.json", None, f"not JSON: {exc}")]
    problems = _schema_problems(doc, _schema(root, RULES_SCHEMA_ID), "rules.json")
    if not problems and doc["rules"] != rules_document()["rules"]:
        ids = {r["id"] for r in doc["rules"]}
        now = {r["id"] for r in rules_document()["rules"]}
        problems.append(Problem("rules.json", None, "differs from the reference catalogue (missing: "
                                f"{sorted(now - ids)}, extra: {sorted(ids - now)}); run `qrinterop vectors generate`"))
    return problems


def _known_rules() -> set[str]:
    from qrinterop.rules import catalogue
    return {r.id for r in catalogue()}


def _check_case(file: str, group: dict, test: dict, root: Path) -> list[Problem]:
    from qrinterop.vectorsets.evaluate import parse_tree, reference_verdict

    tc = test["tcId"]
    out = []
    if test["payload"].encode("utf-8").hex() != test["payloadHex"]:
        out.append(Problem(file, tc, "payloadHex is not the UTF-8 of payload"))
    operation, profile = group["operation"], group["profile"]
    mode = "cpm" if profile == "cpm" else "mpm"
    unknown = sorted(set(test["rules"]) - _known_rules())
    if unknown:
        out.append(Problem(file, tc, f"rules {unknown} are not in the catalogue"))
    if operation == "validate":
        try:
            result, reported, expected = reference_verdict(test["payload"], profile)
        except Exception as exc:  # an unknown profile, say: a finding about this file, not a crash
            return out + [Problem(file, tc, f"reference cannot validate it: {exc}")]
        if result != test["result"]:
            out.append(Problem(file, tc, f"result {test['result']!r} contradicts the reference ({result!r}, "
                                         f"rules {reported})"))
        elif result != "valid" and sorted(test["rules"]) != reported:
            out.append(Problem(file, tc, f"rules {sorted(test['rules'])} but the reference reports {reported}"))
        if sorted(test["expected"].get("errors", [])) != expected["errors"]:
            out.append(Problem(file, tc, f"expected.errors {test['expected'].get('errors')} but the reference "
                                         f"reports {expected['errors']}"))
    elif operation == "parse":
        objects, structural = parse_tree(test["payload"], mode)
        result = "valid" if objects is not None else "invalid"
        if objects is not None and mode == "mpm" and "mpm.crc.mismatch" in reference_verdict(test["payload"], "emv")[1]:
            result = "acceptable"     # sound structure, wrong CRC: either parse answer (evaluate.py)
        if result != test["result"]:
            out.append(Problem(file, tc, f"result {test['result']!r} contradicts the reference parser ({result!r}"
                                         f"{', ' + str(structural) if structural else ''})"))
        elif objects is not None and test["expected"].get("objects") != objects:
            out.append(Problem(file, tc, "expected.objects differs from the reference parse tree"))
        elif objects is None and sorted(test["rules"]) != structural:
            out.append(Problem(file, tc, f"rules {sorted(test['rules'])} but the reference parser reports {structural}"))
    elif operation == "build":
        from qrinterop.vectorsets.evaluate import reference_build
        built, refused = reference_build(test.get("objects") or [], mode)
        result = "valid" if built is not None else "invalid"
        if built is None and refused == ["mpm.tlv.empty"] and test["result"] == "acceptable":
            from qrinterop.vectorsets.evaluate import without_empty
            built, _ = reference_build(without_empty(test.get("objects") or []), mode)
            result = "acceptable"         # refuse or omit the empty object (evaluate.py)
        if result != test["result"]:
            out.append(Problem(file, tc, f"result {test['result']!r} contradicts the reference builder ({result!r}"
                                         f"{', ' + str(refused) if refused else ''})"))
        elif built is not None and built != test["payload"]:
            out.append(Problem(file, tc, f"the reference builds {built!r}, not the vector's payload"))
    elif operation == "render":
        from qrinterop.vectorsets.evaluate import reference_render_problem
        problem = reference_render_problem(test["payload"])
        if problem or test["result"] != "valid":
            out.append(Problem(file, tc, problem or "a render case must be valid (every payload can be drawn)"))
    elif operation == "decode_image":
        out += _check_image(file, test, root)
    return out


def _check_image(file: str, test: dict, root: Path) -> list[Problem]:
    tc = test["tcId"]
    rel = test.get("image")
    if not rel:
        return [Problem(file, tc, "decode_image case without an image")]
    path = root / rel
    if not path.exists():
        return [Problem(file, tc, f"image {rel} is missing")]
    if test["expected"].get("payload") != test["payload"]:
        return [Problem(file, tc, "expected.payload differs from payload")]
    from qrinterop.vectorsets.images import reader_rows
    # Re-read with zxing-cpp only (the fast reader); its row must match what was recorded.
    recorded = next((r for r in test.get("readers", []) if r["reader"] == "zxing"), None)
    now = next(r for r in reader_rows(path.read_bytes(), test["payload"], readers=("zxing",)))
    if recorded is not None and recorded != now:
        return [Problem(file, tc, f"zxing now reads {now} but the vector records {recorded}")]
    return []


def check_set(path: Path, root: Path, against_reference: bool = True) -> list[Problem]:
    file = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return [Problem(file, None, f"not JSON: {exc}")]
    problems = _schema_problems(doc, _schema(root, SCHEMA_ID), file)
    if problems:
        return problems
    seen: dict[int, int] = {}
    count = 0
    for group in doc["testGroups"]:
        for test in group["tests"]:
            count += 1
            seen[test["tcId"]] = seen.get(test["tcId"], 0) + 1
            for flag in test["flags"]:
                if flag not in doc["notes"]:
                    problems.append(Problem(file, test["tcId"], f"flag {flag!r} is not defined in notes"))
    for tc_id, n in sorted(seen.items()):
        if n > 1:
            problems.append(Problem(file, tc_id, f"duplicate tcId ({n} cases)"))
    if count != doc["numberOfTests"]:
        problems.append(Problem(file, None, f"numberOfTests is {doc['numberOfTests']} but the file has {count} cases"))
    if f"{doc['name']}.json" != path.name:
        problems.append(Problem(file, None, f"set name {doc['name']!r} does not match the file name"))
    if against_reference:
        for group in doc["testGroups"]:
            for test in group["tests"]:
                problems += _check_case(file, group, test, root)
    return problems


def vector_files(root: Path) -> list[Path]:
    return [root / rel for rel in published_files(root)
            if "/" not in rel and rel.endswith(".json") and rel != "rules.json"]


def verify(root: Path, manifest: bool = True, against_reference: bool = True) -> list[Problem]:
    """Every problem in the tree at `root` (empty list: it verifies)."""
    root = Path(root)
    if not root.is_dir():
        return [Problem(str(root), None, "not a directory")]
    problems: list[Problem] = []
    if manifest:
        problems += check_manifest(root)
    problems += check_rules(root)
    files = vector_files(root)
    if not files:
        problems.append(Problem(str(root), None, "no vector files"))
    for path in files:
        problems += check_set(path, root, against_reference)
    return problems


class VectorFileError(QrInteropError):
    """A vector tree that cannot be read as vectors (for diff / stats): lists each problem."""


def load_checked(root: Path) -> list[dict]:
    """Every vector document of `root`, after the schema / id / count checks (no reference run);
    raises VectorFileError naming file, tcId and reason for anything malformed."""
    root = Path(root)
    if not root.is_dir():
        raise VectorFileError(f"{root}: not a directory")
    problems, docs = [], []
    for path in vector_files(root):
        found = check_set(path, root, against_reference=False)
        problems += found
        if not found:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
    if problems:
        raise VectorFileError(f"{root} holds malformed vector files:\n" + summarize(problems))
    return docs


def summarize(problems: Iterable[Problem]) -> str:
    problems = list(problems)
    return "\n".join(str(p) for p in problems) if problems else "ok"
