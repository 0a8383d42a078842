"""Certification document -> a self-contained certification.html. Pure.

Self-contained means: one file, no external asset (no stylesheet, script, font or image URL);
CSS inline, the charts inline SVG, evidence images embedded as data: URIs. It can be mailed to a
scheme, archived, or opened from a CI artefact without a network. No JavaScript: <details>
folds the evidence.

Made to be acted on in a minute: the first screen holds the verdict and one row per failing MUST
rule (rule, title, clause, the diagnosis in one sentence), the banner's rule ids link to those
rows, and each row unfolds to its evidence. What passed or never ran is counted, not listed.
"""
from __future__ import annotations

import base64
import json
from html import escape
from typing import Any, Callable, Mapping

from qrinterop.reports.evidence import other_evidence
from qrinterop.reports.markdown import NOT_RECORDED, verdict_line
from qrinterop.reports.plot import pass_rate_svg, profile_verdicts_svg, robustness_svg
from qrinterop.reports.summary import (COVERAGE_VERDICTS, SECTION_TITLES, all_rules, case_title, coverage_line,
                                       coverage_reasons, diagnosis, findings, iut_label, profile_rows)
from qrinterop.reports.verdicts import rule_group

ImageLoader = Callable[[str], "bytes | None"]

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans JP",sans-serif;margin:.8em auto;
 max-width:1240px;color:#202124;padding:0 1em;line-height:1.35;font-size:14px}
