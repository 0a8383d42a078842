"""EMV CPM codec: consumer-presented QR text (base64) <-> BER-TLV tree.

The QR carries base64 (RFC 4648, standard alphabet, padded) of binary BER-TLV (EMV Book 3
Annex B; EMV CPM §3.2). Tags may span several bytes (first byte & 0x1F == 0x1F, then bytes with
bit 8 set continue), lengths use the short form (< 128) or the long form 81/82 (0x80,
indefinite, is not valid in EMV), and bit 6 of the first tag byte marks a constructed object.

As with MPM, `scan_cpm` reads what it can and lists every structural problem; `parse_cpm` is
strict. Note C1 of notes/emv-cpm.md: encoders that write one length byte for templates over 127
bytes are a real bug class, so `build_cpm` always writes the minimal long form.
"""
from __future__ import annotations

import base64
import binascii
from typing import Iterable, Iterator, Mapping, NamedTuple, Sequence

from qrinterop.emv.tree import walk
from qrinterop.errors import CpmError
from qrinterop.violation import Violation

CPM_PREFIX = "hQVDUFY"  # base64 of 85 05 'C' 'P' 'V': how a reader recognises CPM (§5.1.1.1)
MAX_INPUT_LENGTH = 65536

# Tag dictionary: EMV CPM Table 3.1, Table 6.1, Annex A; chip tags from EMV Book 3 Annex A.
TAG_NAMES: dict[str, str] = {
    "85": "Payload Format Indicator", "61": "Application Template", "62": "Common Data Template",
    "63": "Application Specific Transparent Template", "64": "Common Data Transparent Template",
    "4F": "Application Definition File (ADF) Name", "50": "Application Label",
    "57": "Track 2 Equivalent Data", "5A": "Application PAN", "5F20": "Cardholder Name",
    "5F2D": "Language Preference", "5F50": "Issuer URL", "9F08": "Application Version Number",
    "9F19": "Token Requestor ID", "9F24": "Payment Account Reference", "9F25": "Last 4 Digits of PAN",
    "9F10": "Issuer Application Data", "9F26": "Application Cryptogram",
    "9F27": "Cryptogram Information Data", "9F36": "Application Transaction Counter",
    "9F37": "Unpredictable Number", "82": "Application Interchange Profile",
}


class Tlv(NamedTuple):
    tag: str                         # upper-case hex, e.g. "5F20"
    value: bytes                     # for a constructed object: its raw content
    offset: int                      # byte offset of the tag in the decoded payload
    path: str                        # "61[1].4F" — index in brackets when a tag repeats at a level
    children: tuple["Tlv", ...] | None = None

    @property
    def constructed(self) -> bool:
        return self.children is not None

    def child(self, tag: str) -> "Tlv | None":
        return next((c for c in self.children or () if c.tag == tag), None)

    def to_obj(self) -> dict:
        if self.children is not None:
            return {"id": self.tag, "children": [c.to_obj() for c in self.children]}
        return {"id": self.tag, "value": self.value.hex().upper()}


class CpmPayload(NamedTuple):
    text: str
    data: bytes
    objects: tuple[Tlv, ...]
    issues: tuple[Violation, ...]

    def to_objects(self) -> list[dict]:
        return [o.to_obj() for o in self.objects]

    def walk(self) -> Iterator[Tlv]:
        """Every object, depth first, in payload order."""
        return walk(self.objects)


def _read_tag(data: bytes, i: int, end: int) -> tuple[str, int, bool] | None:
    first = data[i]
    j = i + 1
    if first & 0x1F == 0x1F:
        while True:
            if j >= end:
                return None
            j += 1
            if not data[j - 1] & 0x80:
                break
    return data[i:j].hex().upper(), j, bool(first & 0x20)


def _scan(data: bytes, start: int, end: int, prefix: str, issues: list[Violation],
          depth: int = 0) -> tuple[Tlv, ...]:
    objects: list[Tlv] = []
    counts: dict[str, int] = {}
    i = start
    while i < end:
        if data[i] in (0x00, 0xFF) and prefix:  # padding bytes between objects (Book 3 Annex B1)
            i += 1
            continue
        tag_info = _read_tag(data, i, end)
        if tag_info is None:
            issues.append(Violation("cpm.ber.tag", "tag runs past the end of its template", prefix.rstrip("."),
                                    i, data[i:end].hex().upper()))
            break
        tag, j, constructed = tag_info
        counts[tag] = counts.get(tag, 0) + 1
        path = prefix + tag + (f"[{counts[tag]}]" if counts[tag] > 1 else "")
        if j >= end:
            issues.append(Violation("cpm.ber.truncated", f"{tag} has no length byte", path, i, tag))
            break
        ln = data[j]
        if ln < 0x80:
            length, vstart = ln, j + 1
        elif ln == 0x80:
            issues.append(Violation("cpm.ber.length", f"{tag} uses the indefinite length form (0x80), "
                                    "not allowed in EMV", path, j, "80"))
            break
        else:
            nbytes = ln & 0x7F
            if nbytes > 2 or j + 1 + nbytes > end:
                issues.append(Violation("cpm.ber.length", f"{tag} has a long-form length of {nbytes} byte(s); "
                                        "EMV allows 81 xx or 82 xx xx within the data", path, j, f"{ln:02X}"))
                break
            length = int.from_bytes(data[j + 1:j + 1 + nbytes], "big")
            vstart = j + 1 + nbytes
            if length < 0x80 or (nbytes == 2 and length < 0x100):
                issues.append(Violation("cpm.ber.length", f"{tag} length {length} is not in its minimal form",
                                        path, j, data[j:vstart].hex().upper()))
        vend = vstart + length
        if vend > end:
            issues.append(Violation("cpm.ber.truncated", f"{tag} declares {length} byte(s) but only "
                                    f"{end - vstart} remain", path, j, data[j:vstart].hex().upper()))
            break
        children = None
        if constructed:
            if depth > 8:
                issues.append(Violation("cpm.ber.tag", "templates nested more than 8 deep", path, i, tag))
                break
            children = _scan(data, vstart, vend, path + ".", issues, depth + 1)
        objects.append(Tlv(tag, data[vstart:vend], i, path, children))
        i = vend
    return tuple(objects)


