"""UPI's non-EMV `upi://pay?` URI: parser and checks (rules upi.uri.*)."""
from __future__ import annotations

import pytest

from qrinterop.profiles.upi_uri import UpiUriError, check_upi_uri, is_upi_uri, parse_upi_uri
from qrinterop.rules import rules_for

GOOD = "upi://pay?pa=razorpaybqr@icici&pn=Shop%20One&am=10.50&cu=INR&tn=caf%C3%A9+bill&tr=RZP123&mc=5411"
# a PayU-style dynamic URI: extra parameters are kept, not judged
PAYU = "upi://pay?ver=01&mode=15&pa=payu@hdfcbank&pn=PayU&tr=123&am=1.00&cu=INR&orgid=000000&qrMedium=06&sign=abc"


def test_good_uri_parses_in_order_and_decodes():
    uri = parse_upi_uri(GOOD)
    assert [p.name for p in uri.params] == ["pa", "pn", "am", "cu", "tn", "tr", "mc"]
    assert uri.get("pn") == "Shop One" and uri.get("tn") == "café bill"
    assert GOOD[uri.params[0].offset:].startswith("razorpaybqr@icici")
    assert check_upi_uri(GOOD) == [] and check_upi_uri(PAYU) == []


@pytest.mark.parametrize("uri,rule,path", [
    ("upi://pay?pa=shop&pn=x", "upi.uri.pa", "pa"),
    ("upi://pay?pn=x", "upi.uri.pa", "pa"),
    ("upi://pay?pa=a1@okaxis", "upi.uri.pn", "pn"),
    ("upi://pay?pa=a1@okaxis&pn=x&am=0.00", "upi.uri.am", "am"),
    ("upi://pay?pa=a1@okaxis&pn=x&am=1.005", "upi.uri.am", "am"),
    ("upi://pay?pa=a1@okaxis&pn=x&cu=USD", "upi.uri.cu", "cu"),
    ("upi://pay?pa=a1@okaxis&pn=x&mc=54", "upi.uri.mc", "mc"),
    ("upi://pay?pa=a1@okaxis&pn=x&pa=b2@ybl", "upi.uri.duplicate", "pa"),
    ("upi://pay?pa=a1@okaxis&pn=%E3%81", "upi.uri.encoding", "pn"),
    ("upi://pay?pa=a1@okaxis&pn=50%", "upi.uri.encoding", "pn"),
    ("upi://pay?pa=a1@okaxis&pn", "upi.uri.encoding", "pn"),
    ("https://pay?pa=a1@okaxis", "upi.uri.scheme", ""),
])
def test_each_rule_fires_with_its_parameter(uri, rule, path):
    found = check_upi_uri(uri)
    assert [(v.rule, v.path) for v in found] == [(rule, path)]
    v = found[0]
    if v.offset is not None and v.value:
        assert uri[v.offset:v.offset + len(v.value)] == v.value


def test_parser_raises_a_located_error_for_non_uris():
    assert not is_upi_uri("000201010211")
    with pytest.raises(UpiUriError) as exc:
        parse_upi_uri("000201010211")
    assert exc.value.rule == "upi.uri.scheme" and exc.value.offset == 0


def test_uri_rules_are_in_the_upi_catalogue():
    ids = {r.id for r in rules_for("upi")}
    assert {"upi.uri.scheme", "upi.uri.pa", "upi.uri.am", "upi.uri.cu"} <= ids


def test_uri_report_has_the_validate_shape():
    from qrinterop.profiles.upi_uri import uri_report
    good = uri_report(GOOD, "auto")
    assert good.valid and good.profiles == ["upi"] and good.parsed.get("pa") == "razorpaybqr@icici"
    bad = uri_report("upi://pay?pa=x&pn=y&cu=USD")
    assert not bad.valid and {v.rule for v in bad.errors} == {"upi.uri.pa", "upi.uri.cu"}
    assert bad.to_dict()["violations"][0]["path"] in ("pa", "cu")
