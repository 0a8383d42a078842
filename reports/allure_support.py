"""Run record -> Allure's `environment.properties` and `categories.json`. Pure.

The per-test result files come from allure-pytest in the conformance plugin; these two files
give the Allure report its Environment widget and its Categories tab. A category matches a test
on its Allure status and on a regex over its status message. The conformance suite puts the run
record's `category` field name in brackets at the start of the message it fails with
(`[iut-crash] IUT process exited …`); the regexes also accept the plain phrases its messages
use, so a message without the tag is still sorted.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

# Order matters: Allure puts a test in the first category that matches.
CATEGORIES: tuple[dict[str, Any], ...] = (
    {"name": "IUT crash", "category": "iut-crash", "matchedStatuses": ["broken", "failed"],
     "phrases": [r"crash", r"exited with", r"process (?:died|exited)", r"killed by signal"]},
    {"name": "IUT timeout", "category": "timeout", "matchedStatuses": ["broken", "failed"],
     "phrases": [r"timed? ?out", r"did not answer within"]},
    {"name": "Not implemented", "category": "not-implemented", "matchedStatuses": ["skipped"],
     "phrases": [r"not implemented", r"does not declare op"]},
    {"name": "Charset (text mangled)", "category": "charset", "matchedStatuses": ["failed", "broken"],
     "phrases": [r"charset", r"mojibake", r"read as latin-1", r"utf-8 read as", r"shift_jis"]},
    {"name": "Wrong verdict (valid/invalid)", "category": "wrong-verdict", "matchedStatuses": ["failed"],
     "phrases": [r"IUT said (?:valid|invalid)", r"wrong verdict"]},
    {"name": "Wrong value (parse/build result differs)", "category": "wrong-value", "matchedStatuses": ["failed"],
     "phrases": [r"wrong value", r"differs from expected", r"IUT returned"]},
)


def _caseless(pattern: str) -> str:
    """`crash` -> `[cC][rR][aA][sS][hH]`: the regex must work unchanged in Allure 2 (Java,
    full match) and Allure 3 (JavaScript `new RegExp`, which rejects inline flags like `(?i)`)."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == "]":
            in_class = False
            out.append(ch)
        elif ch.isalpha() and ch.lower() != ch.upper() and not in_class:
            out.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            out.append(ch)
    return "".join(out)


def _message_regex(tag: str, phrases: list[str]) -> str:
    # [\s\S]* rather than .* with DOTALL: messages span lines, and neither engine gets a flag.
    alternatives = [re.escape(f"[{tag}]")] + [_caseless(p) for p in phrases]
    return "[\\s\\S]*(?:" + "|".join(alternatives) + ")[\\s\\S]*"


def categories() -> list[dict[str, Any]]:
    out = [{"name": c["name"], "matchedStatuses": c["matchedStatuses"],
            "messageRegex": _message_regex(c["category"], c["phrases"])} for c in CATEGORIES]
    out.append({"name": "Other test failures", "matchedStatuses": ["failed"], "messageRegex": "[\\s\\S]*"})
    return out


def render_categories() -> str:
    return json.dumps(categories(), ensure_ascii=False, indent=2) + "\n"


def _escape_property(text: str, key: bool = False) -> str:
    """java.util.Properties escaping: backslash, leading space, separators in keys, newlines."""
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if key:
        text = re.sub(r"([=: #!])", r"\\\1", text)
    elif text.startswith(" "):
        text = "\\" + text
    return text


def environment(record: Mapping[str, Any]) -> dict[str, str]:
    iut = record.get("iut") or {}
    vectors = record.get("vectors") or {}
    env = {"IUT.name": iut.get("name") or "unnamed", "IUT.version": iut.get("version") or "unknown",
           "IUT.spec": iut.get("spec") or "", "IUT.profiles": ", ".join(sorted(iut.get("profiles") or []))}
    for s in sorted(vectors.get("sets") or [], key=lambda s: s["name"]):
        env[f"vectors.{s['name']}.version"] = s.get("version") or ""
        env[f"vectors.{s['name']}.sha256"] = s.get("sha256") or ""
    env["vectors.manifest.sha256"] = vectors.get("manifestSha256") or ""
    env["qrinterop.version"] = record.get("qrinteropVersion") or ""
    env["Python"] = record.get("python") or ""
    env["run.started"] = record.get("startedAt") or ""
    env["run.complete"] = "true" if record.get("complete") else "false (interrupted)"
    return env


def render_environment(record: Mapping[str, Any]) -> str:
    return "".join(f"{_escape_property(k, key=True)}={_escape_property(v)}\n"
                   for k, v in environment(record).items())
