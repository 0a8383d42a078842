"""The matrix as a static site: plain HTML files, no script, no server, openable from disk.

`render_site(matrix)` is pure (matrix document → {relative path: html}); `write_site` writes them.
Pages: `index.html` (implementations × profiles and test kinds, coloured by verdict),
`vectors/<set>.html` (one row per vector, one column per implementation: what each did),
`impl/<name>.html` (one implementation, linking to its certification report and run record),
`disagreements.html` (every vector on which implementations differ: payload, each answer, and
our rule's reason).
"""
from __future__ import annotations

from collections import OrderedDict
from html import escape
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote

PROFILE_ORDER = ("emv", "jpqr", "promptpay", "pix", "sgqr", "khqr", "vietqr", "qris", "cpm", "fps", "upi",
                 "bharatqr", "duitnow", "qrph")
KIND_ORDER = ("property", "differential", "mutation")

CSS = """
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.2em 2em;color:#1d2330}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}
nav a{margin-right:1.2em}a{color:#1849a9}
table{border-collapse:collapse;margin:.4em 0 1em}th,td{border:1px solid #d5d9e0;padding:3px 7px;text-align:center}
th{background:#f1f3f7;font-weight:600}td.l,th.l{text-align:left}
th.rot{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;vertical-align:bottom;padding:6px 3px}
.pass{background:#cdeccd}.fail{background:#f6c4c0}.warn{background:#fbe5a6}.na{background:#eef0f3;color:#8a93a3}
.err{background:#d9c6f0}.dis{outline:2px solid #c0392b}
code,.payload{font:12px/1.3 ui-monospace,monospace;word-break:break-all}
.small{font-size:12px;color:#5b6475}.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border:1px solid #ccd}
"""


def _page(title: str, body: str, depth: int = 0) -> str:
    up = "../" * depth
    nav = (f'<nav><a href="{up}index.html">Overview</a><a href="{up}vectors/index.html">Vector grid</a>'
           f'<a href="{up}disagreements.html">Disagreements</a><a href="{up}matrix.json">matrix.json</a></nav>')
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body>{nav}<h1>{escape(title)}</h1>{body}</body></html>\n")


def _slug(name: str) -> str:
    return quote(name.replace("/", "_").replace(" ", "_"), safe="-_.()")


def _cell_class(counts: Mapping[str, int] | None) -> str:
    if not counts:
        return "na"
    if counts.get("failed"):
        return "fail"
    if counts.get("warning"):
        return "warn"
    if counts.get("passed") or counts.get("expected-failure"):
        return "pass"
    return "na"


def _cell_text(counts: Mapping[str, int] | None) -> str:
    if not counts:
        return "–"
    decided = counts.get("passed", 0) + counts.get("failed", 0) + counts.get("warning", 0) + counts.get("expected-failure", 0)
    if not decided:
        return "n/i"
    return f"{counts.get('passed', 0) + counts.get('warning', 0)}/{decided}"


def _verdict_class(impl: Mapping[str, Any]) -> str:
    if impl["status"] != "ran":
        return "err"
    return {"PASS": "pass", "FAIL": "fail"}.get(impl.get("verdict"), "warn")


def _ordered(keys: set[str], order: tuple[str, ...]) -> list[str]:
    return [k for k in order if k in keys] + sorted(keys - set(order))


