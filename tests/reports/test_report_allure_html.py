"""The Allure HTML step: clear message without Node, bounded by its timeout, real generation.

Tests never reach the internet: the real generation runs only when the npm package is already
in the local cache (`qrinterop report allure …` installs it once, from the npm registry).
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from report_fixtures import BUGGY, load, make_allure_results, write_run
from qrinterop.reports import allure_html
from qrinterop.reports.build import build_reports

NODE = shutil.which("node")


def test_without_node_the_message_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(allure_html.shutil, "which", lambda name: None)
    (tmp_path / "results").mkdir()
    with pytest.raises(allure_html.AllureUnavailable) as err:
        allure_html.generate(tmp_path / "results", tmp_path / "report", cache_dir=tmp_path / "cache")
    message = str(err.value)
    assert "node and npm not found on PATH" in message and "apt-get install nodejs npm" in message
    assert "https://nodejs.org" in message


def test_build_goes_on_without_node_and_notes_why(tmp_path, monkeypatch):
    monkeypatch.setattr(allure_html.shutil, "which", lambda name: None)
    run = write_run(tmp_path, load(BUGGY))
    built = build_reports(run)
    assert built.notes == ["no Allure HTML report: allure-results/ holds no test results "
                           "(allure-pytest writes them during `qrinterop certify`)"]
    (tmp_path / "allure-results" / "0a1b-result.json").write_text('{"name": "t", "status": "passed"}')
    built = build_reports(run)
    assert built.allure_report is None
    assert len(built.notes) == 1 and "needs Node.js" in built.notes[0]
    assert (tmp_path / "certification.html").is_file() and (tmp_path / "junit.xml").is_file()


def test_env_switch_turns_the_allure_html_off(tmp_path, monkeypatch):
    """Tests that run certify set it: a fresh machine must not fetch allure from npm inside a test."""
    monkeypatch.setenv("QRINTEROP_ALLURE_HTML", "0")
    run = write_run(tmp_path, load(BUGGY))
    (tmp_path / "allure-results").mkdir()
    (tmp_path / "allure-results" / "0a1b-result.json").write_text('{"name": "t", "status": "passed"}')
    built = build_reports(run)
    assert built.allure_report is None and built.notes == ["no Allure HTML report: QRINTEROP_ALLURE_HTML is off"]


def test_missing_results_folder_is_named(tmp_path):
    with pytest.raises(allure_html.AllureUnavailable, match="no such allure-results folder"):
        allure_html.generate(tmp_path / "nope", tmp_path / "report")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_a_hanging_allure_is_stopped_at_the_timeout(tmp_path):
    cache = tmp_path / "cache"
    pkg = cache / "node_modules" / "allure"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"name": "allure", "bin": {"allure": "./cli.js"}}))
    (pkg / "cli.js").write_text("setTimeout(() => {}, 60000);\n")  # a generator that never finishes
    (tmp_path / "results").mkdir()
    start = time.monotonic()
    with pytest.raises(allure_html.AllureUnavailable, match="did not finish within 2 s"):
        allure_html.generate(tmp_path / "results", tmp_path / "report", cache_dir=cache, timeout=2)
    assert time.monotonic() - start < 15


def _fake_npm(tmp_path: Path, monkeypatch, script: str) -> None:
    """An `npm` earlier on PATH (the real node stays): the install step, without the network."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text("#!/bin/sh\n" + script)
    npm.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_first_use_installs_into_the_cache(tmp_path, monkeypatch):
    _fake_npm(tmp_path, monkeypatch, 'echo "$@" > args.txt\nmkdir -p node_modules/allure\n'
                                     'echo \'{"bin": "./cli.js"}\' > node_modules/allure/package.json\n'
                                     'echo "" > node_modules/allure/cli.js\n')
    cache = tmp_path / "cache"
    cli = allure_html.ensure_allure(cache, timeout=30)
    assert cli == cache / "node_modules" / "allure" / "cli.js"
    assert (cache / "args.txt").read_text().split() == ["ci", "--no-audit", "--no-fund"]   # the lock, exactly
    manifest = json.loads((cache / "package.json").read_text())
    assert manifest["private"] is True and manifest["dependencies"]["allure"][0].isdigit()  # one version
    assert (cache / "package-lock.json").read_bytes() == (allure_html.LOCKED / "package-lock.json").read_bytes()
    (cache / "args.txt").unlink()
    assert allure_html.ensure_allure(cache, timeout=30) == cli  # second use: no install
    assert not (cache / "args.txt").exists()
    (cache / allure_html.LOCK_STAMP).write_text("another lock\n")   # made from another lock: reinstalled
    assert allure_html.ensure_allure(cache, timeout=30) == cli and (cache / "args.txt").exists()


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_failed_install_says_so(tmp_path, monkeypatch):
    _fake_npm(tmp_path, monkeypatch, 'echo "npm error code ENOTFOUND registry.npmjs.org" >&2\nexit 1\n')
    with pytest.raises(allure_html.AllureUnavailable) as err:
        allure_html.ensure_allure(tmp_path / "cache", timeout=30)
    assert "npm could not install allure@3" in str(err.value) and "ENOTFOUND" in str(err.value)


