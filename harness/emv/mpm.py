"""EMV MPM codec: payload text <-> an ordered tree of data objects.

A payload is a flat run of `ID(2 digits) LEN(2 digits) VALUE`; the values of templates
(26-51, 62, 64, 80-99 at the root, 50-99 inside 62) are runs of the same shape (EMV MPM §3.2).
LEN counts characters (code points), not bytes (§4.4.1.1); the CRC (ID 63) covers the UTF-8
bytes of everything before its value (§4.7.3.1, see `crc.py`).

`scan_mpm` never stops at the first problem: it returns the objects it could read and every
structural problem as a `Violation` (the validator's input). `parse_mpm` is the strict form: it
raises `MpmError` for the first structural problem. `build_mpm` writes a payload from objects.
"""
from __future__ import annotations

import os
from collections.abc import Mapping as _AbcMapping
from typing import Iterable, Iterator, Mapping, NamedTuple, Sequence

from qrinterop.emv.crc import CRC_TAG, crc_hex
from qrinterop.emv.dictionary import ADF_TEMPLATES, ROOT_TEMPLATES
from qrinterop.emv.tree import walk
from qrinterop.errors import MpmError
from qrinterop.violation import Violation

MAX_VALUE_LENGTH = 99      # LEN is two digits
MAX_PAYLOAD_LENGTH = 512   # §4.1: "should not exceed 512 alphanumeric characters"
MAX_INPUT_LENGTH = 65536   # beyond this the input is not a QR payload at all; refuse before scanning


class DataObject(NamedTuple):
    """One data object. `children` is None for a primitive object, a tuple for a template."""
    id: str
    value: str
    offset: int                                   # character offset of the ID in the payload
    path: str                                     # "59", "62.05", "62.50.00"
    children: tuple["DataObject", ...] | None = None

    @property
    def length(self) -> int:
        return len(self.value)

    @property
    def is_template(self) -> bool:
        return self.children is not None

    def child(self, id_: str) -> "DataObject | None":
        for c in self.children or ():
            if c.id == id_:
                return c
        return None

    def to_obj(self) -> dict:
        """The IUT protocol's `Obj` (DESIGN §4)."""
        if self.children is not None:
            return {"id": self.id, "children": [c.to_obj() for c in self.children]}
        return {"id": self.id, "value": self.value}


class MpmPayload(NamedTuple):
    """A scanned payload: its objects in order, and every structural problem found on the way."""
    text: str
    objects: tuple[DataObject, ...]
    issues: tuple[Violation, ...]

    def get(self, path: str) -> str | None:
        """The value at `path` ("54", "62.05"), or None when absent."""
        obj = self.find(path)
        return obj.value if obj is not None else None

    def find(self, path: str) -> DataObject | None:
        level: Sequence[DataObject] = self.objects
        found = None
        for part in path.split("."):
            found = next((o for o in level if o.id == part), None)
            if found is None:
                return None
            level = found.children or ()
        return found

    def walk(self) -> Iterator[DataObject]:
        """Every object, depth first, in payload order."""
        return walk(self.objects)

    def to_objects(self) -> list[dict]:
        return [o.to_obj() for o in self.objects]

    @property
    def ok(self) -> bool:
        return not self.issues


_new = tuple.__new__  # building DataObjects with the C constructor keeps the scanner fast
# "00".."99" -> 0..99: one dict lookup both checks a two-digit field and converts it
# (str.isdigit would also accept "²" or Arabic-Indic digits).
_TWO_DIGITS: dict[str, int] = {f"{i:02d}": i for i in range(100)}
# Every regular header "IDLL" (ID 00-99, length 01-99) -> (ID, length): 9,900 entries.
_HEADERS: dict[str, tuple[str, int]] = {f"{t:02d}{n:02d}": (f"{t:02d}", n) for t in range(100) for n in range(1, 100)}


def _is_2digits(s: str) -> bool:
    return s in _TWO_DIGITS


