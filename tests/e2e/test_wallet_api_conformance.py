"""The wallet API conformance suite run as a user runs it (its own pytest process), against the
simulators in-process, against `qrinterop serve`, and against a deliberately wrong implementation
that it must catch. Every rule of the catalogue must come out with a verdict."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from qrinterop.conformance.wallet_api.catalogue import wallet_rules
from qrinterop.simulators.engine.http import SimRequest, SimResponse
from qrinterop.simulators.server import create_app
from qrinterop.simulators.simulator import Simulator

from qrinterop.localserver import free_port

from .conftest import Uvicorn

ROOT = Path(__file__).resolve().parents[2]
RULES = {r["id"]: r for r in wallet_rules()}


def run_suite(tmp_path: Path, *extra: str) -> tuple[int, dict]:
    record = tmp_path / "run.json"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "qrinterop.conformance.wallet_api.options",
           "--pyargs", "qrinterop.conformance.wallet_api", "--qri-run-record", str(record), *extra]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert record.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.returncode, json.loads(record.read_text(encoding="utf-8"))


def verdicts(record: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in record["tests"]:
        assert t["kind"] == "wallet-api" and t["part"] == "wallet-api"
        for rule in t["rules"]:
            out.setdefault(rule, []).append(t["status"])
    return out


def test_the_simulators_pass_every_rule_in_process(tmp_path: Path) -> None:
    code, record = run_suite(tmp_path)
    seen = verdicts(record)
    assert set(seen) == set(RULES), set(RULES) ^ set(seen)
    assert all(statuses == ["passed"] for statuses in seen.values()), {k: v for k, v in seen.items() if v != ["passed"]}
    assert code == 0
    # the record is one the report writers take (schema-checked there)
    from qrinterop.cli import main
    # exit 4 (INCOMPLETE) is the report's verdict on a run that exercised wallet rules only, not a
    # refusal of the record; 1, 2 or 3 would be
    assert main(["report", "build", str(tmp_path / "run.json"), "--out", str(tmp_path / "report"), "--no-allure-html"]) in (0, 4)
    assert "paypay.api.idempotency" in (tmp_path / "report" / "certification.md").read_text(encoding="utf-8")


def test_the_simulators_pass_every_rule_behind_qrinterop_serve(tmp_path: Path) -> None:
    port = free_port()
    exe = Path(sys.executable).with_name("qrinterop")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 20
        while True:
            try:
                if httpx.get(f"{base}/_sim/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else "serve exited"
            assert time.time() < deadline, "qrinterop serve did not answer in 20 s"
            time.sleep(0.1)
        code, record = run_suite(tmp_path, "--qri-wallet-url", base)
    finally:
        server.terminate()
        server.wait(timeout=10)
    seen = verdicts(record)
    assert set(seen) == set(RULES)
    assert all(statuses == ["passed"] for statuses in seen.values()), {k: v for k, v in seen.items() if v != ["passed"]}
    assert code == 0


class WrongCodes(Simulator):
    """A wallet implementation with two planted deviations in its error codes."""

    def handle(self, req: SimRequest) -> SimResponse:
        resp = super().handle(req)
        resp.body = resp.body.replace(b"DUPLICATE_DYNAMIC_QR_REQUEST", b"SOMETHING_ELSE")   # PayPay: a MUST rule
        resp.body = resp.body.replace(b'"code":"INVALID_REQUEST"', b'"code":"PARAM_ERROR"')  # WeChat: SHOULD rules
        return resp


def test_a_wrong_implementation_is_caught_and_explained(tmp_path: Path) -> None:
    with Uvicorn(create_app(WrongCodes(timeout_seconds=1.0), deliver_webhooks=False)) as server:
        code, record = run_suite(tmp_path, "--qri-wallet-url", server.base, "--qri-wallet-ids", "paypay,wechatpay")
    assert code == 1
    by_rule = {t["rules"][0]: t for t in record["tests"]}
    bad = by_rule["paypay.api.idempotency"]
    assert bad["status"] == "failed" and "DUPLICATE_DYNAMIC_QR_REQUEST" in bad["message"] and "SOMETHING_ELSE" in bad["message"]
    assert bad["evidence"]["http"]["response"]["body"], "the failing exchange is kept as evidence"
    assert by_rule["wechatpay.api.idempotency"]["status"] == "warning"          # SHOULD: a warning, not a failure
    assert by_rule["paypay.api.auth"]["status"] == "passed"
    assert {t["status"] for r, t in by_rule.items() if r.startswith("paypay") and r != "paypay.api.idempotency"} == {"passed"}


@pytest.mark.parametrize("wallet", ["paypay", "alipayplus"])
def test_catalogue_records_have_the_rule_shape(wallet: str) -> None:
    for r in (x for x in wallet_rules() if x["profile"] == wallet):
        assert set(r) == {"id", "title", "source", "level", "profile", "description"}
        assert r["id"].startswith(f"{wallet}.api.") and r["level"] in ("MUST", "SHOULD") and r["source"]
