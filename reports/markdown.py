"""Certification document -> certification.md. Pure.

Written for a person reading it on a code host or in a ticket: the verdict first, then who and
what was tested, a table per profile, then each failing rule with its cases and evidence.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from qrinterop.reports.evidence import other_evidence
from qrinterop.reports.plot import drawn_groups

NOT_RECORDED = "(not recorded in the run)"

VERDICT_MARK = {
    "pass": "✅ pass", "fail": "❌ fail", "warning": "⚠️ warning",
    "acceptable-choice": "🔀 acceptable-choice", "not-implemented": "⏭️ not-implemented",
    "not-tested": "∅ not-tested", "expected-failure": "🟡 expected-failure",
}
# Rules whose cases the findings section shows, worst first.
FINDING_ORDER = ("fail", "expected-failure", "warning", "acceptable-choice", "not-implemented")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """An inline code span that survives backticks in the text."""
    ticks = 1
    while "`" * ticks in text:
        ticks += 1
    fence = "`" * ticks
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _block(text: str, lang: str = "") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text}\n{fence}"


def iut_label(doc: Mapping[str, Any]) -> str:
    iut = doc["iut"]
    return f"{iut.get('name') or 'unnamed IUT'} {iut.get('version') or ''}".strip()


def verdict_line(doc: Mapping[str, Any]) -> str:
    o = doc["overall"]
    failing = o["failingMustRules"]
    if o["verdict"] == "INCOMPLETE":
        because = "; ".join(o.get("incompleteBecause") or []) or "the run was interrupted"
        return (f"INCOMPLETE — {because}; what ran says {o['verdictSoFar']}"
                + (f" ({len(failing)} MUST rule(s) fail)" if failing else ""))
    if o["verdict"] == "FAIL":
        if failing:
            return f"FAIL — {len(failing)} MUST rule(s) fail: {', '.join(failing)}"
        return "FAIL — no MUST rule passed (nothing was certified)"
    xf = o["mustRules"]["expected-failure"]
    ni = o["mustRules"]["not-implemented"]
    notes = [f"{xf} MUST rule(s) only in the expected-failures file" if xf else "",
             f"{ni} MUST rule(s) not implemented" if ni else ""]
    notes = [n for n in notes if n]
    return "PASS — every MUST rule passes" + (f" ({'; '.join(notes)})" if notes else "")


def _evidence_md(evidence: Mapping[str, Any] | None) -> list[str]:
    if not evidence:
        return []
    lines: list[str] = []
    if evidence.get("payload"):
        lines += ["  - payload:", "", _indent(_block(evidence["payload"], "text")), ""]
    if evidence.get("diff"):
        lines += ["  - expected vs actual:", "", _indent(_block(evidence["diff"], "diff")), ""]
    elif evidence.get("expected") is not None or evidence.get("actual") is not None:
        for key in ("expected", "actual"):
            if evidence.get(key) is not None:
                lines += [f"  - {key}:", "", _indent(_block(
                    json.dumps(evidence[key], ensure_ascii=False, indent=2, sort_keys=True), "json")), ""]
    if evidence.get("stderr"):
        lines += ["  - IUT stderr:", "", _indent(_block(evidence["stderr"].rstrip("\n"), "text")), ""]
    if evidence.get("image"):
        lines += [f"  - image: {_code(str(evidence['image']))}"]
    if evidence.get("http"):
        lines += ["  - HTTP exchange (secrets redacted):", "", _indent(_block(
            json.dumps(evidence["http"], ensure_ascii=False, indent=2, sort_keys=True), "json")), ""]
    for key, text in other_evidence(evidence):
        lines += [f"  - {key}:", "", _indent(_block(text, "text")), ""]
    return lines


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else line for line in text.split("\n"))


def render_markdown(doc: Mapping[str, Any]) -> str:
    o, iut, run = doc["overall"], doc["iut"], doc["run"]
    lines = [f"# qrinterop certification report: {iut_label(doc)}", "",
             f"**Overall verdict: {verdict_line(doc)}**", ""]
    if not run["complete"]:
        lines += ["> **INCOMPLETE RUN.** The run stopped before every test ran "
                  f"(finished: {run['finishedAt'] or 'never'}). This summary covers only the "
                  f"{o['tests']['total']} test(s) that ran; it certifies nothing.", ""]
    lines += ["| | |", "|---|---|",
              f"| IUT | {_cell(iut_label(doc))} |",
              f"| IUT spec | {_cell(_code(iut.get('spec') or ''))} (adapter {_cell(iut.get('adapter'))}) |",
              f"| declared ops | {_cell(', '.join(iut['ops']))} |",
              f"| declared profiles | {_cell(', '.join(iut['profiles']))} |",
              f"| run started | {_cell(run['startedAt'])} |",
              f"| run finished | {_cell(run['finishedAt'] or 'not finished (interrupted)')} |",
              f"| qrinterop | {_cell(doc['qrinteropVersion'])} (Python {_cell(doc.get('python'))}) |",
              f"| vector manifest sha256 | {_cell(doc['vectors'].get('manifestSha256') or NOT_RECORDED)} |",
              f"| expected-failures file | {_cell(doc.get('expectedFailuresFile') or 'none')} |", "",
              "## Vector sets", "", "| set | version | sha256 |", "|---|---|---|"]
    lines += [f"| {_cell(s['name'])} | {_cell(s['version'])} | {_cell(s['sha256'] or NOT_RECORDED)} |"
              for s in doc["vectors"]["sets"]] or [f"| {NOT_RECORDED} | | |"]
    t = o["tests"]
    lines += ["", "## Summary", "",
              f"Tests: {t['total']} — {t['passed']} passed, {t['failed']} failed, {t['warning']} warning, "
              f"{t['skipped']} skipped (not implemented), {t['expected-failure']} expected failure.", "",
              "| verdict | rules | of which MUST |", "|---|---:|---:|"]
    lines += [f"| {VERDICT_MARK[v]} | {n} | {o['mustRules'][v]} |" for v, n in o["rules"].items()]
    lines += ["", "## Pass rate per rule group", "", "| group | rules | passed / with an answer | pass rate |",
              "|---|---:|---:|---:|"]
    drawn, left_out = drawn_groups(doc["groups"])
    for g in drawn:
        rate = "n/a" if g["passRate"] is None else f"{g['passRate'] * 100:.0f}%"
        lines.append(f"| {_cell(g['group'])} | {g['rules']} | {g['passed']} / {g['decided']} | {rate} |")
    if left_out:
        lines += ["", f"{left_out} rule group(s) where no test gave an answer (not tested, or not implemented) "
                      "are not listed."]
    for profile in doc["profiles"]:
        lines += ["", f"## Profile {_cell(profile['profile'])}", "",
                  "| rule | level | verdict | passed | failed | warning | skipped | xfail | title | source |",
                  "|---|---|---|---:|---:|---:|---:|---:|---|---|"]
        for r in profile["rules"]:
            c = r["counts"]
            lines.append(f"| {_cell(r['id'])} | {r['level']} | {VERDICT_MARK[r['verdict']]} | {c['passed']} | "
                         f"{c['failed']} | {c['warning']} | {c['skipped']} | {c['expected-failure']} | "
                         f"{_cell(r['title'])} | {_cell(r['source'])} |")
    findings = [r for p in doc["profiles"] for r in p["rules"] if r["cases"]]
    findings.sort(key=lambda r: (FINDING_ORDER.index(r["verdict"]), r["id"]))
    if findings:
        lines += ["", "## Findings: the first failing cases, with why", ""]
    for r in findings:
        lines += [f"### {r['id']}: {r['verdict']}", "",
                  f"{r['title'] or '(no title)'} — {r['level']}, {r['source'] or 'no source'}, "
                  f"profile {r['profile']}.", ""]
        for case in r["cases"]:
            what = ", ".join(x for x in (case.get("operation"), case.get("result") and f"vector says {case['result']}",
                                         case.get("category")) if x)
            lines.append(f"- **{case['id']}** ({what}): {case.get('message') or case['status']}")
            if case.get("expectedFailure"):
                lines.append(f"  - expected failure: {case['expectedFailure']}")
            lines += _evidence_md(case.get("evidence"))
        if r["moreCases"]:
            lines.append(f"- … and {r['moreCases']} more case(s) (see junit.xml or the Allure report)")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
