"""Every rule in rules.json has at least one valid and one non-valid case that lists it; a new
rule without cases fails this test by name."""
from __future__ import annotations

import json

from qrinterop.rules import catalogue
from qrinterop.rules.model import Rule
from qrinterop.vectorsets import coverage as coverage_module
from qrinterop.vectorsets.coverage import coverage
from tests.vectors.conftest import load


def test_every_rule_has_valid_and_non_valid_cases(generated):
    gaps = coverage(generated)["gaps"]
    assert not gaps, "rules without cases:\n" + "\n".join(str(g) for g in gaps)


def test_committed_tree_has_the_same_coverage(repo_vectors):
    gaps = coverage(repo_vectors)["gaps"]
    assert not gaps, "regenerate vectors/: " + "; ".join(str(g) for g in gaps)


def test_rules_json_is_the_catalogue(repo_vectors):
    assert [r["id"] for r in load(repo_vectors / "rules.json")["rules"]] == [r.id for r in catalogue()]


def test_exemptions_name_real_rules_and_argue(repo_vectors):
    from qrinterop.vectorsets.verify import vector_files
    ids = {r.id for r in catalogue()}
    for path in vector_files(repo_vectors):
        for rule, why in load(path).get("exemptions", {}).items():
            assert rule in ids, f"{path.name} exempts unknown rule {rule}"
            assert len(why) > 40


def test_a_new_rule_without_cases_is_named(repo_vectors, monkeypatch):
    new = Rule("mpm.example.new", "A rule added after the vectors", "EMV MPM §0", "MUST", "emv", "…")
    monkeypatch.setattr(coverage_module, "catalogue", lambda: [*catalogue(), new])
    gaps = [str(g) for g in coverage(repo_vectors)["gaps"]]
    assert gaps == ["mpm.example.new (emv): no valid case lists it",
                    "mpm.example.new (emv): no non-valid case lists it"]


def test_stats_rules_cli_lists_every_rule(repo_vectors, capsys):
    from qrinterop.cli import main
    assert main(["vectors", "stats", str(repo_vectors), "--rules", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["rules"]) == {r.id for r in catalogue()} and data["gaps"] == []
    assert data["rules"]["mpm.crc.mismatch"]["nonValid"] > 5
