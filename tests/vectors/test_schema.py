"""Every published file is valid against its JSON Schema, and the schemas are valid schemas."""
from __future__ import annotations

import json

import jsonschema
import pytest

from qrinterop.paths import VECTORS_DIR
from qrinterop.vectorsets import RULES_SCHEMA_ID, SCHEMA_ID
from qrinterop.vectorsets.verify import vector_files
from tests.vectors.conftest import load

SCHEMA_DIR = VECTORS_DIR / "schema"


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", vector_files(VECTORS_DIR), ids=lambda p: p.name)
def test_vector_file_matches_schema(path):
    doc = load(path)
    assert doc["schema"] == SCHEMA_ID
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator("vectors.schema.json").iter_errors(doc)]
    assert errors == []


def test_rules_file_matches_schema():
    doc = load(VECTORS_DIR / "rules.json")
    assert doc["schema"] == RULES_SCHEMA_ID
    assert list(_validator("rules.schema.json").iter_errors(doc)) == []


def test_schema_rejects_a_case_without_payload_hex():
    doc = load(VECTORS_DIR / "mpm-crc.json")
    del doc["testGroups"][0]["tests"][0]["payloadHex"]
    messages = [e.message for e in _validator("vectors.schema.json").iter_errors(doc)]
    assert any("payloadHex" in m for m in messages)


def test_schema_rejects_an_invalid_case_without_rules():
    doc = load(VECTORS_DIR / "mpm-crc.json")
    case = next(t for t in doc["testGroups"][0]["tests"] if t["result"] == "invalid")
    case["rules"] = []
    assert list(_validator("vectors.schema.json").iter_errors(doc))


def test_every_case_carries_payload_hex_and_every_file_its_generator_version():
    for path in vector_files(VECTORS_DIR):
        doc = load(path)
        assert doc["generatorVersion"]
        for group in doc["testGroups"]:
            for test in group["tests"]:
                assert bytes.fromhex(test["payloadHex"]) == test["payload"].encode("utf-8"), (path.name, test["tcId"])


def test_no_case_is_written_twice_in_a_group():
    for path in vector_files(VECTORS_DIR):
        for group in load(path)["testGroups"]:
            seen = {}
            for test in group["tests"]:
                key = (test["payload"], json.dumps(test.get("objects")),
                       test["expected"].get("variant"), test["expected"].get("distortion"))
                assert key not in seen, f"{path.name}: tcId {test['tcId']} repeats tcId {seen[key]}"
                seen[key] = test["tcId"]
