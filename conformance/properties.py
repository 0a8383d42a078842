"""Property checks against an IUT: the pure part (what a counterexample is, how it is reported).

A property is a function `example -> Problem | None`. `run_property` drives it with hypothesis
(derandomized: a certification run is reproducible) and returns the *shrunk* counterexample:
hypothesis replays the minimal failing example last, so the last problem seen is the minimal one.
A transport failure (crash, hang) is kept as it happened and stops further IUT calls, so a hanging
IUT costs one timeout, not one per shrinking step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

DEFAULT_EXAMPLES = {"roundtrip": 15, "differential": 25}


@dataclass
class Problem:
    message: str
    rules: list[str]
    category: str | None = "wrong-value"
    evidence: dict[str, Any] = field(default_factory=dict)
    transport: bool = False          # crash / hang / garbage: stop calling the IUT
    finding: Any = None              # diagnosis.Finding: the rule(s) the IUT actually broke


@dataclass
class PropertyResult:
    examples: int
    problem: Problem | None
    example: Any = None


class _Counterexample(AssertionError):
    pass


def run_property(prop: Callable[[Any], Problem | None], strategy: st.SearchStrategy, examples: int) -> PropertyResult:
    seen: dict[str, Any] = {"count": 0}

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(strategy)
    def check(example: Any) -> None:
        if "transport" in seen:
            raise _Counterexample(seen["transport"][1].message)
        seen["count"] += 1
        problem = prop(example)
        if problem is None:
            return
        if problem.transport:
            seen["transport"] = (example, problem)
        seen["last"] = (example, problem)
        raise _Counterexample(problem.message)

    try:
        check()
    except _Counterexample:
        pass
    except Exception as exc:  # hypothesis' own complaints (flaky IUT) are findings, not harness errors
        if "last" not in seen:
            return PropertyResult(seen["count"], Problem(f"property run failed: {type(exc).__name__}: {exc}",
                                                         [], None))
    found = seen.get("transport") or seen.get("last")
    if found is None:
        return PropertyResult(seen["count"], None)
    return PropertyResult(seen["count"], found[1], found[0])


def as_vector(operation: str, payload: str, reference_ok: bool, rules: list[str], comment: str,
              expected: dict | None = None, objects: list | None = None) -> dict[str, Any]:
    """A counterexample written as a vector (DESIGN §5), ready to paste into a vector set."""
    vector: dict[str, Any] = {"tcId": 0, "comment": comment, "flags": ["Counterexample"],
                              "payload": payload, "result": "valid" if reference_ok else "invalid",
                              "rules": rules}
    if expected is not None:
        vector["expected"] = expected
    if objects is not None:
        vector["objects"] = objects
    return {"operation": operation, "profile": "emv", "tests": [vector]}


def without_crc(objects: Any) -> Any:
    return [o for o in objects if isinstance(o, dict) and o.get("id") != "63"] if isinstance(objects, list) else objects
