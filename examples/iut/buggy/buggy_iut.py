#!/usr/bin/env python3
"""buggy-example: a deliberately NON-conforming EMV MPM implementation under test.

qrinterop's own tests certify this program to prove that every class of failure is caught and
explained by rule. It speaks the jsonl IUT protocol (DESIGN.md §4) correctly and implements
hello, parse, build and validate (profile "emv") with its own small parser (standard library
only; nothing from qrinterop). Apart from the six planted bugs below it behaves correctly, and
each bug fires only for the input class it belongs to, so a report can name every one.

PLANTED BUGS (each marked "PLANTED BUG (x)" in the code):

(a) wrong CRC in `build`: the CRC is computed over the objects *without* the "6304" that
    precedes it (EMV MPM §4.7.3.1 says the CRC covers its own ID and length). Every payload
    `build` returns therefore fails the CRC check (mpm.crc.mismatch). `validate` checks the
    CRC correctly, so valid payloads are still accepted.
(b) lengths in UTF-8 bytes instead of characters (§4.4.1.1 says characters): `validate`
    reads every LEN as a byte count and `build` writes byte counts. ASCII payloads are
    unaffected; a valid payload with a non-ASCII value (e.g. 64.01 "最佳运输") is wrongly
    reported invalid (mpm.tlv.*), and `build` of such a value writes a wrong LEN.
    `parse` is left counting characters so that bug (c) can be seen on its own.
(c) mangled UTF-8: `parse` returns every value as its UTF-8 bytes decoded as Latin-1
    ("最佳运输" comes back as "æ\\x9c\\x80ä½³è¿\\x90è¾\\x93"). ASCII values are unaffected.
(d) accepts a duplicate id: neither `parse` nor `validate` checks that an id appears at most
    once per level (§4.3.1.2), so "...5802CN5802CN..." is reported valid.
(e) crashes: any request whose payload (or, for `build`, any value) contains "CRASH" (e.g.
    merchant name 59 = "CRASH") raises an exception nobody catches: the process exits with a
    traceback on stderr.
(f) hangs: any request whose payload (or, for `build`, any value) contains "HANG" never gets
    an answer: the process sleeps forever.
"""
from __future__ import annotations

import json
import re
import sys
import time

HELLO = {"name": "buggy-example", "version": "0.1.0",
         "ops": ["hello", "parse", "build", "validate"], "profiles": ["emv"]}


