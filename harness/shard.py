"""`--qri-shard i/n`: run one deterministic n-th of a conformance session (a pytest plugin).

    pytest -p qrinterop.shard --qri-shard 2/3 --pyargs qrinterop.conformance …
    qrinterop certify --shard 2/3 …            # the same, through certify

A CI fleet (a GitHub Actions matrix, GitLab `parallel: 3`) runs shard 1/3, 2/3 and 3/3 on three
machines, each writing its own run.json, and `qrinterop report merge` joins them into one record
and one set of reports. The split needs no coordinator: a test belongs to shard
`sha256(nodeid) mod n`, so every machine computes the same partition from the test ids alone, the
shards are disjoint and together are the whole session, whatever order collection happened in.
(A hash, not "every n-th item", so that a test keeps its shard when vectors are added elsewhere.)

Within one machine, `-n N` (pytest-xdist) still spreads a shard over N workers; xdist's own remote
workers (`--tx ssh=host//python=…`) are the other way to use ssh hosts, from one controller.
"""
from __future__ import annotations

import hashlib

import pytest


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/3"` → `(2, 3)`; 1 ≤ i ≤ n. A ValueError says what was expected."""
    try:
        index, _, total = text.partition("/")
        i, n = int(index), int(total)
    except ValueError:
        raise ValueError(f"shard {text!r}: expected i/n with whole numbers, e.g. 1/3") from None
    if n < 1 or not 1 <= i <= n:
        raise ValueError(f"shard {text!r}: expected 1 ≤ i ≤ n, e.g. 1/3")
    return i, n


def stable_key(nodeid: str) -> str:
    """The node id without where the suite happens to be installed: `…/site-packages/qrinterop/
    conformance/test_vectors.py::x` and `conformance/test_vectors.py::x` are the same test."""
    path, sep, rest = nodeid.partition("::")
    marker = path.rfind("conformance/")
    return (path[marker:] if marker >= 0 else path) + sep + rest


def shard_of(nodeid: str, total: int) -> int:
    """The 1-based shard a test id belongs to among `total` shards (stable across machines)."""
    digest = hashlib.sha256(stable_key(nodeid).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("qrinterop").addoption(
        "--qri-shard", default=None, metavar="I/N",
        help="run only shard I of N (deterministic split by a hash of each test id); "
             "merge the shards' run.json with `qrinterop report merge`")


def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("qri_shard", None)
    if text:
        try:
            parse_shard(text)
        except ValueError as exc:
            raise pytest.UsageError(f"--qri-shard: {exc}") from None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    text = config.getoption("qri_shard", None)
    if not text:
        return
    index, total = parse_shard(text)
    keep, drop = [], []
    for item in items:
        (keep if shard_of(item.nodeid, total) == index else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