def allure_available() -> bool:
    return NODE is not None and allure_html._find_cli(allure_html.default_cache_dir()).is_file()


@pytest.mark.skipif(not allure_available(), reason="the npm package allure is not in the local cache "
                    "(reports/.allure-node); `qrinterop report allure DIR` installs it once; tests stay offline")
def test_real_allure_report_from_replayed_results(tmp_path):
    """What certify does: allure-pytest results in <out>/allure-results, then build_reports(run.json, out)."""
    run = write_run(tmp_path / "run", load(BUGGY))
    make_allure_results(tmp_path / "replay", run, tmp_path / "out" / "allure-results")
    built = build_reports(run, tmp_path / "out")
    assert built.notes == []
    index = built.allure_report
    assert index == tmp_path / "out" / "allure-report" / "index.html"
    assert index.is_file() and index.stat().st_size > 100_000  # one file, data embedded
    summary = json.loads((index.parent / "summary.json").read_text())
    assert summary["stats"]["failed"] == 7 and summary["stats"]["total"] == 16
    names = {v["name"] for v in json.loads((index.parent / "test-results.json").read_text())["byId"].values()}
    assert "cpm-base64/5 (parse)" in names
    # the history Allure draws its trends from: one line per run, beside the output folder
    history = (tmp_path / "history" / "history.jsonl").read_text().splitlines()
    assert len(history) == 1 and len(json.loads(history[0])["testResults"]) == 16
    assert (tmp_path / "history" / ".gitignore").read_text().splitlines()[-1] == "*"



def test_allure_config_groups_part_profile_rule_and_carries_history(tmp_path, monkeypatch):
    """The config handed to `allure generate`: the tree and the history file (no Node needed)."""
    seen = {}

    def fake_run(cmd, *, cwd, timeout, what):
        seen["config"] = json.loads(Path(cmd[cmd.index("--config") + 1]).read_text())
        out = Path(cmd[cmd.index("--output") + 1])
        out.mkdir(parents=True)
        (out / "index.html").write_text("<html></html>")
        return allure_html.subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(allure_html, "check_node", lambda: "node")
    monkeypatch.setattr(allure_html, "ensure_allure", lambda cache, timeout: Path("cli.js"))
    monkeypatch.setattr(allure_html, "_run", fake_run)
    monkeypatch.delenv("QRINTEROP_ALLURE_HISTORY", raising=False)
    (tmp_path / "out" / "allure-results").mkdir(parents=True)
    allure_html.generate(tmp_path / "out" / "allure-results", tmp_path / "out" / "allure-report", run_name="x 1")
    config = seen["config"]
    assert config["plugins"]["awesome"]["options"]["groupBy"] == ["epic", "feature", "story"]
    assert config["historyPath"] == str(tmp_path / "history" / "history.jsonl")
    assert config["name"] == "qrinterop conformance: x 1"
    monkeypatch.setenv("QRINTEROP_ALLURE_HISTORY", "off")
    allure_html.generate(tmp_path / "out" / "allure-results", tmp_path / "out" / "allure-report")
    assert "historyPath" not in seen["config"]
    allure_html.generate(tmp_path / "out" / "allure-results", tmp_path / "out" / "allure-report",
                         history_dir=tmp_path / "ci-cache")
    assert seen["config"]["historyPath"] == str(tmp_path / "ci-cache" / "history.jsonl")


def test_lambda_teardown_steps_are_dropped_or_named(tmp_path):
    from qrinterop.reports.allure_support import tidy_container
    from qrinterop.reports.build import scrub_allure_results
    container = {"uuid": "c1", "befores": [{"name": "iut", "status": "passed"}],
                 "afters": [{"name": "iut::<lambda>", "status": "passed", "start": 1, "stop": 2},
                            {"name": "vector_case::<lambda>", "status": "broken", "steps": [{"name": "x"}]},
                            {"name": "close_iut", "status": "passed"}]}
    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "c1-container.json").write_text(json.dumps(container))
    assert scrub_allure_results(results) == [results / "c1-container.json"]
    tidied = json.loads((results / "c1-container.json").read_text())
    assert [a["name"] for a in tidied["afters"]] == ["tear down vector_case", "close_iut"]
    assert tidied["befores"] == container["befores"]
    assert tidy_container(tidied) is False   # nothing left to tidy
