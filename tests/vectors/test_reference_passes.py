"""The reference implementation passes every vector — through the IUT interface the conformance
suite uses (ReferenceIut), not through the generator's own evaluation code."""
from __future__ import annotations

import base64

import pytest

from qrinterop.errors import QrInteropError
from qrinterop.iut.reference import ReferenceIut
from qrinterop.paths import VECTORS_DIR
from qrinterop.vectorsets.verify import vector_files
from tests.vectors.conftest import load

IUT = ReferenceIut()


def _cases(operation: str):
    for path in vector_files(VECTORS_DIR):
        doc = load(path)
        for group in doc["testGroups"]:
            if group["operation"] == operation:
                for test in group["tests"]:
                    yield pytest.param(group["profile"], test, id=f"{doc['name']}/{test['tcId']}")


@pytest.mark.parametrize("profile,test", list(_cases("validate")))
def test_validate(profile, test):
    answer = IUT.validate(test["payload"], profile=profile)
    rules = sorted({v["rule"] for v in answer["violations"]})
    if test["result"] == "valid":
        assert answer["valid"] and rules == []
    elif test["result"] == "invalid":
        assert not answer["valid"] and rules == test["rules"]
    else:  # acceptable: the reference's choice is to accept with warnings
        assert answer["valid"] and rules == test["rules"]


@pytest.mark.parametrize("profile,test", list(_cases("parse")))
def test_parse(profile, test):
    mode = "cpm" if profile == "cpm" else "mpm"
    if test["result"] in ("valid", "acceptable"):   # acceptable (wrong CRC): the reference's choice is to read it
        assert IUT.parse(test["payload"], mode=mode)["objects"] == test["expected"]["objects"]
    else:
        with pytest.raises(QrInteropError) as caught:
            IUT.parse(test["payload"], mode=mode)
        assert caught.value.rule in test["rules"]


@pytest.mark.parametrize("profile,test", list(_cases("decode_image")))
def test_decode_image(profile, test):
    from qrinterop.imaging.read import read
    png = (VECTORS_DIR / test["image"]).read_bytes()
    base64.b64encode(png)  # the form an IUT receives; the PNG must be plain bytes
    scan = read(png, ("zxing",))
    primary = scan.primary
    assert primary is not None, f"zxing-cpp cannot read {test['image']}"
    if test["result"] == "valid":
        assert primary.bytes == test["payload"].encode("utf-8")
    else:  # acceptable: the symbol holds other bytes; zxing recovers the text by charset handling
        assert primary.bytes.hex() == test["expected"]["symbolBytesHex"]
        assert primary.text == test["payload"]


@pytest.mark.parametrize("profile,test", list(_cases("build")))
def test_build(profile, test):
    mode = "cpm" if profile == "cpm" else "mpm"
    if test["result"] == "valid":
        assert IUT.build(test["objects"], mode=mode)["payload"] == test["payload"]
    else:
        with pytest.raises(QrInteropError) as caught:
            IUT.build(test["objects"], mode=mode)
        assert caught.value.rule in test["rules"]


@pytest.mark.parametrize("profile,test", list(_cases("render")))
def test_render(profile, test):
    from qrinterop.imaging.read import read
    png = base64.b64decode(IUT.render(test["payload"])["png_base64"])
    scan = read(png, ("zxing", "pyzbar"))
    for reader in ("zxing", "pyzbar"):
        assert [r.text for r in scan.by_reader(reader)] == [test["payload"]], reader
    assert scan.primary.bytes == test["payload"].encode("utf-8")
