"""The README's curl walk-through is the one tests/simulators/test_docs.py runs against a live
server (docs/simulators.md): keep the two copies identical so the README cannot rot."""
from qrinterop.paths import ROOT


def _sh_block(text: str, after: str) -> str:
    start = text.index("```sh", text.index(after)) + len("```sh")
    return text[start:text.index("```", start)].strip()


def test_readme_curl_example_is_the_tested_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "simulators.md").read_text(encoding="utf-8")
    assert _sh_block(readme, "## Pay with curl") == _sh_block(docs, "<!-- example:curl -->")


def test_readme_names_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./run certify" in readme and "./run test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run test" in ci
