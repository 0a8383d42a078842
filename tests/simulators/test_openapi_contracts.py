"""The eight OpenAPI documents are valid OpenAPI (openapi-spec-validator), and Schemathesis, driven
by each document, finds no 5xx and no answer outside the document on the served simulator
(signed requests: see schemathesis_driver.py). Bounded: fixed seed, capped examples; `slow` runs more."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qrinterop.simulators.wallets import WALLET_IDS, spec

DRIVER = Path(__file__).with_name("schemathesis_driver.py")


@pytest.mark.parametrize("wallet", WALLET_IDS)
def test_openapi_document_is_valid(wallet: str) -> None:
    validator = pytest.importorskip("openapi_spec_validator", reason="openapi-spec-validator is a dev dependency")
    doc = spec(wallet).contract.doc
    validator.validate(doc)          # raises, naming the path and the problem, if the document is invalid
    declared = {p["name"] for item in doc["paths"].values() for op in item.values() if isinstance(op, dict)
                for p in op.get("parameters", []) if p.get("in") == "path"}
    used = {name for template in doc["paths"] for name in re.findall(r"\{(\w+)\}", template)}
    assert used <= declared, f"undeclared path parameters: {used - declared}"


def _schemathesis(examples: int, timeout: float) -> list[dict]:
    pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency (pip install schemathesis)")
    # a separate interpreter, as a user runs Schemathesis: its imports and hypothesis settings stay out of ours
    r = subprocess.run([sys.executable, str(DRIVER), "--examples", str(examples)], capture_output=True, text=True,
                       timeout=timeout)
    summaries = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert {s["wallet"] for s in summaries} == set(WALLET_IDS), r.stderr[-2000:]
    for s in summaries:
        assert s["server_errors"] == 0 and s["failures"] == [], json.dumps(s, ensure_ascii=False)[:3000]
        assert s["requests"] >= examples, s            # every wallet was really exercised
    assert r.returncode == 0, r.stderr[-2000:]
    print("schemathesis:", ", ".join(f"{s['wallet']} {s['requests']} requests ({s['below_400']} < 400)" for s in summaries))
    return summaries


def test_schemathesis_finds_no_5xx_and_no_contract_violation_on_any_wallet() -> None:
    summaries = _schemathesis(examples=6, timeout=120)
    assert sum(s["below_400"] for s in summaries) > 30     # not only refusals: requests reached the handlers


@pytest.mark.slow
def test_schemathesis_long_run() -> None:
    _schemathesis(examples=150, timeout=1800)
