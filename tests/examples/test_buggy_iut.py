"""Each planted bug of examples/iut/buggy/buggy_iut.py is present, and only where it belongs.

The buggy IUT exists so the conformance suite can prove it catches every failure class; these
tests pin the bugs down, so a well-meant "fix" to the example cannot silently disarm the suite's
own proof. Every bug is shown next to the correct behaviour on the input class it does not
belong to.
"""
from __future__ import annotations

import json
import queue
import random
import sys
import time

import pytest

from iut_process import EXAMPLES, IutProcess, crc16_ccitt_false, seal
from mutations import value_mutation
from payloads import ASCII, ASCII_BODY, EMVCO, EMVCO_TREE, JAPAN

BUGGY = [sys.executable, str(EXAMPLES / "buggy" / "buggy_iut.py")]
DUPLICATE = seal(ASCII_BODY.replace("5802CN", "5802CN5802CN"))


@pytest.fixture(scope="module")
def buggy():
    proc = IutProcess(BUGGY)
    yield proc
    assert proc.close() == 0


@pytest.fixture()
def fresh():
    """A private process for the tests that kill it (crash, hang)."""
    proc = IutProcess(BUGGY)
    yield proc
    if proc.proc.poll() is None:
        proc.proc.kill()
    proc.close()


def rules_of(result: dict) -> set[str]:
    return {v["rule"] for v in result["violations"]}


def ascii_tree() -> list[dict]:
    """The tree of ASCII: the EMVCo tree without 64, and with ASCII's own CRC."""
    return [o if o["id"] != "63" else {"id": "63", "value": ASCII[-4:]} for o in EMVCO_TREE if o["id"] != "64"]


def test_hello_and_correct_behaviour_outside_the_bugs(buggy):
    assert buggy.result("hello")["name"] == "buggy-example"
    assert buggy.result("validate", payload=ASCII, profile="emv") == {"valid": True, "violations": []}
    assert buggy.result("parse", payload=ASCII, mode="mpm")["objects"] == ascii_tree()
    broken = ASCII[:-1] + ("B" if ASCII[-1] != "B" else "C")
    assert rules_of(buggy.result("validate", payload=broken, profile="emv")) == {"mpm.crc.mismatch"}


def test_bug_a_build_crc_omits_the_6304_prefix(buggy):
    built = buggy.result("build", objects=ascii_tree(), mode="mpm")["payload"]
    body, crc = built[:-8], built[-4:]
    assert body == ASCII_BODY and built[-8:-4] == "6304"   # the objects are encoded right...
    assert crc != ASCII[-4:]                                # ...but the CRC is not the correct one
    assert crc == f"{crc16_ccitt_false(ASCII_BODY.encode()):04X}"  # it is the CRC without "6304"
    # its own validate is correct, so it rejects what its build produced
    assert rules_of(buggy.result("validate", payload=built, profile="emv")) == {"mpm.crc.mismatch"}


def test_bug_b_lengths_counted_in_utf8_bytes(buggy):
    # validate: valid payloads with multi-byte characters are rejected on structure
    for payload in (EMVCO, JAPAN):
        result = buggy.result("validate", payload=payload, profile="emv")
        assert result["valid"] is False
        assert rules_of(result) & {"mpm.tlv.id", "mpm.tlv.length", "mpm.tlv.truncated"}
    # build: "最佳运输" is 4 characters, 12 bytes; the buggy build writes 12
    built = buggy.result("build", objects=[{"id": "00", "value": "01"},
                                           {"id": "64", "children": [{"id": "00", "value": "ZH"},
                                                                     {"id": "01", "value": "最佳运输"}]}],
                         mode="mpm")["payload"]
    assert "0112最佳运输" in built and "0104最佳运输" not in built


def test_bug_c_parse_returns_mojibake_for_non_ascii(buggy):
    objects = buggy.result("parse", payload=EMVCO, mode="mpm")["objects"]
    language = next(o for o in objects if o["id"] == "64")["children"]
    assert language[1] == {"id": "01", "value": "最佳运输".encode("utf-8").decode("latin-1")}
    assert language[0] == {"id": "00", "value": "ZH"}           # ASCII values are untouched
    assert [o for o in objects if o["id"] != "64"][:-1] == ascii_tree()[:-1]


def test_bug_d_duplicate_id_accepted(buggy):
    assert buggy.result("validate", payload=DUPLICATE, profile="emv") == {"valid": True, "violations": []}
    parsed = buggy.result("parse", payload=DUPLICATE, mode="mpm")["objects"]
    assert [o["id"] for o in parsed].count("58") == 2


def crash_payload() -> str:
    return seal(ASCII_BODY.replace("5914BEST TRANSPORT", "5905CRASH"))


def test_bug_e_crashes_with_a_traceback_on_merchant_crash(fresh):
    assert fresh.result("validate", payload=ASCII, profile="emv")["valid"] is True
    fresh.send_raw(json.dumps({"id": 99, "op": "validate", "profile": "emv", "payload": crash_payload()}).encode())
    assert fresh.read_answer(timeout=5) is None            # stdout closed, no answer
    assert fresh.proc.wait(timeout=5) != 0
    stderr = fresh.stderr_text()
    assert "Traceback" in stderr and "planted bug (e)" in stderr


def test_bug_e_crash_also_on_build(fresh):
    objects = [{"id": "00", "value": "01"}, {"id": "59", "value": "CRASH"}]
    fresh.send_raw(json.dumps({"id": 1, "op": "build", "objects": objects}).encode())
    assert fresh.read_answer(timeout=5) is None
    assert "Traceback" in fresh.stderr_text()


def test_bug_f_hangs_on_merchant_hang(fresh):
    payload = seal(ASCII_BODY.replace("5914BEST TRANSPORT", "5904HANG"))
    fresh.send_raw(json.dumps({"id": 1, "op": "validate", "profile": "emv", "payload": payload}).encode())
    started = time.monotonic()
    with pytest.raises(queue.Empty):
        fresh.read_answer(timeout=1.0)
    assert time.monotonic() - started >= 1.0
    assert fresh.proc.poll() is None, "a hang, not a crash: the process is still running"
    # later requests are stuck behind it
    fresh.send_raw(b'{"id": 2, "op": "hello"}')
    with pytest.raises(queue.Empty):
        fresh.read_answer(timeout=0.3)


def test_outside_the_planted_bugs_the_verdicts_match_the_reference(buggy):
    """On ASCII payloads without duplicate ids none of the bugs fires, so the buggy IUT judges
    exactly as the reference does: a certification failure can only come from a planted bug."""
    from qrinterop.rules import validate

    rng = random.Random(21)
    ascii_only = [o for o in EMVCO_TREE if o["id"] != "64"]
    clean = []
    while len(clean) < 300:
        payload = value_mutation(rng, ascii_only)
        rules = {v.rule for v in validate(payload, "emv").violations}
        if payload.isascii() and "mpm.tlv.duplicate" not in rules:
            clean.append(payload)
    for n, payload in enumerate(clean):
        buggy.send_raw(json.dumps({"id": n, "op": "validate", "payload": payload, "profile": "emv"}).encode())
    disagreements = []
    for payload in clean:
        answer = buggy.read_answer()
        must = [v.rule for v in validate(payload, "emv").violations if str(v.level) == "MUST"]
        if answer["result"]["valid"] != (not must):
            disagreements.append((payload, must, answer["result"]["violations"]))
    assert not disagreements, disagreements[:3]
