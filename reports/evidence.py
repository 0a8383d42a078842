"""Evidence made readable: expected vs actual as a line diff, long stderr trimmed. Pure.

A parse tree (`{"objects": [{"id", "value"} | {"id", "children"}]}`) is flattened to one line per
data object, `62.05 = "ORDER-1"`, so a diff points at the object that differs: a mangled
merchant name or a value cut at a byte count shows up as one changed line, not a wall of JSON.
"""
from __future__ import annotations

import difflib
import json
import re
from typing import Any, Mapping

STDERR_LIMIT = 4000
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def visible(text: str | None) -> str | None:
    """Control and zero-width characters as \\xNN / \\uNNNN: a mangled value often differs only
    in characters a reader cannot see (a C1 control from UTF-8 read as Latin-1, a BOM)."""
    if text is None:
        return None
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                          else f"\\u{ord(m.group()):04x}", text)


def tree_lines(objects: Any, prefix: str = "") -> list[str]:
    lines: list[str] = []
    for obj in objects if isinstance(objects, list) else []:
        if not isinstance(obj, Mapping):
            lines.append(f"{prefix}? = {json.dumps(obj, ensure_ascii=False)}")
            continue
        path = f"{prefix}{obj.get('id', '?')}"
        if isinstance(obj.get("children"), list):
            lines.append(f"{path} (template)")
            lines.extend(tree_lines(obj["children"], prefix=f"{path}."))
        else:
            lines.append(f"{path} = {json.dumps(obj.get('value'), ensure_ascii=False)}")
    return lines


def _lines(value: Any) -> list[str]:
    if isinstance(value, Mapping) and isinstance(value.get("objects"), list):
        rest = {k: v for k, v in value.items() if k != "objects"}
        extra = json.dumps(rest, ensure_ascii=False, indent=2, sort_keys=True).splitlines() if rest else []
        return tree_lines(value["objects"]) + extra
    if isinstance(value, str):
        return value.splitlines() or [""]
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).splitlines()


def readable_diff(expected: Any, actual: Any) -> str | None:
    """A unified diff `expected` -> `actual`, or None when either side is missing or they agree."""
    if expected is None or actual is None:
        return None
    a, b = _lines(expected), _lines(actual)
    if a == b:
        return None
    return visible("\n".join(difflib.unified_diff(a, b, "expected", "actual (IUT)", n=2, lineterm="")))


def trim_stderr(text: str | None, limit: int = STDERR_LIMIT) -> str | None:
    """Keep the end of stderr: a crash's cause is in its last lines."""
    if not text:
        return text
    if len(text) <= limit:
        return text
    return f"[… {len(text) - limit} earlier characters left out …]\n{text[-limit:]}"


def readable_evidence(evidence: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The evidence with `diff` as one readable text: ours from expected/actual when both are
    there, else the suite's own list of differences joined (conformance/judge.py writes a list)."""
    if not evidence:
        return None
    out = dict(evidence)
    diff = readable_diff(evidence.get("expected"), evidence.get("actual"))
    if diff:
        out["diff"] = diff
    elif isinstance(out.get("diff"), list):
        out["diff"] = visible("\n".join(str(line) for line in out["diff"]))
    elif out.get("diff") is not None and not isinstance(out["diff"], str):
        out["diff"] = json.dumps(out["diff"], ensure_ascii=False, indent=2, sort_keys=True)
    if "stderr" in out:
        out["stderr"] = trim_stderr(out["stderr"])
    return out


SHOWN_KEYS = ("payload", "expected", "actual", "diff", "stderr", "image", "http")
OTHER_LIMIT = 4000


def other_evidence(evidence: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Evidence the report has no dedicated place for (the IUT's error, a shrunk counterexample
    as a ready-to-add vector, mutant counts…), as (key, readable text), sorted by key."""
    out = []
    for key in sorted(k for k in (evidence or {}) if k not in SHOWN_KEYS):
        value = evidence[key]
        if value is None or value == "" or value == [] or value == {}:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
        if len(text) > OTHER_LIMIT:
            text = text[:OTHER_LIMIT] + f"\n[… {len(text) - OTHER_LIMIT} more characters in certification.json …]"
        out.append((key, visible(text)))
    return out
