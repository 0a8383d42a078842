"""The suite's self-check (issue 14 item 6): run the conformance judging in-process against an IUT
object and say which rules it charges, without pytest — fast enough for a battery of mutant IUTs.

The same judge functions as the pytest suite (conformance/judge.py, imaging_check.py,
robustness.py) over the same vectors; property tests (hypothesis) are left out for speed.
`run(obj)` → `SelfCheck` with every failed outcome; `named_first` is the rule charged by the
most failed tests (ties: the first in run order) — what a reader of the report sees first.

    python -m qrinterop.conformance.selfcheck tests.mutants.mutants   # score and accuracy
"""
from __future__ import annotations

import base64
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qrinterop.conformance import judge
from qrinterop.conformance import robustness as rb
from qrinterop.conformance.cases import Case, load_cases


@dataclass
class SelfCheck:
    failed: list[tuple[str, judge.Outcome]] = field(default_factory=list)
    warned: list[tuple[str, judge.Outcome]] = field(default_factory=list)
    tests: int = 0

    @property
    def charged(self) -> Counter:
        c: Counter = Counter()
        for _, outcome in self.failed:
            for rule in (outcome.attribution.rules if outcome.attribution else outcome.rules):
                c[rule] += 1
        return c

    @property
    def named_first(self) -> str | None:
        counts = self.charged
        if not counts:
            return None
        order = {}
        for _, outcome in self.failed:
            for rule in (outcome.attribution.rules if outcome.attribution else outcome.rules):
                order.setdefault(rule, len(order))
        return max(counts, key=lambda r: (counts[r], -order[r]))


def _png(case: Case) -> bytes | None:
    if case.image and (case.vectors_dir / case.image).is_file():
        return (case.vectors_dir / case.image).read_bytes()
    return None


def run(obj: Any, vectors_dir: Path | None = None, oracle: judge.Oracle | None = None) -> SelfCheck:
    from qrinterop.conformance.imaging_check import render_outcome
    from qrinterop.conformance.oracle import reference_oracle
    from qrinterop.iut.python_iut import PythonIut
    from qrinterop.paths import VECTORS_DIR
    oracle = oracle or reference_oracle()
    iut = PythonIut(f"python:selfcheck:{type(obj).__name__}", obj=obj)
    hello = iut.hello()
    declared = set(hello.profiles or ("emv",))
    _, cases = load_cases(vectors_dir or VECTORS_DIR)
    result = SelfCheck()
    for case in cases:
        if not iut.supports(case.operation) or case.profile not in declared:
            continue
        if case.operation == "parse":
            outcome = judge.judge_parse(case, iut.parse(case.payload, case.mode), oracle)
        elif case.operation == "validate":
            outcome = judge.judge_validate(case, iut.validate(case.payload, case.profile), oracle)
        elif case.operation == "build":
            outcome = judge.judge_build(case, iut.build(case.objects, case.mode), oracle, case.profile)
        elif case.operation == "render":
            outcome = render_outcome(case, iut.render(case.payload))
        else:
            png = _png(case)
            if png is None:
                continue
            outcome = judge.judge_decoded_payload(case, iut.decode_image(base64.b64encode(png).decode()),
                                                  case.payload, list(case.rules))
        result.tests += 1
        if outcome.status == judge.FAILED:
            result.failed.append((case.id, outcome))
        elif outcome.status == judge.WARNING:
            result.warned.append((case.id, outcome))
    for name, table, judging in (("hostile-inputs", rb.HOSTILE, rb.judge_hostile),
                                 ("wire", None, rb.judge_wire)):
        if table is not None:
            requests = [(op, f) for op in table if iut.supports(op) for f in table[op]]
        else:
            requests = [("hello", {})] + [(op, rb.WELL_FORMED[op]) for op in rb.WELL_FORMED if iut.supports(op)]
        outcome = judging(requests, [iut.call(op, f) for op, f in requests])
        result.tests += 1
        if outcome.status == judge.FAILED:
            result.failed.append((f"robustness/{name}", outcome))
    return result


def battery(mutants: list[type]) -> list[dict[str, Any]]:
    rows = []
    for cls in mutants:
        start = time.perf_counter()
        check = run(cls())
        rows.append({"mutant": cls.__name__, "planted": cls.PLANTED, "killed": bool(check.failed),
                     "namedFirst": check.named_first, "failedTests": len(check.failed), "tests": check.tests,
                     "seconds": round(time.perf_counter() - start, 2)})
    return rows


def main(argv: list[str]) -> int:
    import importlib
    module = importlib.import_module(argv[0] if argv else "mutants")
    rows = battery(module.ALL)
    killed = sum(r["killed"] for r in rows)
    right = sum(r["killed"] and r["namedFirst"] == r["planted"] for r in rows)
    for r in rows:
        mark = "ok " if r["killed"] and r["namedFirst"] == r["planted"] else "MISS"
        print(f"{mark} {r['mutant']:32} planted {r['planted']:26} named {r['namedFirst']!s:26} "
              f"{r['failedTests']:3}/{r['tests']} failed  {r['seconds']:.1f} s")
    print(f"\nmutation score: {killed}/{len(rows)} killed; attribution accuracy: {right}/{killed} name the planted "
          f"rule first; equivalent mutants (not counted): {len(getattr(module, 'EQUIVALENT', {}))}")
    for name, why in getattr(module, "EQUIVALENT", {}).items():
        print(f"  equivalent: {name} — {why}")
    return 0 if killed == right == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
