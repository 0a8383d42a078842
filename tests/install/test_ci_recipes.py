"""The CI recipes in docs/ci/ do what they say: their commands, run as written, certify an IUT and
leave the files a CI page shows (junit.xml, summary.md, the reports) with a documented exit code."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from qrinterop.paths import ROOT
from tests.install.conftest import NODE_IUT, WHEELHOUSE

CI = ROOT / "docs" / "ci"
EXIT_CODES = {0, 1, 2, 3, 4}    # README: certified, not certified, usage, internal, incomplete


def _github_steps() -> dict[str, str]:
    doc = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    (job,) = doc["jobs"].values()
    return {step["name"]: step["run"] for step in job["steps"] if "run" in step and "name" in step}


def _commands(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_gitlab_job_runs_the_github_jobs_commands():
    gitlab = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))["qrinterop-certify"]
    github = _github_steps()
    certify = [c for c in _commands(github["Certify"]) if "qrinterop certify" in c]
    assert len(certify) == 1
    assert gitlab["script"] == [*_commands(github["Install qrinterop"]), certify[0].split(" || ")[0]]
    assert gitlab["artifacts"]["reports"]["junit"] == "qrinterop-report/junit.xml"
    assert gitlab["artifacts"]["when"] == "always"


def test_github_job_certifies_and_leaves_junit_and_a_short_summary(tmp_path, wheel):
    if not WHEELHOUSE.is_dir():
        pytest.skip(f"no {WHEELHOUSE}: `./run test` downloads the locked wheels there before the tests")
    if shutil.which("node") is None:
        pytest.skip("node is not installed (./run installs it)")
    workspace = tmp_path / "workspace"       # the user's repository, checked out by the job
    workspace.mkdir()
    shutil.copy(NODE_IUT, workspace / "iut.js")
    steps = _github_steps()
    summary = tmp_path / "step-summary.md"
    env = {**os.environ, "QRINTEROP_SOURCE": f"{wheel}[certify]", "QRINTEROP_IUT": "jsonl:node iut.js",
           "GITHUB_STEP_SUMMARY": str(summary),
           # offline: the locked wheels stand in for the registry the real job uses
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE)}
    install = subprocess.run(["bash", "-e", "-c", steps["Install qrinterop"]], cwd=workspace, env=env,
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr[-3000:]
    certify = subprocess.run(["bash", "-e", "-c", steps["Certify"]], cwd=workspace, env=env,
                             capture_output=True, text=True, timeout=300)
    assert certify.returncode in EXIT_CODES, certify.stderr[-3000:]
    out = workspace / "qrinterop-report"
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    suite = ET.parse(out / "junit.xml").getroot()
    failures = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suite.iter("testsuite"))
    assert (certify.returncode == 1) == (failures > 0), (certify.returncode, failures)
    assert len(record["tests"]) >= 400                   # every vector, not a handful
    text = summary.read_text(encoding="utf-8")
    assert text == (out / "summary.md").read_text(encoding="utf-8") and 0 < len(text) < 60_000
    assert (out / "certification.html").is_file()