def _scan(text: str, start: int, end: int, prefix: str, templates: frozenset[str],
          issues: list[Violation], _new=_new, _obj=DataObject, _headers=_HEADERS) -> tuple[DataObject, ...]:
    # The hot loop of every parse. One dict lookup of the 4-character header both checks that
    # ID and length are two digits each and converts them; names are bound as defaults (locals
    # are the fastest lookups); duplicates are checked once per level after the loop.
    objects: list[DataObject] = []
    append = objects.append
    i = start
    while i < end:
        header = _headers.get(text[i:i + 4])
        if header is None:
            i = _irregular_object(text, i, end, prefix, templates, issues, objects)
            if i < 0:
                break
            continue
        tag, n = header
        vend = i + 4 + n
        if vend > end:
            path = prefix + tag
            issues.append(Violation("mpm.tlv.truncated",
                                    f"{path} declares length {n} but only {end - i - 4} character(s) remain"
                                    + (" in its template" if prefix else ""), path, i + 2, text[i + 2:i + 4]))
            break
        if tag in templates:
            path = prefix + tag
            append(_new(_obj, (tag, text[i + 4:vend], i, path,
                               _scan(text, i + 4, vend, path + ".",
                                     ADF_TEMPLATES if path == "62" else _NO_TEMPLATES, issues))))
        else:
            append(_new(_obj, (tag, text[i + 4:vend], i, prefix + tag, None)))
        i = vend
    if len({o[0] for o in objects}) != len(objects):
        _report_duplicates(objects, prefix, issues)
    return tuple(objects)


def _report_duplicates(objects: list[DataObject], prefix: str, issues: list[Violation]) -> None:
    where = f" in template {prefix[:-1]}" if prefix else " at the root"
    seen: set[str] = set()
    for o in objects:
        if o[0] in seen:
            issues.append(Violation("mpm.tlv.duplicate", f"ID {o[0]} appears more than once{where}", o[3], o[2], o[0]))
        seen.add(o[0])


def _irregular_object(text: str, i: int, end: int, prefix: str, templates: frozenset[str],
                      issues: list[Violation], objects: list[DataObject]) -> int:
    """An object whose header is not ID(2 digits) + LEN(01-99): an empty value (LEN 00) is
    reported and skipped; anything else stops the scan of this level (returns -1)."""
    tag, ln = text[i:i + 2], text[i + 2:i + 4]
    if ln == "00" and tag in _TWO_DIGITS and i + 4 <= end:
        path = prefix + tag
        rule = "mpm.adf.nonempty" if path == "62" else "mpm.tlv.empty"
        issues.append(Violation(rule, f"{path} has length 00; a present object must hold 01-99 characters",
                                path, i + 2, "00"))
        objects.append(_new(DataObject, (tag, "", i, path, None)))
        return i + 4
    _structure_issue(text, i, end, prefix, issues)
    return -1


def _structure_issue(text: str, i: int, end: int, prefix: str, issues: list[Violation]) -> None:
    """Say precisely why no object can be read at offset `i` (kept out of the hot loop)."""
    where = prefix[:-1] if prefix else ""
    if end - i < 4:
        issues.append(Violation("mpm.tlv.truncated",
                                f"{end - i} character(s) left where an object needs at least 4 (ID + length)",
                                where, i, text[i:end]))
        return
    tag, ln = text[i:i + 2], text[i + 2:i + 4]
    if tag not in _TWO_DIGITS:
        issues.append(Violation("mpm.tlv.id", f"ID must be two digits 00-99, found {tag!r}", where, i, tag))
    else:
        issues.append(Violation("mpm.tlv.length", f"length of {prefix + tag} must be two digits 01-99, "
                                f"found {ln!r}", prefix + tag, i + 2, ln))


_NO_TEMPLATES: frozenset[str] = frozenset()


