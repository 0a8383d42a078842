"""The builders: every profile's output validates (property test over the typed inputs), carries
back the fields it was given, and bad inputs are refused with the field or rule named."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from qrinterop.emv.mpm import parse_mpm
from qrinterop.errors import UsageError
from qrinterop.profiles.build import BUILDERS, ProfileBuildError, build_payload, builder_fields
from qrinterop.profiles.strategies import builder_inputs
from qrinterop.rules import validate

# where each profile's account field comes back: (typed field, path of the value in the payload)
ACCOUNT_AT = {"jpqr": ("store_code", "26.0{}"), "pix": ("key", "26.01"), "sgqr": ("proxy_value", "26.02"),
              "qris": ("nmid", "51.02"), "upi": ("vpa", "26.01"), "duitnow": ("account", "26.02"),
              "qrph": ("account", "2{}.03"), "fps": (None, None), "promptpay": (None, None),
              "bharatqr": ("ifsc_account", "08"), "vietqr": ("bank_bin", "38.01"), "khqr": ("account_id", "{}.00")}


def _check_fields_come_back(profile: str, fields: dict, payload: str) -> None:
    p = parse_mpm(payload)
    for field, path in (("name", "59"), ("city", "60"), ("reference", "62.05"), ("terminal_label", "62.07")):
        if fields.get(field) is not None:
            assert p.get(path) == fields[field]
    if fields.get("amount") is not None:
        assert Decimal(p.get("54")) == Decimal(str(fields["amount"]))
    assert p.get("01") in ("11", "12")
    field, path = ACCOUNT_AT[profile]
    if profile == "jpqr":
        assert tuple(p.get(path.format(i)) for i in range(1, 5)) == tuple(fields["store_code"])
        assert p.get("64.01") == fields["name_ja"]
    elif profile == "qrph":
        assert p.get(path.format(7 if fields["kind"] == "p2p" else 8)) == fields["account"]
    elif profile == "khqr":
        assert p.get(path.format(30 if "merchant_id" in fields else 29)) == fields["account_id"]
    elif profile == "vietqr":
        assert p.get(path).startswith(f"0006{fields['bank_bin']}01")
    elif profile == "pix" and "url" in fields:
        assert p.get("26.25") == fields["url"]
    elif field is not None:
        assert p.get(path) == fields[field]


@pytest.mark.parametrize("profile", list(BUILDERS))
def test_builder_round_trips_through_the_validator(profile):
    @settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(builder_inputs(profile))
    def prop(fields):
        payload = build_payload(profile, **fields)
        report = validate(payload, profile)
        assert report.violations == [], [v.describe() for v in report.violations]
        assert profile in validate(payload, "auto").profiles
        _check_fields_come_back(profile, fields, payload)

    prop()


def test_jpqr_builder_matches_the_mercari_vector_fields():
    payload = build_payload("jpqr", store_code=("0000000000001", "0001", "000001", "000001"),
                            name_ja="メルペイ カフェ", postal_code="1066143", mcc="4111")
    p = parse_mpm(payload)
    assert p.get("26.00") == "jp.or.paymentsjapan" and p.get("64.00") == "JA" and p.get("53") == "392"
    assert p.get("01") == "11" and p.find("54") is None


def test_promptpay_mobile_number_is_normalised():
    payload = build_payload("promptpay", mobile="081-234-5678")
    assert parse_mpm(payload).get("29.01") == "0066812345678"
    assert payload == "00020101021129370016A000000677010111011300668123456785303764" "5802TH6304" + payload[-4:]


@pytest.mark.parametrize("profile,fields,rule,path", [
    ("jpqr", dict(store_code=("1", "0001", "000001", "000001"), name_ja="店", postal_code="1066143"),
     "jpqr.store_code.length", "26.01"),
    ("pix", dict(key="not a key", name="Fulano", city="BRASILIA"), "pix.key.format", "26.01"),
    ("sgqr", dict(proxy_type="mobile", proxy_value="91234567", name="SHOP"), "sgqr.paynow.proxy_value", "26.02"),
    ("qris", dict(nmid="ID123", name="X", city="Y"), "qris.nmid.format", "51.02"),
    ("fps", dict(mobile="+85267891234"), "fps.mobile", "26.03"),
    ("jpqr", dict(store_code=("0000000000001", "0001", "000001", "000001"), name_ja="店" * 26,
                  postal_code="1066143"), "mpm.field.length", "64.01"),
])
def test_builder_refuses_fields_that_break_a_rule_and_names_it(profile, fields, rule, path):
    with pytest.raises(ProfileBuildError) as exc:
        build_payload(profile, **fields)
    assert exc.value.rule == rule and exc.value.path == path


def test_builder_usage_errors_list_what_is_accepted():
    with pytest.raises(UsageError, match="unknown field.*colour.*it takes: store_code"):
        build_payload("jpqr", colour="red", store_code=("0" * 13, "0" * 4, "0" * 6, "0" * 6), name_ja="x",
                      postal_code="1066143")
    with pytest.raises(UsageError, match="missing required field.*postal_code"):
        build_payload("jpqr", store_code=("0" * 13, "0" * 4, "0" * 6, "0" * 6), name_ja="x")
    with pytest.raises(UsageError, match="builders exist for: jpqr, pix"):
        build_payload("jpqr2")
    with pytest.raises(UsageError, match="at most 0 decimal"):
        build_payload("vietqr", bank_bin="970415", account="1", amount="1.5")
    assert builder_fields("pix")["name"] is True and builder_fields("pix")["key"] is False
