"""Every report file written from the fixture run records: content, validity, stable ordering."""
from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report_fixtures import BUGGY, REFERENCE, interrupted, load, write_run
from qrinterop.reports.allure_support import categories, environment
from qrinterop.reports.build import build_reports
from qrinterop.reports.record import check, load_run_record

REPORT_FILES = ("certification.json", "certification.md", "certification.html", "summary.md", "junit.xml",
                "allure-results/environment.properties", "allure-results/categories.json")


@pytest.fixture
def buggy_out(tmp_path: Path):
    built = build_reports(write_run(tmp_path / "run", load(BUGGY)), tmp_path / "out")
    return built


def test_fixture_run_records_match_the_run_record_schema():
    for path in (REFERENCE, BUGGY):
        load_run_record(path)  # raises on any schema violation


def test_every_report_file_is_written(buggy_out):
    assert sorted(str(p.relative_to(buggy_out.out_dir)) for p in buggy_out.files) == sorted(REPORT_FILES)
    for name in REPORT_FILES:
        assert (buggy_out.out_dir / name).stat().st_size > 0


def test_certification_json_is_valid_and_names_each_planted_bug(buggy_out):
    doc = json.loads((buggy_out.out_dir / "certification.json").read_text(encoding="utf-8"))
    check(doc, "certification", "certification.json")
    assert doc["overall"]["verdict"] == "FAIL"
    assert doc["iut"]["name"] == "buggy-example" and doc["iut"]["version"] == "0.0.1"
    assert [s["name"] for s in doc["vectors"]["sets"]] == ["cpm-base64", "jpqr-mai", "mpm-crc", "mpm-tlv"]
    assert doc["run"]["startedAt"] == "2026-11-25T06:10:00Z"
    rules = {r["id"]: r for p in doc["profiles"] for r in p["rules"]}
    crc = rules["mpm.crc.mismatch"]["cases"][0]
    assert crc["id"] == "mpm-crc/2" and "CRC is" in crc["message"]
    assert '+  "valid": true' in crc["evidence"]["diff"]
    length = rules["mpm.tlv.length"]["cases"][0]
    assert "bytes, not characters" in length["message"]
    assert '-59 = "カフェ東京"' in length["evidence"]["diff"]
    charset = rules["mpm.charset.utf8"]["cases"][0]
    assert charset["category"] == "charset"
    assert '+59 = "CafÃ© TÅ\\x8dkyÅ\\x8d"' in charset["evidence"]["diff"]  # the invisible C1 made visible
    crash = rules["cpm.base64.alphabet"]["cases"][0]
    assert crash["category"] == "iut-crash" and "TypeError" in crash["evidence"]["stderr"]
    assert rules["mpm.tlv.truncated"]["cases"][0]["category"] == "timeout"
    assert rules["mpm.tlv.duplicate"]["verdict"] == "fail"


def test_reference_certification_passes(tmp_path):
    built = build_reports(write_run(tmp_path, load(REFERENCE)))
    assert built.certification["overall"]["verdict"] == "PASS"
    md = (tmp_path / "certification.md").read_text(encoding="utf-8")
    assert "**Overall verdict: PASS" in md and "## Findings" not in md


