"""`qrinterop report diff|build`: exit codes, output, and bad input named without a trace."""
from __future__ import annotations

import json

import pytest

from report_fixtures import BUGGY, REFERENCE, case_by_id, load, write_run
from qrinterop.cli import main
from qrinterop.reports import allure_html


def test_diff_lists_regressions_first_with_counts_and_exits_1(capsys):
    assert main(["report", "diff", str(REFERENCE), str(BUGGY), "--color", "never"]) == 1
    out = capsys.readouterr().out.splitlines()
    regressions = [l.split()[0] for l in out[1:7]]
    assert out[0] == "Regressions: rules that fail now and did not before (6):"
    assert regressions == sorted(regressions) and "mpm.crc.mismatch" in regressions
    assert all("pass -> fail" in l for l in out[1:7])
    assert out[7] == "Other changes for the worse (4):"
    assert any("mpm.pfi.first" in l and "pass -> expected-failure" in l for l in out[8:12])
    assert out[-1] == ("10 rule(s) changed verdict: 6 regression(s), 0 fix(es), 4 other worse, "
                       "0 other better, 0 other")


def test_diff_without_regression_exits_0_unless_fail_on_worse(tmp_path, capsys):
    record = load(REFERENCE)
    case_by_id(record, "mpm-tlv/9").update(status="skipped", category="not-implemented",
                                            message="not implemented: the IUT does not declare 'validate'")
    later = write_run(tmp_path / "b", record)
    assert main(["report", "diff", str(REFERENCE), str(later), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["counts"]["regression"] == 0 and result["counts"]["worse"] == 1 and result["worse"] is True
    assert main(["report", "diff", str(REFERENCE), str(later), "--fail-on", "worse"]) == 1


def test_diff_fixes_come_after_regressions(capsys):
    assert main(["report", "diff", str(BUGGY), str(REFERENCE), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    kinds = [c["kind"] for c in result["changes"]]
    assert kinds[:6] == ["fix"] * 6 and result["counts"]["fix"] == 6 and result["regressed"] is False
    assert main(["report", "diff", str(REFERENCE), str(REFERENCE)]) == 0
    assert "no rule changed verdict" in capsys.readouterr().out


def test_diff_groups_many_other_changes_by_transition(tmp_path, capsys):
    """A dropped profile (dozens of pass -> not-implemented) is one line, not dozens."""
    record = load(REFERENCE)
    for t in record["tests"]:
        if t["status"] == "passed" and t.get("feature") == "emv" and "mpm.crc.mismatch" not in t["rules"]:
            t.update(status="skipped", category="not-implemented", message="not implemented")
    later = write_run(tmp_path / "b", record)
    assert main(["report", "diff", str(REFERENCE), str(later), "--color", "never"]) == 0
    out = capsys.readouterr().out
    moved = [l for l in out.splitlines() if "-v lists them" in l]
    assert len(moved) == 1 and moved[0].lstrip().startswith("pass -> not-implemented:")
    assert main(["report", "diff", str(REFERENCE), str(later), "-v", "--color", "never"]) == 0
    assert "-v lists them" not in capsys.readouterr().out


def test_diff_accepts_certification_json_and_a_single_regression(tmp_path, capsys):
    assert main(["report", "build", str(write_run(tmp_path / "ref", load(REFERENCE)))]) == 0
    record = load(REFERENCE)
    case_by_id(record, "mpm-tlv/9").update(status="failed", category="wrong-verdict",
                                            message="IUT said valid; data object 59 appears twice")
    run_b = write_run(tmp_path / "b", record)
    capsys.readouterr()
    assert main(["report", "diff", str(tmp_path / "ref" / "certification.json"), str(run_b)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["mpm.tlv.duplicate", "pass", "->", "fail", "(MUST,", "emv)"]
    assert len(lines) == 3


def test_build_writes_reports_and_exits_with_the_verdict(tmp_path, capsys):
    run = write_run(tmp_path / "run", load(BUGGY))
    assert main(["report", "build", str(run), "-o", str(tmp_path / "out"), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "FAIL" and len(result["files"]) == 7
    assert (tmp_path / "out" / "certification.html").is_file()


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"),
    ("{not json", "not JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
    ('{"schema": "qrinterop/vectors@1"}', "field $.schema is 'qrinterop/vectors@1'"),
])
def test_diff_bad_input_is_named_without_a_trace(tmp_path, capsys, content, expected):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    assert main(["report", "diff", str(bad), str(REFERENCE)]) == 1
    err = capsys.readouterr().err
    assert expected in err and str(bad) in err and "Traceback" not in err


def test_build_schema_violation_names_the_json_path(tmp_path, capsys):
    record = load(BUGGY)
    record["tests"][3]["status"] = "exploded"
    run = write_run(tmp_path, record)
    assert main(["report", "build", str(run)]) == 1
    err = capsys.readouterr().err
    assert "$.tests[3].status" in err and "'exploded' is not one of" in err
    assert not (tmp_path / "certification.json").exists()


def test_report_allure_without_node_says_how_and_exits_1(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(allure_html.shutil, "which", lambda name: None)
    (tmp_path / "allure-results").mkdir()
    assert main(["report", "allure", str(tmp_path / "allure-results")]) == 1
    err = capsys.readouterr().err
    assert "needs Node.js" in err and "apt-get install nodejs npm" in err and "Traceback" not in err


def test_report_without_a_subcommand_prints_help_and_exits_2(capsys):
    assert main(["report"]) == 2
    assert "diff" in capsys.readouterr().out


def test_report_allure_needs_a_folder_or_install(capsys):
    assert main(["report", "allure"]) == 2
    assert "give RESULTS_DIR" in capsys.readouterr().err


def test_scan_of_a_code_readers_disagree_on_says_so_and_exits_1(tmp_path, capsys):
    """UTF-8 without an ECI: ZBar guesses Shift_JIS, so wallets on different readers would read
    different text. scan says so on stdout and stderr and exits 1; --lenient reports but exits 0."""
    code = tmp_path / "code.png"
    assert main(["render", "000201010211520458125303392580 2JP5905カフェ東京6005TOKYO".replace(" ", ""),
                 "-o", str(code), "--variant", "utf8"]) == 0
    capsys.readouterr()
    assert main(["scan", str(code), "--reader", "both"]) == 1
    out, err = capsys.readouterr()
    assert "readers DISAGREE" in out and "the readers DISAGREE" in err and "--lenient" in err
    assert main(["scan", str(code), "--reader", "both", "--lenient"]) == 0


def test_report_robustness_of_an_iut_without_image_ops_writes_nothing(tmp_path, capsys):
    import sys
    from qrinterop.paths import ROOT
    buggy = ROOT / "examples" / "iut" / "buggy" / "buggy_iut.py"
    if not buggy.is_file():
        pytest.skip("examples/iut/buggy/buggy_iut.py is not there")
    assert main(["report", "robustness", "--iut", f"jsonl:{sys.executable} {buggy}", "-o", str(tmp_path)]) == 1
    assert "declares neither decode_image nor render" in capsys.readouterr().err
    assert not (tmp_path / "robustness.json").exists()