class RequestError(Exception):
    """A bad request or payload: answered as {"ok": false, "error": {code, message}}."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# --- CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over UTF-8 bytes ----------------------

def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def crc_hex(text: str) -> str:
    return f"{crc16(text.encode('utf-8')):04X}"


# --- tokenizer ----------------------------------------------------------------------------

def is_template(parent: str, ident: str) -> bool:
    n = int(ident)
    if parent == "":
        return 26 <= n <= 51 or n in (62, 64) or n >= 80
    return parent == "62" and n >= 50


class Node:
    def __init__(self, ident: str, value: str, offset: int, path: str, size: int) -> None:
        self.id, self.value, self.offset, self.path = ident, value, offset, path
        self.size = size  # the declared length, in the tokenizer's units
        self.children: list[Node] | None = None


def tokenize(text, start: int, end: int, parent: str, errors: list[tuple[str, str]],
             decode) -> list[Node]:
    """Read ID/LEN/VALUE objects from text[start:end] (text is a str or bytes; LEN counts its
    units), recursing into templates. Structural problems go to `errors` as (rule, message)."""
    nodes: list[Node] = []
    i = start
    while i < end:
        where = f" in {parent}" if parent else ""
        if end - i < 4:
            errors.append(("mpm.tlv.truncated", f"header{where} at offset {i} needs 4 units, {end - i} left"))
            break
        ident, length = decode(text[i:i + 2]), decode(text[i + 2:i + 4])
        if not re.fullmatch(r"[0-9]{2}", ident):
            errors.append(("mpm.tlv.id", f"id {ident!r}{where} at offset {i} is not two digits"))
            break
        path = f"{parent}.{ident}" if parent else ident
        if not re.fullmatch(r"[0-9]{2}", length):
            errors.append(("mpm.tlv.length", f"length {length!r} of {path} at offset {i + 2} is not two digits"))
            break
        n = int(length)
        if n == 0:
            errors.append(("mpm.adf.nonempty" if path == "62" else "mpm.tlv.empty", f"{path} has length 00"))
        if i + 4 + n > end:
            errors.append(("mpm.tlv.truncated", f"{path} at offset {i} declares {n} but {end - i - 4} remain"))
            break
        node = Node(ident, decode(text[i + 4:i + 4 + n]), i + 4, path, n)
        if n and is_template(parent, ident):
            node.children = tokenize(text, i + 4, i + 4 + n, path, errors, decode)
        nodes.append(node)
        i += 4 + n
    return nodes


def as_text(unit) -> str:
    return unit


def mangle(value: str) -> str:
    # PLANTED BUG (c): UTF-8 bytes read back as Latin-1: mojibake for every non-ASCII value.
    return value.encode("utf-8").decode("latin-1")


def utf8(unit: bytes) -> str:
    return unit.decode("utf-8", errors="replace")


# --- planted crash and hang ----------------------------------------------------------------

def trip_planted_faults(texts: list[str]) -> None:
    for text in texts:
        if "CRASH" in text:
            # PLANTED BUG (e): an exception nothing catches; the process dies with a traceback.
            raise RuntimeError("planted bug (e): merchant name CRASH is not handled")
        if "HANG" in text:
            # PLANTED BUG (f): never answers.
            while True:
                time.sleep(3600)


def values_in(objects) -> list[str]:
    found: list[str] = []
    for obj in objects if isinstance(objects, list) else []:
        if isinstance(obj, dict):
            if isinstance(obj.get("value"), str):
                found.append(obj["value"])
            found.extend(values_in(obj.get("children")))
    return found


# --- ops ----------------------------------------------------------------------------------

def check_mode(request: dict) -> None:
    mode = request.get("mode", "mpm")
    if mode == "cpm":
        raise RequestError("unsupported", "consumer-presented mode (cpm) is not implemented")
    if mode != "mpm":
        raise RequestError("bad_request", f"mode must be 'mpm' or 'cpm', got {mode!r}")


def to_wire(nodes: list[Node]) -> list[dict]:
    return [{"id": n.id, "children": to_wire(n.children)} if n.children is not None
            else {"id": n.id, "value": n.value} for n in nodes]


def op_parse(request: dict) -> dict:
    check_mode(request)
    payload = request.get("payload")
    if not isinstance(payload, str):
        raise RequestError("bad_request", "payload must be a string")
    trip_planted_faults([payload])
    errors: list[tuple[str, str]] = []
    nodes = tokenize(payload, 0, len(payload), "", errors, mangle)
    # PLANTED BUG (d): no duplicate-id check here.
    if errors:
        raise RequestError(*errors[0])
    return {"objects": to_wire(nodes)}


def encode(objects, path: str) -> str:
    if not isinstance(objects, list):
        raise RequestError("bad_request", f"objects{' of ' + path if path else ''} must be a list")
    out = []
    for obj in objects:
        ident = obj.get("id") if isinstance(obj, dict) else None
        if not isinstance(ident, str) or not re.fullmatch(r"[0-9]{2}", ident):
            raise RequestError("mpm.tlv.id", f"id {ident!r}{' in ' + path if path else ''} is not two digits")
        here = f"{path}.{ident}" if path else ident
        if not path and ident == "63":
            continue  # the CRC is always recomputed
        if obj.get("children") is not None:
            value = encode(obj["children"], here)
        elif isinstance(obj.get("value"), str):
            value = obj["value"]
        else:
            raise RequestError("bad_request", f"object {here} needs a string value or children")
        # PLANTED BUG (b): the length written is the UTF-8 byte count, not the character count.
        n = len(value.encode("utf-8"))
        if n == 0:
            raise RequestError("mpm.tlv.empty", f"value of {here} is empty")
        if n > 99:
            raise RequestError("mpm.field.length", f"value of {here} is {n} long; at most 99 fit")
        out.append(f"{ident}{n:02d}{value}")
    return "".join(out)


def op_build(request: dict) -> dict:
    check_mode(request)
    trip_planted_faults(values_in(request.get("objects")))
    body = encode(request.get("objects"), "")
    # PLANTED BUG (a): the CRC must cover body + "6304"; this one covers only body.
    return {"payload": body + "6304" + crc_hex(body)}


ANS = re.compile(r"[\x20-\x7e]*")
AMOUNT = re.compile(r"(?=.*[1-9])[0-9]+(\.[0-9]*)?")
ROOT_FIELDS = {"00": ("N", 2, 2), "01": ("N", 2, 2), "52": ("N", 4, 4), "53": ("N", 3, 3),
               "54": ("ans", 1, 13), "55": ("N", 2, 2), "56": ("ans", 1, 13), "57": ("ans", 1, 5),
               "58": ("ans", 2, 2), "59": ("ans", 1, 25), "60": ("ans", 1, 15), "61": ("ans", 1, 10),
               **{f"{n:02d}": ("ans", 1, 99) for n in range(2, 26)},
               **{f"{n:02d}": ("S", 1, 99) for n in range(65, 80)}}
ADF_FIELDS = {**{f"{n:02d}": ("ans", 1, 25) for n in range(1, 9)}, "09": ("ans", 1, 3),
              "10": ("ans", 1, 99), "11": ("ans", 1, 99), **{f"{n:02d}": ("S", 1, 99) for n in range(12, 50)}}
LANGUAGE_FIELDS = {"00": ("ans", 2, 2), "01": ("S", 1, 25), "02": ("S", 1, 15),
                   **{f"{n:02d}": ("S", 1, 99) for n in range(3, 100)}}
TEMPLATE_FIELDS = {"00": ("ans", 1, 32), **{f"{n:02d}": ("S", 1, 99) for n in range(1, 100)}}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def field_spec(parent: str, ident: str):
    if parent == "":
        return ROOT_FIELDS.get(ident)
    if parent == "64":
        return LANGUAGE_FIELDS.get(ident)
    if parent == "62":
        return ADF_FIELDS.get(ident)
    return TEMPLATE_FIELDS.get(ident)


def needs_gui(path: str) -> bool:
    top, _, sub = path.partition(".")
    if not sub:
        return 26 <= int(top) <= 51 or int(top) >= 80
    return top == "62" and int(sub) >= 50


def check_fields(nodes: list[Node], parent: str, add) -> None:
    # PLANTED BUG (d): no duplicate-id check here either.
    for node in nodes:
        if node.children is not None:
            if needs_gui(node.path) and not any(c.id == "00" for c in node.children):
                add("mpm.template.gui", f"template {node.path} has no sub-ID 00")
            check_fields(node.children, node.path, add)
            continue
        spec = field_spec(parent, node.id)
        n = node.size
        if not spec or not n or (parent == "" and node.id == "63"):
            continue
        fmt, low, high = spec
        if not low <= n <= high:
            add("mpm.field.length", f"{node.path} has length {n}; {low}..{high} required")
        if fmt == "N" and not re.fullmatch(r"[0-9]+", node.value):
            add("mpm.field.format", f"{node.path} must be digits")
        if fmt == "ans" and not ANS.fullmatch(node.value):
            add("mpm.field.format", f"{node.path} must be printable ASCII")
        if fmt == "S" and CONTROL.search(node.value):
            add("mpm.field.format", f"{node.path} must not hold control characters")


def validate(payload: str) -> list[dict]:
    violations: list[dict] = []

    def add(rule: str, message: str) -> None:
        violations.append({"rule": rule, "message": message})

    if not payload:
        add("mpm.tlv.truncated", "payload is empty")
        return violations
    raw = payload.encode("utf-8")
    errors: list[tuple[str, str]] = []
    # PLANTED BUG (b): LEN is taken as a count of UTF-8 bytes.
    roots = tokenize(raw, 0, len(raw), "", errors, utf8)
    for rule, message in errors:
        add(rule, message)
    broken = any(rule in ("mpm.tlv.id", "mpm.tlv.length", "mpm.tlv.truncated") for rule, _ in errors)
    first = {}
    for node in roots:
        first.setdefault(node.id, node)

    crc = first.get("63")
    if crc is None:
        if not broken:
            add("mpm.crc.present", "CRC (63) is missing")
    elif roots[-1].id != "63":
        add("mpm.order.crc_last", "CRC (63) must be the last data object")
    elif not re.fullmatch(r"[0-9A-Fa-f]{4}", roots[-1].value):
        add("mpm.crc.format", "CRC (63) must be 4 hexadecimal digits")
    else:
        last = roots[-1]
        want = f"{crc16(raw[:last.offset]):04X}"
        if want != last.value.upper():
            add("mpm.crc.mismatch", f"CRC (63) is {last.value} but the payload's CRC is {want}")

    if roots and roots[0].id != "00":
        add("mpm.order.pfi_first", "payload format indicator (00) must come first")
    if "00" in first and first["00"].value != "01":
        add("mpm.pfi.value", "payload format indicator (00) must be 01")
    if not broken:
        for ident in ("00", "52", "53", "58", "59", "60"):
            if ident not in first:
                add("mpm.root.mandatory", f"mandatory data object {ident} is missing")
        if not any(2 <= int(n.id) <= 51 for n in roots):
            add("mpm.mai.present", "no merchant account information (02..51)")
    check_fields(roots, "", add)

    init = first.get("01")
    if init and init.value not in ("11", "12"):
        add("mpm.poi.value", "point of initiation (01) must be 11 or 12")
    if "58" in first and not re.fullmatch(r"[A-Z]{2}", first["58"].value):
        add("mpm.country.format", "country code (58) must be two upper-case letters")
    if "54" in first and not AMOUNT.fullmatch(first["54"].value):
        add("mpm.amount.format", "transaction amount (54) is not a non-zero number")
    tip = first["55"].value if "55" in first else None
    if tip is not None and tip not in ("01", "02", "03"):
        add("mpm.tip.value", "tip indicator (55) must be 01, 02 or 03")
    if tip == "02" and "56" not in first:
        add("mpm.tip.fixed", "tip indicator 02 requires 56")
    if "56" in first and tip != "02":
        add("mpm.tip.fixed", "56 must be absent unless tip indicator is 02")
    if "56" in first and not AMOUNT.fullmatch(first["56"].value):
        add("mpm.tip.fixed", "fixed fee (56) is not a non-zero number")
    if tip == "03" and "57" not in first:
        add("mpm.tip.percentage", "tip indicator 03 requires 57")
    if "57" in first and tip != "03":
        add("mpm.tip.percentage", "57 must be absent unless tip indicator is 03")
    if "57" in first:
        value = first["57"].value
        if not (re.fullmatch(r"[0-9]{1,2}(\.[0-9]{1,2})?", value) and float(value) >= 0.01):
            add("mpm.tip.percentage", "percentage fee (57) is not in 00.01..99.99")
    adf = first.get("62")
    if adf is not None and adf.children:
        consumer = next((c for c in adf.children if c.id == "09"), None)
        if consumer and not re.fullmatch(r"(?!.*(.).*\1)[AME]{1,3}", consumer.value):
            add("mpm.adf.consumer_request", "62.09 must combine A, M, E each at most once")
    lang = first.get("64")
    if lang is not None and lang.children is not None:
        ids = {c.id: c for c in lang.children}
        for sub in ("00", "01"):
            if sub not in ids:
                add("mpm.lang.required", f"language template (64) has no 64.{sub}")
        if "00" in ids and not re.fullmatch(r"[A-Za-z]{2}", ids["00"].value):
            add("mpm.lang.code", "64.00 must be two letters (ISO 639-1)")
    return violations


def op_validate(request: dict) -> dict:
    payload = request.get("payload")
    if not isinstance(payload, str):
        raise RequestError("bad_request", "payload must be a string")
    if request.get("profile", "emv") != "emv":
        raise RequestError("unsupported", "only profile 'emv' is implemented")
    trip_planted_faults([payload])
    violations = validate(payload)
    return {"valid": not violations, "violations": violations}


OPS = {"hello": lambda request: HELLO, "parse": op_parse, "build": op_build, "validate": op_validate}


def answer(line: str) -> dict:
    try:
        request = json.loads(line)
    except ValueError as exc:
        return {"id": None, "ok": False, "error": {"code": "bad_request", "message": f"not JSON: {exc}"}}
    if not isinstance(request, dict):
        return {"id": None, "ok": False, "error": {"code": "bad_request", "message": "request must be an object"}}
    ident = request.get("id")
    op = OPS.get(request.get("op")) if isinstance(request.get("op"), str) else None
    if op is None:
        return {"id": ident, "ok": False, "error": {"code": "unknown_op", "message": f"unknown op {request.get('op')!r}"}}
    try:
        return {"id": ident, "ok": True, "result": op(request)}
    except RequestError as exc:
        return {"id": ident, "ok": False, "error": {"code": exc.code, "message": exc.message}}
    # Any other exception (planted bug (e)) is deliberately not caught.


def main() -> int:
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").strip()
        if line:
            sys.stdout.buffer.write(json.dumps(answer(line)).encode("ascii") + b"\n")
            sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
