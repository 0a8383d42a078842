"""`qrinterop report trend DIR`: the pass rate of every run record under a folder, as a text table
and a small chart (SVG, or an HTML page holding it). Pure, but for `collect` (which reads files).

A run's pass rate is its passed tests over the tests that gave an answer (passed, failed, warning,
expected failure; skipped tests answered nothing) — the counts of the one verdict model, as
`certification.json` states them; nothing is re-decided here.
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Mapping, Sequence

from qrinterop.reports.diff import certification_of
from qrinterop.reports.record import ReportInputError, load_either

RUN_FILES = ("run.json", "certification.json")


def collect(folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per run under `folder` (a run.json, or a certification.json where no run.json
    sits beside it), oldest first; and the files that could not be read, with why."""
    rows, problems, seen = [], [], set()
    for name in RUN_FILES:
        for path in sorted(Path(folder).rglob(name)):
            if path.parent in seen:
                continue
            try:
                doc = certification_of(load_either(path))
            except ReportInputError as exc:
                problems.append(str(exc))
                continue
            seen.add(path.parent)
            rows.append(row_of(doc, path))
    rows.sort(key=lambda r: (r["startedAt"] or "", r["path"]))
    return rows, problems


def row_of(doc: Mapping[str, Any], path: Path | str = "") -> dict[str, Any]:
    o = doc["overall"]
    t = o["tests"]
    answered = t["passed"] + t["failed"] + t["warning"] + t["expected-failure"]
    iut = doc.get("iut") or {}
    return {"path": str(path), "startedAt": (doc.get("run") or {}).get("startedAt"),
            "iut": f"{iut.get('name') or '?'} {iut.get('version') or ''}".strip(), "verdict": o["verdict"],
            "tests": t["total"], "passed": t["passed"], "answered": answered,
            "passRate": round(t["passed"] / answered, 4) if answered else None,
            "mustFail": len(o.get("failingMustRules") or [])}


def render_text(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "no run records found\n"
    head = f"{'#':>3}  {'started':20}  {'IUT':24}  {'verdict':10}  {'pass rate':>9}  {'passed/answered':>15}  {'MUST fail':>9}"
    lines = [head]
    for i, r in enumerate(rows, 1):
        rate = "–" if r["passRate"] is None else f"{r['passRate'] * 100:.1f}%"
        lines.append(f"{i:>3}  {str(r['startedAt'] or '?'):20}  {r['iut'][:24]:24}  {r['verdict']:10}  {rate:>9}  "
                     f"{str(r['passed']) + '/' + str(r['answered']):>15}  {r['mustFail']:>9}")
    return "\n".join(lines) + "\n"


def render_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """Pass rate per run (a line with a dot per run, red dot when a MUST rule failed)."""
    w, h, left, top, bottom, right = 640, 240, 44, 24, 40, 16
    pw, ph = w - left - right, h - top - bottom
    n = len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
           f'aria-label="Pass rate per run">', "<title>Pass rate per run</title>",
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fff" stroke="#bdc1c6"/>']
    for frac in (0, 0.25, 0.5, 0.75, 1):
        y = top + ph * (1 - frac)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#eceff1"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{frac * 100:.0f}%</text>')
    points = []
    for i, r in enumerate(rows):
        x = left + (pw * (i + 0.5) / n if n else 0)
        out.append(f'<text x="{x:.1f}" y="{top + ph + 14}" font-size="10" text-anchor="middle">{i + 1}</text>')
        if r["passRate"] is None:
            continue
        y = top + ph * (1 - r["passRate"])
        points.append((x, y, r))
    if len(points) > 1:
        out.append('<polyline fill="none" stroke="#1a73e8" stroke-width="2" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points) + '"/>')
    for x, y, r in points:
        colour = "#d93025" if r["mustFail"] else "#1e8e3e"
        label = escape(f"run {r['startedAt']}: {r['passRate'] * 100:.1f}% ({r['passed']}/{r['answered']}), "
                       f"{r['verdict']}, {r['mustFail']} MUST rule(s) failing")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{label}</title></circle>')
    out.append(f'<text x="{left + pw / 2}" y="{h - 6}" font-size="11" text-anchor="middle" fill="#5f6368">'
               "run (oldest first); red: a MUST rule fails</text></svg>")
    return "\n".join(out)


def render_html(rows: Sequence[Mapping[str, Any]]) -> str:
    table = escape(render_text(rows))
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>qrinterop: pass rate per run</title>'
            '<style>body{font-family:system-ui,sans-serif;margin:1em auto;max-width:900px}pre{font-size:12px}</style>'
            f"</head><body><h1>Pass rate per run</h1>{render_svg(rows)}<pre>{table}</pre></body></html>\n")