def test_markdown_shows_verdict_tables_and_evidence(buggy_out):
    md = (buggy_out.out_dir / "certification.md").read_text(encoding="utf-8")
    assert md.startswith("# qrinterop certification report: buggy-example 0.0.1")
    assert "**Overall verdict: FAIL — 6 MUST rule(s) fail" in md
    for profile in ("emv", "emv-cpm", "jpqr"):
        assert f"## Profile {profile}\n" in md
    # nothing ran for imaging: one coverage line, no table of rules nobody answered
    assert "## Profile imaging\n" not in md and ("- **imaging**: 1 not implemented (the IUT does not declare "
                                                "the profile 'imaging': imaging.render.readable)") in md
    assert md.index("## MUST failures (6)") < md.index("## Per profile") < md.index("## The run")
    assert "| mpm.tlv.duplicate | MUST | ❌ fail | 0 | 1 |" in md
    assert "### mpm.tlv.length: fail" in md
    assert "TypeError: Cannot read properties of undefined" in md
    assert "```diff" in md
    assert "| mpm.crc | 2 | 2 / 5 | 40% |" in md
    assert "| imaging.render |" not in md  # nothing there gave an answer: left out, and counted
    assert "1 rule group(s) where no test gave an answer (not tested, or not implemented) are not listed." in md
    # findings come worst first: MUST failures, SHOULD failures and warnings, expected failures, choices
    order = re.findall(r"^### (\S+): (\S+)$", md, flags=re.M)
    ranks = {"fail": 0, "warning": 1, "expected-failure": 2, "acceptable-choice": 3}
    assert [ranks[v] for _, v in order] == sorted(ranks[v] for _, v in order)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_with_inline_svg_plot_and_embedded_image(buggy_out):
    html = (buggy_out.out_dir / "certification.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(html)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for tag, attrs in parser.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            if value is None:
                continue
            if key == "src":
                assert value.startswith("data:image/png;base64,"), f"<{tag} src> points outside the file"
            else:
                assert value.startswith("#"), f"<{tag} href={value}> leaves the file"
    assert "@import" not in html and "url(" not in html
    assert html.count("<svg") == 2 and 'id="profile-verdicts"' in html and "Pass rate per rule group" in html
    assert "<rect" in html and "mpm.crc" in html
    text = " ".join(parser.text)
    assert "Overall verdict: FAIL" in text and "UTF-8 read as Latin-1" in text
    assert any(t == "img" for t in tags), "the charset case's QR image is embedded"
    anchors = {a.get("id") for _, a in parser.tags if a.get("id")}
    links = {a["href"][1:] for t, a in parser.tags if t == "a" and a.get("href", "").startswith("#")}
    assert links and links <= anchors


def test_missing_image_is_named_not_fatal(tmp_path):
    built = build_reports(write_run(tmp_path, load(BUGGY), with_images=False))
    html = (built.out_dir / "certification.html").read_text(encoding="utf-8")
    assert "images/mpm-charset-3.png</code> (not found next to the run record)" in html


def test_junit_xml_has_the_usual_shape(buggy_out):
    root = ET.parse(buggy_out.out_dir / "junit.xml").getroot()
    record = load(BUGGY)
    assert root.tag == "testsuites"
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(record["tests"]) == int(root.get("tests"))
    assert int(root.get("failures")) == sum(t["status"] == "failed" for t in record["tests"]) == 7
    assert int(root.get("skipped")) == 2
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))
    by = {c.get("name"): c for c in cases}
    crash = by["cpm-base64/5"].find("failure")
    assert crash.get("type") == "iut-crash" and "exited with code 1" in crash.get("message")
    assert "TypeError" in crash.text
    assert by["imaging-render/1"].find("skipped").get("message").startswith("not implemented")
    assert "expected failure: known" in by["mpm-pfi/2"].find("skipped").get("message")
    assert "WARNING" in by["jpqr-mai/3"].find("system-out").text
    assert by["mpm-crc/1"].find("failure") is None and by["mpm-crc/1"].get("classname") == "qrinterop.codec.emv"


def test_junit_survives_control_characters_in_stderr(tmp_path):
    record = load(BUGGY)
    crash = next(t for t in record["tests"] if t["id"] == "cpm-base64/5")
    crash["evidence"]["stderr"] = "\x1b[31mred\x1b[0m \x00NUL \x07bell"
    crash["message"] = "exited \x1b[1mbold"
    built = build_reports(write_run(tmp_path, record))
    root = ET.parse(built.out_dir / "junit.xml").getroot()  # would raise on an invalid character
    failure = next(c for c in root.iter("testcase") if c.get("name") == "cpm-base64/5").find("failure")
    assert "red" in failure.text and "\x1b" not in failure.text


