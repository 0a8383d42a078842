"""Pass rate per rule group as an inline SVG bar chart. Pure; no plotting library.

Drawn by hand so certification.html stays self-contained (no script, no external asset) and
renders identically in any browser and in a PDF printer.
"""
from __future__ import annotations

from html import escape
from typing import Any, Mapping, Sequence

ROW_HEIGHT = 24
LABEL_WIDTH = 170
BAR_WIDTH = 360
VALUE_WIDTH = 120
TOP = 28


def _colour(rate: float | None, must_fail: bool = False) -> str:
    if must_fail:
        return "#d93025"  # a group with a failing MUST rule is red whatever its pass rate
    if rate is None:
        return "#9aa0a6"
    if rate >= 1.0:
        return "#1e8e3e"
    if rate >= 0.5:
        return "#f9ab00"
    return "#d93025"


def drawn_groups(groups: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], int]:
    """The groups worth a bar (some test gave an answer) and how many were left out: a catalogue
    of 150+ rules would otherwise draw dozens of empty bars around the few that say something."""
    drawn = [g for g in groups if g.get("decided")]
    return drawn, len(groups) - len(drawn)


def pass_rate_svg(all_groups: Sequence[Mapping[str, Any]], failing_groups: frozenset[str] = frozenset()) -> str:
    """One bar per rule group: passed / decided tests (skipped tests decided nothing); red for
    the groups in `failing_groups` (those with a failing MUST rule)."""
    groups, left_out = drawn_groups(all_groups)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP + ROW_HEIGHT * max(1, len(groups)) + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" '
           f'aria-label="Pass rate per rule group">',
           '<title>Pass rate per rule group (passed tests / tests with an answer)</title>',
           f'<text x="{LABEL_WIDTH}" y="16" font-size="12" fill="#5f6368">0%</text>',
           f'<text x="{LABEL_WIDTH + BAR_WIDTH}" y="16" font-size="12" fill="#5f6368" '
           f'text-anchor="end">100%</text>']
    if not groups:
        out.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 16}" font-size="13">no test gave an answer</text>')
    for i, g in enumerate(groups):
        y = TOP + i * ROW_HEIGHT
        rate = g.get("passRate")
        name = escape(str(g["group"]))
        value = "n/a (none ran)" if rate is None else f"{rate * 100:.0f}% ({g['passed']}/{g['decided']})"
        bar = max(3.0, round(BAR_WIDTH * rate, 1))  # a red stub: 0% is a result, not a gap
        out.append(f'<g><title>{name}: {escape(value)}</title>'
                   f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" font-size="13" text-anchor="end" '
                   f'font-family="monospace">{name}</text>'
                   f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="{ROW_HEIGHT - 8}" '
                   f'fill="#eceff1"/>'
                   f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW_HEIGHT - 8}" '
                   f'fill="{_colour(rate, g["group"] in failing_groups)}"/>'
                   f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 16}" font-size="13">'
                   f'{escape(value)}</text></g>')
    out.append("</svg>")
    if left_out:
        out.append(f'<p class="meta">{left_out} rule group(s) where no test gave an answer '
                   f'(not tested, or not implemented) are not drawn.</p>')
    return "\n".join(out)


# ---- verdicts per profile -------------------------------------------------------------------------

# Worst first, left to right; a MUST failure is always red (never amber: amber is a warning).
VERDICT_COLOURS: tuple[tuple[str, str, str], ...] = (
    ("fail", "#d93025", "fail"),
    ("expected-failure", "#e37400", "expected failure"),
    ("warning", "#f9ab00", "warning"),
    ("acceptable-choice", "#4285f4", "acceptable choice"),
    ("pass", "#1e8e3e", "pass"),
    ("not-tested", "#bdc1c6", "not tested"),
    ("not-implemented", "#e8eaed", "not implemented"),
)
_KNOWN = {v for v, _, _ in VERDICT_COLOURS}


def profile_verdicts_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """One stacked bar per profile: its rules by verdict (rows from summary.profile_rows, in
    their order); the label on the right is the pass rate over rules with an answer."""
    label_w, bar_w, value_w, row_h, top = 100, 420, 210, 22, 34
    width = label_w + bar_w + value_w
    height = top + row_h * max(1, len(rows)) + 6
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="profile-verdicts" role="img" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" aria-label="Rules per verdict, per profile">',
           '<title>Rules per verdict, per profile</title>']
    x = label_w
    for verdict, colour, label in VERDICT_COLOURS:  # legend
        out.append(f'<rect x="{x}" y="6" width="11" height="11" fill="{colour}" stroke="#9aa0a6" stroke-width="0.5"/>'
                   f'<text x="{x + 15}" y="16" font-size="11" fill="#3c4043">{escape(label)}</text>')
        x += 22 + 6.2 * len(label)
    for i, row in enumerate(rows):
        y = top + i * row_h
        total = row["rules"] or 1
        name = escape(str(row["profile"]))
        out.append(f'<text x="{label_w - 8}" y="{y + 14}" font-size="12" text-anchor="end" '
                   f'font-family="monospace">{name}</text>')
        x = float(label_w)
        counts = dict(row["verdicts"])
        ordered = [(v, c, l) for v, c, l in VERDICT_COLOURS] + [(v, "#9aa0a6", v) for v in sorted(counts) if v not in _KNOWN]
        for verdict, colour, label in ordered:
            n = counts.get(verdict, 0)
            if not n:
                continue
            w = bar_w * n / total
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}">'
                       f'<title>{name}: {n} rule(s) {escape(label)}</title></rect>')
            if w >= 18:
                ink = "#fff" if verdict in ("fail", "pass", "expected-failure", "acceptable-choice") else "#3c4043"
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 14}" font-size="10" fill="{ink}" '
                           f'text-anchor="middle">{n}</text>')
            x += w
        rate = row.get("passRate")
        value = ("nothing ran" if rate is None else f"{rate * 100:.0f}% pass ({row['passed']}/{row['answered']})")
        if row.get("mustFail"):
            value += f" · {row['mustFail']} MUST fail"
        out.append(f'<text x="{label_w + bar_w + 8}" y="{y + 14}" font-size="12" '
                   f'fill="{"#a50e0e" if row.get("mustFail") else "#202124"}">{escape(value)}</text>')
    out.append("</svg>")
    return "\n".join(out)


