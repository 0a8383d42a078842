import json
import subprocess
import sys

import pytest

from qrinterop.cli import main
from tests.codec.samples import JPQR_MERCARI

THREE_DEFECTS = "000201010211021640000000000000005204599953033925403abc5802JP5902AB5902CD6005TOKYO6304ABCD"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_explain_names_all_three_defects(capsys):
    code, out, _ = run(capsys, "explain", THREE_DEFECTS)
    assert code == 1
    for rule in ("mpm.amount.format", "mpm.tlv.duplicate", "mpm.crc.mismatch"):
        assert rule in out
    assert "INVALID (3 errors" in out


def test_validate_exit_codes_and_json(capsys):
    assert run(capsys, "validate", JPQR_MERCARI)[0] == 0
    code, out, _ = run(capsys, "validate", "--json", THREE_DEFECTS)
    assert code == 1 and json.loads(out)["valid"] is False
    code, _, err = run(capsys, "validate", "--profile", "nosuch", JPQR_MERCARI)
    assert code == 2 and "known profiles" in err


def test_parse_and_build_round_trip(capsys, tmp_path):
    code, out, _ = run(capsys, "parse", "--json", JPQR_MERCARI)
    objects = json.loads(out)["objects"]
    (tmp_path / "tree.json").write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "build", "--file", str(tmp_path / "tree.json"))
    assert code == 0 and out.strip() == JPQR_MERCARI


def test_parse_error_is_located_not_a_trace(capsys):
    code, _, err = run(capsys, "parse", "00020159X1")
    assert code == 1 and "mpm.tlv.length" in err and "offset 8" in err and "Traceback" not in err


def test_build_bad_json_is_usage_error(capsys):
    assert run(capsys, "build", "{not json")[0] == 2


@pytest.mark.parametrize("stdin", [b"\xff\xfe\x00garbage", JPQR_MERCARI.encode() + b"\n", b""])
def test_stdin_input_never_traces(stdin):
    proc = subprocess.run([sys.executable, "-m", "qrinterop.cli", "validate"], input=stdin, capture_output=True,
                          timeout=60)
    assert proc.returncode in (0, 1, 2) and b"Traceback" not in proc.stderr


def test_rules_lists_the_catalogue(capsys):
    code, out, _ = run(capsys, "rules", "--json", "--profile", "emv")
    ids = [r["id"] for r in json.loads(out)]
    assert code == 0 and "mpm.crc.mismatch" in ids


def test_upi_uri_is_routed_and_explained(capsys):
    code, out, _ = run(capsys, "explain", "upi://pay?pa=shop@icici&pn=Shop&am=0&cu=USD")
    assert code == 1 and "upi.uri.am" in out and "upi.uri.cu" in out and "profiles: upi" in out
    assert run(capsys, "validate", "--profile", "upi", "upi://pay?pa=shop@icici&pn=Shop&am=10.00&cu=INR")[0] == 0
