"""certify's console output (short by default, -v for the table, colour only on a terminal),
summary.md (short whatever the run), `report trend`, and help text on every option."""
from __future__ import annotations

import copy
import io
import json
import re

import pytest

from report_fixtures import BUGGY, REFERENCE, load, write_run
from qrinterop.cli import build_parser, main
from qrinterop.reports.build import build_reports
from qrinterop.reports.certification import build_certification
from qrinterop.reports.console import render_console, summary_of, use_colour
from qrinterop.reports.markdown import verdict_line
from qrinterop.reports.summary import SUMMARY_LIMIT, diagnosis, render_summary_md

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def buggy_doc():
    return build_certification(load(BUGGY))


def test_default_output_is_what_failed_and_the_verdict(buggy_doc):
    text = render_console(buggy_doc, width=120)
    lines = text.splitlines()
    failing = buggy_doc["overall"]["failingMustRules"]
    assert lines[0] == f"MUST failures ({len(failing)}):"
    assert [l.split()[1] for l in lines[1:1 + len(failing)]] == failing
    crc = next(l for l in lines if " mpm.crc.mismatch " in l)
    assert "2/4" in crc and "IUT said valid" in crc
    assert lines[-1].startswith(f"NOT CERTIFIED: {len(failing)} MUST rule(s) fail for buggy-example")
    passing = [r["id"] for p in buggy_doc["profiles"] for r in p["rules"] if r["verdict"] == "pass"]
    assert passing and not any(f" {rid} " in text for rid in passing)   # no table by default
    assert len(lines) < 20


def test_verbose_adds_the_table_of_every_rule(buggy_doc):
    text = render_console(buggy_doc, verbose=True, width=120)
    every = [r["id"] for p in buggy_doc["profiles"] for r in p["rules"]]
    table = [l.split()[0] for l in text.splitlines()[1:len(every) + 1]]
    assert sorted(table) == sorted(every)
    assert text.splitlines()[0].split()[:3] == ["rule", "level", "verdict"]


def test_a_passing_run_prints_a_few_lines():
    text = render_console(build_certification(load(REFERENCE)), width=120)
    assert len(text.splitlines()) <= 4 and text.splitlines()[-1].startswith("CERTIFIED: every MUST rule passes")


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream, env, choice, coloured", [
    (_Tty(), {}, "auto", True),
    (_Tty(), {"NO_COLOR": "1"}, "auto", False),
    (_Tty(), {"TERM": "dumb"}, "auto", False),
    (io.StringIO(), {}, "auto", False),          # a pipe or a file
    (io.StringIO(), {}, "always", True),
    (_Tty(), {}, "never", False),
])
def test_colour_only_on_a_terminal_without_no_color(stream, env, choice, coloured, buggy_doc):
    assert use_colour(stream, choice, env) is coloured
    text = render_console(buggy_doc, colour=use_colour(stream, choice, env))
    assert bool(ANSI.search(text)) is coloured
    assert ANSI.sub("", text) == render_console(buggy_doc, colour=False)


def test_certify_json_summary_reads_the_model(buggy_doc):
    summary = summary_of(buggy_doc)
    assert summary["failingMustRules"] == buggy_doc["overall"]["failingMustRules"]
    assert summary["tests"] == buggy_doc["overall"]["tests"] and summary["certified"] is False
    first = next(r for r in summary["rules"] if r["rule"] == "mpm.crc.mismatch")
    assert first["first"]["test"] == "mpm-crc/2" and first["diagnosis"]


# ---- summary.md -------------------------------------------------------------------------------