def _load_accelerator():
    """The optional C scanner (`_mpmscan.c`, built by setup.py when a compiler is there), or None.
    It reads only regular payloads and answers None for anything else, so the Python scanner
    below stays the one that words every issue. QRINTEROP_PURE_PYTHON=1 forces pure Python."""
    if os.environ.get("QRINTEROP_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from qrinterop.emv import _mpmscan
    except ImportError:
        return None
    _mpmscan.configure(DataObject, ROOT_TEMPLATES, ADF_TEMPLATES)
    return _mpmscan.scan


_accelerated_scan = _load_accelerator()
ACCELERATED = _accelerated_scan is not None  # reported by the benchmark and docs/performance.md


def scan_mpm(payload: str) -> MpmPayload:
    """Read every object that can be read; structural problems become `issues` (never raises
    for any `str`). Order, CRC and field rules are the validator's job, not the scanner's."""
    if not isinstance(payload, str):
        raise MpmError("mpm.payload.type", f"payload must be text, got {type(payload).__name__}")
    if len(payload) > MAX_INPUT_LENGTH:
        issue = Violation("mpm.payload.size", f"input is {len(payload)} characters; refusing to scan more than "
                          f"{MAX_INPUT_LENGTH} (a QR payload is at most 512)", "", 0, None)
        return MpmPayload(payload, (), (issue,))
    if _accelerated_scan is not None:
        objects = _accelerated_scan(payload)
        if objects is not None:  # regular TLV: no issue to report
            return _new(MpmPayload, (payload, objects, ()))
    return _scan_python(payload)


def _scan_python(payload: str) -> MpmPayload:
    """The pure-Python scan of a `str` within MAX_INPUT_LENGTH (every payload, when not accelerated;
    irregular ones otherwise). Tests run it beside the accelerator on the same inputs."""
    issues: list[Violation] = []
    objects = _scan(payload, 0, len(payload), "", ROOT_TEMPLATES, issues)
    return _new(MpmPayload, (payload, objects, tuple(issues)))


def parse_mpm(payload: str) -> MpmPayload:
    """Strict parse: the tree of `payload`, or `MpmError` for its first structural problem
    (bad ID or length, value past the end, empty value, duplicate ID). Does not check the CRC or
    any field rule: that is `qrinterop.rules.validate`."""
    result = scan_mpm(payload)
    if result.issues:
        first = min(result.issues, key=lambda v: v.offset if v.offset is not None else -1)
        raise MpmError(first.rule, first.message, path=first.path, offset=first.offset, value=first.value)
    return result


# --- building ---------------------------------------------------------------------------------

ObjLike = Mapping | DataObject | tuple


def _as_pair(obj: ObjLike, where: str) -> tuple[str, str | None, Sequence | None]:
    # isinstance(x, Mapping) costs ~1 µs through typing/abc; a plain dict (the usual input) is
    # decided by its exact type first, then everything else takes the general checks in order.
    if type(obj) is dict or (not isinstance(obj, DataObject) and isinstance(obj, _AbcMapping)):
        if "id" not in obj:
            raise MpmError("mpm.tlv.id", "object has no 'id'", path=where)
        children = obj.get("children")
        return str(obj["id"]), (None if children is not None else obj.get("value")), children
    if isinstance(obj, tuple) and len(obj) == 2:
        ident, val = obj
        return (str(ident), None, val) if isinstance(val, (list, tuple)) else (str(ident), val, None)
    if isinstance(obj, DataObject):
        return obj.id, obj.value, obj.children
    raise MpmError("mpm.tlv.id", f"cannot build an object from {type(obj).__name__}", path=where)


def _encode(objects: Iterable[ObjLike], prefix: str) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    for obj in objects:
        ident, value, children = _as_pair(obj, prefix[:-1])
        path = prefix + ident
        if not _is_2digits(ident):
            raise MpmError("mpm.tlv.id", f"ID must be two digits 00-99, got {ident!r}", path=prefix[:-1] or path)
        if ident in seen:
            raise MpmError("mpm.tlv.duplicate", f"ID {ident} given twice", path=path)
        seen.add(ident)
        if children is not None:
            value = _encode(children, path + ".")
        if not isinstance(value, str):
            raise MpmError("mpm.field.format", f"value must be text, got {type(value).__name__}", path=path)
        if not value:
            raise MpmError("mpm.tlv.empty", "value is empty; omit the object instead", path=path)
        if len(value) > MAX_VALUE_LENGTH:
            raise MpmError("mpm.field.length", f"value is {len(value)} characters; at most 99 fit", path=path,
                           value=value)
        parts.append(f"{ident}{len(value):02d}{value}")
    return "".join(parts)


def build_mpm(objects: Iterable[ObjLike], *, order: str = "given") -> str:
    """Write a payload from objects (`{"id","value"}` / `{"id","children"}` dicts, `DataObject`s,
    or `(id, value_or_children)` pairs) and append the CRC. Any 63 given is dropped and recomputed.
    `order="given"` keeps the caller's order except that 00 goes first (§4.6.1.1);
    `order="canonical"` sorts every level by ID. Lengths are counted in characters."""
    items = [o for o in objects if _as_pair(o, "")[0] != "63"]
    if order == "canonical":
        items = _sorted_deep(items)
    elif order != "given":
        raise MpmError("mpm.build.order", f"order must be 'given' or 'canonical', got {order!r}")
    items.sort(key=lambda o: _as_pair(o, "")[0] != "00")  # stable: only moves 00 to the front
    body = _encode(items, "") + CRC_TAG
    try:
        return body + crc_hex(body)
    except UnicodeEncodeError as exc:
        raise MpmError("mpm.payload.utf8", f"character U+{ord(body[exc.start]):04X} cannot be encoded as UTF-8",
                       offset=exc.start) from None


def _sorted_deep(objects: Iterable[ObjLike]) -> list:
    out = []
    for obj in objects:
        ident, value, children = _as_pair(obj, "")
        out.append({"id": ident, "children": _sorted_deep(children)} if children is not None
                   else {"id": ident, "value": value})
    return sorted(out, key=lambda o: o["id"])