def _overview(matrix: Mapping[str, Any]) -> str:
    impls = matrix["implementations"]
    profiles = _ordered({p for i in impls for p in i.get("byProfile", {})}, PROFILE_ORDER)
    kinds = _ordered({k for i in impls for k in i.get("byKind", {})}, KIND_ORDER)
    head = "".join(f'<th class="rot">{escape(p)}</th>' for p in profiles + kinds)
    rows = []
    for impl in impls:
        hello = impl.get("hello") or {}
        version = hello.get("version") or impl.get("pinned") or ""
        verdict = impl.get("verdict") if impl["status"] == "ran" else impl["status"]
        title = escape(impl.get("reason") or "", quote=True)
        cells = "".join(f'<td class="{_cell_class(impl["byProfile"].get(p))}">{_cell_text(impl["byProfile"].get(p))}</td>'
                        for p in profiles)
        cells += "".join(f'<td class="{_cell_class(impl["byKind"].get(k))}">{_cell_text(impl["byKind"].get(k))}</td>'
                         for k in kinds)
        rows.append(f'<tr><td class="l"><a href="impl/{_slug(impl["name"])}.html">{escape(impl["name"])}</a></td>'
                    f'<td class="l small">{escape(impl.get("origin") or "")} {escape(str(version))}</td>'
                    f'<td class="{_verdict_class(impl)}" title="{title}">{escape(str(verdict))}</td>'
                    f'<td>{impl["counts"].get("failed", 0)}</td>{cells}</tr>')
    n_dis = len(matrix.get("disagreements", []))
    wall = matrix.get("wallSeconds")
    meta = (f'<p class="small">{len(impls)} implementations, {len(matrix.get("vectors", []))} vectors, '
            f'<a href="disagreements.html">{n_dis} vectors on which they disagree</a>. Generated {escape(str(matrix.get("generatedAt")))}'
            + (f", wall time {wall / 60:.1f} min with {matrix.get('jobs')} parallel runs" if wall is not None else "") + ".</p>")
    legend = ('<p class="legend small"><span class="pass">all passed</span><span class="warn">warnings only</span>'
              '<span class="fail">failures</span><span class="na">not implemented / not declared</span>'
              '<span class="err">did not run</span> Cells: tests passed / tests decided (vector sets by profile; then the '
              'property, differential and mutation tests). n/i: not implemented.</p>')
    table = (f'<table><tr><th class="l">implementation</th><th class="l">from</th><th>verdict</th><th>failed</th>{head}</tr>'
             + "".join(rows) + "</table>")
    return _page("QR payment implementations, side by side", meta + legend + table + _group_table(impls))


def _group_table(impls: list[Mapping[str, Any]]) -> str:
    """The EMV MPM rule groups (mpm.crc, mpm.tlv, …): the core every implementation shares, so the
    one place where all columns compare like with like. Cells: tests passed / decided."""
    groups = sorted({g for i in impls for g in i.get("byGroup", {}) if g.startswith("mpm.")})
    if not groups:
        return ""
    head = "".join(f'<th class="rot">{escape(g)}</th>' for g in groups)
    rows = []
    for impl in impls:
        cells = []
        for g in groups:
            got = impl.get("byGroup", {}).get(g)
            if not got:
                cells.append('<td class="na">–</td>')
                continue
            cls = "pass" if got["passed"] == got["decided"] else "fail"
            cells.append(f'<td class="{cls}">{got["passed"]}/{got["decided"]}</td>')
        rows.append(f'<tr><td class="l"><a href="impl/{_slug(impl["name"])}.html">{escape(impl["name"])}</a></td>'
                    + "".join(cells) + "</tr>")
    return ('<h2>By rule group (EMV MPM core)</h2><p class="small">Tests passed / decided per group of rules, from each '
            'certification report; – where no test of the group ran.</p>'
            f'<table><tr><th class="l">implementation</th>{head}</tr>' + "".join(rows) + "</table>")


ANSWER_TEXT = {"accept": "accept", "reject": "reject", "accept-wrong-value": "wrong value", "crash": "CRASH",
               "hang": "HANG", "garbage": "garbage", "n/a": "·"}


def _answer_cell(cell: Mapping[str, Any]) -> str:
    cls = {"passed": "pass", "failed": "fail", "warning": "warn", "expected-failure": "warn"}.get(cell.get("status"), "na")
    title = escape(cell.get("message") or "", quote=True)
    return f'<td class="{cls}" title="{title}">{ANSWER_TEXT.get(cell["answer"], escape(cell["answer"]))}</td>'