def test_summary_md_is_written_with_every_failing_must_rule_and_its_cause(tmp_path):
    built = build_reports(write_run(tmp_path / "run", load(BUGGY)), tmp_path / "out", allure=False)
    text = (built.out_dir / "summary.md").read_text(encoding="utf-8")
    doc = built.certification
    assert text.splitlines()[2] == f"**{verdict_line(doc)}**"
    rules = {r["id"]: r for p in doc["profiles"] for r in p["rules"]}
    for rid in doc["overall"]["failingMustRules"]:
        row = next(l for l in text.splitlines() if l.startswith(f"| `{rid}` |"))
        assert diagnosis(rules[rid]).replace("\\", "\\\\").replace("|", "\\|") in row  # a table cell
    assert "#### Per profile" in text and len(text) < 5000


def test_summary_md_stays_under_the_limit_for_a_huge_run():
    record = load(BUGGY)
    template = next(t for t in record["tests"] if t["id"] == "mpm-crc/2")
    record["rules"] = [{"id": f"huge.rule.r{i:05d}", "title": "T" * 200, "source": "S" * 200, "level": "MUST",
                        "profile": f"p{i % 40}", "description": "d"} for i in range(6000)]
    record["tests"] = []
    for i in range(6000):
        t = copy.deepcopy(template)
        t.update(id=f"huge/{i}", rules=[f"huge.rule.r{i:05d}"], message=("a very long reason " * 60) + str(i))
        record["tests"].append(t)
    doc = build_certification(record)
    text = render_summary_md(doc, verdict_line(doc))
    assert len(text) < SUMMARY_LIMIT
    assert "more line(s) left out to keep this comment under 60,000 characters" in text
    assert text.count("| `huge.rule.r") > 100          # as many rows as fit, not none
    assert text.rstrip().endswith("certification.html / certification.md / run.json.")


# ---- report trend ------------------------------------------------------------------------------

def test_trend_lists_runs_oldest_first_and_writes_a_chart(tmp_path, capsys):
    for i, (fixture, started) in enumerate([(BUGGY, "2026-11-25T06:10:00Z"), (REFERENCE, "2026-11-26T06:00:00Z"),
                                            (BUGGY, "2026-11-24T06:00:00Z")]):
        record = load(fixture)
        record["startedAt"] = started
        write_run(tmp_path / "runs" / f"run{i}", record, with_images=False)
    (tmp_path / "runs" / "junk").mkdir()
    (tmp_path / "runs" / "junk" / "run.json").write_text("{not json")
    assert main(["report", "trend", str(tmp_path / "runs"), "-o", str(tmp_path / "trend.html")]) == 0
    out, err = capsys.readouterr()
    rows = [l.split() for l in out.splitlines()[1:4]]
    assert [r[1] for r in rows] == ["2026-11-24T06:00:00Z", "2026-11-25T06:10:00Z", "2026-11-26T06:00:00Z"]
    buggy_t = load(BUGGY)["tests"]
    passed = sum(t["status"] == "passed" for t in buggy_t)
    answered = sum(t["status"] in ("passed", "failed", "warning", "expected-failure") for t in buggy_t)
    assert rows[0][-3] == f"{passed / answered * 100:.1f}%" and rows[0][-2] == f"{passed}/{answered}"
    assert rows[2][4] == "PASS" and rows[2][-1] == "0"
    assert "junk" in err and "not JSON" in err
    html = (tmp_path / "trend.html").read_text()
    assert html.count("<circle") == 3 and html.count('fill="#d93025"') == 2


def test_trend_of_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["report", "trend", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().err


# ---- help on every option -------------------------------------------------------------------------

def _subparsers(parser):
    import argparse
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


@pytest.mark.parametrize("path", [("certify",), ("report", "diff"), ("report", "trend"), ("report", "build"),
                                  ("report", "allure"), ("report", "robustness"), ("report", "merge")])
def test_every_option_has_help(path):
    parser = build_parser([*path, "--help"])
    for name in path:
        parser = _subparsers(parser)[name]
    missing = [a.dest for a in parser._actions if a.dest != "help" and not a.help]
    assert not missing, f"qrinterop {' '.join(path)}: options without help: {missing}"
