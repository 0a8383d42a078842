"""Turn a case's source + edits into payload text, the way real (and really broken) encoders do.

The reference builder (`build_mpm`) refuses to write a bad payload — that is its job. Vectors
need bad payloads on purpose: duplicate IDs, a 63 in the middle, lengths counted in UTF-8 bytes
or UTF-16 units, CRCs over Shift_JIS bytes, lower-case or unpadded CRCs. This module writes
them from an editable tree, so each bad payload is *derived* from a good one by a named mutation.
"""
from __future__ import annotations

import base64
import unicodedata
from binascii import crc_hqx
from typing import Any, Callable

from qrinterop.emv.crc import crc_hex, utf16_low_bytes
from qrinterop.emv.mpm import scan_mpm
from qrinterop.vectorsets.model import Edit

CRC_HERE = "@crc"  # placeholder value: the CRC object goes here (for "63 not last" cases)


class CaseError(Exception):
    """A hand-written case cannot be built (bad path, unknown base…): the case file is wrong."""


# A node is [id, value-or-children, length-override]; children is a list of nodes.
Node = list


def tree_from_payload(text: str) -> list[Node]:
    """The editable tree of a payload, without its CRC (the encoder appends one)."""
    scanned = scan_mpm(text)
    if scanned.issues:
        raise CaseError(f"base payload does not scan cleanly: {scanned.issues[0].describe()}")

    def conv(objs) -> list[Node]:
        return [[o.id, conv(o.children) if o.children is not None else o.value, None] for o in objs]
    return [n for n in conv(scanned.objects) if n[0] != "63"]


def tree_from_pairs(pairs) -> list[Node]:
    """Nodes from `(id, value)` / `(id, [(id, value), …])` pairs."""
    out = []
    for ident, value in pairs:
        out.append([ident, tree_from_pairs(value) if isinstance(value, (list, tuple)) else value, None])
    return out


def _locate(tree: list[Node], path: str) -> tuple[list[Node], int]:
    parts = path.split(".")
    level = tree
    for part in parts[:-1]:
        node = next((n for n in level if n[0] == part), None)
        if node is None or not isinstance(node[1], list):
            raise CaseError(f"no template {part!r} on the way to {path!r}")
        level = node[1]
    last = parts[-1]
    index = next((i for i, n in enumerate(level) if n[0] == last), -1)
    return level, index


def _as_value(value: Any) -> Any:
    return tree_from_pairs(value) if isinstance(value, (list, tuple)) else value


def apply_edit(tree: list[Node], edit: Edit) -> None:
    level, index = _locate(tree, edit.path)
    last = edit.path.split(".")[-1]
    if edit.op == "add":
        node = [last, _as_value(edit.value), None]
        level.insert(len(level) if edit.at is None else edit.at, node)
        return
    if index < 0:
        raise CaseError(f"{edit.op}: no object at {edit.path!r}")
    if edit.op == "set":
        level[index][1] = _as_value(edit.value)
    elif edit.op == "drop":
        del level[index]
    elif edit.op == "move":
        node = level.pop(index)
        level.insert(edit.at if edit.at is not None else len(level), node)
    elif edit.op == "length":
        level[index][2] = edit.unit
    elif edit.op == "rename":
        level[index][0] = edit.value
    else:
        raise CaseError(f"unknown edit {edit.op!r}")


def graphemes(text: str) -> int:
    """User-perceived characters, as Swift's `String.count` counts them — approximated: a combining
    mark, a variation selector, a ZWJ and the character after it, and the second regional
    indicator of a flag do not start a new cluster. Exact for every text in the vector sets (the
    tests check it on each); not a full UAX #29 implementation."""
    count, joined, regional_open = 0, False, False
    for ch in text:
        cp = ord(ch)
        if unicodedata.combining(ch) or 0xFE00 <= cp <= 0xFE0F or cp == 0x200D or joined:
            joined = cp == 0x200D
            continue
        if 0x1F1E6 <= cp <= 0x1F1FF:
            if regional_open:
                regional_open = False
                continue
            regional_open = True
        else:
            regional_open = False
        count += 1
    return count


def _length_field(value: str, unit: Any) -> str:
    if unit is None:
        n = len(value)
    elif unit == "graphemes":
        n = graphemes(value)
    elif unit == "utf8":
        n = len(value.encode("utf-8"))
    elif unit == "utf16":
        n = len(value.encode("utf-16-le")) // 2
    elif isinstance(unit, int):
        n = unit
    elif isinstance(unit, str) and len(unit) == 2:
        return unit
    else:
        raise CaseError(f"unknown length unit {unit!r}")
    if not 0 <= n <= 99:
        raise CaseError(f"a value of {n} does not fit a two-digit length (value {value[:20]!r}…)")
    return f"{n:02d}"


def _encode(nodes: list[Node]) -> str:
    parts = []
    for ident, value, unit in nodes:
        text = _encode(value) if isinstance(value, list) else value
        parts.append(f"{ident}{_length_field(text, unit)}{text}")
    return "".join(parts)


