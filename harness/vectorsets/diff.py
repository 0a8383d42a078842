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
    "payloads": {"added": [[set, tcId, payload]], "removed": […], "verdictChanged": [[set, tcId, payload,
    old result, new result]]}} — only sets that differ."""
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
    old_payloads = _by_payload(a)
    new_payloads = _by_payload(b)
    both = sorted(set(old_payloads) & set(new_payloads))
    payloads = {
        "added": [[k[0], new_payloads[k]["tcId"], k[3]] for k in sorted(set(new_payloads) - set(old_payloads))],
        "removed": [[k[0], old_payloads[k]["tcId"], k[3]] for k in sorted(set(old_payloads) - set(new_payloads))],
        # the same payload (wherever its tcId went) now judged differently: the change that matters
        "verdictChanged": [[k[0], new_payloads[k]["tcId"], k[3], old_payloads[k]["result"], new_payloads[k]["result"]]
                           for k in both if _verdict(old_payloads[k]) != _verdict(new_payloads[k])]}
    return {"sets": sets, "payloads": payloads}


def _by_payload(cases: dict[str, dict[int, dict]]) -> dict[tuple, dict]:
    return {(n, t["operation"], t["profile"], t["payload"], _image_key(t)): t
            for n, cs in cases.items() for t in cs.values()}


def _image_key(test: dict) -> str:
    expected = test.get("expected") or {}
    return f"{expected.get('variant', '')}/{expected.get('distortion', '')}"


def _verdict(test: dict) -> tuple:
    return (test["result"], tuple(test["rules"]))


def render(result: dict[str, Any]) -> str:
    lines = []
    if not result["sets"] and not any(result["payloads"].values()):
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
    for name, tc, payload, before, after in result["payloads"]["verdictChanged"]:
        lines.append(f"  ! {name}/{tc} {before} -> {after}: {payload[:60]!r}{'…' if len(payload) > 60 else ''}")
    return "\n".join(lines)
