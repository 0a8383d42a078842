"""docs/simulators.md is enough to complete a payment: its curl and Node examples, run as written
against a live server, create, pay, read and refund."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from qrinterop.paths import ROOT

from .conftest import LiveServer

DOC = ROOT / "docs" / "simulators.md"


def example(name: str) -> str:
    m = re.search(rf"<!-- example:{name} -->\s*```\w+\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert m, f"docs/simulators.md has no '{name}' example"
    return m.group(1)


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl") and shutil.which("openssl")),
                    reason="needs bash, curl and openssl")
def test_curl_example_completes_a_payment(live_server: LiveServer) -> None:
    out = subprocess.run(["bash", "-euo", "pipefail", "-c", example("curl")], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "BASE": live_server.base})
    assert out.returncode == 0, out.stderr
    assert re.search(r"created code 04-\w+", out.stdout), out.stdout
    assert "status: COMPLETED" in out.stdout and '"state":"COMPLETED"' in out.stdout
    assert '"code":"SUCCESS"' in out.stdout.splitlines()[-1] and '"status":"CREATED"' in out.stdout.splitlines()[-1]


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node ≥ 18")
def test_node_example_completes_a_payment(live_server: LiveServer) -> None:
    out = subprocess.run(["node", "-e", example("node")], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "BASE": live_server.base})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("created 201 04-") and lines[1] == "status COMPLETED" and lines[2] == "refund 201 CREATED"
