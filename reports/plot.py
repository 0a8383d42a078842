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


def _colour(rate: float | None) -> str:
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


def pass_rate_svg(all_groups: Sequence[Mapping[str, Any]]) -> str:
    """One bar per rule group: passed / decided tests (skipped tests decided nothing)."""
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
                   f'fill="{_colour(rate)}"/>'
                   f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 16}" font-size="13">'
                   f'{escape(value)}</text></g>')
    out.append("</svg>")
    if left_out:
        out.append(f'<p class="meta">{left_out} rule group(s) where no test gave an answer '
                   f'(not tested, or not implemented) are not drawn.</p>')
    return "\n".join(out)
