"""What a user gets from `pip install`: a built wheel in a fresh virtualenv outside the checkout.

The fresh venv is installed offline from `.wheelhouse/` (./run fills it from requirements/lock.txt,
hash-checked), so the test reaches no registry and gets exactly the locked versions.
"""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from qrinterop.paths import ROOT
from tests.codec.samples import PIX_MANUAL as SAMPLE  # a published sample, CRC verified in the notes
from tests.install.conftest import NODE_IUT, WHEELHOUSE, build, run, source_tree

def test_wheel_carries_every_file_read_at_run_time(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    vectors = {p.relative_to(ROOT / "vectors").as_posix() for p in (ROOT / "vectors").rglob("*") if p.is_file()}
    assert vectors and {f"qrinterop/vectors/{v}" for v in vectors} <= names
    openapi = {p.name for p in (ROOT / "simulators" / "openapi").glob("*.json")}
    assert len(openapi) == 8 and {f"qrinterop/simulators/openapi/{n}" for n in openapi} <= names
    for schema in (ROOT / "reports" / "schema").glob("*.json"):
        assert f"qrinterop/reports/schema/{schema.name}" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)


def test_sdist_builds_the_same_wheel(tmp_path, wheel):
    """`pip install git+…` and an sdist build from the source tree: nothing may go missing there."""
    sdist = build("sdist", source_tree(tmp_path / "clone"), tmp_path)
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path / "src", filter="data")
    (tree,) = (tmp_path / "src").iterdir()
    assert (tree / "LICENSE").is_file() and (tree / "vectors" / "MANIFEST").is_file()
    code = "import setuptools.build_meta as b, sys; print(b.build_wheel(sys.argv[1]))"
    proc = run([sys.executable, "-c", code, str(tmp_path / "again")], cwd=tree)
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = tmp_path / "again" / proc.stdout.strip().splitlines()[-1]
    listing = lambda w: {n for n in zipfile.ZipFile(w).namelist() if ".dist-info/" not in n}  # noqa: E731
    assert listing(again) == listing(wheel)


def test_without_a_compiler_the_wheel_is_pure_python_and_the_codec_still_works(tmp_path):
    """The C scanner is optional: CC=false makes its build fail, the wheel still builds and runs."""
    wheel = build("wheel", source_tree(tmp_path / "clone"), tmp_path, env={"CC": "false", "LDSHARED": "false"})
    assert not any(n.endswith(".so") for n in zipfile.ZipFile(wheel).namelist())
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp_path / "site")
    proc = run([sys.executable, "-c", "import sys; from qrinterop.emv.mpm import parse_mpm, _accelerated_scan; "
                 "print(_accelerated_scan is None, parse_mpm(sys.argv[1]).get('60'))", SAMPLE],
                cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site")})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["True", "BRASILIA"]


def _certify(qrinterop: list[str], out: Path, cwd: Path) -> tuple[int, dict, dict]:
    proc = run([*qrinterop, "certify", "--iut", f"jsonl:node {NODE_IUT}", "--out", str(out), "--no-reports",
                 "--json"], cwd=cwd)
    assert (out / "run.json").is_file(), proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout), json.loads((out / "run.json").read_text())


def _vector_ids(vectors: Path) -> set[str]:
    ids = set()
    for path in vectors.glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "testGroups" in doc:
            ids |= {f"{doc['name']}/{t['tcId']}" for g in doc["testGroups"] for t in g["tests"]}
    return ids


def test_installed_wheel_certifies_the_node_example_like_the_checkout(venv, tmp_path):
    if subprocess.run(["node", "--version"], capture_output=True).returncode != 0:
        pytest.skip("node is not installed (./run installs it)")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    with ThreadPoolExecutor(2) as pool:
        installed = pool.submit(_certify, [str(venv / "bin" / "qrinterop")], tmp_path / "wheel", outside)
        checkout = pool.submit(_certify, [sys.executable, "-m", "qrinterop.cli"], tmp_path / "checkout", ROOT)
        (code_w, summary_w, run_w), (code_c, summary_c, run_c) = installed.result(), checkout.result()
    assert "site-packages/qrinterop/vectors" in run_w["vectors"]["dir"]
    ran = {t["id"] for t in run_w["tests"]}
    assert _vector_ids(ROOT / "vectors") <= ran, "the installed wheel skipped vectors"
    assert (code_w, summary_w["certified"]) == (code_c, summary_c["certified"])
    assert {t["id"]: t["status"] for t in run_w["tests"]} == {t["id"]: t["status"] for t in run_c["tests"]}


def test_installed_wheel_verifies_its_vectors_runs_the_demo_and_serves(venv, tmp_path):
    qrinterop = str(venv / "bin" / "qrinterop")
    proc = run([qrinterop, "vectors", "verify"], cwd=tmp_path)
    assert proc.returncode == 0 and "site-packages/qrinterop/vectors: ok" in proc.stdout, proc.stdout + proc.stderr
    proc = run([qrinterop, "demo", "--out", str(tmp_path / "codes")], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert len(list((tmp_path / "codes").glob("*.png"))) >= 8     # one code per wallet at least
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([qrinterop, "serve", "--wallets", "all", "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, answer = time.monotonic() + 30, None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/_sim/health", timeout=1)
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.2)
        assert answer is not None and answer.status_code == 200, "serve did not come up within 30 s"
        assert answer.json()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)


def test_plugin_leaves_an_unrelated_project_alone_beside_pytest_profiling(venv, tmp_path):
    """pytest-profiling owns `--profile`; with qrinterop installed too, an unrelated project stays green
    and the conformance suite plugin is not even loaded."""
    project = tmp_path / "unrelated"
    project.mkdir()
    (project / "test_one.py").write_text(
        "def test_one(request):\n"
        "    pm = request.config.pluginmanager\n"
        "    assert pm.has_plugin('qrinterop')            # the entry point: options only\n"
        "    assert not pm.has_plugin('qrinterop.plugin')  # the suite: not in this session\n"
        "    assert pm.has_plugin('profiling')\n", encoding="utf-8")
    py = str(venv / "bin" / "python")
    proc = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr
    proc = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--profile"], cwd=project)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert (project / "prof").is_dir()          # pytest-profiling's own option did its job


def test_core_install_runs_the_codec_and_names_the_extra_a_command_needs(tmp_path, wheel):
    """`pip install qrinterop` (no extras): validate works; serve says which extra to install."""
    if not WHEELHOUSE.is_dir():
        pytest.skip(f"no {WHEELHOUSE}: `./run test` downloads the locked wheels there before the tests")
    home = tmp_path / "core"
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=120)
    proc = run([str(home / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--find-links",
                 str(WHEELHOUSE), str(wheel)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    qrinterop = str(home / "bin" / "qrinterop")
    proc = run([qrinterop, "validate", "--profile", "pix", SAMPLE], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run([qrinterop, "serve", "--port", "1"], cwd=tmp_path)
    assert proc.returncode == 2 and "pip install 'qrinterop[sim]'" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
