"""Checked as a person would: open the reports in headless Chromium, read what renders, screenshot.

Debian's `chromium` package; the DOM Chromium dumps (after layout and, for Allure's single-page
app, after its scripts ran) is what a reader sees as text. Screenshots are always taken and
checked; they replace docs/screenshots/*.png (shown in the README) when that file is missing or
QRINTEROP_UPDATE_SCREENSHOTS=1, so an ordinary test run does not rewrite tracked files (the Allure
page carries its generation time). QRINTEROP_SCREENSHOT_DIR points them elsewhere.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from html import unescape
from pathlib import Path

import pytest

from report_fixtures import BUGGY, CHROMIUM_FLAGS, chromium, load, make_allure_results, write_run
from qrinterop.paths import ROOT
from qrinterop.reports import allure_html
from qrinterop.reports.build import build_reports

CHROMIUM = chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                                "(Debian: apt-get install chromium)")
SCREENSHOTS = Path(os.environ.get("QRINTEROP_SCREENSHOT_DIR") or ROOT / "docs" / "screenshots")


def _target(name: str, tmp_path: Path) -> Path:
    shot = SCREENSHOTS / name
    if os.environ.get("QRINTEROP_SCREENSHOT_DIR") or os.environ.get("QRINTEROP_UPDATE_SCREENSHOTS") == "1" \
            or not shot.exists():
        return shot
    return tmp_path / name


def _chromium(url: str, profile: Path, *extra: str) -> str:
    """Run Chromium once, bounded; returns stdout (the DOM with --dump-dom)."""
    cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish within 90 s: {' '.join(cmd)}")
    assert proc.returncode == 0, err[-2000:]
    return out


def _visible_text(dom: str) -> str:
    body = dom[dom.find("<body"):]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def _rendered_text(url: str, profile: Path, marker: str, tries: int = 3) -> str:
    """The SPA's text once `marker` shows; on a loaded machine the first dump can come before the
    app rendered, so a bounded number of tries, each with a longer virtual-time budget."""
    text = ""
    for attempt in range(tries):
        budget = f"--virtual-time-budget={15000 * (attempt + 1)}"
        text = _visible_text(_chromium(url, profile, budget, "--dump-dom"))
        if marker in text:
            return text
    pytest.fail(f"{marker!r} never rendered at {url} in {tries} tries; last text: {text[:500]!r}")


def _screenshot(url: str, profile: Path, target: Path, size: str, spa: bool = False, tries: int = 3) -> None:
    """A PNG of the page; an almost empty PNG means it was taken before the app painted (loaded
    machine), so a bounded number of tries with a longer virtual-time budget each time."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(tries):
        extra = [f"--virtual-time-budget={15000 * (attempt + 1)}"] if spa else []
        _chromium(url, profile, f"--window-size={size}", f"--screenshot={target}", *extra)
        data = target.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        if len(data) > 40_000:
            return
    pytest.fail(f"the screenshot of {url} stayed blank ({len(data)} bytes) in {tries} tries")


def test_certification_html_renders_summary_and_failing_evidence(tmp_path):
    built = build_reports(write_run(tmp_path / "run", load(BUGGY)), tmp_path / "out")
    url = (built.out_dir / "certification.html").as_uri()
    text = _visible_text(_chromium(url, tmp_path / "profile", "--dump-dom"))
    assert "Overall verdict: FAIL — 6 MUST rule(s) fail" in text
    assert "Tests: 16 — 5 passed, 7 failed, 2 warning, 1 skipped (not implemented), 1 expected failure." in text
    assert "Pass rate per rule group" in text and "40% (2/5)" in text  # the SVG plot's labels
    # a failing rule's evidence: the crash's stderr and the byte-counting diff
    assert "cpm.base64.alphabet fail" in text
    assert "TypeError: Cannot read properties of undefined (reading 'toString')" in text
    assert '-59 = "カフェ東京"' in text and "bytes, not characters" in text
    _screenshot(url, tmp_path / "profile", _target("certification.png", tmp_path), "1280,1800")


@pytest.mark.skipif(not (allure_html.shutil.which("node")
                         and allure_html._find_cli(allure_html.default_cache_dir()).is_file()),
                    reason="the npm package allure is not in the local cache (reports/.allure-node); "
                           "`qrinterop report allure DIR` installs it once; tests stay offline")
def test_allure_html_renders_summary_and_failing_evidence(tmp_path):
    built = build_reports(write_run(tmp_path / "run", load(BUGGY)), tmp_path / "out")
    make_allure_results(tmp_path / "replay", tmp_path / "run" / "run.json", built.out_dir / "allure-results")
    index = allure_html.generate(built.out_dir / "allure-results", built.out_dir / "allure-report", timeout=120)
    overview = _rendered_text(index.as_uri(), tmp_path / "profile", "Total 16")
    assert "Total 16 Failed 7 Passed 7 Skipped 2" in overview
    assert "IUT.name buggy-example" in overview and "IUT.version 0.0.1" in overview  # environment.properties
    by_name = {v["name"]: k for k, v in json.loads((index.parent / "test-results.json").read_text())["byId"].items()}
    crash_url = f"{index.as_uri()}#{by_name['cpm-base64/5 (parse)']}"
    crash = _rendered_text(crash_url, tmp_path / "profile", "cpm-base64/5 (parse)")
    assert "Category: IUT crash" in crash  # categories from our config matched the tagged message
    assert "IUT process exited with code 1" in crash
    assert "IUT stderr" in crash and "payload" in crash  # the attachments are listed
    assert "cpm.base64.alphabet" in crash  # the story label = the rule id
    # mpm-tlv/4's message names no category phrase: only the `category` label can sort it
    value_url = f"{index.as_uri()}#{by_name['mpm-tlv/4 (parse)']}"
    value = _rendered_text(value_url, tmp_path / "profile", "mpm-tlv/4 (parse)")
    assert "Category: Wrong value (parse/build result differs)" in value
    _screenshot(crash_url, tmp_path / "profile", _target("allure.png", tmp_path), "1280,1000", spa=True)
