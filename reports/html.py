"""Certification document -> a self-contained certification.html. Pure.

Self-contained means: one file, no external asset (no stylesheet, script, font or image URL);
CSS inline, the plot inline SVG, evidence images embedded as data: URIs. It can be mailed to a
scheme, archived, or opened from a CI artefact without a network. No JavaScript: <details>
folds the evidence.
"""
from __future__ import annotations

import base64
import json
from html import escape
from typing import Any, Callable, Mapping

from qrinterop.reports.evidence import other_evidence
from qrinterop.reports.markdown import FINDING_ORDER, NOT_RECORDED, iut_label, verdict_line
from qrinterop.reports.plot import pass_rate_svg

ImageLoader = Callable[[str], "bytes | None"]

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans JP",sans-serif;margin:2em auto;
 max-width:1100px;color:#202124;padding:0 1em;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:1px solid #dadce0}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em} th,td{border:1px solid #dadce0;padding:.25em .6em;
 text-align:left;vertical-align:top} th{background:#f1f3f4} td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
pre{background:#f8f9fa;border:1px solid #e8eaed;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.banner{padding:.8em 1em;border-radius:6px;font-size:1.25em;font-weight:600;margin:.6em 0}
.PASS{background:#e6f4ea;color:#137333} .FAIL{background:#fce8e6;color:#a50e0e}
.INCOMPLETE{background:#fef7e0;color:#8a5a00;border:2px dashed #f9ab00}
.v{font-weight:600;white-space:nowrap;padding:.05em .4em;border-radius:4px}
.v-pass{background:#e6f4ea;color:#137333} .v-fail{background:#fce8e6;color:#a50e0e}
.v-warning{background:#fef7e0;color:#8a5a00} .v-acceptable-choice{background:#e8f0fe;color:#174ea6}
.v-not-implemented,.v-not-tested{background:#f1f3f4;color:#5f6368} .v-expected-failure{background:#fff4e5;color:#9c4a00}
.case{border-left:4px solid #d93025;padding:.2em .8em;margin:.8em 0} .case.warning,.case.skipped{border-color:#f9ab00}
.case.expected-failure{border-color:#e37400}
.why{font-weight:600} .meta{color:#5f6368;font-size:.9em}
.diff span{display:inline-block;width:100%} .diff .add{color:#137333;background:#e6f4ea}
.diff .del{color:#a50e0e;background:#fce8e6} .diff .hunk{color:#5f6368}
img.qr{max-width:220px;image-rendering:pixelated;border:1px solid #dadce0}
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


def _evidence_html(evidence: Mapping[str, Any] | None, load_image: ImageLoader | None) -> str:
    if not evidence:
        return ""
    parts = []
    if evidence.get("payload"):
        parts.append(f'<div>payload</div><pre class="payload">{_e(evidence["payload"])}</pre>')
    if evidence.get("diff"):
        parts.append("<div>expected vs actual (IUT)</div>" + _diff_html(evidence["diff"]))
    else:
        for key in ("expected", "actual"):
            if evidence.get(key) is not None:
                parts.append(f"<div>{key}</div><pre>{_e(json.dumps(evidence[key], ensure_ascii=False, indent=2, sort_keys=True))}</pre>")
    if evidence.get("stderr"):
        parts.append(f'<div>IUT stderr</div><pre class="stderr">{_e(evidence["stderr"])}</pre>')
    if evidence.get("http"):
        parts.append("<div>HTTP exchange (secrets redacted)</div>"
                     f"<pre>{_e(json.dumps(evidence['http'], ensure_ascii=False, indent=2, sort_keys=True))}</pre>")
    for key, text in other_evidence(evidence):
        parts.append(f"<div>{_e(key)}</div><pre>{_e(text)}</pre>")
    if evidence.get("image"):
        parts.append(_image_html(str(evidence["image"]), load_image))
    return '<details open><summary>evidence</summary>' + "".join(parts) + "</details>"


def _case_html(case: Mapping[str, Any], load_image: ImageLoader | None) -> str:
    meta = " · ".join(_e(x) for x in (case.get("operation"), case.get("result") and f"vector says {case['result']}",
                                      case.get("category"), case.get("nodeid")) if x)
    xf = (f'<div class="meta">expected failure: {_e(case["expectedFailure"])}</div>'
          if case.get("expectedFailure") else "")
    return (f'<div class="case {_e(case["status"])}"><div><code>{_e(case["id"])}</code> '
            f'<span class="meta">{meta}</span></div>'
            f'<div class="why">{_e(case.get("message") or case["status"])}</div>{xf}'
            f'{_evidence_html(case.get("evidence"), load_image)}</div>')


def render_html(doc: Mapping[str, Any], load_image: ImageLoader | None = None) -> str:
    o, iut, run = doc["overall"], doc["iut"], doc["run"]
    title = f"qrinterop certification: {iut_label(doc)}"
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
         f"<h1>{_e(title)}</h1>",
         f'<div class="banner {_e(o["verdict"])}" id="overall">Overall verdict: {_e(verdict_line(doc))}</div>']
    if not run["complete"]:
        h.append(f'<p class="banner INCOMPLETE">INCOMPLETE RUN: the run stopped before every test ran '
                 f'(finished: {_e(run["finishedAt"] or "never")}). This summary covers only the '
                 f'{o["tests"]["total"]} test(s) that ran; it certifies nothing.</p>')
    rows = [("IUT", iut_label(doc)), ("IUT spec", f"{iut.get('spec') or ''} (adapter {iut.get('adapter')})"),
            ("declared ops", ", ".join(iut["ops"])), ("declared profiles", ", ".join(iut["profiles"])),
            ("run started", run["startedAt"]), ("run finished", run["finishedAt"] or "not finished (interrupted)"),
            ("qrinterop", f"{doc['qrinteropVersion']} (Python {doc.get('python')})"),
            ("vector manifest sha256", doc["vectors"].get("manifestSha256") or NOT_RECORDED),
            ("expected-failures file", doc.get("expectedFailuresFile") or "none")]
    h.append('<table id="identity">' + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows) + "</table>")
    h.append("<h2>Vector sets</h2><table><tr><th>set</th><th>version</th><th>sha256</th></tr>"
             + ("".join(f"<tr><td>{_e(s['name'])}</td><td>{_e(s['version'])}</td>"
                        f"<td><code>{_e(s['sha256'] or NOT_RECORDED)}</code></td></tr>" for s in doc["vectors"]["sets"])
                or f'<tr><td colspan="3">{NOT_RECORDED}</td></tr>') + "</table>")
    t = o["tests"]
    h.append(f'<h2>Summary</h2><p id="summary">Tests: {t["total"]} — {t["passed"]} passed, {t["failed"]} failed, '
             f'{t["warning"]} warning, {t["skipped"]} skipped (not implemented), {t["expected-failure"]} expected failure.</p>')
    h.append("<table><tr><th>verdict</th><th>rules</th><th>of which MUST</th></tr>"
             + "".join(f'<tr><td>{_verdict(v)}</td><td class="n">{n}</td><td class="n">{o["mustRules"][v]}</td></tr>'
                       for v, n in o["rules"].items()) + "</table>")
    h.append("<h2>Pass rate per rule group</h2>" + pass_rate_svg(doc["groups"]))
    for profile in doc["profiles"]:
        h.append(f'<h2>Profile {_e(profile["profile"])}</h2><table class="rules"><tr><th>rule</th><th>level</th>'
                 "<th>verdict</th><th>passed</th><th>failed</th><th>warning</th><th>skipped</th><th>xfail</th>"
                 "<th>title</th><th>source</th></tr>")
        for r in profile["rules"]:
            c = r["counts"]
            rid = f'<a href="#{_anchor(r["id"])}">{_e(r["id"])}</a>' if r["cases"] else _e(r["id"])
            h.append(f"<tr><td><code>{rid}</code></td><td>{_e(r['level'])}</td><td>{_verdict(r['verdict'])}</td>"
                     + "".join(f'<td class="n">{c[k]}</td>' for k in ("passed", "failed", "warning", "skipped", "expected-failure"))
                     + f"<td>{_e(r['title'])}</td><td>{_e(r['source'])}</td></tr>")
        h.append("</table>")
    findings = [r for p in doc["profiles"] for r in p["rules"] if r["cases"]]
    findings.sort(key=lambda r: (FINDING_ORDER.index(r["verdict"]), r["id"]))
    if findings:
        h.append('<h2 id="findings">Findings: the first failing cases, with why</h2>')
    for r in findings:
        h.append(f'<section class="finding" id="{_anchor(r["id"])}"><h3><code>{_e(r["id"])}</code> {_verdict(r["verdict"])}</h3>'
                 f'<p class="meta">{_e(r["title"])} — {_e(r["level"])}, {_e(r["source"])}, profile {_e(r["profile"])}. '
                 f'{_e(r.get("description"))}</p>')
        h.extend(_case_html(case, load_image) for case in r["cases"])
        if r["moreCases"]:
            h.append(f'<p class="meta">… and {r["moreCases"]} more case(s): see junit.xml or the Allure report.</p>')
        h.append("</section>")
    h.append(f'<p class="meta">Written by qrinterop {_e(doc["qrinteropVersion"])} from the run record of '
             f'{_e(run["startedAt"])}.</p></body></html>')
    return "\n".join(h) + "\n"
