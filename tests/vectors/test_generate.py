"""The generator: deterministic, version bumps with CHANGELOG, loud on a case the reference
contradicts; export and diff between two generated versions."""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from qrinterop.cli import main
from qrinterop.rules import profile_names
from qrinterop.vectorsets.cases import load_sets
from qrinterop.vectorsets.diff import diff_trees
from qrinterop.vectorsets.export import ExportError, export
from qrinterop.vectorsets.generate import GenerationError, build_document, generate
from qrinterop.vectorsets.manifest import published_files
from qrinterop.vectorsets.model import INVALID, VALID, C, Group, VectorSet, set_
from qrinterop.vectorsets.verify import vector_files, verify
from tests.vectors.conftest import DATE, load
from tests.vectors.library_versions import require_recorded_library_versions


def _snapshot(root):
    return {rel: (root / rel).read_bytes() for rel in published_files(root)} | \
        {"MANIFEST": (root / "MANIFEST").read_bytes()}


def test_generation_is_deterministic(generated, tmp_path):
    again = tmp_path / "again"
    generate(again, DATE)
    assert _snapshot(again) == _snapshot(generated)


def test_regenerating_in_place_changes_nothing(generated):
    before = _snapshot(generated)
    generate(generated, "2030-12-31")  # a later date must not appear: nothing changed
    assert _snapshot(generated) == before


def test_generated_tree_verifies(generated):
    assert [str(p) for p in verify(generated)] == []


def test_committed_vectors_are_what_the_generator_makes(generated, repo_vectors):
    """vectors/ is not hand-edited: every set equals a fresh generation (version aside)."""
    require_recorded_library_versions()
    for path in vector_files(generated):
        fresh, committed = load(path), load(repo_vectors / path.name)
        fresh.pop("version"), committed.pop("version")
        assert fresh == committed, f"{path.name} differs from a fresh generation: run `qrinterop vectors generate`"


def _mpm_crc_set(changes):
    vset = next(s for s in load_sets(["mpm-crc"]))
    cases = list(vset.groups[0].cases)
    changes(cases)
    return dataclasses.replace(vset, groups=(Group("validate", "emv", tuple(cases)),))


