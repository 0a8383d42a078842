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

from report_fixtures import (BUGGY, BUGGY_EXAMPLE, CHROMIUM_FLAGS, REFERENCE, chromium, load,
                             make_allure_results, write_run)
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


SCREEN_W, SCREEN_H = 1280, 900   # one screen: a 1280 px wide window, 900 px of page visible
_PROBE = """<script>addEventListener('load', () => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top + scrollY, r.right, r.bottom + scrollY]; };
  const out = {height: document.documentElement.scrollHeight, rows: {}, blocks: {}};
  document.querySelectorAll('details.f').forEach(d => {
    out.rows[d.id] = {box: box(d.querySelector('summary')), text: d.querySelector('summary').innerText}; });
  document.querySelectorAll('section[id], svg[id]').forEach(e => { out.blocks[e.id] = box(e); });
  const p = document.createElement('pre'); p.id = 'qrinterop-probe'; p.textContent = JSON.stringify(out);
  document.body.appendChild(p);
});</script>"""


def _layout(html: Path, profile: Path) -> dict:
    """Where things are once Chromium laid the page out at SCREEN_W: a copy of the page with a
    probe script (the report itself has none) writes the boxes into the DOM, read with --dump-dom."""
    probe = html.with_name("layout-probe.html")
    probe.write_text(html.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    dom = _chromium(probe.as_uri(), profile, f"--window-size={SCREEN_W},{SCREEN_H}", "--virtual-time-budget=5000",
                    "--dump-dom")
    match = re.search(r'<pre id="qrinterop-probe">(.*?)</pre>', dom, flags=re.S)
    assert match, "the layout probe did not run"
    return json.loads(unescape(match.group(1)))


def _crop(full: Path, box: list[float], target: Path, pad: int = 12) -> None:
    from PIL import Image
    with Image.open(full) as image:
        left, top, right, bottom = (int(v) for v in box)
        image.crop((max(0, left - pad), max(0, top - pad), min(image.width, right + pad),
                    min(image.height, bottom + pad))).save(target, optimize=True)


def _full_page(url: str, profile: Path, height: int, target: Path) -> None:
    _chromium(url, profile, f"--window-size={SCREEN_W},{int(height) + 10}", f"--screenshot={target}")


def test_top_screen_shows_every_failing_must_rule_with_its_cause(tmp_path):
    """The buggy example's real run (480-odd tests): every failing MUST rule's row, with its
    one-sentence diagnosis, is on the first screen; the whole page is under 5 screens."""
    from qrinterop.reports.summary import diagnosis
    built = build_reports(write_run(tmp_path / "run", load(BUGGY_EXAMPLE)), tmp_path / "out", allure=False,
                          measure_robustness=False)
    html = built.out_dir / "certification.html"
    layout = _layout(html, tmp_path / "profile")
    doc = built.certification
    failing = doc["overall"]["failingMustRules"]
    rules = {r["id"]: r for p in doc["profiles"] for r in p["rules"]}
    assert failing
    for rid in failing:
        row = layout["rows"][f"rule-{rid.replace('.', '-')}"]
        assert row["box"][3] <= SCREEN_H, f"{rid} is below the first screen (bottom at {row['box'][3]:.0f} px)"
        assert rid in row["text"] and rules[rid]["title"] in row["text"]
        assert " ".join(diagnosis(rules[rid]).split()) in " ".join(row["text"].split())
    assert layout["height"] < 5 * SCREEN_H, f"the page is {layout['height']} px tall"
    top = _target("certification.png", tmp_path)
    _screenshot(html.as_uri(), tmp_path / "profile", top, f"{SCREEN_W},{SCREEN_H}")
    full = tmp_path / "full.png"
    _full_page(html.as_uri(), tmp_path / "profile", layout["height"], full)
    _crop(full, layout["blocks"]["per-profile"], _target("certification-profiles.png", tmp_path))


def test_certification_html_renders_summary_and_failing_evidence(tmp_path):
    built = build_reports(write_run(tmp_path / "run", load(BUGGY)), tmp_path / "out", allure=False)
    url = (built.out_dir / "certification.html").as_uri()
    text = _visible_text(_chromium(url, tmp_path / "profile", "--dump-dom"))
    assert "Overall verdict: FAIL — 6 MUST rule(s) fail:" in text
    assert "tests: 16 — 5 passed, 7 failed, 2 warning, 1 skipped, 1 expected failure" in text
    assert "0% pass (0/7) · 5 MUST fail" in text and "50% pass (1/2)" in text  # the per-profile chart's labels
    # a failing rule's (folded) evidence: the crash's stderr and the byte-counting diff
    assert "TypeError: Cannot read properties of undefined (reading 'toString')" in text
    assert '-59 = "カフェ東京"' in text and "bytes, not characters" in text


def test_iut_robustness_curve_renders_beside_the_reference_readers(tmp_path):
    """The reference IUT renders and decodes images: its curves, measured for real, drawn."""
    from qrinterop.iut import REFERENCE_SPEC
    from qrinterop.reports import robustness
    run = write_run(tmp_path / "run", load(REFERENCE))
    robustness.write(robustness.measure(REFERENCE_SPEC), run.parent)
    built = build_reports(run, tmp_path / "out", allure=False)
    html = built.out_dir / "certification.html"
    text = _visible_text(_chromium(html.as_uri(), tmp_path / "profile", "--dump-dom"))
    assert "Image robustness: decode rate against distortion" in text
    for label in ("IUT decode_image", "IUT render, read by zxing", "zxing", "opencv", "pyzbar",
                  "blur", "noise", "rotate", "perspective", "scale_down"):
        assert label in text, label
    layout = _layout(html, tmp_path / "profile")
    full = tmp_path / "full.png"
    _full_page(html.as_uri(), tmp_path / "profile", layout["height"], full)
    _crop(full, layout["blocks"]["robustness-curves"], _target("robustness-curve.png", tmp_path))


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
