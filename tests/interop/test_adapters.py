"""The real-library adapters: each pinned exactly in its own lockable environment, and each
installed one declaring in hello what its manifest says (skipped, with how, when not installed)."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from qrinterop.interop.install import Adapter, load_adapters
from qrinterop.interop.matrix import adapter_implementation

ADAPTERS = load_adapters()


def test_there_are_at_least_ten_real_libraries_from_npm_and_pypi():
    assert len({(a.registry, a.package) for a in ADAPTERS}) >= 10
    assert {a.registry for a in ADAPTERS} == {"npm", "pypi"}


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
def test_each_adapter_is_pinned_to_one_exact_version_in_a_lock_file(adapter):
    if adapter.kind == "node":
        package = json.loads((adapter.folder / "package.json").read_text(encoding="utf-8"))
        assert package["dependencies"] == {adapter.package: adapter.version}           # exact, no ^ or ~
        lock = json.loads((adapter.folder / "package-lock.json").read_text(encoding="utf-8"))
        entry = lock["packages"][f"node_modules/{adapter.package}"]
        assert entry["version"] == adapter.version and entry["integrity"].startswith("sha512-")
        assert all("integrity" in p for name, p in lock["packages"].items() if name)
    else:
        lines = [line for line in (adapter.folder / "requirements.lock").read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("#")]
        assert all(re.fullmatch(r"[a-z0-9.\-]+==\S+ --hash=sha256:[0-9a-f]{64}", line) for line in lines), lines
        assert any(line.startswith(f"{adapter.package}=={adapter.version} ") for line in lines)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
def test_an_installed_adapter_says_hello_with_what_its_manifest_declares(adapter):
    if not adapter.installed():
        pytest.skip(f"not installed: python -m qrinterop.interop.install {adapter.name}")
    cmd = adapter.spec.removeprefix("jsonl:").split()
    done = subprocess.run(cmd, input='{"id": 1, "op": "hello"}\n{"id": 2, "op": "no-such-op"}\n',
                          capture_output=True, text=True, timeout=60)
    hello, unknown = (json.loads(line) for line in done.stdout.splitlines())
    assert hello["ok"] and hello["result"]["version"] == adapter.version
    assert hello["result"]["profiles"] == adapter.profiles and hello["result"]["ops"][0] == "hello"
    assert set(hello["result"]["ops"]) <= {"hello", "parse", "build", "validate", "render", "decode_image"}
    assert unknown == {"id": 2, "ok": False, "error": {"code": "unknown_op", "message": "op no-such-op not implemented"}}


def test_an_adapter_that_is_not_installed_is_a_column_saying_so(tmp_path):
    ghost = Adapter("ghost", "node", "npm", "ghost-lib", "1.0.0", "adapter.js", ["emv"], "", tmp_path)
    impl = adapter_implementation(ghost, do_install=False)
    assert "not installed" in impl.prepare()
    impl = adapter_implementation(ghost, do_install=True)                  # no lock file: says so, no network
    assert "package-lock.json" in impl.prepare()
