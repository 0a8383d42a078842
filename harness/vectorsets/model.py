"""Hand-written case records: what a vector set's author types, once.

A case never carries a finished payload typed out by hand (except a real-world payload quoted
from a named source, typed once). It names where the payload comes from — a named base payload,
typed builder fields, or a quoted payload — plus edits (mutations) and a CRC mode; the generator
computes the payload, its hex, the parse tree, the reference's verdict, and checks that verdict
against the case's own `expect` and `rules`, failing loudly when they differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

VALID, INVALID, ACCEPTABLE = "valid", "invalid", "acceptable"
RESULTS = (VALID, INVALID, ACCEPTABLE)


@dataclass(frozen=True)
class Edit:
    """One mutation of an MPM object tree (applied in order; see `mutate.py`).

    op: "set" (path, value) · "drop" (path) · "add" (path, value, at) · "move" (path, at) ·
        "length" (path, unit: "utf8" | "utf16" | "graphemes" | int | two-char text) · "rename" (path, value=new id) ·
        "tune" (path, value=prefix, unit=predicate name): choose a value deterministically until the
        payload's CRC satisfies a predicate (e.g. starts with a zero nibble).
    `at` is an index in the parent's list (None = append, before the CRC).
    """
    op: str
    path: str
    value: Any = None
    at: int | None = None
    unit: Any = None


def set_(path: str, value: Any) -> Edit:
    """Replace the value (text) or the children (list of (id, value) pairs) at `path`."""
    return Edit("set", path, value)


def drop(path: str) -> Edit:
    return Edit("drop", path)


def add(path: str, value: Any, at: int | None = None) -> Edit:
    """Insert a new object `path` (its last part is the new ID) even if that ID already exists."""
    return Edit("add", path, value, at)


def move(path: str, at: int) -> Edit:
    return Edit("move", path, at=at)


def length(path: str, unit: Any) -> Edit:
    """Write the object's LEN field in another unit: "utf8" bytes, "utf16" code units, "graphemes"
    (user-perceived characters, Swift's String.count), a number, or a raw two-character text ("1A")."""
    return Edit("length", path, unit=unit)


def rename(path: str, new_id: str) -> Edit:
    return Edit("rename", path, new_id)


def tune(path: str, prefix: str, predicate: str) -> Edit:
    return Edit("tune", path, prefix, unit=predicate)


@dataclass(frozen=True)
class Case:
    """One vector, as written by hand.

    Exactly one source: `base` (name in bases.py), `fields` (profile builder keyword arguments,
    with `builder` naming the profile), `payload` (quoted real-world text; give `source`), or
    `cpm` (list of CPM objects, hex values). `crc`: "ok" (default) | "none" | "lower" |
    "unpadded" | "wrong" | "sjis" | "eucjp" | "latin1" | "utf16" | "lowbyte" (the low byte of each UTF-16
    unit) | "without-tag" | a literal.
    `suffix` is appended after the CRC (trailing data); `garble` then replaces the whole text by
    what a reader that guessed the wrong charset returns (its UTF-8 bytes read as Shift_JIS…). `expect` is the result the author
    states; `rules`, for a non-valid case, is exactly the set the reference must report, and for
    a valid case the rules the case shows being met.
    """
    comment: str
    expect: str
    rules: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    base: Any = None                  # a name in bases.py, or an inline tree of (id, value) pairs
    fields: Mapping[str, Any] | None = None
    builder: str | None = None
    payload: str | None = None
    source: str | None = None
    edits: tuple[Edit, ...] = ()
    crc: str = "ok"
    suffix: str = ""
    cpm: tuple | None = None
    cpm_text: str | None = None       # CPM: a transformation of the base64 text ("urlsafe", "nopad")
    image: Mapping[str, Any] | None = None  # images set: {"variant": …, "distortion": …}
    garble: str | None = None         # the text a charset-guessing reader hands over (mutate.GARBLES)


def C(comment: str, expect: str, rules: tuple[str, ...] | list[str] = (), flags: tuple[str, ...] | list[str] = (),
      *, edits: tuple[Edit, ...] | list[Edit] = (), **kw: Any) -> Case:
    """Terse constructor for case files."""
    return Case(comment=comment, expect=expect, rules=tuple(rules), flags=tuple(flags), edits=tuple(edits), **kw)


@dataclass(frozen=True)
class Group:
    operation: str      # validate | parse | decode_image
    profile: str        # rule profile the validate op is asked for ("emv", "jpqr", "cpm", …)
    cases: tuple[Case, ...]


@dataclass(frozen=True)
class VectorSet:
    name: str
    source: str
    description: str
    groups: tuple[Group, ...]
    exemptions: Mapping[str, str] = field(default_factory=dict)  # rule id -> why no invalid case here