h1{font-size:1.35em;margin:.1em 0} h2{font-size:1.1em;margin:1em 0 .3em;border-bottom:1px solid #dadce0}
table{border-collapse:collapse;margin:.4em 0;font-size:.92em} th,td{border:1px solid #dadce0;padding:.2em .5em;
 text-align:left;vertical-align:top} th{background:#f1f3f4} td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
pre{background:#f8f9fa;border:1px solid #e8eaed;padding:.4em .6em;margin:.2em 0 .5em;overflow-x:auto;
 white-space:pre-wrap;word-break:break-all;max-height:24em;overflow-y:auto}
.banner{padding:.45em .8em;border-radius:6px;font-size:1.1em;font-weight:600;margin:.4em 0}
.PASS{background:#e6f4ea;color:#137333} .FAIL{background:#fce8e6;color:#a50e0e}
.INCOMPLETE{background:#fef7e0;color:#8a5a00;border:2px dashed #f9ab00}
.chips{font-weight:400;font-size:.8em} a.chip{display:inline-block;font-family:ui-monospace,monospace;
 background:#fff;color:#a50e0e;border:1px solid #f4b4ae;border-radius:10px;padding:0 .45em;margin:.1em .1em;
 text-decoration:none} a.chip:hover{background:#a50e0e;color:#fff}
.v{font-weight:600;white-space:nowrap;padding:.05em .4em;border-radius:4px}
.meta{color:#5f6368;font-size:.9em}
section.findings h2 .count{font-size:.8em;background:#f1f3f4;border-radius:8px;padding:0 .5em;color:#3c4043}
section.must h2{color:#a50e0e} section.should h2{color:#8a5a00}
.row{display:grid;grid-template-columns:215px 210px 130px 1fr 42px;gap:0 .7em;padding:.22em .4em;
 align-items:baseline;font-size:.93em}
.row.head{font-size:.8em;color:#5f6368;border-bottom:1px solid #dadce0}
details.f{border-bottom:1px solid #eceff1} details.f>summary{list-style:none;cursor:pointer}
details.f>summary::-webkit-details-marker{display:none}
details.f>summary:hover{background:#f8f9fa} details.f[open]>summary{background:#f1f3f4}
details.f:target>summary{outline:2px solid #1a73e8}
.rid{font-weight:600;word-break:break-all} section.must .rid{color:#a50e0e} section.should .rid{color:#8a5a00}
.rid::before{content:"▸ ";color:#9aa0a6} details[open] .rid::before{content:"▾ "}
.t{color:#3c4043} .src{color:#5f6368;font-size:.9em} .row .n{text-align:right;color:#5f6368}
.ev{padding:.3em .8em .6em 1.6em;background:#fcfcfc}
.case{border-left:4px solid #d93025;padding:.2em .8em;margin:.6em 0} .case.warning,.case.skipped{border-color:#f9ab00}
.case.expected-failure{border-color:#e37400}
.k{font-size:.85em;color:#5f6368;margin-top:.3em}
.why{font-weight:600} tr.bad td:first-child code{color:#a50e0e;font-weight:600}
.diff span{display:inline-block;width:100%} .diff .add{color:#137333;background:#e6f4ea}
.diff .del{color:#a50e0e;background:#fce8e6} .diff .hunk{color:#5f6368}
img.qr{max-width:220px;image-rendering:pixelated;border:1px solid #dadce0}
table.compact td,table.compact th{padding:.12em .45em}
details.cov{margin:.1em 0} details.cov>summary{cursor:pointer} details>summary{cursor:pointer}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _verdict(v: str) -> str:
    return f'<span class="v v-{_e(v)}">{_e(v)}</span>'


def _anchor(rule_id: str) -> str:
    return "rule-" + rule_id.replace(".", "-")


def _diff_html(diff: str) -> str:
    rows = []
    for line in diff.split("\n"):
        cls = ("add" if line.startswith("+") and not line.startswith("+++") else
               "del" if line.startswith("-") and not line.startswith("---") else
               "hunk" if line.startswith(("@@", "---", "+++")) else "")
        rows.append(f'<span class="{cls}">{_e(line)}</span>' if cls else _e(line))
    return '<pre class="diff">' + "\n".join(rows) + "</pre>"


def _image_html(path: str, load_image: ImageLoader | None) -> str:
    data = load_image(path) if load_image else None
    if data is None:
        return f'<p class="meta">image: <code>{_e(path)}</code> (not found next to the run record)</p>'
    mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg" if data[:2] == b"\xff\xd8" else None
    if mime is None:
        return f'<p class="meta">image: <code>{_e(path)}</code> (not a PNG or JPEG; not embedded)</p>'
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return f'<figure><img class="qr" alt="QR image {_e(path)}" src="{uri}"><figcaption class="meta">{_e(path)}</figcaption></figure>'


def _expected_actual(evidence: Mapping[str, Any]) -> str:
    """Expected vs actual: the readable diff when there is one; for a verdict (valid/invalid),
    what the vector says beside what the IUT said and why."""
    if evidence.get("diff"):
        return '<div class="k">expected vs actual (IUT)</div>' + _diff_html(evidence["diff"])
    parts = []
    vector = evidence.get("vector") if isinstance(evidence.get("vector"), Mapping) else {}
    expected = evidence.get("expected")
    if expected is None and vector.get("result"):
        expected = f"the vector says {vector['result']}" + (
            f" (breaks {', '.join(vector.get('rules') or [])})" if vector.get("result") == "invalid" else "")
    if expected is not None:
        parts.append(f'<div class="k">expected</div><pre>{_e(_text(expected))}</pre>')
    if evidence.get("actual") is not None:
        parts.append(f'<div class="k">actual (IUT)</div><pre>{_e(_text(evidence["actual"]))}</pre>')
    return "".join(parts)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


HIDDEN_EVIDENCE = ("vector",)  # the whole vector: its comment heads the case, the rest is in run.json


def _evidence_html(evidence: Mapping[str, Any] | None, load_image: ImageLoader | None) -> str:
    if not evidence:
        return ""
    parts = []
    if evidence.get("payload"):
        parts.append(f'<div class="k">payload</div><pre class="payload">{_e(evidence["payload"])}</pre>')
    parts.append(_expected_actual(evidence))
    if evidence.get("stderr"):
        parts.append(f'<div class="k">IUT stderr</div><pre class="stderr">{_e(evidence["stderr"])}</pre>')
    if evidence.get("http"):
        parts.append('<div class="k">HTTP exchange (secrets redacted)</div>'
                     f"<pre>{_e(json.dumps(evidence['http'], ensure_ascii=False, indent=2, sort_keys=True))}</pre>")
    for key, text in other_evidence({k: v for k, v in evidence.items() if k not in HIDDEN_EVIDENCE}):
        parts.append(f'<div class="k">{_e(key)}</div><pre>{_e(text)}</pre>')
    if evidence.get("image"):
        parts.append(_image_html(str(evidence["image"]), load_image))
    return "".join(parts)


def _case_html(case: Mapping[str, Any], load_image: ImageLoader | None) -> str:
    meta = " · ".join(_e(x) for x in (case.get("operation"), case.get("result") and f"vector says {case['result']}",
                                      case.get("category")) if x)
    xf = (f'<div class="meta">expected failure: {_e(case["expectedFailure"])}</div>'
          if case.get("expectedFailure") else "")
    title = case_title(case)
    named = f" — {_e(title)}" if title and title != case.get("id") else ""
    warnings = "".join(f'<div class="meta">⚠ {_e(w if isinstance(w, str) else w.get("message") or w)}</div>'
                       for w in case.get("warnings") or [])
    attribution = case.get("attribution") or {}
    how = (f'<div class="meta">charged to this rule by {_e(attribution.get("method"))}</div>'
           if isinstance(attribution, Mapping) and attribution.get("method") else "")
    return (f'<div class="case {_e(case.get("status"))}"><div><code>{_e(case.get("id"))}</code>{named} '
            f'<span class="meta">{meta}</span></div>'
            f'<div class="why">{_e(case.get("message") or case.get("status"))}</div>{xf}{how}{warnings}'
            f'{_evidence_html(case.get("evidence"), load_image)}</div>')


def _finding_row(rule: Mapping[str, Any], load_image: ImageLoader | None) -> str:
    """One failing rule, one row: rule, title, clause, the diagnosis in one sentence; the row
    unfolds to the evidence of its first cases."""
    c = rule["counts"]
    bad = c.get("failed", 0) + c.get("warning", 0) + c.get("expected-failure", 0)
    cases = "".join(_case_html(case, load_image) for case in rule["cases"])
    more = (f'<p class="meta">… and {rule["moreCases"]} more case(s): every one is in run.json, junit.xml '
            f'and the Allure report.</p>' if rule.get("moreCases") else "")
    return (f'<details class="f" id="{_anchor(rule["id"])}"><summary class="row">'
            f'<code class="rid">{_e(rule["id"])}</code><span class="t">{_e(rule["title"])}</span>'
            f'<span class="src">{_e(rule["source"])}</span><span class="dx">{_e(diagnosis(rule))}</span>'
            f'<span class="n" title="tests of this rule that went wrong / all its tests">{bad}/{c.get("total", 0)}</span>'
            f'</summary><div class="ev">'
            f'<p class="meta">{_e(rule["level"])} · profile {_e(rule["profile"])} · verdict {_e(rule["verdict"])}. '
            f'{_e(rule.get("description"))}</p>{cases}{more}</div></details>')


def _section(key: str, rules: list[Mapping[str, Any]], load_image: ImageLoader | None) -> str:
    head = ('<div class="row head"><span>rule</span><span>title</span><span>clause</span>'
            '<span>why (one sentence; click a row for the evidence)</span><span class="n">bad</span></div>')
    return (f'<section class="findings {key}" id="{key}"><h2>{_e(SECTION_TITLES[key])} '
            f'<span class="count">{len(rules)}</span></h2>{head}'
            + "".join(_finding_row(r, load_image) for r in rules) + "</section>")


def _banner(doc: Mapping[str, Any]) -> str:
    """The verdict line; the failing MUST rule ids as links to their rows, and (INCOMPLETE) the
    MUST rules never exercised, named."""
    o = doc["overall"]
    failing = list(o.get("failingMustRules") or [])
    line = verdict_line(doc)
    if failing and o["verdict"] == "FAIL" and ": " in line:
        line = line.rsplit(": ", 1)[0] + ":"   # the ids follow as links
    chips = " ".join(f'<a class="chip" href="#{_anchor(r)}">{_e(r)}</a>' for r in failing)
    untested = list(o.get("untestedMustRules") or [])
    more = (f'<div class="chips">{len(untested)} MUST rule(s) never exercised: '
            + ", ".join(f"<code>{_e(r)}</code>" for r in untested) + "</div>") if untested else ""
    return (f'<div class="banner {_e(o["verdict"])}" id="overall">Overall verdict: {_e(line)} '
            f'<span class="chips">{chips}</span>{more}</div>')


def _profile_table(rows: list[Mapping[str, Any]]) -> str:
    head = ("<tr><th>profile</th><th>rules</th><th>pass</th><th>MUST fail</th><th>other findings</th>"
            "<th>pass rate</th><th>not run</th></tr>")
    body = []
    for r in rows:
        other = r["rules"] - r["passed"] - r["mustFail"] - sum(r["verdicts"].get(v, 0) for v in COVERAGE_VERDICTS)
        rate = "–" if r["passRate"] is None else f"{r['passRate'] * 100:.0f}%"
        cls = ' class="bad"' if r["mustFail"] else ""
        body.append(f"<tr{cls}><td><code>{_e(r['profile'])}</code></td><td class=\"n\">{r['rules']}</td>"
                    f"<td class=\"n\">{r['passed']}</td><td class=\"n\">{r['mustFail'] or ''}</td>"
                    f"<td class=\"n\">{other or ''}</td><td class=\"n\">{rate}</td>"
                    f"<td class=\"meta\">{_e(coverage_line(r))}</td></tr>")
    return f'<table id="profiles" class="compact">{head}{"".join(body)}</table>'


def _coverage(doc: Mapping[str, Any], rows: list[Mapping[str, Any]]) -> str:
    """Not tested / not implemented: one line per profile, its rule ids folded."""
    by_profile = {p["profile"]: p["rules"] for p in doc["profiles"]}
    lines = []
    for r in rows:
        text = coverage_line(r)
        if not text:
            continue
        reasons = coverage_reasons(by_profile.get(r["profile"], []))
        why = f" — {reasons[0][0]}" if len(reasons) == 1 else ""
        body = "".join(f'<p class="meta">{_e(reason)}: {_e(", ".join(ids))}</p>' for reason, ids in reasons)
        lines.append(f'<details class="cov"><summary><code>{_e(r["profile"])}</code>: {_e(text)}{_e(why)}</summary>'
                     f"{body}</details>")
    if not lines:
        return ""
    return ('<section id="coverage"><h2>Coverage: rules no test answered</h2>'
            '<p class="meta">Not implemented: the IUT does not declare the operation or profile. '
            "Not tested: no vector names the rule.</p>" + "".join(lines) + "</section>")


def _passes(doc: Mapping[str, Any]) -> str:
    passed = [r for r in all_rules(doc) if r["verdict"] == "pass"]
    if not passed:
        return ""
    rows = "".join(f"<tr><td><code>{_e(r['id'])}</code></td><td>{_e(r['level'])}</td>"
                   f"<td class=\"n\">{r['counts']['passed']}</td><td>{_e(r['title'])}</td><td>{_e(r['source'])}</td></tr>"
                   for r in passed)
    return (f'<details id="passes"><summary><b>{len(passed)} rule(s) pass</b> (click for the list)</summary>'
            f'<table class="compact"><tr><th>rule</th><th>level</th><th>tests</th><th>title</th><th>clause</th></tr>'
            f"{rows}</table></details>")


def _identity(doc: Mapping[str, Any]) -> str:
    iut, run = doc["iut"], doc["run"]
    rows = [("IUT", iut_label(doc)), ("IUT spec", f"{iut.get('spec') or ''} (adapter {iut.get('adapter')})"),
            ("declared ops", ", ".join(iut["ops"])), ("declared profiles", ", ".join(iut["profiles"])),
            ("run started", run["startedAt"]), ("run finished", run["finishedAt"] or "not finished (interrupted)"),
            ("qrinterop", f"{doc['qrinteropVersion']} (Python {doc.get('python')})"),
            ("vector manifest sha256", doc["vectors"].get("manifestSha256") or NOT_RECORDED),
            ("expected-failures file", doc.get("expectedFailuresFile") or "none")]
    sets = ("".join(f"<tr><td>{_e(s['name'])}</td><td>{_e(s['version'])}</td>"
                    f"<td><code>{_e(s['sha256'] or NOT_RECORDED)}</code></td></tr>" for s in doc["vectors"]["sets"])
            or f'<tr><td colspan="3">{NOT_RECORDED}</td></tr>')
    return ('<section id="run"><h2>The run</h2><table id="identity" class="compact">'
            + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows) + "</table>"
            f'<details id="vector-sets"><summary>{len(doc["vectors"]["sets"])} vector set(s): name, version, sha256'
            f'</summary><table class="compact"><tr><th>set</th><th>version</th><th>sha256</th></tr>{sets}</table>'
            "</details></section>")


def render_html(doc: Mapping[str, Any], load_image: ImageLoader | None = None,
                robustness: Mapping[str, Any] | None = None) -> str:
    """The page, top to bottom: verdict (failing MUST rule ids link to their rows), the findings
    (MUST failures, SHOULD failures, expected failures, acceptable choices; one row each, evidence
    folded), the per-profile table and chart, the IUT's robustness curves when it handles images,
    coverage (one line per profile), the passing rules (folded), then who and what was run."""
    o, iut, run = doc["overall"], doc["iut"], doc["run"]
    title = f"qrinterop certification: {iut_label(doc)}"
    t = o["tests"]
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
         f"<h1>{_e(title)}</h1>",
         f'<p class="meta" id="who"><code>{_e(iut.get("spec"))}</code> · {_e(run["startedAt"])} · '
         f'qrinterop {_e(doc["qrinteropVersion"])} · vectors {_e((doc["vectors"].get("manifestSha256") or "?")[:12])} · '
         f'<span id="summary">tests: {t["total"]} — {t["passed"]} passed, {t["failed"]} failed, {t["warning"]} warning, '
         f'{t["skipped"]} skipped, {t["expected-failure"]} expected failure</span></p>',
         _banner(doc)]
    if not run["complete"]:
        h.append(f'<p class="banner INCOMPLETE">INCOMPLETE RUN: the run stopped before every test ran '
                 f'(finished: {_e(run["finishedAt"] or "never")}). This summary covers only the '
                 f'{t["total"]} test(s) that ran; it certifies nothing.</p>')
    sections = findings(doc)
    for key in SECTION_TITLES:
        if sections[key]:
            h.append(_section(key, sections[key], load_image))
    if not any(sections.values()):
        h.append('<p id="no-findings">No findings: every rule that ran passes.</p>')
    rows = profile_rows(doc)
    failing_groups = frozenset(rule_group(r) for r in o.get("failingMustRules") or [])
    h.append('<section id="per-profile"><h2>Per profile</h2>' + profile_verdicts_svg(rows) + _profile_table(rows)
             + '<details id="groups"><summary>Pass rate per rule group (tests that gave an answer)</summary>'
             + pass_rate_svg(doc["groups"], failing_groups) + "</details></section>")
    if robustness and robustness.get("curves"):
        h.append('<section id="robustness-curves"><h2>Image robustness: decode rate against distortion</h2>'
                 f'<p class="meta">{_e(robustness.get("note") or "")}</p>' + robustness_svg(robustness) + "</section>")
    h.append(_coverage(doc, rows))
    h.append(_passes(doc))
    h.append(_identity(doc))
    h.append(f'<p class="meta">Written by qrinterop {_e(doc["qrinteropVersion"])} from the run record of '
             f'{_e(run["startedAt"])}. Every test, with its evidence: run.json, junit.xml, allure-report/.</p>'
             "</body></html>")
    return "\n".join(x for x in h if x) + "\n"
