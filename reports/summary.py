"""What every human-facing summary shows, and `summary.md` for a pull-request comment. Pure.

The verdicts and counts come from the certification document (built by
`qrinterop.reports.certification` from the one verdict model, `qrinterop.reports.verdicts`);
nothing here decides a verdict. These functions only *arrange* what the model decided, the same
way for the HTML page, the console and summary.md:

- `findings(doc)`: the rules that are not a plain pass, in the order a reader acts on them —
  MUST failures, then SHOULD/MAY failures and other warnings, then expected failures, then
  acceptable choices; coverage (not implemented / not tested) is not a finding;
- `diagnosis(rule_or_case)`: the one sentence that says why, the model's own `diagnosis` when
  it has one (attribution), else the first sentence of the suite's message;
- `profile_rows(doc)`: per profile, the rules per verdict as the model gave them, and the share
  of rules with an answer that pass — profiles with failures first;
- `render_summary_md(doc)`: the short Markdown for a PR comment, always under SUMMARY_LIMIT.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

# GitHub refuses comments over 65,536 characters; leave room for a bot's own header and footer.
SUMMARY_LIMIT = 60_000
SENTENCE_LIMIT = 180
VERDICT_LIMIT = 600

SECTION_TITLES = {
    "must": "MUST failures",
    "should": "SHOULD / MAY failures and warnings",
    "expected": "Expected failures (listed in the expected-failures file)",
    "acceptable": "Acceptable choices (the spec allows either answer)",
}
COVERAGE_VERDICTS = ("not-implemented", "not-tested")


def section_of(rule: Mapping[str, Any]) -> str | None:
    """Which findings section a rule belongs to, from its verdict and level; None for a pass
    or coverage. A verdict this module does not know yet (the model may grow) is shown among
    the warnings rather than hidden."""
    verdict, level = rule.get("verdict"), rule.get("level")
    if verdict == "pass" or verdict in COVERAGE_VERDICTS:
        return None
    if verdict == "fail":
        return "must" if level == "MUST" else "should"
    if verdict == "expected-failure":
        return "expected"
    if verdict == "acceptable-choice":
        return "acceptable"
    return "should"


def all_rules(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [r for p in doc.get("profiles") or [] for r in p.get("rules") or []]


def findings(doc: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """section -> rules, each section in the model's failing-rule order (MUST failures in the
    order of `failingMustRules`), then by id."""
    out: dict[str, list[Mapping[str, Any]]] = {k: [] for k in SECTION_TITLES}
    for rule in all_rules(doc):
        section = section_of(rule)
        if section is not None:
            out[section].append(rule)
    order = {rid: i for i, rid in enumerate((doc.get("overall") or {}).get("failingMustRules") or [])}
    for rules in out.values():
        rules.sort(key=lambda r: (order.get(r["id"], len(order)), r["id"]))
    return out


def first_sentence(text: str | None, limit: int = SENTENCE_LIMIT) -> str:
    """The first sentence of a message, on one line and at most `limit` characters. A sentence
    ends at '. ', '; ' or ' — ' (the suite's messages join clauses with them), not at the dot
    of 'mpm.crc.mismatch' or '1.5'."""
    text = " ".join((text or "").split())
    match = next((m for m in re.finditer(r"(?<=[^\s.])(?:\.\s|;\s|\s—\s)", text) if m.start() >= 30), None)
    if match and match.start() >= 30:  # not at a short lead-in ("acceptable either way; …")
        text = text[:match.start()]
    text = text.rstrip(" .")
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def diagnosis(item: Mapping[str, Any] | None) -> str:
    """One sentence saying why: a rule's or a case's `diagnosis` (the model's attribution, when
    the run record has it: word for word, so every report says what run.json says), else that of
    its first case, else the first sentence of the message (at most SENTENCE_LIMIT characters)."""
    if not item:
        return ""
    for source in (item, item.get("attribution") or {}):
        if isinstance(source, Mapping) and source.get("diagnosis"):
            # verbatim (one line): the same words as run.json's `diagnosis`, in every report
            return " ".join(str(source["diagnosis"]).split())
    cases = item.get("cases") or []
    if cases:
        return diagnosis(cases[0])
    message = str(item.get("message") or item.get("status") or "")
    comment = case_title(item)
    if comment and comment != item.get("id"):  # the vector's comment heads the evidence already
        message = message.replace(f" ({comment})", "")
    return first_sentence(message)


def case_title(case: Mapping[str, Any]) -> str:
    """What the case is, in the vector's own words (its comment), else its id."""
    vector = (case.get("evidence") or {}).get("vector")
    if isinstance(vector, Mapping) and vector.get("comment"):
        return str(vector["comment"])
    return str(case.get("id") or "")


def profile_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per profile: rules per verdict (as the model gave them), MUST failures, and the pass rate
    = rules that pass / rules with an answer (not implemented and not tested gave none).
    Profiles with failures come first, then those with passes, then the ones nothing ran for."""
    rows = []
    for profile in doc.get("profiles") or []:
        verdicts: dict[str, int] = {}
        must_fail = 0
        for rule in profile.get("rules") or []:
            verdicts[rule["verdict"]] = verdicts.get(rule["verdict"], 0) + 1
            must_fail += rule["verdict"] == "fail" and rule.get("level") == "MUST"
        answered = sum(n for v, n in verdicts.items() if v not in COVERAGE_VERDICTS)
        rows.append({"profile": profile["profile"], "rules": sum(verdicts.values()), "verdicts": verdicts,
                     "mustFail": must_fail, "answered": answered, "passed": verdicts.get("pass", 0),
                     "passRate": round(verdicts.get("pass", 0) / answered, 4) if answered else None})
    rows.sort(key=lambda r: (-r["mustFail"], -(r["rules"] - r["passed"] - _coverage(r)),
                             r["answered"] == 0, r["profile"]))
    return rows


def _coverage(row: Mapping[str, Any]) -> int:
    return sum(row["verdicts"].get(v, 0) for v in COVERAGE_VERDICTS)


def coverage_line(row: Mapping[str, Any]) -> str:
    """'34 not implemented, 2 not tested' for a profile row, or '' when every rule had an answer."""
    parts = [f"{row['verdicts'][v]} {v.replace('-', ' ')}" for v in COVERAGE_VERDICTS if row["verdicts"].get(v)]
    return ", ".join(parts)


def iut_label(doc: Mapping[str, Any]) -> str:
    iut = doc.get("iut") or {}
    return f"{iut.get('name') or 'unnamed IUT'} {iut.get('version') or ''}".strip()


# ---- summary.md ---------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    return ("" if value is None else str(value)).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _rate(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"


def render_summary_md(doc: Mapping[str, Any], verdict_line: str, *, limit: int = SUMMARY_LIMIT,
                      report_link: str | None = None) -> str:
    """The pull-request comment: verdict, test counts, each failing rule with its one-sentence
    diagnosis, the per-profile table. Always under `limit` characters: rows that do not fit are
    counted, not printed, and the full reports are named."""
    o = doc["overall"]
    t = o["tests"]
    if len(verdict_line) > VERDICT_LIMIT:  # thousands of failing rule ids: the table below lists them
        verdict_line = verdict_line[:VERDICT_LIMIT - 1].rstrip(", ") + "…"
    head = [f"### qrinterop certification: {_cell(iut_label(doc))[:200]}", "", f"**{verdict_line}**", "",
            f"Tests: {t['total']} — {t['passed']} passed, {t['failed']} failed, {t['warning']} warning, "
            f"{t['skipped']} skipped, {t['expected-failure']} expected failure.", ""]
    where = report_link or "certification.html / certification.md / run.json"
    tail = ["", f"Evidence for every failure (payload, expected vs actual, stderr): {where}."]
    body: list[str] = []
    sections = findings(doc)
    for key, title in SECTION_TITLES.items():
        rules = sections[key]
        if not rules:
            continue
        body += [f"#### {title} ({len(rules)})", "", "| rule | clause | why |", "|---|---|---|"]
        body += [f"| `{_cell(r['id'])}` | {_cell(r.get('source'))} | {_cell(diagnosis(r))} |" for r in rules]
        body.append("")
    rows = profile_rows(doc)
    body += ["#### Per profile", "", "| profile | rules | pass | fail (MUST) | pass rate | not run |",
             "|---|---:|---:|---:|---:|---|"]
    body += [f"| {_cell(r['profile'])} | {r['rules']} | {r['passed']} | {r['mustFail']} | {_rate(r['passRate'])} | "
             f"{_cell(coverage_line(r))} |" for r in rows]
    return _fit(head, body, tail, limit)


def _fit(head: Sequence[str], body: Sequence[str], tail: Sequence[str], limit: int) -> str:
    """head + as much of body as fits + tail, under `limit` characters (counting the note that
    says how many lines were left out)."""
    text = "\n".join([*head, *body, *tail]) + "\n"
    if len(text) < limit:
        return text
    fixed = len("\n".join([*head, *tail])) + 200
    kept: list[str] = []
    used = fixed
    for line in body:
        if used + len(line) + 1 >= limit:
            break
        kept.append(line)
        used += len(line) + 1
    left = len(body) - len(kept)
    note = f"… {left} more line(s) left out to keep this comment under {limit:,} characters."
    out = "\n".join([*head, *kept, "", note, *tail]) + "\n"
    if len(out) >= limit:  # an absurd head (a megabyte IUT name): clip, the files have it all
        out = out[:limit - 3] + "…\n"
    return out


def coverage_reasons(rules: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """The not-implemented / not-tested rules of one profile grouped by the model's `why`
    (a rule without one: by its verdict), largest group first: [(why, [rule ids])]."""
    groups: dict[str, list[str]] = {}
    for rule in rules:
        if rule.get("verdict") in COVERAGE_VERDICTS:
            why = rule.get("why") or rule["verdict"].replace("-", " ")
            groups.setdefault(why, []).append(rule["id"])
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
