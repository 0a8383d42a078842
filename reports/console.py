"""What `qrinterop certify` prints when the suite has run: short by default, the full table with -v.

Default: each rule that went wrong, one line with its one-sentence diagnosis (MUST failures
first), one line about what did not run, the test counts and the verdict line. `-v` adds the
table of every rule. Colour on a terminal; none with NO_COLOR (https://no-color.org), on a pipe
or a file, or with `--color never`. Pure rendering of the certification document: the verdicts
and counts are the model's (`qrinterop.reports.verdicts`), nothing is decided here.
"""
from __future__ import annotations

import os
import shutil
from typing import Any, Mapping, TextIO

from qrinterop.reports.summary import COVERAGE_VERDICTS, SECTION_TITLES, all_rules, diagnosis, findings, profile_rows

RESET = "\x1b[0m"
STYLES = {"red": "\x1b[31m", "bold-red": "\x1b[1;31m", "green": "\x1b[32m", "bold-green": "\x1b[1;32m",
          "yellow": "\x1b[33m", "bold-yellow": "\x1b[1;33m", "blue": "\x1b[34m", "dim": "\x1b[2m", "bold": "\x1b[1m"}
VERDICT_STYLE = {"fail": "red", "expected-failure": "yellow", "warning": "yellow", "acceptable-choice": "blue",
                 "pass": "green", "not-implemented": "dim", "not-tested": "dim"}
SECTION_MARK = {"must": ("✗", "bold-red"), "should": ("!", "yellow"), "expected": ("~", "yellow"),
                "acceptable": ("≈", "blue")}
WORDS = {"PASS": "CERTIFIED", "FAIL": "NOT CERTIFIED", "INCOMPLETE": "INCOMPLETE"}


def use_colour(stream: TextIO, choice: str = "auto", environ: Mapping[str, str] | None = None) -> bool:
    """`always` / `never`, or `auto`: colour only on a terminal and only without NO_COLOR
    (any non-empty value). TERM=dumb also means no colour."""
    env = os.environ if environ is None else environ
    if choice == "always":
        return True
    if choice == "never" or env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


class Painter:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, style: str | None) -> str:
        if not self.colour or not style:
            return text
        return f"{STYLES[style]}{text}{RESET}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def verdict_words(doc: Mapping[str, Any]) -> str:
    o = doc["overall"]
    return str(o.get("certification") or WORDS.get(o["verdict"], o["verdict"]))


def verdict_sentence(doc: Mapping[str, Any]) -> str:
    """The last line: CERTIFIED / NOT CERTIFIED / INCOMPLETE, for whom, and why in short."""
    o, iut = doc["overall"], doc.get("iut") or {}
    who = f"{iut.get('name')} {iut.get('version')} ({iut.get('spec')})"
    failing = list(o.get("failingMustRules") or [])
    word = verdict_words(doc)
    if o["verdict"] == "PASS":
        return f"{word}: every MUST rule passes for {who}"
    if o["verdict"] == "INCOMPLETE":
        because = list(o.get("incompleteBecause") or [])
        if not o.get("complete", True) and not because:
            because = ["the run was interrupted"]
        return f"{word}: {who} is not certified — " + ("; ".join(because) or "not every MUST rule ran")
    if failing:
        return f"{word}: {len(failing)} MUST rule(s) fail for {who}: {', '.join(failing)}"
    return f"{word}: no MUST rule passed for {who}"


