"""The Node and C example IUTs answer the jsonl protocol correctly on the spec's vectors.

Each IUT runs as one long-lived subprocess per test module (as the jsonl adapter runs it);
the C one is compiled with gcc into a temporary folder first. Missing node/gcc skips with the
reason.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest

from iut_process import EXAMPLES, IutProcess, crc16_ccitt_false, seal
from mutations import mutate, value_mutation
from payloads import ASCII, EMVCO, EMVCO_TREE, INVALID_CASES, JAPAN


@pytest.fixture(scope="session")
def c_binary(tmp_path_factory) -> str:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed: the C example IUT cannot be built")
    out = tmp_path_factory.mktemp("emviut") / "emviut"
    build = subprocess.run([gcc, "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(out),
                            str(EXAMPLES / "c" / "iut.c")], capture_output=True, text=True, timeout=60)
    assert build.returncode == 0, f"gcc failed:\n{build.stderr}"
    return str(out)


@pytest.fixture(scope="module", params=["node", "c"])
def iut(request):
    if request.param == "node":
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed: the Node example IUT cannot run")
        argv = [node, str(EXAMPLES / "node" / "iut.js")]
        name = "example-node"
    else:
        argv = [request.getfixturevalue("c_binary")]
        name = "example-c"
    proc = IutProcess(argv)
    proc.expected_name = name
    yield proc
    assert proc.close() == 0, "the IUT must exit 0 when stdin closes"


def rules_of(result: dict) -> set[str]:
    return {v["rule"] for v in result["violations"]}


def test_hello_declares_ops_and_profile(iut):
    hello = iut.result("hello")
    assert hello["name"] == iut.expected_name
    assert set(hello["ops"]) == {"hello", "parse", "build", "validate"}
    assert hello["profiles"] == ["emv"]


@pytest.mark.parametrize("payload", [EMVCO, JAPAN, ASCII], ids=["emvco-annex-b7", "japan-katakana", "ascii"])
def test_valid_payloads_validate(iut, payload):
    result = iut.result("validate", payload=payload, profile="emv")
    assert result == {"valid": True, "violations": []}


def test_parse_emvco_example_gives_the_spec_tree(iut):
    assert iut.result("parse", payload=EMVCO, mode="mpm")["objects"] == EMVCO_TREE


@pytest.mark.parametrize("payload", [EMVCO, JAPAN, ASCII], ids=["emvco-annex-b7", "japan-katakana", "ascii"])
def test_build_of_the_parsed_tree_reproduces_the_payload(iut, payload):
    tree = iut.result("parse", payload=payload, mode="mpm")["objects"]
    assert iut.result("build", objects=tree, mode="mpm")["payload"] == payload


def test_build_counts_code_points_not_utf16_units(iut):
    # U+20BB7 is one character, two UTF-16 units, four UTF-8 bytes.
    built = iut.result("build", objects=[{"id": "00", "value": "01"}, {"id": "59", "value": "𠮷野家"}],
                       mode="mpm")["payload"]
    assert built == seal("0002015903𠮷野家")


def test_build_crc_is_zero_padded_uppercase(iut):
    # Search a body whose CRC is below 0x1000 so the padding matters.
    for n in range(10_000):
        body = f"000201590{len(str(n))}{n}"
        if crc16_ccitt_false((body + "6304").encode()) < 0x1000:
            break
    objects = [{"id": "00", "value": "01"}, {"id": "59", "value": str(n)}]
    built = iut.result("build", objects=objects, mode="mpm")["payload"]
    assert built == seal(body) and built[-4] == "0"


@pytest.mark.parametrize("name,payload,rule", INVALID_CASES, ids=[c[0] for c in INVALID_CASES])
def test_invalid_payload_names_the_broken_rule(iut, name, payload, rule):
    result = iut.result("validate", payload=payload, profile="emv")
    assert result["valid"] is False
    assert rules_of(result) == {rule}, result["violations"]


def test_parse_of_a_broken_payload_is_an_error_naming_the_rule(iut):
    answer = iut.call("parse", payload=EMVCO[:-3], mode="mpm")
    assert answer["ok"] is False and answer["error"]["code"] == "mpm.tlv.truncated"


def test_cpm_mode_is_unsupported(iut):
    answer = iut.call("parse", payload="hQVDUFYwMQ==", mode="cpm")
    assert answer["ok"] is False and answer["error"]["code"] == "unsupported"


def test_garbage_and_unknown_ops_get_error_answers(iut):
    iut.send_raw(b"this is not json")
    answer = iut.read_answer()
    assert answer["ok"] is False and answer["error"]["code"] == "bad_request"
    unknown = iut.call("render", payload=ASCII)
    assert unknown["ok"] is False and unknown["error"]["code"] == "unknown_op"
    assert iut.result("hello")["name"] == iut.expected_name  # still serving


def mutated_requests(seed: int, count: int) -> list[bytes]:
    """Requests over mutated payloads, plus request lines that are themselves mutated JSON."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        op = rng.choice(["validate", "validate", "parse", "build", "line"])
        payload = mutate(rng, rng.choice([EMVCO, JAPAN]))
        if op == "build":
            request = {"id": n, "op": "build", "objects": [
                {"id": rng.choice(["00", "59", "6", 7]), "value": mutate(rng, "x" * rng.randint(0, 110))}]}
        elif op == "line":
            lines.append(mutate(rng, json.dumps({"id": n, "op": "validate", "payload": payload})).encode())
            continue
        else:
            request = {"id": n, "op": op, "payload": payload, "mode": "mpm", "profile": "emv"}
        lines.append(json.dumps(request, ensure_ascii=rng.random() < 0.5).encode())
    lines.append(bytes(rng.randrange(1, 256) for _ in range(2000)).replace(b"\n", b" "))
    return lines


