"""The matrix (pure part), matrix.json and the static site, on small synthetic run records, and
`qrinterop matrix` end to end on the fastest implementations (no install, no network)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from qrinterop.interop.matrix import (Implementation, answer_of, build_matrix, run_matrix, write_matrix_json)
from qrinterop.interop.site import render_site, write_site

ROOT = Path(__file__).resolve().parents[2]

VECTORS = {
    "mpm-crc/1": {"set": "mpm-crc", "operation": "validate", "profile": "emv", "result": "valid",
                  "rules": [], "comment": "EMVCo example", "payload": "0002…6304A13A"},
    "mpm-crc/2": {"set": "mpm-crc", "operation": "validate", "profile": "emv", "result": "invalid",
                  "rules": ["mpm.crc.mismatch"], "comment": "CRC off by one", "payload": "0002…6304A13B"},
    "mpm-crc/3": {"set": "mpm-crc", "operation": "validate", "profile": "emv", "result": "acceptable",
                  "rules": ["mpm.crc.format"], "comment": "lower-case CRC", "payload": "0002…6304a13a"},
    "khqr/1": {"set": "khqr", "operation": "validate", "profile": "khqr", "result": "valid",
               "rules": [], "comment": "a KHQR", "payload": "0002…"},
}


def _test(tid, status, result, category=None, kind="vector", feature="emv", evidence=None, message=""):
    return {"id": tid, "nodeid": f"conformance/test_vectors.py::test_vector[{tid}]", "kind": kind, "part": "codec",
            "feature": feature, "operation": "validate", "rules": [], "result": result, "status": status,
            "category": category, "message": message, "evidence": evidence}


def _run(name, tests, verdict="FAIL", status="ran"):
    return {"implementation": Implementation(name, f"jsonl:{name}", "npm", name, "1.0.0", "validate = check()").to_dict(),
            "status": status, "reason": None if status == "ran" else "npm ci exit 1: E404", "seconds": 1.0,
            "runJson": f"runs/{name}/run.json" if status == "ran" else None,
            "report": f"runs/{name}/certification.html" if status == "ran" else None,
            "record": {"iut": {"name": name, "version": "1.0.0", "ops": ["hello", "validate"], "profiles": ["emv"]},
                       "complete": True, "tests": tests} if status == "ran" else None,
            "certification": {"overall": {"verdict": verdict, "failingMustRules": ["mpm.crc.mismatch"]},
                              "groups": [{"group": "mpm.crc", "rules": 3, "passed": 2 if verdict == "PASS" else 1,
                                          "decided": 2}, {"group": "khqr", "rules": 5, "passed": 0, "decided": 0}]}
            if status == "ran" else None}


RUNS = [
    _run("good", [_test("mpm-crc/1", "passed", "valid"), _test("mpm-crc/2", "passed", "invalid"),
                  _test("mpm-crc/3", "passed", "acceptable", evidence={"choice": "valid"}),
                  _test("khqr/1", "skipped", "valid", "not-implemented", feature="khqr"),
                  _test("property/roundtrip", "passed", None, kind="property")], verdict="PASS"),
    _run("lax", [_test("mpm-crc/1", "passed", "valid"),
                 _test("mpm-crc/2", "failed", "invalid", "wrong-verdict", message="IUT said valid <b>"),
                 _test("mpm-crc/3", "warning", "acceptable", evidence={"choice": "invalid"}),
                 _test("khqr/1", "failed", "valid", "iut-crash", feature="khqr")]),
    _run("broken-install", [], status="install-failed"),
]


def test_answers_are_read_back_from_the_run_record():
    assert answer_of(_test("x/1", "passed", "invalid")) == "reject"
    assert answer_of(_test("x/1", "passed", "valid")) == "accept"
    assert answer_of(_test("x/1", "failed", "invalid", "wrong-verdict")) == "accept"
    assert answer_of(_test("x/1", "failed", "valid", "wrong-verdict")) == "reject"
    assert answer_of(_test("x/1", "failed", "valid", "charset")) == "accept-wrong-value"
    assert answer_of(_test("x/1", "failed", "valid", "timeout")) == "hang"
    assert answer_of(_test("x/1", "failed", "valid", "iut-crash")) == "crash"
    assert answer_of(_test("x/1", "warning", "acceptable", evidence={"choice": "invalid"})) == "reject"
    assert answer_of(_test("x/1", "skipped", "valid", "not-implemented")) == "n/a"


def test_matrix_finds_exactly_the_vectors_on_which_implementations_differ():
    matrix = build_matrix(RUNS, VECTORS)
    assert matrix["schema"] == "qrinterop/matrix@1"
    assert matrix["disagreements"] == ["mpm-crc/2", "mpm-crc/3"]     # khqr/1: only one implementation ran it
    row = {v["id"]: v for v in matrix["vectors"]}
    assert row["mpm-crc/2"]["answers"]["good"]["answer"] == "reject"
    assert row["mpm-crc/2"]["answers"]["lax"]["answer"] == "accept"
    assert row["khqr/1"]["answers"]["lax"]["answer"] == "crash"
    assert row["mpm-crc/1"]["disagreement"] is False
    impls = {i["name"]: i for i in matrix["implementations"]}
    assert impls["broken-install"]["status"] == "install-failed" and impls["broken-install"]["verdict"] == "INSTALL-FAILED"
    assert impls["good"]["byProfile"]["emv"] == {"passed": 3, "failed": 0, "warning": 0, "skipped": 0, "expected-failure": 0}
    assert impls["lax"]["counts"]["failed"] == 2


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def test_site_pages_link_to_each_other_and_escape_what_libraries_say(tmp_path):
    matrix = build_matrix(RUNS, VECTORS)
    pages = render_site(matrix)
    assert {"index.html", "disagreements.html", "vectors/index.html", "vectors/mpm-crc.html", "vectors/khqr.html",
            "impl/good.html", "impl/lax.html", "impl/broken-install.html"} <= set(pages)
    assert "IUT said valid &lt;b&gt;" in pages["impl/lax.html"] and "<b>" not in pages["impl/lax.html"].split("message")[-1]
    assert "npm ci exit 1: E404" in pages["impl/broken-install.html"]
    assert "0002…6304A13B" in pages["disagreements.html"] and "mpm.crc.mismatch" in pages["disagreements.html"]
    assert 'href="../runs/good/certification.html"' in pages["impl/good.html"]
    assert "By rule group" in pages["index.html"] and '<td class="fail">1/2</td>' in pages["index.html"]
    assert matrix["implementations"][0]["byGroup"] == {"mpm.crc": {"passed": 2, "decided": 2, "rules": 3}}
    write_site(matrix, tmp_path)
    write_matrix_json(matrix, tmp_path)
    for rel, html in pages.items():
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            target, _, anchor = href.partition("#")
            if target.startswith("../runs/") or not target:
                continue
            path = (tmp_path / rel).parent / target
            assert path.is_file(), f"{rel} links to missing {href}"
            if anchor:
                ids = _Links()
                ids.feed(path.read_text(encoding="utf-8"))
                assert anchor in ids.ids, f"{rel} links to missing anchor {href}"
    assert json.loads((tmp_path / "matrix.json").read_text(encoding="utf-8"))["disagreements"] == ["mpm-crc/2", "mpm-crc/3"]


def test_matrix_command_certifies_bundled_examples_and_survives_a_broken_one(tmp_path):
    """Two real certify runs in parallel (the reference and the Node example, one profile, few
    examples), plus a column whose preparation fails: it is reported, not raised."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the Node example cannot run")
    impls = [Implementation("reference", None, "bundled"),
             Implementation("example-node", f"jsonl:node {ROOT / 'examples/iut/node/iut.js'}", "bundled"),
             Implementation("cannot-install", "jsonl:false", "npm", "nothing", "0", "", lambda: "npm ci exit 1: E404")]
    matrix = run_matrix(tmp_path, impls, jobs=2, options={"profiles": ["promptpay"], "examples": 2, "run_timeout": 120})
    impls = {i["name"]: i for i in matrix["implementations"]}
    assert impls["reference"]["counts"]["failed"] == 0 and impls["reference"]["counts"]["passed"] > 0
    assert impls["example-node"]["status"] == "ran"
    assert impls["cannot-install"]["status"] == "install-failed" and "E404" in impls["cannot-install"]["reason"]
    assert (tmp_path / impls["reference"]["report"]).is_file()                    # the certification.html
    promptpay = [v for v in matrix["vectors"] if v["set"] == "promptpay"]
    assert promptpay and all(v["answers"]["reference"]["status"] == "passed" for v in promptpay)
    assert all(v["answers"]["example-node"]["answer"] == "n/a" for v in promptpay)   # it declares emv only


