"""Run record -> junit.xml (the shape Jenkins, GitLab, GitHub Actions reporters and Azure read). Pure.

One <testsuite> per part/feature (e.g. `codec.emv`), one <testcase> per test; a failed test has a
<failure message type>, a skipped one <skipped message>, an expected failure is reported as
skipped with its reason (as pytest does for xfail), a warning passes with the warning in
<system-out> (JUnit has no warning state). Text is stripped of characters XML 1.0 forbids:
IUT stderr can hold NULs and terminal escapes, and one of them makes the whole file unreadable.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any, Mapping

from qrinterop.reports.verdicts import natural_key

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MESSAGE_LIMIT = 1000


def xml_text(value: Any) -> str:
    return _XML_INVALID.sub("\ufffd", "" if value is None else str(value))


def _seconds(ms: Any) -> str:
    return f"{(ms or 0) / 1000:.3f}"


def _detail(test: Mapping[str, Any]) -> str:
    ev = test.get("evidence") or {}
    lines = [f"rules: {', '.join(test.get('rules') or [])}",
             f"operation: {test.get('operation')}  vector result: {test.get('result')}",
             f"category: {test.get('category')}", f"message: {test.get('message')}"]
    attribution = test.get("attribution") or {}
    if attribution.get("rules"):     # the rule(s) the IUT broke, and how the suite decided it
        lines.append(f"charged to: {', '.join(attribution['rules'])} ({attribution.get('method')})")
    if test.get("diagnosis"):
        lines.append(f"diagnosis: {test['diagnosis']}")
    lines += [f"warning: {w}" for w in test.get("warnings") or []]
    if ev.get("payload"):
        lines.append(f"payload: {ev['payload']}")
    for key in ("expected", "actual"):
        if ev.get(key) is not None:
            lines.append(f"{key}: {json.dumps(ev[key], ensure_ascii=False, sort_keys=True)}")
    if ev.get("stderr"):
        lines += ["IUT stderr:", ev["stderr"]]
    return xml_text("\n".join(lines))


def render_junit(record: Mapping[str, Any]) -> str:
    tests = sorted(record.get("tests", []), key=lambda t: natural_key(str(t["id"])))
    suites: dict[str, list[Mapping[str, Any]]] = {}
    for t in tests:
        suites.setdefault(f"{t.get('part')}.{t.get('feature') or 'all'}", []).append(t)
    iut = record.get("iut") or {}
    root = ET.Element("testsuites", name=xml_text(f"qrinterop conformance: {iut.get('name')} {iut.get('version')}"))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_ms = 0.0
    for name in sorted(suites):
        members = suites[name]
        counts = {"tests": len(members), "failures": sum(t["status"] == "failed" for t in members), "errors": 0,
                  "skipped": sum(t["status"] in ("skipped", "expected-failure") for t in members)}
        ms = sum(t.get("durationMs") or 0 for t in members)
        suite = ET.SubElement(root, "testsuite", name=name, timestamp=xml_text(record.get("startedAt")),
                              time=_seconds(ms), **{k: str(v) for k, v in counts.items()})
        props = ET.SubElement(suite, "properties")
        for key, value in (("iut.name", iut.get("name")), ("iut.version", iut.get("version")),
                           ("iut.spec", iut.get("spec")), ("run.complete", record.get("complete"))):
            ET.SubElement(props, "property", name=key, value=xml_text(value))
        for t in members:
            case = ET.SubElement(suite, "testcase", name=xml_text(t["id"]),
                                 classname=xml_text(f"qrinterop.{name}"), time=_seconds(t.get("durationMs")))
            if t.get("nodeid"):
                case.set("file", xml_text(str(t["nodeid"]).split("::")[0]))
            message = xml_text(t.get("message") or "")[:MESSAGE_LIMIT]
            status = t["status"]
            if status == "failed":
                el = ET.SubElement(case, "failure", message=message, type=xml_text(t.get("category") or "failure"))
                el.text = _detail(t)
            elif status == "skipped":
                ET.SubElement(case, "skipped", message=message or "not implemented")
            elif status == "expected-failure":
                ET.SubElement(case, "skipped", message=xml_text(f"expected failure: {t.get('expectedFailure')}: {message}")[:MESSAGE_LIMIT])
            elif status == "warning":
                ET.SubElement(case, "system-out").text = xml_text(f"WARNING ({', '.join(t.get('rules') or [])}): {t.get('message')}")
        for k in totals:
            totals[k] += counts[k]
        total_ms += ms
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("time", _seconds(total_ms))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