def test_survives_300_mutated_lines_pipelined(iut):
    lines = mutated_requests(seed=7, count=300)
    for line in lines:  # pipelined: everything is sent before any answer is read
        iut.send_raw(line)
    answers = [iut.read_answer() for _ in lines]
    assert all(a is not None for a in answers), iut.stderr_text()
    sent_ids = []
    for line in lines:
        try:
            sent_ids.append(json.loads(line).get("id"))
        except (ValueError, AttributeError):
            sent_ids.append(None)  # garbage: answered with id null
    assert [a["id"] for a in answers] == sent_ids
    assert all(isinstance(a["ok"], bool) for a in answers)
    assert iut.result("hello")["name"] == iut.expected_name


def test_node_and_c_agree_on_mutated_payloads(c_binary):
    """Two independent implementations of the same subset: their verdicts must match."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    rng = random.Random(11)
    payloads = [mutate(rng, rng.choice([EMVCO, JAPAN, ASCII])) for _ in range(300)]
    verdicts = {}
    for name, argv in (("node", [node, str(EXAMPLES / "node" / "iut.js")]), ("c", [c_binary])):
        proc = IutProcess(argv)
        for n, payload in enumerate(payloads):
            proc.send_raw(json.dumps({"id": n, "op": "validate", "payload": payload, "profile": "emv"}).encode())
        verdicts[name] = [sorted(v["rule"] for v in proc.read_answer()["result"]["violations"]) for _ in payloads]
        assert proc.close() == 0
    disagreements = [(p, a, b) for p, a, b in zip(payloads, verdicts["node"], verdicts["c"]) if a != b]
    assert not disagreements, disagreements[:3]
    assert sum(1 for v in verdicts["c"] if v) > 200, "the mutations should mostly break something"


def test_verdicts_match_the_reference_on_value_mutations(iut):
    """Certification judges verdicts: valid exactly when the reference finds no MUST violation."""
    from qrinterop.rules import validate

    trees = [iut.result("parse", payload=p, mode="mpm")["objects"] for p in (EMVCO, JAPAN, ASCII)]
    rng = random.Random(5)
    payloads = [value_mutation(rng, rng.choice(trees)) for _ in range(400)]
    for n, payload in enumerate(payloads):
        iut.send_raw(json.dumps({"id": f"m{n}", "op": "validate", "payload": payload, "profile": "emv"}).encode())
    disagreements = []
    for payload in payloads:
        answer = iut.read_answer()
        reference = sorted({v.rule for v in validate(payload, "emv").violations if str(v.level) == "MUST"})
        if answer["result"]["valid"] != (not reference):
            disagreements.append((payload, reference, answer["result"]["violations"]))
    assert not disagreements, disagreements[:3]
    valid = sum(1 for p in payloads if not any(str(v.level) == "MUST" for v in validate(p, "emv").violations))
    assert 50 < valid < 350, "the mutations should give both verdicts"


def test_parse_matches_the_reference_parser(iut):
    """Accepts exactly what the reference parser accepts, with the same tree."""
    from qrinterop.emv.mpm import parse_mpm
    from qrinterop.errors import MpmError

    def wire(objects):
        return [{"id": o.id, "children": wire(o.children)} if o.children is not None
                else {"id": o.id, "value": o.value} for o in objects]

    rng = random.Random(8)
    trees = [EMVCO_TREE, wire(parse_mpm(JAPAN).objects)]
    payloads = [value_mutation(rng, rng.choice(trees)) for _ in range(200)] \
        + [mutate(rng, rng.choice([EMVCO, JAPAN, ASCII])) for _ in range(200)]
    for n, payload in enumerate(payloads):
        iut.send_raw(json.dumps({"id": n, "op": "parse", "payload": payload, "mode": "mpm"}).encode())
    disagreements, accepted = [], 0
    for payload in payloads:
        answer = iut.read_answer()
        try:
            expected = wire(parse_mpm(payload).objects)
        except MpmError as exc:
            expected = exc.rule
        if isinstance(expected, list):
            accepted += 1
        got = answer["result"]["objects"] if answer["ok"] else None
        if (got is None) != isinstance(expected, str) or (got is not None and got != expected):
            disagreements.append((payload, expected, answer))
    assert not disagreements, disagreements[:3]
    assert 100 < accepted < 380, "the mutations should give both outcomes"