def _grid_page(set_name: str, rows: list[Mapping[str, Any]], names: list[str]) -> str:
    head = "".join(f'<th class="rot"><a href="../impl/{_slug(n)}.html">{escape(n)}</a></th>' for n in names)
    body = []
    for v in rows:
        mark = ' class="dis"' if v.get("disagreement") else ""
        vid = escape(v["id"])
        link = f'<a href="../disagreements.html#{_slug(v["id"])}">{vid}</a>' if v.get("disagreement") else vid
        body.append(f'<tr{mark}><td class="l">{link}</td><td>{escape(v.get("operation") or "")}</td>'
                    f'<td>{escape(v.get("result") or "")}</td><td class="l small">{escape(v.get("comment") or "")[:140]}</td>'
                    + "".join(_answer_cell(v["answers"][n]) for n in names) + "</tr>")
    legend = ('<p class="legend small">What each implementation answered: accept / reject / wrong value (accepted, but '
              'the tree or payload differs) / CRASH / HANG / · (not declared). Colour: '
              '<span class="pass">as our suite expects</span><span class="warn">acceptable but less common, or a SHOULD rule</span>'
              '<span class="fail">wrong</span>. Outlined rows: implementations disagree. Hover a cell for its message.</p>')
    table = (f'<table><tr><th class="l">vector</th><th>op</th><th>expected</th><th class="l">what it tests</th>{head}</tr>'
             + "".join(body) + "</table>")
    return _page(f"Vector grid: {set_name}", legend + table, depth=1)


def _grids(matrix: Mapping[str, Any]) -> dict[str, str]:
    names = [i["name"] for i in matrix["implementations"]]
    sets: "OrderedDict[str, list]" = OrderedDict()
    for v in matrix["vectors"]:
        sets.setdefault(v.get("set") or v["id"].rpartition("/")[0], []).append(v)
    pages = {f"vectors/{_slug(s)}.html": _grid_page(s, rows, names) for s, rows in sets.items()}
    items = "".join(f'<tr><td class="l"><a href="{_slug(s)}.html">{escape(s)}</a></td><td>{len(rows)}</td>'
                    f'<td>{sum(1 for r in rows if r.get("disagreement"))}</td></tr>' for s, rows in sets.items())
    pages["vectors/index.html"] = _page("Vector grid", f'<table><tr><th class="l">vector set</th><th>vectors</th>'
                                                       f'<th>disagreements</th></tr>{items}</table>', depth=1)
    return pages


def _disagreements(matrix: Mapping[str, Any]) -> str:
    names = [i["name"] for i in matrix["implementations"]]
    parts = [f'<p class="small">{len(matrix.get("disagreements", []))} vectors on which the implementations that '
             'ran them did not all give the same answer. Each shows the payload, our expected result and rules '
             '(the reason), and every answer with the implementation\'s own message.</p>']
    index = []
    for v in (v for v in matrix["vectors"] if v.get("disagreement")):
        by_answer: dict[str, list[str]] = {}
        for n in names:
            answer = v["answers"][n]["answer"]
            if answer != "n/a":
                by_answer.setdefault(ANSWER_TEXT.get(answer, answer), []).append(n)
        split = "; ".join(f"<b>{escape(k)}</b>: {escape(', '.join(ns))}" for k, ns in sorted(by_answer.items()))
        index.append(f'<tr><td class="l"><a href="#{_slug(v["id"])}">{escape(v["id"])}</a></td>'
                     f'<td>{escape(v.get("result") or "")}</td><td class="l small">{escape(v.get("comment") or "")[:110]}</td>'
                     f'<td class="l small">{split}</td></tr>')
    parts.append('<table><tr><th class="l">vector</th><th>expected</th><th class="l">what it tests</th>'
                 '<th class="l">who answered what</th></tr>' + "".join(index) + "</table>")
    for v in (v for v in matrix["vectors"] if v.get("disagreement")):
        rows = "".join(
            f'<tr><td class="l"><a href="impl/{_slug(n)}.html">{escape(n)}</a></td>{_answer_cell(v["answers"][n])}'
            f'<td class="l small">{escape(v["answers"][n].get("message") or "")}</td></tr>'
            for n in names if v["answers"][n]["answer"] != "n/a")
        parts.append(
            f'<h2 id="{_slug(v["id"])}">{escape(v["id"])} <span class="small">{escape(v.get("operation") or "")}, profile '
            f'{escape(v.get("profile") or "")}, expected <b>{escape(v.get("result") or "")}</b></span></h2>'
            f'<p>{escape(v.get("comment") or "")}<br><span class="small">rules: {escape(", ".join(v.get("rules") or []))}</span></p>'
            f'<p class="payload">{escape(v.get("payload") or "(build: objects, see the vector)")}</p>'
            f'<table><tr><th class="l">implementation</th><th>answer</th><th class="l">its message / our judgement</th></tr>{rows}</table>')
    return _page("Disagreements", "".join(parts))


