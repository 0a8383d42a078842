"""The jsonl adapter against a misbehaving fake IUT: every fault fails one request, cleanly."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from qrinterop.iut.base import CRASH, PROTOCOL, TIMEOUT, TRANSPORT
from qrinterop.iut.jsonl import JsonLinesIut

FAKE = Path(__file__).with_name("fake_jsonl_iut.py")


@pytest.fixture
def fake():
    iut = JsonLinesIut(f"jsonl:{sys.executable} {FAKE}", timeout=1.0, max_line_bytes=1_000_000)
    yield iut
    iut.close()


def test_hello_and_echo(fake):
    assert fake.hello().ops == ("hello", "parse")
    reply = fake.parse("abc")
    assert reply.ok and reply.result == {"echo": "abc"}


def test_error_answer_is_an_answer_not_a_failure(fake):
    reply = fake.parse("ERROR")
    assert reply.answered and reply.rejected
    assert reply.error == {"code": "mpm.crc.mismatch", "message": "bad crc"}


def test_crash_fails_that_request_with_stderr_and_the_process_restarts(fake):
    first_pid = (fake.parse("ok"), fake.pid)[1]
    reply = fake.parse("CRASH here")
    assert reply.category == CRASH and "exited with code 3" in reply.failure
    assert "fatal: cannot handle 'CRASH here'" in reply.stderr
    after = fake.parse("after")
    assert after.ok and after.result == {"echo": "after"}
    assert fake.pid != first_pid and fake.restarts == 1


def test_hang_costs_at_most_its_timeout_and_the_next_request_works(fake):
    start = time.monotonic()
    reply = fake.parse("HANG")
    waited = time.monotonic() - start
    assert reply.category == TIMEOUT and "1 s timeout" in reply.failure
    assert 0.95 <= waited < 1.5, waited   # its timeout, plus scheduling on a busy machine
    assert fake.parse("next").result == {"echo": "next"}


def test_garbage_line_fails_the_request_in_flight(fake):
    reply = fake.parse("GARBAGE")
    assert reply.category == PROTOCOL and "not JSON" in reply.failure and "this is not json" in reply.failure
    assert fake.parse("fine").ok


def test_wrong_id_fails_the_request_in_flight(fake):
    reply = fake.parse("WRONGID")
    assert reply.category == PROTOCOL and "which no request in flight has" in reply.failure
    assert fake.parse("fine").ok


def test_flood_is_capped_and_fails_that_request(fake):
    reply = fake.parse("FLOOD")
    assert reply.category == PROTOCOL and "1000000 byte cap" in reply.failure
    assert fake.parse("fine").ok


def test_blank_lines_are_ignored(fake):
    assert fake.parse("NOISE").result == {"echo": "NOISE"}


def test_pipelined_requests_survive_a_crash_in_the_middle(fake):
    futures = [fake.submit("parse", {"payload": p}) for p in ["a", "b", "CRASH", "c", "d"]]
    replies = [f.result(timeout=10) for f in futures]
    assert [r.result for r in replies[:2]] == [{"echo": "a"}, {"echo": "b"}]
    assert replies[2].category == CRASH
    # the requests queued behind the crash were re-sent to the restarted process
    assert [r.result for r in replies[3:]] == [{"echo": "c"}, {"echo": "d"}]


def test_pipelined_hang_costs_one_timeout(fake):
    start = time.monotonic()
    futures = [fake.submit("parse", {"payload": p}) for p in ["HANG", "x", "y"]]
    replies = [f.result(timeout=10) for f in futures]
    assert replies[0].category == TIMEOUT
    assert [r.result for r in replies[1:]] == [{"echo": "x"}, {"echo": "y"}]
    assert time.monotonic() - start < 2.5


def test_a_command_that_does_not_exist_is_a_transport_failure():
    iut = JsonLinesIut("jsonl:/nonexistent/iut-binary --x", timeout=1.0)
    try:
        reply = iut.parse("x")
        assert reply.category == TRANSPORT and "/nonexistent/iut-binary" in reply.failure
    finally:
        iut.close()


def test_close_is_idempotent_and_later_calls_fail_cleanly(fake):
    fake.parse("x")
    fake.close()
    fake.close()
    assert fake.parse("y").category == TRANSPORT


def test_serve_exposes_the_reference_over_jsonl():
    iut = JsonLinesIut(f"jsonl:{sys.executable} -m qrinterop.iut.serve --jsonl", timeout=10.0)
    try:
        assert iut.hello().name == "qrinterop-reference"
        reply = iut.parse("000201" + "5303392" + "5303392")
        assert reply.rejected and reply.error["code"] == "mpm.tlv.duplicate"
        good = iut.call("build", {"objects": [{"id": "00", "value": "01"}], "mode": "mpm"})
        assert good.ok and good.result["payload"].startswith("0002016304")
    finally:
        iut.close()
