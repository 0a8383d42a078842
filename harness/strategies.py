"""Hypothesis strategies for EMV MPM payloads, built as composable values (a strategy per data
object, templates from their children, payloads from objects) so that the property tests, the
conformance suite and the benchmarks draw from one source."""
from __future__ import annotations

from hypothesis import strategies as st

from qrinterop.emv.mpm import build_mpm

DIGITS = "0123456789"
ANS_ALPHABET = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
# S values: printable text in the scripts the vectors care about, astral characters included.
S_ALPHABET = st.one_of(
    ANS_ALPHABET,
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),   # kana
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),   # CJK ideographs
    st.sampled_from(["𠮷", "😀", "é", "\u0301", "\u3000", "ß", "đ"]),  # \u0301: a combining mark
)


def numeric(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=min_size, max_size=max_size)


def ans(min_size: int = 1, max_size: int = 25) -> st.SearchStrategy[str]:
    return st.text(ANS_ALPHABET, min_size=min_size, max_size=max_size)


def s_text(min_size: int = 1, max_size: int = 25) -> st.SearchStrategy[str]:
    return st.text(S_ALPHABET, min_size=min_size, max_size=max_size).filter(lambda v: 1 <= len(v) <= 99)


def obj(id_: str, value: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    return value.map(lambda v: {"id": id_, "value": v})


def template(id_: str, children: st.SearchStrategy[list[dict]]) -> st.SearchStrategy[dict]:
    """A template whose encoded children fit its 99-character limit."""
    def fits(kids: list[dict]) -> bool:
        return sum(4 + len(k["value"]) for k in kids) <= 99
    return children.filter(fits).map(lambda kids: {"id": id_, "children": kids})


amount = st.one_of(st.integers(1, 10**9).map(str),
                   st.tuples(st.integers(0, 10**6), st.integers(1, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"))
gui = st.sampled_from(["jp.or.paymentsjapan", "br.gov.bcb.pix", "A000000677010111", "D15600000000",
                       "581b314e257f41bfbbdc6384daa31d16", "com.example.pay"])
mai_template = st.builds(
    lambda tag, g, extra: {"id": tag, "children": [{"id": "00", "value": g}, *extra]},
    st.integers(26, 51).map(lambda n: f"{n:02d}"), gui,
    st.lists(st.builds(lambda i, v: {"id": f"{i:02d}", "value": v}, st.integers(1, 9), ans(1, 13)),
             max_size=3, unique_by=lambda o: o["id"]),
)
additional_data = template("62", st.lists(
    st.builds(lambda i, v: {"id": f"{i:02d}", "value": v}, st.integers(1, 8), ans(1, 20)),
    min_size=1, max_size=4, unique_by=lambda o: o["id"]))
language = st.builds(lambda lang, name, city: {"id": "64", "children": [
    {"id": "00", "value": lang}, {"id": "01", "value": name}, *([{"id": "02", "value": city}] if city else [])]},
    st.sampled_from(["JA", "ZH", "EN", "TH"]), s_text(1, 25), st.one_of(st.none(), s_text(1, 15)))


@st.composite
def valid_objects(draw) -> list[dict]:
    """The objects of a payload that the EMV validator accepts (CRC left to the builder)."""
    objects = [{"id": "00", "value": "01"}]
    poi = draw(st.sampled_from([None, "11", "12"]))
    if poi:
        objects.append({"id": "01", "value": poi})
    objects.append(draw(mai_template))
    objects += [{"id": "52", "value": draw(numeric(4, 4))},
                {"id": "53", "value": draw(st.sampled_from(["392", "840", "986", "702", "764"]))}]
    if draw(st.booleans()):
        objects.append({"id": "54", "value": draw(amount) if objects[-1]["value"] != "392"
                        else str(draw(st.integers(1, 10**9)))})
    objects += [{"id": "58", "value": draw(st.sampled_from(["JP", "BR", "SG", "TH", "US"]))},
                {"id": "59", "value": draw(ans(1, 25))}, {"id": "60", "value": draw(ans(1, 15))}]
    for optional in (additional_data, language):
        if draw(st.booleans()):
            objects.append(draw(optional))
    if draw(st.booleans()):  # any order but 00 first: the spec allows it (§4.6.1)
        head, rest = objects[:1], objects[1:]
        objects = head + draw(st.permutations(rest))
    return objects


valid_payloads = valid_objects().map(build_mpm)
