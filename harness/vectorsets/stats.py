"""Cases per set and per result (what `qrinterop vectors stats` prints and docs/vectors.md records)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from qrinterop.vectorsets.model import RESULTS
from qrinterop.vectorsets.verify import load_checked


def stats(root: Path) -> dict[str, Any]:
    rows = []
    for doc in load_checked(Path(root)):
        counts = {r: 0 for r in RESULTS}
        ops: dict[str, int] = {}
        for g in doc["testGroups"]:
            for t in g["tests"]:
                counts[t["result"]] += 1
                ops[g["operation"]] = ops.get(g["operation"], 0) + 1
        rows.append({"set": doc["name"], "version": doc["version"], "cases": doc["numberOfTests"], **counts,
                     "operations": ops})
    total = {r: sum(row[r] for row in rows) for r in ("cases", *RESULTS)}
    return {"sets": rows, "total": total}


def render(data: dict[str, Any]) -> str:
    head = f"| {'set':<14} | {'version':<7} | {'cases':>5} | {'valid':>5} | {'invalid':>7} | {'acceptable':>10} |"
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for r in data["sets"]:
        lines.append(f"| {r['set']:<14} | {r['version']:<7} | {r['cases']:>5} | {r['valid']:>5} | "
                     f"{r['invalid']:>7} | {r['acceptable']:>10} |")
    t = data["total"]
    lines.append(f"| {'total':<14} | {'':<7} | {t['cases']:>5} | {t['valid']:>5} | {t['invalid']:>7} | "
                 f"{t['acceptable']:>10} |")
    return "\n".join(lines)


def flag_index(root: Path) -> dict[str, dict[str, Any]]:
    """For each flag: its bugType and the cases carrying it ({set: [tcId, …]})."""
    index: dict[str, dict[str, Any]] = {}
    for doc in load_checked(Path(root)):
        for group in doc["testGroups"]:
            for test in group["tests"]:
                for flag in test["flags"]:
                    entry = index.setdefault(flag, {"bugType": doc["notes"][flag]["bugType"], "cases": {}})
                    entry["cases"].setdefault(doc["name"], []).append(test["tcId"])
    return dict(sorted(index.items()))


def _ranges(ids: list[int]) -> str:
    ids = sorted(ids)
    out, start, prev = [], ids[0], ids[0]
    for i in ids[1:] + [None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    return ", ".join(out)


def render_flags(index: dict[str, dict[str, Any]]) -> str:
    lines = ["| flag | bugType | cases (set/tcId) |", "|---|---|---|"]
    for flag, entry in index.items():
        cases = "; ".join(f"{name}/{_ranges(ids)}" for name, ids in sorted(entry["cases"].items()))
        lines.append(f"| `{flag}` | {entry['bugType']} | {cases} |")
    return "\n".join(lines)
