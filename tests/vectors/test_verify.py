"""`vectors verify`: the repository's tree passes; each kind of malformed file is rejected with
file, tcId and reason."""
from __future__ import annotations

import json
import shutil

import pytest

from qrinterop.cli import main
from qrinterop.vectorsets.manifest import write_manifest
from qrinterop.vectorsets.verify import verify
from tests.vectors.conftest import load


def test_repository_tree_verifies(repo_vectors):
    problems = verify(repo_vectors)
    assert [str(p) for p in problems] == []


def test_sha256sum_compatible_manifest(repo_vectors):
    lines = [l for l in (repo_vectors / "MANIFEST").read_text().splitlines() if not l.startswith("#")]
    assert lines and all(len(l.split("  ")[0]) == 64 for l in lines)
    assert "mpm-crc.json" in {l.split("  ", 1)[1] for l in lines}


@pytest.fixture
def tree(tmp_path, repo_vectors):
    copy = tmp_path / "vectors"
    shutil.copytree(repo_vectors, copy)
    return copy


def _edit(tree, name, change, rehash=True):
    path = tree / name
    doc = load(path)
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if rehash:
        write_manifest(tree)


def _case(doc, tc_id):
    return next(t for g in doc["testGroups"] for t in g["tests"] if t["tcId"] == tc_id)


def test_result_contradicting_the_reference_is_rejected(tree):
    _edit(tree, "mpm-crc.json", lambda d: _case(d, 9).update(result="valid", rules=["mpm.crc.mismatch"]))
    problems = verify(tree)
    assert [(p.file, p.tc_id) for p in problems] == [("mpm-crc.json", 9)]
    assert "contradicts the reference" in problems[0].reason and "invalid" in problems[0].reason


def test_rules_differing_from_the_reference_are_rejected(tree):
    _edit(tree, "mpm-fields.json", lambda d: _case(d, 4).update(rules=["mpm.field.length"]))
    problems = verify(tree)
    assert len(problems) == 1 and problems[0].tc_id == 4 and "reference reports" in problems[0].reason


def test_duplicate_tc_id_is_rejected(tree):
    _edit(tree, "charset.json", lambda d: _case(d, 2).update(tcId=1))
    problems = verify(tree, against_reference=False)
    assert any(p.file == "charset.json" and p.tc_id == 1 and "duplicate tcId" in p.reason for p in problems)


def test_schema_error_names_the_case(tree):
    _edit(tree, "jpqr.json", lambda d: _case(d, 3).update(result="maybe"))
    problems = verify(tree, against_reference=False)
    assert len(problems) == 1 and problems[0].file == "jpqr.json" and problems[0].tc_id == 3
    assert problems[0].reason.startswith("schema:") and "maybe" in problems[0].reason


def test_wrong_number_of_tests_is_rejected(tree):
    _edit(tree, "cpm.json", lambda d: d.update(numberOfTests=d["numberOfTests"] + 1))
    assert any("numberOfTests" in p.reason for p in verify(tree, against_reference=False))


def test_undefined_flag_is_rejected(tree):
    _edit(tree, "pix.json", lambda d: _case(d, 1)["flags"].append("NoSuchFlag"))
    problems = verify(tree, against_reference=False)
    assert [(p.tc_id, "NoSuchFlag" in p.reason) for p in problems] == [(1, True)]


def test_changed_file_without_new_manifest_is_rejected(tree):
    _edit(tree, "mpm-crc.json", lambda d: _case(d, 1).update(comment="edited"), rehash=False)
    problems = verify(tree, against_reference=False)
    assert [p.file for p in problems] == ["mpm-crc.json"] and "sha256" in problems[0].reason


def test_missing_image_is_rejected(tree):
    (tree / "images" / "images-1.png").unlink()
    write_manifest(tree)
    problems = verify(tree)
    assert [(p.file, p.tc_id) for p in problems] == [("images.json", 1)] and "missing" in problems[0].reason


def test_not_json_is_rejected(tree):
    (tree / "broken.json").write_text("{not json", encoding="utf-8")
    write_manifest(tree)
    assert any(p.file == "broken.json" and "not JSON" in p.reason for p in verify(tree, against_reference=False))


def test_cli_verify_exit_codes(tree, capsys):
    assert main(["vectors", "verify", str(tree)]) == 0
    _edit(tree, "mpm-crc.json", lambda d: _case(d, 9).update(result="valid", rules=["mpm.crc.mismatch"]))
    assert main(["vectors", "verify", str(tree)]) == 1
    err = capsys.readouterr().err
    assert "mpm-crc.json tcId 9" in err and "contradicts the reference" in err
    assert main(["vectors", "verify", str(tree / "nowhere")]) == 2


def test_stats_and_diff_refuse_a_malformed_tree_by_name(tree, capsys):
    _edit(tree, "jpqr.json", lambda d: _case(d, 3).pop("payload"))
    assert main(["vectors", "stats", str(tree)]) == 1
    assert main(["vectors", "diff", str(tree), str(tree)]) == 1
    err = capsys.readouterr().err
    assert "jpqr.json tcId 3" in err and "payload" in err and "Traceback" not in err


def test_generate_refuses_an_unreadable_previous_version(tree, capsys):
    (tree / "mpm-crc.json").write_text("{broken", encoding="utf-8")
    assert main(["vectors", "generate", "--out", str(tree), "--date", "2026-01-02"]) == 1
    assert "mpm-crc.json: the previous version is not JSON" in capsys.readouterr().err
    assert main(["vectors", "generate", "--out", str(tree), "--date", "Jan 2"]) == 2


def test_unknown_rule_id_is_rejected(tree):
    _edit(tree, "mpm-templates.json", lambda d: _case(d, 1)["rules"].append("mpm.no.such_rule"))
    problems = verify(tree)
    assert [(p.file, p.tc_id) for p in problems] == [("mpm-templates.json", 1)]
    assert "not in the catalogue" in problems[0].reason