def test_environment_properties_and_categories(buggy_out):
    props = (buggy_out.out_dir / "allure-results/environment.properties").read_text(encoding="utf-8")
    lines = dict(line.split("=", 1) for line in props.splitlines())
    assert lines["IUT.name"] == "buggy-example" and lines["IUT.version"] == "0.0.1"
    assert lines["vectors.mpm-crc.version"] == "1.0.0"
    assert lines["vectors.mpm-crc.sha256"].startswith("0b1c2d3e")
    assert lines["qrinterop.version"] == "0.1.0" and lines["Python"] == "3.11.2"
    assert environment(load(BUGGY))["run.complete"] == "true"
    cats = json.loads((buggy_out.out_dir / "allure-results/categories.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in cats][:7] == ["IUT timeout", "IUT protocol error", "IUT crash", "Not implemented",
                                              "Charset (text mangled)", "Wrong verdict (valid/invalid)",
                                              "Wrong value (parse/build result differs)"]


def _allure_category(message: str, status: str) -> str | None:
    """Allure's rule: the first category whose statuses include the test's and whose regex matches."""
    for c in categories():
        if status in c["matchedStatuses"] and re.fullmatch(c["messageRegex"], message):
            return c["name"]
    return None


EXPECTED_CATEGORY = {"iut-crash": "IUT crash", "timeout": "IUT timeout", "charset": "Charset (text mangled)",
                     "wrong-verdict": "Wrong verdict (valid/invalid)",
                     "wrong-value": "Wrong value (parse/build result differs)", "not-implemented": "Not implemented"}


@pytest.mark.parametrize("tagged", [True, False], ids=["with-[category]-tag", "plain-message"])
def test_categories_sort_every_failing_fixture_test(tagged):
    for t in load(BUGGY)["tests"]:
        if t["status"] not in ("failed", "skipped") or not t.get("category"):
            continue
        message = (f"[{t['category']}] " if tagged else "") + t["message"]
        status = "skipped" if t["status"] == "skipped" else "failed"
        got = _allure_category(message, status)
        if tagged or t["category"] in ("iut-crash", "timeout", "not-implemented", "wrong-verdict", "charset"):
            assert got == EXPECTED_CATEGORY[t["category"]], t["id"]
        else:  # an untagged message the phrases do not know may land in "Other", never in a wrong category
            assert got in (EXPECTED_CATEGORY[t["category"]], "Other test failures"), t["id"]


@pytest.mark.parametrize("message, status, expected", [
    # messages as conformance/judge.py and the qrinterop.iut adapters word them
    ("no valid answer from the IUT: no answer within the 5 s timeout; the IUT process was killed and restarted",
     "failed", "IUT timeout"),
    ("no valid answer from the IUT: no HTTP answer within the timeout (ReadTimeout)", "failed", "IUT timeout"),
    ("no valid answer from the IUT: IUT process exited with code 1 while handling this request; restarted",
     "failed", "IUT crash"),
    ("no valid answer from the IUT: IUT process was killed by signal 11 while handling this request; restarted",
     "failed", "IUT crash"),
    ("no valid answer from the IUT: answer is not a JSON object: b'oops'", "failed", "IUT crash"),
    ("no valid answer from the IUT: IUT raised KeyError: '63'", "failed", "IUT crash"),
    ("IUT parsed a payload that breaks mpm.crc.mismatch (CRC off by one); it should have been rejected",
     "failed", "Wrong verdict (valid/invalid)"),
    ("IUT said valid; the payload breaks mpm.tlv.duplicate", "failed", "Wrong verdict (valid/invalid)"),
    ("IUT refused to build valid objects: E_LEN: too long", "failed", "Wrong verdict (valid/invalid)"),
    ("tree differs: 59: expected 'カフェ', got 'ã‚«ãƒ•ã‚§'", "failed", "Wrong value (parse/build result differs)"),
    ("IUT built a different payload — mpm.crc.mismatch: CRC", "failed", "Wrong value (parse/build result differs)"),
    ("[charset] tree differs: 59: expected 'カフェ', got 'ã‚«ãƒ•ã‚§'", "failed", "Charset (text mangled)"),
    ("not implemented: the IUT does not declare 'render'", "skipped", "Not implemented"),
    ("assert 1 == 2", "failed", "Other test failures"),
])
def test_categories_match_the_suites_own_messages(message, status, expected):
    assert _allure_category(message, status) == expected


def test_reports_are_stable_whatever_the_input_order(tmp_path):
    """Two runs with the same results diff cleanly: same bytes, whatever order tests and rules came in."""
    record = load(BUGGY)
    shuffled = json.loads(json.dumps(record))
    rng = random.Random(7)
    rng.shuffle(shuffled["tests"])
    rng.shuffle(shuffled["rules"])
    rng.shuffle(shuffled["vectors"]["sets"])
    a = build_reports(write_run(tmp_path / "a", record))
    b = build_reports(write_run(tmp_path / "b", shuffled))
    for name in REPORT_FILES:
        assert (a.out_dir / name).read_bytes() == (b.out_dir / name).read_bytes(), name


def test_interrupted_run_still_yields_valid_reports_marked_incomplete(tmp_path):
    record = interrupted(load(BUGGY), keep=6)
    built = build_reports(write_run(tmp_path, record))
    doc = json.loads((built.out_dir / "certification.json").read_text(encoding="utf-8"))
    check(doc, "certification", "certification.json")
    assert doc["overall"]["verdict"] == "INCOMPLETE" and doc["run"]["finishedAt"] is None
    assert doc["overall"]["tests"]["total"] == 6
    md = (built.out_dir / "certification.md").read_text(encoding="utf-8")
    assert "**Overall verdict: INCOMPLETE" in md and "INCOMPLETE RUN" in md and "not-tested" in md
    html = (built.out_dir / "certification.html").read_text(encoding="utf-8")
    assert 'class="banner INCOMPLETE"' in html
    root = ET.parse(built.out_dir / "junit.xml").getroot()
    assert int(root.get("tests")) == 6
    assert "false (interrupted)" in (built.out_dir / "allure-results/environment.properties").read_text()


def test_empty_interrupted_run(tmp_path):
    """Interrupted before the first test finished: still a valid, honest summary."""
    built = build_reports(write_run(tmp_path, interrupted(load(REFERENCE), keep=0)))
    doc = built.certification
    check(doc, "certification", "certification.json")
    assert doc["overall"]["verdict"] == "INCOMPLETE" and doc["overall"]["verdictSoFar"] == "FAIL"
    html = (built.out_dir / "certification.html").read_text(encoding="utf-8")
    assert "no test gave an answer</text>" in html
    assert f"{len(doc['groups'])} rule group(s) where no test gave an answer" in html
    verdicts = {p["profile"]: {r["verdict"] for r in p["rules"]} for p in doc["profiles"]}
    assert verdicts["emv"] == verdicts["jpqr"] == {"not-tested"}  # declared in hello, nothing ran yet
    assert verdicts["emv-cpm"] == verdicts["imaging"] == {"not-implemented"}  # profiles it does not declare
