"""Certification document -> certification.md. Pure.

Written for a person reading it on a code host or in a ticket: the verdict first, then each
failing rule with its diagnosis, cases and evidence, then the tables; who and what was run last.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from qrinterop.reports.evidence import other_evidence
from qrinterop.reports.plot import drawn_groups
from qrinterop.reports.summary import (SECTION_TITLES, case_title, coverage_line, coverage_reasons, diagnosis,
                                       findings, profile_rows)

NOT_RECORDED = "(not recorded in the run)"

VERDICT_MARK = {
    "pass": "✅ pass", "fail": "❌ fail", "warning": "⚠️ warning",
    "acceptable-choice": "🔀 acceptable-choice", "not-implemented": "⏭️ not-implemented",
    "not-tested": "∅ not-tested", "expected-failure": "🟡 expected-failure",
}


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


def _rate(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}%"


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else line for line in text.split("\n"))


def render_markdown(doc: Mapping[str, Any]) -> str:
    """Verdict, then the findings worst first (MUST failures, SHOULD/warnings, expected failures,
    acceptable choices — each with its diagnosis, cases and evidence), the per-profile table,
    coverage one line per profile, the rule tables of the profiles where something ran, the pass
    rate per rule group, and last who and what was run. The same order as certification.html."""
    o, iut, run = doc["overall"], doc["iut"], doc["run"]
    t = o["tests"]
    lines = [f"# qrinterop certification report: {iut_label(doc)}", "",
             f"**Overall verdict: {verdict_line(doc)}**", "",
             f"Tests: {t['total']} — {t['passed']} passed, {t['failed']} failed, {t['warning']} warning, "
             f"{t['skipped']} skipped (not implemented), {t['expected-failure']} expected failure.", ""]
    if not run["complete"]:
        lines += ["> **INCOMPLETE RUN.** The run stopped before every test ran "
                  f"(finished: {run['finishedAt'] or 'never'}). This summary covers only the "
                  f"{o['tests']['total']} test(s) that ran; it certifies nothing.", ""]
    sections = findings(doc)
    for key, title in SECTION_TITLES.items():
        if not sections[key]:
            continue
        lines += [f"## {title} ({len(sections[key])})", ""]
        for r in sections[key]:
            lines += [f"### {r['id']}: {r['verdict']}", "",
                      f"{r['title'] or '(no title)'} — {r['level']}, {r['source'] or 'no source'}, "
                      f"profile {r['profile']}.", "", f"**Why:** {diagnosis(r)}", ""]
            for case in r["cases"]:
                what = ", ".join(x for x in (case.get("operation"), case.get("result") and f"vector says {case['result']}",
                                             case.get("category")) if x)
                title_ = case_title(case)
                named = f" — {title_}" if title_ and title_ != case.get("id") else ""
                lines.append(f"- **{case['id']}**{named} ({what}): {case.get('message') or case['status']}")
                if case.get("expectedFailure"):
                    lines.append(f"  - expected failure: {case['expectedFailure']}")
                for warning in case.get("warnings") or []:
                    lines.append(f"  - warning: {warning if isinstance(warning, str) else warning.get('message')}")
                lines += _evidence_md({k: v for k, v in (case.get("evidence") or {}).items() if k != "vector"})
            if r["moreCases"]:
                lines.append(f"- … and {r['moreCases']} more case(s) (see run.json, junit.xml or the Allure report)")
            lines.append("")
    rows = profile_rows(doc)
    lines += ["## Per profile", "", "| profile | rules | pass | MUST fail | pass rate | not run |",
              "|---|---:|---:|---:|---:|---|"]
    lines += [f"| {_cell(r['profile'])} | {r['rules']} | {r['passed']} | {r['mustFail']} | "
              f"{_rate(r['passRate'])} | "
              f"{_cell(coverage_line(r))} |" for r in rows]
    by_profile = {p["profile"]: p["rules"] for p in doc["profiles"]}
    coverage = [r for r in rows if coverage_line(r)]
    if coverage:
        lines += ["", "## Coverage: rules no test answered", ""]
        for r in coverage:
            reasons = "; ".join(f"{why}: {', '.join(ids)}" for why, ids in coverage_reasons(by_profile[r["profile"]]))
            lines.append(f"- **{_cell(r['profile'])}**: {coverage_line(r)} ({reasons})")
    for r in rows:
        if not r["answered"]:
            continue
        lines += ["", f"## Profile {_cell(r['profile'])}", "",
                  "| rule | level | verdict | passed | failed | warning | skipped | xfail | title | source |",
                  "|---|---|---|---:|---:|---:|---:|---:|---|---|"]
        for rule in by_profile[r["profile"]]:
            c = rule["counts"]
            lines.append(f"| {_cell(rule['id'])} | {rule['level']} | {VERDICT_MARK.get(rule['verdict'], rule['verdict'])} | "
                         f"{c['passed']} | {c['failed']} | {c['warning']} | {c['skipped']} | {c['expected-failure']} | "
                         f"{_cell(rule['title'])} | {_cell(rule['source'])} |")
    lines += ["", "## Pass rate per rule group", "", "| group | rules | passed / with an answer | pass rate |",
              "|---|---:|---:|---:|"]
    drawn, left_out = drawn_groups(doc["groups"])
    for g in drawn:
        rate = "n/a" if g["passRate"] is None else f"{g['passRate'] * 100:.0f}%"
        lines.append(f"| {_cell(g['group'])} | {g['rules']} | {g['passed']} / {g['decided']} | {rate} |")
    if left_out:
        lines += ["", f"{left_out} rule group(s) where no test gave an answer (not tested, or not implemented) "
                      "are not listed."]
    lines += ["", "## The run", "", "| | |", "|---|---|",
              f"| IUT | {_cell(iut_label(doc))} |",
              f"| IUT spec | {_cell(_code(iut.get('spec') or ''))} (adapter {_cell(iut.get('adapter'))}) |",
              f"| declared ops | {_cell(', '.join(iut['ops']))} |",
              f"| declared profiles | {_cell(', '.join(iut['profiles']))} |",
              f"| run started | {_cell(run['startedAt'])} |",
              f"| run finished | {_cell(run['finishedAt'] or 'not finished (interrupted)')} |",
              f"| qrinterop | {_cell(doc['qrinteropVersion'])} (Python {_cell(doc.get('python'))}) |",
              f"| vector manifest sha256 | {_cell(doc['vectors'].get('manifestSha256') or NOT_RECORDED)} |",
              f"| expected-failures file | {_cell(doc.get('expectedFailuresFile') or 'none')} |", "",
              "| verdict | rules | of which MUST |", "|---|---:|---:|"]
    lines += [f"| {VERDICT_MARK.get(v, v)} | {n} | {o['mustRules'].get(v, 0)} |" for v, n in o["rules"].items()]
    lines += ["", "### Vector sets", "", "| set | version | sha256 |", "|---|---|---|"]
    lines += [f"| {_cell(s['name'])} | {_cell(s['version'])} | {_cell(s['sha256'] or NOT_RECORDED)} |"
              for s in doc["vectors"]["sets"]] or [f"| {NOT_RECORDED} | | |"]
    return "\n".join(lines).rstrip("\n") + "\n"
