"""Compute one vector from one hand-written case: payload, hex, parse tree, the reference's verdict.

Pure: no files. The verdict is the reference's (qrinterop.rules.validate / parse_mpm / parse_cpm),
and the case's own `expect` and `rules` must agree with it — a disagreement is a `CaseMismatch`
naming the case, so a change in the reference can never silently rewrite a golden vector.
"""
from __future__ import annotations

from typing import Any

from qrinterop.errors import CpmError, MpmError, QrInteropError
from qrinterop.rules import MUST, rules_for, validate
from qrinterop.vectorsets import bases
from qrinterop.vectorsets.model import ACCEPTABLE, INVALID, RESULTS, VALID, Case, Group
from qrinterop.vectorsets.mutate import CaseError, build_mpm_case, cpm_text, garble, tree_from_payload

OPERATIONS = ("validate", "parse", "build", "render", "decode_image")


class CaseMismatch(QrInteropError):
    """The reference's answer for a case differs from what its author stated."""


def case_payload(case: Case) -> str:
    """The payload text a case describes."""
    return _build(case)[0]


def _build(case: Case) -> tuple[str, list | None]:
    """(payload, the edited MPM tree it was written from — None for CPM and verbatim payloads)."""
    payload, tree = _build_text(case)
    if case.garble:
        return garble(payload, case.garble), None
    return payload, tree


def _build_text(case: Case) -> tuple[str, list | None]:
    sources = [s for s in (case.base, case.fields, case.payload, case.cpm) if s is not None]
    if len(sources) != 1:
        raise CaseError("a case needs exactly one of base / fields / payload / cpm")
    if case.cpm is not None:
        return cpm_text(case.cpm, case.cpm_text), None
    edited = bool(case.edits or case.crc != "ok" or case.suffix)
    if case.payload is not None:
        if not edited:
            return case.payload, None
        tree = tree_from_payload(case.payload)
    elif case.fields is not None:
        from qrinterop.profiles.build import build_payload  # the profiles part's typed builder
        text = build_payload(case.builder, **dict(case.fields))
        tree = tree_from_payload(text)
        if not edited:
            return text, tree
    else:
        tree = bases.base_tree(case.base)
    return build_mpm_case(tree, case.edits, case.crc, case.suffix), tree


def _walk_cpm(objects):
    for o in objects:
        yield o
        yield from _walk_cpm(o.get("children") or ())


def reference_render_problem(payload: str) -> str | None:
    """None when the reference renders `payload` (UTF-8 with ECI) to a symbol zxing-cpp reads back
    byte for byte; else what went wrong."""
    from qrinterop.imaging import render_png
    from qrinterop.imaging.read import read
    primary = read(render_png(payload).data, ("zxing",)).primary
    if primary is None:
        return "zxing-cpp found no code in the reference's render"
    if primary.bytes != payload.encode("utf-8"):
        return f"zxing-cpp read {primary.bytes[:40]!r}… instead of the payload's UTF-8"
    return None


def tree_objects(tree: list) -> list[dict]:
    """IUT Obj form (DESIGN §4) of an editable tree: the input of a build vector."""
    return [{"id": i, "children": tree_objects(v)} if isinstance(v, list) else {"id": i, "value": v}
            for i, v, _unit in tree]


def reference_build(objects: list[dict], mode: str = "mpm") -> tuple[str | None, list[str]]:
    """(payload, []) from the reference builder, or (None, [rule]) when it refuses."""
    try:
        if mode == "cpm":
            from qrinterop.emv.cpm import build_cpm
            return build_cpm(objects), []
        from qrinterop.emv.mpm import build_mpm
        return build_mpm(objects), []
    except (MpmError, CpmError) as exc:
        return None, [exc.rule]


def parse_tree(payload: str, mode: str) -> tuple[list | None, list[str]]:
    """The strict parse tree (IUT Obj form, DESIGN §4) or the rules of the structural problems."""
    try:
        if mode == "cpm":
            from qrinterop.emv.cpm import parse_cpm, scan_cpm
            return parse_cpm(payload).to_objects(), []
        from qrinterop.emv.mpm import parse_mpm, scan_mpm
        return parse_mpm(payload).to_objects(), []
    except (MpmError, CpmError):
        scanned = scan_cpm(payload) if mode == "cpm" else scan_mpm(payload)
        return None, sorted({v.rule for v in scanned.issues})


def without_empty(objects: list[dict]) -> list[dict]:
    """The objects minus those with an empty value (and templates left empty by that)."""
    out = []
    for o in objects:
        if "children" in o:
            kept = without_empty(o["children"])
            if kept:
                out.append({**o, "children": kept})
        elif o.get("value") not in ("", None):
            out.append(o)
    return out


def reference_verdict(payload: str | bytes, profile: str) -> tuple[str, list[str], dict[str, Any]]:
    """(result, reported rule ids, expected) from the reference validator."""
    report = validate(payload, profile=profile)
    errors = sorted({v.rule for v in report.violations if v.level == MUST})
    warnings = sorted({v.rule for v in report.violations if v.level != MUST})
    result = INVALID if errors else ACCEPTABLE if warnings else VALID
    expected: dict[str, Any] = {
        "valid": report.valid, "errors": errors, "warnings": warnings,
        "violations": [{"rule": v.rule, "level": v.level, "path": v.path, "offset": v.offset}
                       for v in report.violations]}
    return result, sorted(set(errors) | set(warnings)), expected