def render_console(doc: Mapping[str, Any], *, verbose: bool = False, colour: bool = False,
                   width: int | None = None) -> str:
    paint = Painter(colour)
    width = width or max(80, min(160, shutil.get_terminal_size((120, 24)).columns))
    lines: list[str] = []
    if verbose:
        lines += _table(doc, paint, width)
    sections = findings(doc)
    rid_w = max((len(r["id"]) for rules in sections.values() for r in rules), default=10)
    for key, title in SECTION_TITLES.items():
        rules = sections[key]
        if not rules:
            continue
        mark, style = SECTION_MARK[key]
        lines.append(paint(f"{title} ({len(rules)}):", "bold"))
        for r in rules:
            c = r["counts"]
            bad = c.get("failed", 0) + c.get("warning", 0) + c.get("expected-failure", 0)
            head = f"  {mark} {r['id']:<{rid_w}}  {bad:>3}/{c.get('total', 0):<4}"
            lines.append(paint(head, style) + "  " + _clip(diagnosis(r), max(20, width - len(head) - 2)))
    not_run = [r for r in profile_rows(doc) if r["answered"] == 0]
    coverage = sum(1 for r in all_rules(doc) if r["verdict"] in COVERAGE_VERDICTS)
    if coverage:
        names = ", ".join(r["profile"] for r in not_run)
        lines.append(paint(f"not run: {coverage} rule(s) not implemented or not tested"
                           + (f"; nothing ran for {names}" if names else ""), "dim"))
    t = doc["overall"]["tests"]
    lines.append(f"tests: {t['passed']} passed, {t['failed']} failed, {t['warning']} warning, "
                 f"{t['skipped']} skipped, {t['expected-failure']} expected-failure")
    verdict = doc["overall"]["verdict"]
    style = {"PASS": "bold-green", "FAIL": "bold-red"}.get(verdict, "bold-yellow")
    lines.append(paint(verdict_sentence(doc), style))
    return "\n".join(lines) + "\n"


def _table(doc: Mapping[str, Any], paint: Painter, width: int) -> list[str]:
    """Every rule: level, verdict and counts (the -v view), failures first as in the findings."""
    order = {v: i for i, v in enumerate(("fail", "expected-failure", "warning", "acceptable-choice",
                                         "not-tested", "not-implemented", "pass"))}
    rules = sorted(all_rules(doc), key=lambda r: (order.get(r["verdict"], 2), r["id"]))
    rid_w = max((len(r["id"]) for r in rules), default=10)
    out = [paint(f"{'rule':<{rid_w}} {'level':6} {'verdict':17} {'pass':>5} {'fail':>5} {'warn':>5} "
                 f"{'skip':>5} {'xfail':>5}", "bold")]
    for r in rules:
        c = r["counts"]
        out.append(f"{r['id']:<{rid_w}} {r['level']:6} " + paint(f"{r['verdict']:17}", VERDICT_STYLE.get(r["verdict"]))
                   + f" {c['passed']:5} {c['failed']:5} {c['warning']:5} {c['skipped']:5} {c['expected-failure']:5}")
    out.append("")
    return out


def write_console(doc: Mapping[str, Any], out: TextIO, *, verbose: bool = False, colour: str = "auto") -> None:
    out.write(render_console(doc, verbose=verbose, colour=use_colour(out, colour)))


def summary_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    """certify --json: the verdict, the test counts, the failing MUST rules and one row per rule
    (failures first) with its first failing test — all read from the certification document."""
    o = doc["overall"]
    order = {v: i for i, v in enumerate(("fail", "expected-failure", "warning", "acceptable-choice",
                                         "not-tested", "not-implemented", "pass"))}
    rows = []
    for r in sorted(all_rules(doc), key=lambda r: (order.get(r["verdict"], 2), r["id"])):
        first = r["cases"][0] if r["cases"] and r["verdict"] != "pass" else None
        rows.append({"rule": r["id"], "level": r["level"], "verdict": r["verdict"], "counts": r["counts"],
                     "diagnosis": diagnosis(r) if first else None,
                     "first": {"test": first["id"], "message": first.get("message")} if first else None})
    return {"certified": o["verdict"] == "PASS", "verdict": o["verdict"], "certification": verdict_words(doc),
            "exitCode": o.get("exitCode"), "complete": o.get("complete", doc["run"]["complete"]),
            "iut": doc.get("iut"), "tests": o["tests"], "failingMustRules": list(o.get("failingMustRules") or []),
            "untestedMustRules": list(o.get("untestedMustRules") or []),
            "incompleteBecause": list(o.get("incompleteBecause") or []), "rules": rows}
