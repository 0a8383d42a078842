"""Sharded and merged equals one machine, count for count (issue 17, scale-out).

The buggy example IUT is certified once whole and once as shards 1/3, 2/3, 3/3 (the EMV profile:
~230 tests with passes, failures, warnings, skips, one crash and one hang), then the shards are
merged with `qrinterop report merge`; the merged record must hold exactly the same tests with the
same statuses, categories and rule verdicts as the single run.
"""
from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

from qrinterop.reports.merge import MergeError, merge_run_records
from qrinterop.shard import parse_shard, shard_of, stable_key

ROOT = Path(__file__).resolve().parents[2]
BUGGY = f"jsonl:{sys.executable} examples/iut/buggy/buggy_iut.py"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qrinterop.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def _certify_all(runs: dict[Path, tuple[str, ...]]) -> list[dict]:
    """Certify the buggy IUT once per output folder, all at once (as a CI fleet would)."""
    base = [sys.executable, "-m", "qrinterop.cli", "certify", "--iut", BUGGY, "--profile", "emv", "--timeout", "1",
            "--examples", "2", "--no-reports"]
    procs = [(out, subprocess.Popen([*base, "--out", str(out), *extra], cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)) for out, extra in runs.items()]
    records = []
    for out, proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode not in (0, 2, 3), err[-2000:]          # the buggy IUT never certifies
        records.append(json.loads((out / "run.json").read_text(encoding="utf-8")))
    return records


def _by_test(record: dict) -> dict[str, tuple]:
    return {t["nodeid"]: (t["status"], t["category"], tuple(t["rules"])) for t in record["tests"]}


def test_parse_shard_accepts_i_of_n_and_names_what_is_wrong():
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "x/3", "3", "1/0"):
        with pytest.raises(ValueError, match="shard"):
            parse_shard(bad)


def test_shards_are_disjoint_cover_everything_and_ignore_the_install_path():
    ids = [f"conformance/test_vectors.py::test_vector[set-{i}/{i}]" for i in range(600)]
    shards = collections.Counter(shard_of(i, 3) for i in ids)
    assert set(shards) == {1, 2, 3} and sum(shards.values()) == 600
    assert min(shards.values()) > 150                      # roughly even: a hash, not a coordinator
    moved = "../.venv/lib/python3.11/site-packages/qrinterop/" + ids[7]
    assert stable_key(moved) == ids[7] and shard_of(moved, 3) == shard_of(ids[7], 3)


def test_merge_refuses_runs_of_different_iuts_and_overlapping_shards():
    base = {"schema": "qrinterop/run@1", "startedAt": "2026-01-01T00:00:00Z", "finishedAt": "2026-01-01T00:00:01Z",
            "complete": True, "iut": {"name": "a", "version": "1"}, "vectors": {"manifestSha256": "x"},
            "rules": [], "tests": [{"id": "t/1", "nodeid": "n1", "kind": "vector", "part": "codec", "rules": [],
                                    "status": "passed"}]}
    with pytest.raises(MergeError, match="also in"):
        merge_run_records([base, base])
    other = {**base, "iut": {"name": "b", "version": "1"}, "tests": []}
    with pytest.raises(MergeError, match="differs"):
        merge_run_records([base, other])
    late = {**base, "tests": [], "finishedAt": None, "complete": False}
    merged = merge_run_records([base, late])
    assert merged["complete"] is False and merged["finishedAt"] is None and len(merged["tests"]) == 1


def test_three_shards_merged_equal_one_run_count_for_count(tmp_path):
    whole, *shards = _certify_all({tmp_path / "whole": (), **{tmp_path / f"s{i}": ("--shard", f"{i}/3") for i in (1, 2, 3)}})
    assert all(len(s["tests"]) < len(whole["tests"]) for s in shards)     # each shard ran a part only
    done = _cli("report", "merge", *(str(tmp_path / f"s{i}" / "run.json") for i in (1, 2, 3)),
                "--out", str(tmp_path / "merged"), "--no-allure-html")
    assert done.returncode not in (0, 2, 3), done.stderr                   # not certified, as the whole run
    merged = json.loads((tmp_path / "merged" / "run.json").read_text(encoding="utf-8"))

    assert len(merged["tests"]) == len(whole["tests"]) == sum(len(s["tests"]) for s in shards)
    count = lambda r: collections.Counter(t["status"] for t in r["tests"])  # noqa: E731
    assert count(merged) == count(whole)
    assert count(whole)["failed"] > 0 and count(whole)["passed"] > 0
    assert _by_test(merged) == _by_test(whole)
    cert_merged = json.loads((tmp_path / "merged" / "certification.json").read_text(encoding="utf-8"))
    rebuilt = _cli("report", "build", str(tmp_path / "whole" / "run.json"), "--no-allure-html")
    assert rebuilt.returncode == done.returncode, rebuilt.stderr          # the same exit code as the merge
    cert_whole = json.loads((tmp_path / "whole" / "certification.json").read_text(encoding="utf-8"))
    for key in ("verdict", "tests", "rules", "mustRules", "failingMustRules"):
        assert cert_merged["overall"][key] == cert_whole["overall"][key], key
    verdicts = lambda c: {r["id"]: r["verdict"] for p in c["profiles"] for r in p["rules"]}  # noqa: E731
    assert verdicts(cert_merged) == verdicts(cert_whole)