def test_changed_cases_bump_the_version_and_diff_lists_them(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    original = next(s for s in load_sets(["mpm-crc"]))
    generate(old, "2026-01-01", sets=[original])
    generate(new, "2026-01-01", sets=[original])

    def edit(cases):
        cases[0] = dataclasses.replace(cases[0], comment="reworded comment")
        del cases[8]
        cases.append(C("added: CRC over Latin-1 of an ASCII payload equals the UTF-8 one", VALID,
                       ["mpm.crc.mismatch"], ["Basic"], base="emv-full", crc="latin1"))
    generate(new, "2026-02-03", sets=[_mpm_crc_set(edit)])
    doc = load(new / "mpm-crc.json")
    assert doc["version"] == "1.1.0"
    changelog = (new / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 2026-02-03" in changelog and "`mpm-crc` 1.1.0" in changelog and "(was 1.0.0)" in changelog

    result = diff_trees(old, new)["sets"]["mpm-crc"]
    assert (result["old"], result["new"]) == ("1.0.0", "1.1.0")
    changed = {c["tcId"]: c["fields"] for c in result["changed"]}
    assert changed[1] == ["comment"]
    assert 9 in changed and "payload" in changed[9]  # tcIds after the removed case shift
    payloads = diff_trees(old, new)["payloads"]
    assert len(payloads["removed"]) == 1 and len(payloads["added"]) == 1 and payloads["verdictChanged"] == []

    only_comment = tmp_path / "patch"
    generate(only_comment, "2026-01-01", sets=[original])
    generate(only_comment, "2026-03-04",
             sets=[_mpm_crc_set(lambda cs: cs.__setitem__(0, dataclasses.replace(cs[0], comment="x")))])
    assert load(only_comment / "mpm-crc.json")["version"] == "1.0.1"


def test_export_writes_a_clean_bundle(generated, tmp_path, capsys):
    (generated / ".scratch").write_text("not published")
    dest = tmp_path / "bundle"
    files = export(generated, dest)
    assert set(files) == set(published_files(dest)) | {"MANIFEST"}
    assert not (dest / ".scratch").exists()
    for must in ("README.md", "CHANGELOG.md", "MANIFEST", "rules.json", "schema/vectors.schema.json",
                 "images/images-1.png", "jpqr.json"):
        assert (dest / must).exists(), must
    assert verify(dest, against_reference=False) == []  # byte copies of a tree export() verified in full
    with pytest.raises(ExportError, match="not empty"):
        export(generated, dest)
    assert main(["vectors", "export", str(tmp_path / "b2"), "--from", str(generated)]) == 0
    assert main(["vectors", "diff", str(dest), str(tmp_path / "b2")]) == 0
    assert "no differences" in capsys.readouterr().out


def test_a_case_the_reference_contradicts_fails_generation_loudly():
    wrong = VectorSet("broken", "test", "test", (Group("validate", "emv", (
        C("claims a wrong CRC is valid", VALID, ["mpm.crc.mismatch"], base="emv-basic", crc="wrong"),
        C("claims the wrong rule", INVALID, ["mpm.field.length"], base="emv-basic", crc="wrong"),
        C("uses an undefined flag", VALID, ["mpm.crc.mismatch"], ["NoSuchFlag"], base="emv-basic"),
        C("edits a path that does not exist", VALID, ["mpm.crc.mismatch"], base="emv-basic",
          edits=[set_("62.05", "X")]),
        C("CPM object with a value that is not hex", VALID, ["cpm.base64"], cpm=({"id": "85", "value": "zz"},)),
    )),))
    with pytest.raises(GenerationError) as caught:
        build_document(wrong)
    text = str(caught.value)
    assert "broken/1" in text and "stated valid, reference says invalid" in text
    assert "broken/2" in text and "reference reports ['mpm.crc.mismatch']" in text
    assert "NoSuchFlag" in text
    assert "broken/4" in text and "62.05" in text
    assert "broken/5" in text and "malformed case (ValueError" in text


def test_stats_cli(generated, capsys):
    assert main(["vectors", "stats", str(generated), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_set = {row["set"]: row for row in data["sets"]}
    national = [name for name in profile_names() if name not in ("emv", "cpm")]
    assert set(national) <= set(by_set), "every national profile has its set"
    assert max(national, key=lambda n: by_set[n]["cases"]) == "jpqr", "jpqr is the largest profile set"
    assert data["total"]["cases"] == sum(r["valid"] + r["invalid"] + r["acceptable"] for r in data["sets"])


def test_stats_flags_index(generated, capsys):
    assert main(["vectors", "stats", str(generated), "--flags", "--json"]) == 0
    index = json.loads(capsys.readouterr().out)
    assert index["LowercaseCrc"]["bugType"] == "CRC_FORMAT"
    crc = load(generated / "mpm-crc.json")
    lower = [t["tcId"] for g in crc["testGroups"] for t in g["tests"] if "LowercaseCrc" in t["flags"]]
    assert index["LowercaseCrc"]["cases"]["mpm-crc"] == lower


def test_diff_reports_a_payload_whose_verdict_changed(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    original = next(s for s in load_sets(["mpm-crc"]))
    generate(old, DATE, sets=[original])
    shutil.copytree(old, new)
    doc = load(new / "mpm-crc.json")
    case = doc["testGroups"][0]["tests"][5]
    case.update(result="invalid")  # as if the reference had changed its mind about lower-case CRCs
    (new / "mpm-crc.json").write_text(json.dumps(doc), encoding="utf-8")
    changed = diff_trees(old, new)["payloads"]["verdictChanged"]
    assert changed == [["mpm-crc", 6, case["payload"], "acceptable", "invalid"]]