def _impl_page(impl: Mapping[str, Any], matrix: Mapping[str, Any]) -> str:
    hello = impl.get("hello") or {}
    facts = [("origin", impl.get("origin")), ("package", impl.get("package")), ("pinned version", impl.get("pinned")),
             ("hello", f'{hello.get("name")} {hello.get("version")}' if hello else "—"),
             ("declared ops", ", ".join(hello.get("ops") or []) if hello else "—"),
             ("declared profiles", ", ".join(hello.get("profiles") or []) if hello else "—"),
             ("how the library maps onto our ops", impl.get("mapping")), ("--iut", impl.get("spec") or "(the reference)"),
             ("status", impl["status"] + (f': {impl["reason"]}' if impl.get("reason") else "")),
             ("verdict", impl.get("verdict")), ("run time", f'{impl.get("seconds")} s'),
             ("tests", ", ".join(f"{k} {v}" for k, v in impl["counts"].items()))]
    rows = "".join(f'<tr><th class="l">{escape(k)}</th><td class="l">{escape(str(v))}</td></tr>' for k, v in facts)
    links = []
    if impl.get("report"):
        links.append(f'<a href="../{escape(impl["report"])}">certification report</a>')
    if impl.get("runJson"):
        links.append(f'<a href="../{escape(impl["runJson"])}">run.json</a>')
    failing = "".join(f"<li><code>{escape(r)}</code></li>" for r in impl.get("failingMustRules") or [])
    wrong = [v for v in matrix["vectors"] if v["answers"].get(impl["name"], {}).get("status") in ("failed", "warning")]
    wrong_rows = "".join(
        f'<tr><td class="l"><a href="../vectors/{_slug(v.get("set") or "")}.html">{escape(v["id"])}</a></td>'
        f'{_answer_cell(v["answers"][impl["name"]])}<td>{escape(v.get("result") or "")}</td>'
        f'<td class="l small">{escape(v.get("comment") or "")}</td>'
        f'<td class="l small">{escape(v["answers"][impl["name"]].get("message") or "")}</td></tr>' for v in wrong)
    log = f'<h2>certify output (tail)</h2><pre class="small">{escape(impl["logTail"])}</pre>' if impl.get("logTail") else ""
    body = (f'<table>{rows}</table><p>{" · ".join(links) or "no report: it did not run"}</p>'
            f'<h2>MUST rules failing</h2><ul>{failing or "<li>none</li>"}</ul>'
            f'<h2>Vectors answered wrongly or as a warning ({len(wrong)})</h2>'
            f'<table><tr><th class="l">vector</th><th>answer</th><th>expected</th><th class="l">what it tests</th>'
            f'<th class="l">message</th></tr>{wrong_rows}</table>{log}')
    return _page(impl["name"], body, depth=1)


def render_site(matrix: Mapping[str, Any]) -> dict[str, str]:
    pages = {"index.html": _overview(matrix), "disagreements.html": _disagreements(matrix)}
    pages.update(_grids(matrix))
    for impl in matrix["implementations"]:
        pages[f"impl/{_slug(impl['name'])}.html"] = _impl_page(impl, matrix)
    return pages


def write_site(matrix: Mapping[str, Any], out: Path) -> list[Path]:
    written = []
    for rel, html in render_site(matrix).items():
        path = Path(out) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written