def test_an_implementation_that_hangs_is_a_column_saying_so(tmp_path):
    """It answers hello, then never again: its certify overruns the wall-clock limit and is killed
    (with its IUT process group); the matrix records the timeout and goes on."""
    iut = tmp_path / "sleeper.py"
    iut.write_text(
        "import json, sys, time\n"
        "for line in sys.stdin:\n"
        "    req = json.loads(line)\n"
        "    if req['op'] != 'hello':\n"
        "        time.sleep(3600)\n"
        "    print(json.dumps({'id': req['id'], 'ok': True, 'result': {'name': 'sleeper', 'version': '0',\n"
        "          'ops': ['hello', 'validate'], 'profiles': ['emv']}}), flush=True)\n", encoding="utf-8")
    slow = Implementation("sleeper", f"jsonl:{sys.executable} {iut}", "bundled")
    matrix = run_matrix(tmp_path / "out", [slow], jobs=1, options={"run_timeout": 8, "request_timeout": 2})
    (impl,) = matrix["implementations"]
    assert impl["status"] == "timeout" and "8 s" in impl["reason"] and impl["verdict"] != "PASS"
    assert "timeout" in render_site(matrix)["index.html"]


def test_the_site_renders_in_headless_chromium(tmp_path):
    """The pages are plain HTML a browser lays out: Chromium loads the overview and a grid from
    disk, keeps their tables in its DOM, and paints a screenshot that is not blank."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (Debian package chromium)")
    from PIL import Image
    write_site(build_matrix(RUNS, VECTORS), tmp_path / "site")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    for page, expected in (("index.html", "By rule group"), ("vectors/mpm-crc.html", "mpm-crc/2")):
        url = (tmp_path / "site" / page).as_uri()
        dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=90)
        assert expected in dom.stdout and "<table>" in dom.stdout, dom.stderr[-500:]
    shot = tmp_path / "overview.png"
    subprocess.run([chromium, *flags, "--window-size=1000,600", f"--screenshot={shot}",
                    (tmp_path / "site" / "index.html").as_uri()], capture_output=True, timeout=90)
    colours = Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20                  # text and coloured cells, not a white page