def crc_value(covered: str, mode: str) -> str:
    """ID 63's value for the text it covers (ending in "6304"), written per `mode`."""
    if mode in ("ok", "lower", "unpadded"):
        value = crc_hex(covered)
        if mode == "lower":
            return value.lower()
        if mode == "unpadded":  # "%X" instead of "%04X" (notes A2)
            return value.lstrip("0") or "0"
        return value
    if mode == "wrong":
        return f"{int(crc_hex(covered), 16) ^ 0x0001:04X}"
    encodings = {"sjis": "shift_jis", "eucjp": "euc_jp", "latin1": "latin-1", "utf16": "utf-16-be"}
    if mode in encodings:
        try:
            return f"{crc_hqx(covered.encode(encodings[mode]), 0xFFFF):04X}"
        except UnicodeEncodeError as exc:
            raise CaseError(f"crc mode {mode!r}: the payload cannot be encoded that way ({exc})") from None
    if mode == "lowbyte":
        return f"{crc_hqx(utf16_low_bytes(covered), 0xFFFF):04X}"
    if mode == "without-tag":
        return crc_hex(covered[:-4])
    return mode  # a literal value, e.g. "ZZZZ"


def encode_payload(tree: list[Node], crc: str = "ok", suffix: str = "") -> str:
    """Payload text of `tree` with its CRC (placed at a `CRC_HERE` node if there is one, else last)."""
    if crc == "none":
        return _encode([n for n in tree if n[1] != CRC_HERE]) + suffix
    at = next((i for i, n in enumerate(tree) if n[1] == CRC_HERE), len(tree))
    head, tail = _encode(tree[:at]), _encode(tree[at + 1:])
    covered = head + "6304"
    value = crc_value(covered, crc)
    return f"{head}63{len(value):02d}{value}{tail}{suffix}"


# What a QR reader that guesses the charset (ZBar without ECI, notes/imaging.md) hands an app:
# the payload's UTF-8 bytes decoded as another charset ('replace' as iconv-style readers do).
GARBLES: dict[str, str] = {"utf8-read-as-sjis": "shift_jis", "utf8-read-as-latin1": "latin-1"}


def garble(text: str, mode: str) -> str:
    if mode not in GARBLES:
        raise CaseError(f"unknown garble {mode!r}; known: {', '.join(GARBLES)}")
    return text.encode("utf-8").decode(GARBLES[mode], errors="replace")


CRC_PREDICATES: dict[str, Callable[[str], bool]] = {
    "leading-zero": lambda v: v.startswith("0"),
    "has-letters": lambda v: any(c in "ABCDEF" for c in v),
    "no-letters": lambda v: v.isdigit(),
}


def tune(tree: list[Node], edit: Edit, crc: str, suffix: str) -> None:
    """Give `edit.path` the first value `prefix + n` (n = 0, 1, …) whose payload's true CRC satisfies
    the predicate: a deterministic way to get, say, a CRC with a leading zero without typing one."""
    predicate = CRC_PREDICATES.get(edit.unit)
    if predicate is None:
        raise CaseError(f"unknown tune predicate {edit.unit!r}; known: {', '.join(CRC_PREDICATES)}")
    level, index = _locate(tree, edit.path)
    if index < 0:
        raise CaseError(f"tune: no object at {edit.path!r}")
    for n in range(100000):
        level[index][1] = f"{edit.value}{n}"
        text = encode_payload(tree, "ok", suffix)
        at = text.rfind("6304")
        if predicate(text[at + 4:at + 8]):
            return
    raise CaseError(f"tune: no value of {edit.path} satisfies {edit.unit!r}")


def build_mpm_case(tree: list[Node], edits, crc: str, suffix: str) -> str:
    for edit in edits:
        if edit.op == "tune":
            tune(tree, edit, crc, suffix)
        else:
            apply_edit(tree, edit)
    return encode_payload(tree, crc, suffix)


# --- CPM: BER-TLV bytes, with the length-field bugs real encoders have (notes/emv-cpm.md C1) -----

def _ber_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82]) + n.to_bytes(2, "big")


def encode_cpm(objects) -> bytes:
    """BER-TLV from `{"id": hex tag, "value": hex}` / `{"id", "children"}` dicts; an optional
    `"len"` (hex) replaces the computed length bytes, e.g. the one-byte form of a 200-byte value."""
    out = bytearray()
    for obj in objects:
        value = encode_cpm(obj["children"]) if "children" in obj else bytes.fromhex(obj["value"])
        out += bytes.fromhex(obj["id"])
        out += bytes.fromhex(obj["len"]) if "len" in obj else _ber_length(len(value))
        out += value
    return bytes(out)


def cpm_text(objects, transform: str | None) -> str:
    data = encode_cpm(objects)
    if transform is None:
        return base64.b64encode(data).decode("ascii")
    if transform == "urlsafe":
        return base64.urlsafe_b64encode(data).decode("ascii")
    if transform == "nopad":
        return base64.b64encode(data).decode("ascii").rstrip("=")
    if transform == "newline":
        text = base64.b64encode(data).decode("ascii")
        return text[:40] + "\n" + text[40:]
    raise CaseError(f"unknown CPM text transform {transform!r}")
