"""Hypothesis strategies for EMV MPM object trees, composed from one strategy per data object.

`mpm_objects()` draws the objects of a payload the reference accepts (EMV profile); `payloads()`
builds them with the reference. `broken_payloads()` applies one structural damage (a wrong
length digit, a dropped or doubled object, a truncation) so the differential test also compares
how an IUT *rejects*. Values stay within the spec's character sets: ans = printable ASCII, and
S (any Unicode) only where the spec allows it (template 64), so every draw is valid by design.
"""
from __future__ import annotations

from hypothesis import strategies as st

from qrinterop.emv.mpm import build_mpm

_ANS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .-&'"
_S_SAMPLE = "さくらカフェ東京大阪日本橋店本舗ÄÖÜéñ食堂ラーメン"


def ans(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    # no leading/trailing blanks: a value of spaces only is a validator warning in some profiles
    return st.text(_ANS_SAFE, min_size=min_size, max_size=max_size).map(str.strip).filter(bool)


def s_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(_S_SAMPLE + "ABC 123", min_size=min_size, max_size=max_size).map(str.strip).filter(bool)


def digits(size: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=size, max_size=size)


def obj(ident: str, value: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    return value.map(lambda v: {"id": ident, "value": v})


def template(ident: str, *children: st.SearchStrategy[dict | None]) -> st.SearchStrategy[dict]:
    return st.tuples(*children).map(lambda kids: {"id": ident, "children": [k for k in kids if k]})


def optional(strategy: st.SearchStrategy[dict]) -> st.SearchStrategy[dict | None]:
    return st.one_of(st.none(), strategy)


GUIDS = st.sampled_from(["jp.or.paymentsjapan", "com.example.pay", "D840000000", "A000000677010111"])

merchant_account = st.integers(26, 51).flatmap(
    lambda i: template(f"{i:02d}", obj("00", GUIDS), obj("01", digits(13))))
# amount and currency together: the decimals follow the currency's ISO 4217 exponent (a SHOULD)
amount_and_currency = st.one_of(
    st.tuples(st.just("392"), optional(obj("54", st.integers(1, 9_999_999).map(str)))),
    st.tuples(st.sampled_from(["840", "978"]),
              optional(obj("54", st.integers(1, 999_999).map(lambda c: f"{c // 100}.{c % 100:02d}")))),
)
additional_data = template("62", obj("05", ans(1, 25)), optional(obj("07", ans(1, 25))))
language = template("64", obj("00", st.just("ja")), obj("01", s_text(1, 25)), optional(obj("02", s_text(1, 15))))


@st.composite
def mpm_objects(draw: st.DrawFn) -> list[dict]:
    currency, amount = draw(amount_and_currency)
    objects = [{"id": "00", "value": "01"}, draw(optional(obj("01", st.sampled_from(["11", "12"])))),
               draw(merchant_account), draw(obj("52", digits(4))), {"id": "53", "value": currency}, amount,
               {"id": "58", "value": "JP"}, draw(obj("59", ans(1, 25))), draw(obj("60", ans(1, 15))),
               draw(optional(additional_data)), draw(optional(language))]
    return [o for o in objects if o]


def payloads() -> st.SearchStrategy[str]:
    return mpm_objects().map(build_mpm)


@st.composite
def broken_payloads(draw: st.DrawFn) -> str:
    """A valid payload with one structural damage (the reference's parse rejects most of them)."""
    payload = draw(payloads())
    how = draw(st.sampled_from(["length", "truncate", "double", "drop"]))
    if how == "truncate":
        return payload[: draw(st.integers(1, len(payload) - 1))]
    if how == "double":
        return payload.replace("5802JP", "5802JP5802JP", 1)
    if how == "drop":
        return payload.replace("5802JP", "", 1)
    at = draw(st.sampled_from([i for i in range(2, len(payload) - 4, 1) if payload[i].isdigit()]))
    new = draw(st.sampled_from([d for d in "0123456789" if d != payload[at]]))
    return payload[:at] + new + payload[at + 1:]
