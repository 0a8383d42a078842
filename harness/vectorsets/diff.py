"""What changed between two published vector trees: cases added / removed / changed, by set and
tcId, and payloads that appear in only one of them (a case can move to another tcId)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from qrinterop.vectorsets.verify import load_checked

_COMPARED = ("payload", "result", "rules", "expected", "comment", "flags")


def _cases(root: Path) -> dict[str, dict[int, dict]]:
    out: dict[str, dict[int, dict]] = {}
    for doc in load_checked(Path(root)):
        out[doc["name"]] = {t["tcId"]: {**t, "operation": g["operation"], "profile": g["profile"],
                                         "_version": doc.get("version")}
                            for g in doc["testGroups"] for t in g["tests"]}
    return out


def diff_trees(old: Path, new: Path) -> dict[str, Any]:
    """{"sets": {name: {"old": v, "new": v, "added": [tcId], "removed": [tcId], "changed": [{tcId, fields}]}},
    "payloads": {"added": [[set, tcId, payload]], "removed": […]}} — only sets that differ."""
    a, b = _cases(old), _cases(new)
    sets: dict[str, Any] = {}
    for name in sorted(set(a) | set(b)):
        before, after = a.get(name, {}), b.get(name, {})
        changed = []
        for tc in sorted(set(before) & set(after)):
            fields = [f for f in (*_COMPARED, "operation", "profile") if before[tc].get(f) != after[tc].get(f)]
            if fields:
                changed.append({"tcId": tc, "fields": fields})
        entry = {"old": next(iter(before.values()), {}).get("_version"),
                 "new": next(iter(after.values()), {}).get("_version"),
                 "added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
                 "changed": changed}
        if entry["added"] or entry["removed"] or entry["changed"] or entry["old"] != entry["new"]:
            sets[name] = entry
    old_payloads = {(n, t["operation"], t["profile"], t["payload"]): tc for n, cs in a.items() for tc, t in cs.items()}
    new_payloads = {(n, t["operation"], t["profile"], t["payload"]): tc for n, cs in b.items() for tc, t in cs.items()}
    payloads = {
        "added": [[k[0], new_payloads[k], k[3]] for k in sorted(set(new_payloads) - set(old_payloads))],
        "removed": [[k[0], old_payloads[k], k[3]] for k in sorted(set(old_payloads) - set(new_payloads))]}
    return {"sets": sets, "payloads": payloads}


def render(result: dict[str, Any]) -> str:
    lines = []
    if not result["sets"] and not result["payloads"]["added"] and not result["payloads"]["removed"]:
        return "no differences"
    for name, e in result["sets"].items():
        lines.append(f"{name}: {e['old'] or '(absent)'} -> {e['new'] or '(absent)'}")
        for tc in e["added"]:
            lines.append(f"  + {name}/{tc}")
        for tc in e["removed"]:
            lines.append(f"  - {name}/{tc}")
        for c in e["changed"]:
            lines.append(f"  ~ {name}/{c['tcId']} ({', '.join(c['fields'])})")
    for label, sign in (("added", "+"), ("removed", "-")):
        items = result["payloads"][label]
        if items:
            lines.append(f"payloads {label}: {len(items)}")
            for name, tc, payload in items:
                lines.append(f"  {sign} {name}/{tc} {payload[:70]!r}{'…' if len(payload) > 70 else ''}")
    return "\n".join(lines)
