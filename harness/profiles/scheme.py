"""What every national profile's checks share: finding the scheme's merchant-account template by
its identifier, and the root rules schemes fix (country, currency, a required set of objects).

A national scheme is recognised by the GUI / AID in sub-ID 00 of a template, never by the
template's number: JPQR sits in 26 in every sample but mercari's decoder scans 26-51, SGQR puts
NETS in 26 and PayNow elsewhere (notes/profiles.md §1, §3). Detection is case-insensitive so
that a code with a wrongly-cased identifier is still *checked* (and its case reported by the
profile's `*.mai.gui` rule) rather than silently not recognised.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from qrinterop.emv import dictionary as d
from qrinterop.emv.mpm import DataObject, MpmPayload, scan_mpm
from qrinterop.rules.model import Findings

MAI_IDS = tuple(f"{i:02d}" for i in range(26, 52))


def gui_of(template: DataObject) -> str | None:
    """Sub-ID 00 of a template (its GUI / AID), or None."""
    sub = template.child("00")
    return sub.value if sub is not None else None


def templates_with_gui(p: MpmPayload, guis: Iterable[str], ids: Sequence[str] = MAI_IDS,
                       prefix: bool = False) -> list[DataObject]:
    """Templates among root `ids` whose GUI equals one of `guis`, ignoring case (or starts with
    one, when `prefix`), in payload order."""
    wanted = tuple(g.casefold() for g in guis)
    found = []
    for o in p.objects:
        if o.id in ids and o.children is not None:
            g = gui_of(o)
            if g is None:
                continue
            g = g.casefold()
            if (g.startswith(wanted) if prefix else g in wanted):
                found.append(o)
    return found


def value_at(o: DataObject) -> int:
    """Character offset of an object's value (after its ID and length)."""
    return o.offset + 4


def check_gui_case(template: DataObject, expected: str, rule: str, out: Findings) -> None:
    """The identifier was matched ignoring case; report it when it is not written as the scheme writes it."""
    g = template.child("00")
    if g is not None and g.value != expected:
        out.add(rule, f"{g.path} is {g.value!r}; the scheme identifier is written {expected!r} "
                "(matched ignoring case)", g.path, value_at(g), g.value)


def check_fixed(p: MpmPayload, path: str, allowed: Sequence[str], rule: str, what: str, out: Findings) -> None:
    """Object `path`, when present, holds one of `allowed` (its absence is the required-set rule's job)."""
    o = p.find(path)
    if o is not None and o.value not in allowed:
        want = " or ".join(repr(a) for a in allowed)
        out.add(rule, f"{path} is {o.value!r}; {what} requires {want}", path, value_at(o), o.value)


def check_required(p: MpmPayload, ids: Sequence[str], rule: str, what: str, out: Findings) -> None:
    """Every root object in `ids` is present (a profile's own mandatory set, replacing EMV's)."""
    present = {o.id for o in p.objects}
    for ident in ids:
        if ident not in present:
            name = d.ROOT[ident].name if ident in d.ROOT else ident
            out.add(rule, f"{what} requires {ident} {name}; it is missing", ident)


def check_sub(template: DataObject, sub: str, pattern: re.Pattern, rule: str, expected: str, out: Findings,
              required: bool = False) -> DataObject | None:
    """Sub-object `sub` of `template` matches `pattern` (fullmatch); when `required`, it must be there."""
    o = template.child(sub)
    if o is None:
        if required:
            out.add(rule, f"{template.path} has no sub-ID {sub}; expected {expected}", f"{template.path}.{sub}",
                    template.offset, None)
        return None
    if not pattern.fullmatch(o.value):
        out.add(rule, f"{o.path} is {o.value!r}; expected {expected}", o.path, value_at(o), o.value)
    return o


def nested(o: DataObject) -> MpmPayload:
    """Read a sub-object's value as a run of data objects (VietQR 38-01 nests a template one level
    deeper than the EMV dictionary knows). Offsets and paths are made absolute to the payload."""
    inner = scan_mpm(o.value)
    base = value_at(o)
    objects = tuple(DataObject(c.id, c.value, c.offset + base, f"{o.path}.{c.path}", None) for c in inner.objects)
    issues = tuple(v._replace(path=f"{o.path}.{v.path}" if v.path else o.path,
                              offset=None if v.offset is None else v.offset + base) for v in inner.issues)
    return MpmPayload(o.value, objects, issues)