def decode_base64(text: str) -> tuple[bytes | None, Violation | None]:
    """Strict RFC 4648 base64 (standard alphabet, padded), as every spec example is (notes C6)."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True), None
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        bad = next((k for k, c in enumerate(text) if c not in _B64), None)
        where = f" (first bad character {text[bad]!r} at offset {bad})" if bad is not None else ""
        return None, Violation("cpm.base64", f"not RFC 4648 base64{where}: {exc}", "", bad, None)


_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def scan_cpm(text: str | bytes) -> CpmPayload:
    """Decode the QR text (or raw BER-TLV bytes) and read every object that can be read."""
    if isinstance(text, (bytes, bytearray)):
        data, shown = bytes(text), base64.b64encode(bytes(text)).decode()
    else:
        if not isinstance(text, str):
            raise CpmError("cpm.base64", f"payload must be text or bytes, got {type(text).__name__}")
        if len(text) > MAX_INPUT_LENGTH:
            return CpmPayload(text, b"", (), (Violation("cpm.size", f"input is {len(text)} characters; "
                                                        f"refusing more than {MAX_INPUT_LENGTH}", "", 0),))
        decoded, problem = decode_base64(text)
        if decoded is None:
            return CpmPayload(text, b"", (), (problem,))
        data, shown = decoded, text
    issues: list[Violation] = []
    objects = _scan(data, 0, len(data), "", issues)
    return CpmPayload(shown, data, objects, tuple(issues))


def parse_cpm(text: str | bytes) -> CpmPayload:
    """Strict parse: the tree, or `CpmError` for the first structural problem (base64, tag, length)."""
    result = scan_cpm(text)
    if result.issues:
        v = result.issues[0]
        raise CpmError(v.rule, v.message, path=v.path, offset=v.offset, value=v.value)
    return result


# --- building ---------------------------------------------------------------------------------

def _length_bytes(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    if n < 0x10000:
        return bytes([0x82]) + n.to_bytes(2, "big")
    raise CpmError("cpm.ber.length", f"value of {n} bytes is longer than EMV's 65535")


def _tag_bytes(tag: str, path: str) -> bytes:
    try:
        raw = bytes.fromhex(tag)
    except ValueError:
        raise CpmError("cpm.ber.tag", f"tag must be hex, got {tag!r}", path=path) from None
    if not raw or _read_tag(raw, 0, len(raw)) is None or _read_tag(raw, 0, len(raw))[1] != len(raw):
        raise CpmError("cpm.ber.tag", f"{tag!r} is not one well-formed BER tag", path=path)
    return raw


def encode_tlv(objects: Iterable[Mapping], prefix: str = "") -> bytes:
    out = bytearray()
    for obj in objects:
        tag = str(obj.get("id", "")).upper()
        path = prefix + tag
        raw_tag = _tag_bytes(tag, path)
        if obj.get("children") is not None:
            if not raw_tag[0] & 0x20:
                raise CpmError("cpm.ber.tag", f"{tag} is primitive but was given children", path=path)
            value = encode_tlv(obj["children"], path + ".")
        else:
            value_hex = obj.get("value")
            if not isinstance(value_hex, str):
                raise CpmError("cpm.ber.truncated", f"{tag} needs a hex 'value' or 'children'", path=path)
            try:
                value = bytes.fromhex(value_hex)
            except ValueError:
                raise CpmError("cpm.ber.truncated", f"{tag} value is not hex: {value_hex!r}", path=path) from None
        out += raw_tag + _length_bytes(len(value)) + value
    return bytes(out)


def build_cpm(objects: Sequence[Mapping]) -> str:
    """Base64 QR text from objects `{"id": "<hex tag>", "value": "<hex>"}` / `{"id", "children"}`."""
    return base64.b64encode(encode_tlv(objects)).decode("ascii")
