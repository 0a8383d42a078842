"""python and http adapters, and `--iut` spec parsing."""
from __future__ import annotations


import httpx
import pytest

from qrinterop.localserver import serve_in_thread

from qrinterop.errors import UsageError
from qrinterop.iut import FORMS, IutUnavailable, open_iut
from qrinterop.iut.base import PROTOCOL, TIMEOUT, TRANSPORT
from qrinterop.iut.http import HttpIut
from qrinterop.iut.python_iut import PythonIut
from qrinterop.iut.serve import http_app


class Toy:
    def hello(self):
        return {"name": "toy", "version": "1", "ops": ["parse"], "profiles": ["emv"]}

    def parse(self, payload, mode="mpm"):
        if payload == "boom":
            raise ValueError("cannot read it")
        if payload == "list":
            return ["not", "a", "dict"]
        return {"objects": [{"id": "00", "value": payload}]}


@pytest.mark.parametrize("spec", ["", "foo", "python:nomodule", "python:a:b:c", "jsonl:", "jsonl:   ",
                                  "http://", "ftp://x"])
def test_bad_spec_is_a_usage_error_naming_the_three_forms(spec):
    with pytest.raises(UsageError) as info:
        open_iut(spec or "nonsense")
    for form in FORMS:
        assert form in str(info.value)


def test_python_spec_with_missing_module_or_factory_is_a_usage_error():
    with pytest.raises(UsageError, match="cannot import module 'no_such_mod_xyz'"):
        open_iut("python:no_such_mod_xyz:factory")
    with pytest.raises(UsageError, match="has no callable 'nope'"):
        open_iut("python:qrinterop.iut.reference:nope")


def test_python_adapter_maps_results_errors_and_bad_returns():
    iut = PythonIut("python:toy", Toy())
    assert iut.hello().ops == ("hello", "parse") and iut.supports("parse") and not iut.supports("build")
    assert iut.parse("x").result == {"objects": [{"id": "00", "value": "x"}]}
    err = iut.parse("boom")
    assert err.rejected and err.error == {"code": "ValueError", "message": "cannot read it"}
    bad = iut.parse("list")
    assert bad.category == PROTOCOL and "returned list" in bad.failure
    wrong_fields = iut.call("parse", {"payload": "x", "extra": 1})
    assert wrong_fields.category == PROTOCOL and "does not accept the request fields" in wrong_fields.failure
    missing = iut.build([])
    assert missing.rejected and missing.error["code"] == "not-implemented"


def test_python_adapter_error_code_is_the_rule_of_a_located_error():
    iut = open_iut()  # the reference
    reply = iut.parse("000201" + "5303392" + "5303392")
    assert reply.rejected and reply.error["code"] == "mpm.tlv.duplicate"


def test_hello_with_bad_shape_makes_the_iut_unavailable():
    class NoOps:
        def hello(self):
            return {"name": "x", "ops": "parse"}
    with pytest.raises(IutUnavailable, match="'ops' must be a list"):
        PythonIut("python:x", NoOps()).hello()


@pytest.fixture(scope="module")
def http_server():
    with serve_in_thread(http_app(PythonIut("python:toy", Toy())), fast=False) as base:
        yield base


def test_http_adapter_against_a_real_server(http_server):
    with open_iut(http_server) as iut:
        assert iut.adapter == "http" and iut.hello().name == "toy"
        assert iut.parse("abc").result == {"objects": [{"id": "00", "value": "abc"}]}
        err = iut.parse("boom")
        assert err.rejected and err.error["message"] == "cannot read it"


def test_http_adapter_failures_are_replies_not_exceptions():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/parse":
            return httpx.Response(500, text="<html>Internal Server Error</html>")
        if request.url.path == "/build":
            raise httpx.ReadTimeout("slow", request=request)
        if request.url.path == "/validate":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"ok": "yes"})
    iut = HttpIut("http://iut.test", transport=httpx.MockTransport(handler))
    parse = iut.parse("x")
    assert parse.category == PROTOCOL and "HTTP 500 without a JSON envelope" in parse.failure
    assert iut.build([]).category == TIMEOUT
    assert iut.validate("x").category == TRANSPORT
    odd = iut.render("x")
    assert odd.category == PROTOCOL and "boolean 'ok'" in odd.failure
