"""UPI's non-EMV payment URI: `upi://pay?pa=<vpa>&pn=<name>&am=&cu=INR&tn=&tr=&mc=…`.

Source: NPCI "UPI Linking Specifications" v1.6 (Nov 2017; notes/profiles.md §5). Real PayU dynamic
URIs also carry `ver`, `mode`, `orgid`, `qrMedium`, `QRexpire`, `sign` [observed]; those are kept
as parameters and not checked. The URI has no CRC. Its rules are the `upi.uri.*` records of
`qrinterop.rules.upi`; `check_upi_uri` reports against them with the usual `Violation`s, where
`path` is the parameter name and `offset` the character offset of its value.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote

from qrinterop.errors import LocatedError
from qrinterop.rules.model import Findings
from qrinterop.violation import Violation

PREFIX = "upi://pay?"
_AMOUNT = re.compile(r"(?=[^1-9]*[1-9])\d+(\.\d{1,2})?")


class UpiUriError(LocatedError):
    """A text that is not a `upi://pay?` URI at all, or whose query string cannot be read."""


class UpiParam(NamedTuple):
    name: str
    value: str        # percent-decoded
    offset: int       # character offset of the raw value in the URI


class UpiUri(NamedTuple):
    text: str
    params: tuple[UpiParam, ...]

    def get(self, name: str) -> str | None:
        return next((p.value for p in self.params if p.name == name), None)

    def as_dict(self) -> dict[str, str]:
        """First value of every parameter (duplicates are a `upi.uri.duplicate` finding)."""
        out: dict[str, str] = {}
        for p in self.params:
            out.setdefault(p.name, p.value)
        return out


def is_upi_uri(text: str) -> bool:
    return isinstance(text, str) and text[:len(PREFIX)].lower() == PREFIX


def parse_upi_uri(text: str) -> UpiUri:
    """The parameters of a `upi://pay?` URI, in order, percent-decoded ('+' is a space).
    Raises `UpiUriError` naming the rule, the parameter and the offset for what cannot be read."""
    if not is_upi_uri(text):
        raise UpiUriError("upi.uri.scheme", f"expected a URI starting {PREFIX!r}, found {text[:16]!r}", offset=0,
                          value=text[:16] if isinstance(text, str) else None)
    params = []
    pos = len(PREFIX)
    for part in text[len(PREFIX):].split("&"):
        if part:
            name, eq, raw = part.partition("=")
            if not eq or not name:
                raise UpiUriError("upi.uri.encoding", f"{part!r} is not name=value", path=name, offset=pos, value=part)
            value_at = pos + len(name) + 1
            if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
                raise UpiUriError("upi.uri.encoding", f"parameter {name} has a '%' that is not followed by two "
                                  "hex digits", path=name, offset=value_at, value=raw)
            try:
                value = unquote(raw.replace("+", " "), errors="strict")
            except UnicodeDecodeError:
                raise UpiUriError("upi.uri.encoding", f"parameter {name}'s percent-escapes are not UTF-8",
                                  path=name, offset=value_at, value=raw) from None
            params.append(UpiParam(name, value, value_at))
        pos += len(part) + 1
    return UpiUri(text, tuple(params))


def check_upi_uri(text: str) -> list[Violation]:
    """Every `upi.uri.*` violation of `text`; an empty list means it is a well-formed UPI payment URI."""
    from qrinterop.rules import get_profile  # late: qrinterop.rules imports the profile modules
    from qrinterop.rules.upi import VPA
    out = Findings({r.id: r.level for r in get_profile("upi").rules})
    try:
        uri = parse_upi_uri(text)
    except UpiUriError as exc:
        out.add(exc.rule, exc.message, exc.path, exc.offset, exc.value)
        return out.items
    seen: set[str] = set()
    for p in uri.params:
        if p.name in seen:
            out.add("upi.uri.duplicate", f"parameter {p.name} appears more than once", p.name, p.offset, p.value)
        seen.add(p.name)
    first = {p.name: p for p in reversed(uri.params)}
    pa = first.get("pa")
    if pa is None:
        out.add("upi.uri.pa", "no payee address: 'pa' is missing", "pa", None)
    elif not VPA.fullmatch(pa.value):
        out.add("upi.uri.pa", f"pa is {pa.value!r}; expected a VPA name@handle", "pa", pa.offset, pa.value)
    if "pn" not in first:
        out.add("upi.uri.pn", "no payee name: 'pn' is missing", "pn", None)
    am = first.get("am")
    if am is not None and not _AMOUNT.fullmatch(am.value):
        out.add("upi.uri.am", f"am is {am.value!r}; expected a non-zero amount with at most 2 decimals", "am",
                am.offset, am.value)
    cu = first.get("cu")
    if cu is not None and cu.value != "INR":
        out.add("upi.uri.cu", f"cu is {cu.value!r}; UPI pays in 'INR'", "cu", cu.offset, cu.value)
    mc = first.get("mc")
    if mc is not None and not re.fullmatch(r"\d{4}", mc.value):
        out.add("upi.uri.mc", f"mc is {mc.value!r}; expected a 4-digit merchant category code", "mc", mc.offset,
                mc.value)
    return out.items


def uri_report(text: str, profile: str = "upi"):
    """The `ValidationReport` `validate(text, profile)` should return for a `upi://pay?` URI (profile
    "upi" or "auto"): profiles ["upi"], the `upi.uri.*` violations, `parsed` = the `UpiUri` (None when
    the text cannot be read). Offered so that `qrinterop.rules.validate` can route URIs here."""
    from qrinterop.rules.model import ValidationReport
    try:
        parsed = parse_upi_uri(text)
    except UpiUriError:
        parsed = None
    return ValidationReport(text, profile, ["upi"], check_upi_uri(text), parsed)