# ---- robustness curves ----------------------------------------------------------------------------

READER_COLOURS = {"zxing": "#1f77b4", "opencv": "#9467bd", "pyzbar": "#2ca02c"}
IUT_COLOUR = "#d93025"
IUT_STYLES = (("#d93025", ""), ("#e37400", ' stroke-dasharray="7,4"'))  # decode_image, render


def _series_style(name: str, series: Sequence[str]) -> tuple[str, str, float]:
    """(colour, extra attributes, width): the IUT's series thick (red, then dashed orange),
    the reference readers thin."""
    if name.startswith("IUT"):
        iut = [s for s in series if s.startswith("IUT")]
        colour, dash = IUT_STYLES[min(iut.index(name), len(IUT_STYLES) - 1)]
        return colour, dash, 3.0
    return READER_COLOURS.get(name, "#5f6368"), "", 1.5


def robustness_svg(data: Mapping[str, Any]) -> str:
    """Small multiples, one panel per distortion: decode rate (0–1) against severity (0–1); the
    reference readers' curves thin, the IUT's thick and red. `data` is robustness.json."""
    curves = data.get("curves") or []
    names = list(dict.fromkeys(c["distortion"] for c in curves))
    series = list(dict.fromkeys(c["reader"] for c in curves))
    pw, ph, gap, top, left = 200, 120, 26, 44, 30
    cols = min(5, max(1, len(names)))
    rows = (len(names) + cols - 1) // cols
    width = left + cols * (pw + gap)
    height = top + rows * (ph + 44)
    params = data.get("parameters") or {}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="robustness" role="img" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" aria-label="Decode rate against distortion level">',
           '<title>Decode rate against distortion level: the IUT beside the reference readers</title>']
    x = left
    for name in series:  # legend
        colour, dash, width_px = _series_style(name, series)
        out.append(f'<line x1="{x}" y1="12" x2="{x + 22}" y2="12" stroke="{colour}" stroke-width="{width_px}"{dash}/>'
                   f'<text x="{x + 26}" y="16" font-size="11">{escape(name)}</text>')
        x += 40 + 6.4 * len(name)
    by_key = {(c["distortion"], c["reader"]): c for c in curves}
    for n, dist in enumerate(names):
        ox = left + (n % cols) * (pw + gap)
        oy = top + (n // cols) * (ph + 44)
        out.append(f'<rect x="{ox}" y="{oy}" width="{pw}" height="{ph}" fill="#fff" stroke="#bdc1c6"/>')
        for frac in (0.25, 0.5, 0.75):
            out.append(f'<line x1="{ox}" y1="{oy + ph * (1 - frac):.1f}" x2="{ox + pw}" y2="{oy + ph * (1 - frac):.1f}" '
                       f'stroke="#eceff1"/>')
        out.append(f'<text x="{ox}" y="{oy - 6}" font-size="12" font-weight="600">{escape(dist)}</text>'
                   f'<text x="{ox - 4}" y="{oy + 9}" font-size="9" text-anchor="end">1</text>'
                   f'<text x="{ox - 4}" y="{oy + ph}" font-size="9" text-anchor="end">0</text>'
                   f'<text x="{ox}" y="{oy + ph + 12}" font-size="9">0</text>'
                   f'<text x="{ox + pw}" y="{oy + ph + 12}" font-size="9" text-anchor="end">1</text>'
                   f'<text x="{ox + pw / 2}" y="{oy + ph + 24}" font-size="9" text-anchor="middle" fill="#5f6368">'
                   f'{escape(str(params.get(dist, "severity")))}</text>')
        for k, name in enumerate(series):
            curve = by_key.get((dist, name))
            if not curve:
                continue
            colour, dash, width_px = _series_style(name, series)
            shift = (k - (len(series) - 1) / 2) * 1.5  # identical curves stay visible side by side
            points = " ".join(f"{ox + s * pw:.1f},{oy + ph - r * (ph - 8) - 4 + shift:.1f}"
                              for s, r in zip(curve["severities"], curve["success"]))
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width_px}"{dash} '
                       f'stroke-opacity="0.9"><title>{escape(name)}, {escape(dist)}</title></polyline>')
    out.append("</svg>")
    return "\n".join(out)