def _check(case: Case, result: str, reported: list[str], profile: str) -> None:
    if case.expect not in RESULTS:
        raise CaseError(f"expect must be one of {', '.join(RESULTS)}, got {case.expect!r}")
    problems = []
    if case.expect != result:
        problems.append(f"stated {case.expect}, reference says {result}")
    if result != VALID and sorted(set(case.rules)) != reported:
        problems.append(f"stated rules {sorted(set(case.rules))}, reference reports {reported}")
    if result == VALID:
        if not case.rules:
            problems.append("a valid case must name the rule(s) it shows being met")
        known = {r.id for r in rules_for(profile)}
        unknown = sorted(set(case.rules) - known)
        if unknown:
            problems.append(f"rules {unknown} are not rules of profile {profile!r}")
    if problems:
        raise CaseMismatch("; ".join(problems) + (f" (reference reports {reported})" if reported else ""))


def evaluate(case: Case, group: Group, tc_id: int, image_writer=None) -> dict[str, Any]:
    """The vector for `case` (without image bytes: `image_writer(tc_id, payload, case)` supplies
    the image path, its extra expectations, what each reader read, and flags derived from that)."""
    if group.operation not in OPERATIONS:
        raise CaseError(f"unknown operation {group.operation!r}")
    payload, tree = _build(case)
    mode = "cpm" if group.profile == "cpm" else "mpm"
    objects, structural = parse_tree(payload, mode)
    test: dict[str, Any] = {"tcId": tc_id, "comment": case.comment, "flags": sorted(set(case.flags)),
                            "payload": payload, "payloadHex": payload.encode("utf-8").hex()}
    if case.source:
        test["source"] = case.source
    if group.operation == "validate":
        result, reported, expected = reference_verdict(payload, group.profile)
        _check(case, result, reported, group.profile)
        test["rules"] = reported if result != VALID else sorted(set(case.rules))
        if objects is not None:
            expected["objects"] = objects
    elif group.operation == "build":
        if mode == "cpm":
            if case.cpm is None or case.cpm_text or any("len" in o for o in _walk_cpm(case.cpm)):
                raise CaseError("a CPM build case needs plain cpm objects (no length override, no text transform)")
            objects_in = [dict(o) for o in case.cpm]
        elif tree is None or case.crc != "ok" or case.suffix or case.garble:
            raise CaseError("a build case needs a tree (base or fields) and no CRC mode, suffix or garble")
        else:
            objects_in = [o for o in tree_objects(tree) if o["id"] != "63"]
        built, refused = reference_build(objects_in, mode)
        result = VALID if built is not None else INVALID
        if built is None and case.expect == ACCEPTABLE and refused == ["mpm.tlv.empty"] and mode == "mpm":
            # An object with an empty value: refusing it (the reference) and omitting it are both
            # right (EMV MPM §4.4.1.2: a present object holds 01-99 characters); writing LEN 00 is wrong.
            built, _ = reference_build(without_empty(objects_in), mode)
            result, payload = ACCEPTABLE, built
            test["payload"], test["payloadHex"] = built, built.encode("utf-8").hex()
            test["preferred"] = INVALID
        _check(case, result, refused, group.profile)
        if built is not None and built != payload and "OutOfOrder" in case.flags and mode == "mpm":
            # objects given out of order: the expected payload is the builder's (00 moved first)
            payload = built
            test["payload"], test["payloadHex"] = built, built.encode("utf-8").hex()
        if built is not None and built != payload:
            raise CaseMismatch(f"the reference builds {built!r}, the generator wrote {payload!r}")
        test["objects"] = objects_in
        test["rules"] = refused if result != VALID else sorted(set(case.rules))
        expected = {"payload": built} if built is not None else {"errors": refused}
        if result == ACCEPTABLE:
            expected["errors"] = refused
    elif group.operation == "render":
        problem = reference_render_problem(payload)
        if problem:
            raise CaseMismatch(f"the reference cannot render it: {problem}")
        result = VALID
        _check(case, result, [], group.profile)
        test["rules"] = sorted(set(case.rules))
        expected = {"payload": payload}
    elif group.operation == "parse":
        result = VALID if objects is not None else INVALID
        if objects is not None and mode == "mpm" and "mpm.crc.mismatch" in reference_verdict(payload, "emv")[1]:
            # Structurally sound, wrong CRC: a parser may check the CRC (many real codecs do) or leave
            # it to validation — either answer is allowed; a tree it returns must still be right.
            result, structural = ACCEPTABLE, ["mpm.crc.mismatch"]
        _check(case, result, structural, group.profile)
        test["rules"] = structural if result != VALID else sorted(set(case.rules))
        expected = {"objects": objects} if objects is not None else {"errors": structural}
    else:  # decode_image
        if image_writer is None:
            raise CaseError("decode_image cases need an image writer")
        image_path, expected, readers, reader_flags = image_writer(tc_id, payload, case)
        result, reported = expected.pop("_result"), expected.pop("_rules")
        _check(case, result, reported, group.profile)
        test["rules"] = reported if result != VALID else sorted(set(case.rules))
        test["image"] = image_path
        test["readers"] = readers
        test["flags"] = sorted(set(case.flags) | set(reader_flags))
    test["result"] = result
    test["expected"] = expected
    return test
