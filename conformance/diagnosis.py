"""Why did the IUT fail? Attribution of a failed test to the rule(s) the IUT actually broke (issue 14).

Pure functions over plain data (no I/O). The judge calls `attribute(...)` with what it knows; the
answer is a `Finding`: the rules, the method that decided them, and one sentence for the report.
The methods, best evidence first:

- **reported** — the IUT named catalogue rule ids itself (validate violations, or an error code,
  possibly through the IUT's error-code mapping) and they explain the failure;
- **diagnosis** — the suite looked at what the IUT produced: what it built is re-validated and its
  CRC recomputed under the usual wrong assumptions (no "6304" prefix, Latin-1, the low byte of each
  UTF-16 unit, Shift_JIS, lengths in bytes); what it parsed is diffed against the expected tree and
  the first differing object is classified (charset mangling, length unit, trimmed value, dropped
  object, order, nesting); an invalid payload it accepted is checked by the reference to find
  which of the vector's rules it really breaks; a crash, hang or malformed answer is the
  robustness/protocol rule alone;
- **primary** — the vector's first rule, when nothing better is known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from qrinterop.emv.crc import CRC_TAG, crc16_ccitt_false

REPORTED, DIAGNOSIS, PRIMARY = "reported", "diagnosis", "primary"

PARSE_FAITHFUL = "iut.parse.faithful"
BUILD_FAITHFUL = "iut.build.faithful"
VECTOR_VALID = "iut.vector.valid"
CRASH_RULE = "iut.robust.crash"
UTF8_RULE = "mpm.payload.utf8"
LENGTH_RULE = "mpm.tlv.length"
CRC_RULE = "mpm.crc.mismatch"

# Error answers that are the IUT's own runtime failing, not a judgement of the payload: a reject
# for one of these is not a correct rejection (issue 14: "a reject caused by a crash-like error").
_CRASH_LIKE = re.compile(
    r"\b(UnicodeDecodeError|UnicodeEncodeError|UnicodeError|IndexError|KeyError|TypeError|AttributeError|"
    r"ZeroDivisionError|RecursionError|NameError|AssertionError|NullPointerException|"
    r"ArrayIndexOutOfBoundsException|StringIndexOutOfBoundsException|ClassCastException|"
    r"RangeError|ReferenceError|SyntaxError: Unexpected|segmentation fault|SIGSEGV|"
    r"index out of range|nil pointer dereference|panic:|Traceback \(most recent call last\)|"
    r"cannot read propert(y|ies) of|is not a function|"
    r"utf-8 codec can't decode|malformed utf-?8)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    rules: tuple[str, ...]
    method: str
    text: str
    category: str | None = None

    def attribution(self) -> dict[str, Any]:
        return {"rules": list(self.rules), "method": self.method}


@dataclass(frozen=True)
class Reasons:
    """What the IUT said was wrong, in catalogue ids (after its error-code mapping)."""
    known: tuple[str, ...] = ()         # catalogue ids
    unknown: tuple[str, ...] = ()       # codes that are neither catalogue ids nor mapped
    crash_like: str | None = None       # the crash-like error text, when the answer was one


def crash_like(error: Mapping[str, Any] | None) -> str | None:
    """The error's text when it looks like the IUT's runtime failing (decoder exception, stack
    trace, panic), else None."""
    if not error:
        return None
    text = f"{error.get('code', '')}: {error.get('message', '')}"
    match = _CRASH_LIKE.search(text)
    return text.strip()[:300] if match else None


def reported_reasons(ok: bool, result: Mapping[str, Any] | None, error: Mapping[str, Any] | None,
                     known_rules: Iterable[str], error_codes: Mapping[str, str] | None = None) -> Reasons:
    """The rule ids an answer names: `violations[].rule` of a validate result, or the error code."""
    known_set = set(known_rules)
    codes = error_codes or {}
    named: list[str] = []
    if ok and isinstance(result, Mapping):
        for v in result.get("violations") or []:
            if isinstance(v, Mapping) and isinstance(v.get("rule"), str):
                named.append(v["rule"])
    elif error:
        code = str(error.get("code") or "")
        if code:
            named.append(code)
    known, unknown = [], []
    for code in named:
        rule = codes.get(code, code)
        (known if rule in known_set else unknown).append(rule if rule in known_set else code)
    return Reasons(tuple(dict.fromkeys(known)), tuple(dict.fromkeys(unknown)),
                   None if ok else crash_like(error))


# ---- charset and CRC hypotheses -------------------------------------------------------------

def _latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _cp1252(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="replace")


def _low_byte_utf16(text: str) -> str:
    units = text.encode("utf-16-be")
    return "".join(chr(units[i + 1]) for i in range(0, len(units), 2))


def _shift_jis(text: str) -> str:
    return text.encode("utf-8").decode("cp932", errors="replace")


def _utf8_replaced(text: str) -> str:
    return text.encode("utf-8").decode("ascii", errors="replace")


CHARSET_MANGLINGS = (
    ("UTF-8 bytes read as Latin-1 (one character per byte)", _latin1),
    ("UTF-8 bytes read as Windows-1252", _cp1252),
    ("the low byte of each UTF-16 code unit kept", _low_byte_utf16),
    ("UTF-8 bytes read as Shift_JIS", _shift_jis),
    ("non-ASCII bytes replaced by U+FFFD", _utf8_replaced),
)


def charset_mangling(expected: str, actual: str) -> str | None:
    """How `actual` is `expected` mangled by a wrong character set, or None."""
    if expected.isascii() or expected == actual:
        return None
    for how, mangle in CHARSET_MANGLINGS:
        try:
            if mangle(expected) == actual:
                return how
        except (UnicodeError, ValueError):
            continue
    if "\ufffd" in actual or (actual and all(ord(c) < 256 for c in actual) and not actual.isascii()):
        return "non-ASCII text mangled (not read as UTF-8)"
    return None


def crc_hypothesis(payload: str) -> str | None:
    """Which wrong CRC computation produced the CRC of `payload` (ends with 6304XXXX), or None —
    the validator's own list of known mistakes (qrinterop.rules.emv.CRC_MISTAKES)."""
    from qrinterop.rules.emv import crc_mistake
    if len(payload) < 8 or payload[-8:-4] != CRC_TAG:
        return None
    label = crc_mistake(payload[:-4], payload[-4:])
    return f"CRC computed {label}" if label else None


def _utf16_units(text: str) -> list[int]:
    raw = text.encode("utf-16-be")
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]


def unpadded_crc(payload: str) -> bool:
    """`…630X` with a 1-3 digit CRC value: the CRC was not zero-padded."""
    m = re.search(r"63(0[1-3])([0-9A-Fa-f]{1,3})$", payload)
    if not m or int(m.group(1)) != len(m.group(2)):
        return False
    body = payload[: m.start()] + CRC_TAG
    return f"{crc16_ccitt_false(body.encode('utf-8')):X}" == m.group(2).upper()


def lengths_in_bytes(payload: str) -> bool:
    """True when `payload` reads as well-formed TLV if each LEN counts UTF-8 bytes (not characters)."""
    data = payload.encode("utf-8")
    return not payload.isascii() and _tlv_bytes_ok(data, 0)


def _tlv_bytes_ok(data: bytes, depth: int) -> bool:
    i = 0
    while i < len(data):
        if i + 4 > len(data) or not data[i:i + 4].isdigit():
            return False
        n = int(data[i + 2:i + 4])
        if i + 4 + n > len(data):
            return False
        i += 4 + n
    return True


# ---- trees ------------------------------------------------------------------------------------

def _flat(objects: Any, prefix: str = "") -> list[tuple[str, str | None, bool]]:
    """Pre-order (path, value, is_template) of a tree; tolerant of malformed objects."""
    out: list[tuple[str, str | None, bool]] = []
    for o in objects if isinstance(objects, list) else []:
        if not isinstance(o, Mapping):
            continue
        path = f"{prefix}{o.get('id')}"
        if isinstance(o.get("children"), list):
            out.append((path, None, True))
            out.extend(_flat(o["children"], path + "."))
        else:
            out.append((path, o.get("value") if isinstance(o.get("value"), str) else None, False))
    return out


def tree_finding(expected: Sequence[Mapping[str, Any]] | None, actual: Any) -> Finding | None:
    """Classify the first difference between the expected and the IUT's tree."""
    exp, act = _flat(expected or []), _flat(actual)
    act_by_path = {p: (v, t) for p, v, t in act}
    exp_paths = [p for p, _, _ in exp]
    act_paths = [p for p, _, _ in act]
    # Mangled text and byte-counted lengths first: they explain the shifted objects that follow.
    for path, value, is_template in exp:
        if is_template or path not in act_by_path:
            continue
        got, got_template = act_by_path[path]
        if got_template or got is None or got == value or value is None:
            continue
        how = charset_mangling(value, got)
        if how:
            return Finding((UTF8_RULE,), DIAGNOSIS, f"{path}: {how} ({value!r} read as {got!r})", "charset")
        if not value.isascii() and len(got) < len(value) and value.startswith(got.rstrip("\ufffd")):
            return Finding((LENGTH_RULE,), DIAGNOSIS, f"{path}: value cut short ({value!r} read as {got!r}) — "
                           "LEN counted in UTF-8 bytes, not characters", "wrong-value")
        break
    if any(not (v or "").isascii() for _, v, _ in exp) and set(exp_paths) != set(act_paths) \
            and len(act_paths) and not _is_subsequence(act_paths, exp_paths):
        # Objects with other ids after a non-ASCII value: the IUT stepped by bytes.
        first_bad = next((p for p in act_paths if p not in exp_paths), None)
        if first_bad is not None:
            return Finding((LENGTH_RULE,), DIAGNOSIS, f"objects misread from {first_bad} on after non-ASCII text — "
                           "LEN counted in UTF-8 bytes, not characters", "wrong-value")
    for path, value, is_template in exp:
        if path not in act_by_path:
            parent = path.rsplit(".", 1)[0] if "." in path else None
            if parent and parent in act_by_path and not act_by_path[parent][1]:
                return Finding((PARSE_FAITHFUL,), DIAGNOSIS, f"{parent} returned as a value, not as a template "
                               f"with children (nesting)", "wrong-value")
            return Finding((PARSE_FAITHFUL,), DIAGNOSIS, f"object {path} dropped from the tree "
                           f"({'a template' if is_template else repr(value)})", "wrong-value")
        got, got_template = act_by_path[path]
        if is_template != got_template:
            return Finding((PARSE_FAITHFUL,), DIAGNOSIS, f"{path}: expected {'a template' if is_template else 'a value'}, "
                           f"got {'a template' if got_template else 'a value'} (nesting)", "wrong-value")
        if not is_template and got != value:
            if isinstance(got, str) and isinstance(value, str) and got == value.strip() or \
                    (isinstance(got, str) and isinstance(value, str) and got in (value.rstrip(), value.lstrip())):
                return Finding((PARSE_FAITHFUL,), DIAGNOSIS, f"{path}: value trimmed ({value!r} read as {got!r}); "
                               "leading and trailing spaces are part of the value", "wrong-value")
            return Finding((PARSE_FAITHFUL,), DIAGNOSIS, f"{path}: expected {value!r}, got {got!r}", "wrong-value")
    extra = [p for p in act_paths if p not in exp_paths]
    if extra:
        return Finding((PARSE_FAITHFUL,), DIAGNOSIS, f"object {extra[0]} is not in the payload", "wrong-value")
    if exp_paths != act_paths:
        return Finding((PARSE_FAITHFUL,), DIAGNOSIS, "objects returned in another order than the payload's",
                       "wrong-value")
    return None


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(p in it for p in short)


def sorted_tree(objects: Any) -> list:
    """The tree with every level sorted by id (for order-insensitive comparison)."""
    out = []
    for o in objects if isinstance(objects, list) else []:
        if isinstance(o, Mapping) and isinstance(o.get("children"), list):
            out.append({"id": o.get("id"), "children": sorted_tree(o["children"])})
        elif isinstance(o, Mapping):
            out.append({"id": o.get("id"), "value": o.get("value")})
    return sorted(out, key=lambda o: str(o.get("id")))


# ---- build ------------------------------------------------------------------------------------

def build_finding(built: str, expected_payload: str | None, violations: Sequence[tuple[str, str, str]],
                  built_tree: Any, expected_tree: Any) -> Finding | None:
    """Why the payload the IUT built is wrong. `violations` are the reference's findings
    [(rule, level, message)] in what it built; the trees are the reference's parse of both
    payloads (None when unparsable)."""
    must = [r for r, level, _ in violations if level == "MUST"]
    if CRC_RULE in must or (built and unpadded_crc(built)):
        how = crc_hypothesis(built) or ("CRC written without zero padding" if unpadded_crc(built) else None)
        if how:
            return Finding((CRC_RULE,), DIAGNOSIS, how, "wrong-value")
    if any(r in must for r in (LENGTH_RULE, "mpm.tlv.truncated", "mpm.tlv.id")) and lengths_in_bytes(built):
        return Finding((LENGTH_RULE,), DIAGNOSIS, "LEN written as a count of UTF-8 bytes, not characters", "charset")
    if must:
        first = must[0]
        text = next(m for r, level, m in violations if r == first and level == "MUST")
        return Finding(tuple(dict.fromkeys(must)), DIAGNOSIS, f"the reference finds {first} in what it built: {text}",
                       "wrong-value")
    if built_tree is not None and expected_tree is not None:
        finding = tree_finding(expected_tree, built_tree)
        if finding is not None:
            return Finding((BUILD_FAITHFUL,), DIAGNOSIS, finding.text.replace("the payload", "the objects given")
                           .replace("from the tree", "from the payload"), "wrong-value")
    return None


def rejection_finding(payload: str | None, reported: Sequence[str]) -> Finding | None:
    """A valid payload with non-ASCII text rejected for a TLV structure error that a byte-counting
    reader would hit: LEN counted in UTF-8 bytes, not characters."""
    if not payload or payload.isascii():
        return None
    structural = {"mpm.tlv.id", "mpm.tlv.length", "mpm.tlv.truncated", "mpm.tlv.empty", "mpm.tlv.duplicate",
                  "mpm.crc.present", "mpm.order.crc_last"}
    if not set(reported) & structural:
        return None       # no stated structural reason: no evidence for the length unit
    if _tlv_bytes_ok(payload.encode("utf-8"), 0):
        return None       # it reads fine by bytes too: not the cause
    said = f" (it reports {', '.join(reported)})"
    return Finding((LENGTH_RULE,), DIAGNOSIS, f"a valid payload with non-ASCII text is rejected as malformed{said}: "
                   "LEN counted in UTF-8 bytes, not characters", "wrong-verdict")


def accepted_by_bytes(payload: str | None, missed: Sequence[str]) -> Finding | None:
    """An invalid payload with non-ASCII text, accepted, that is well-formed only when LEN counts
    UTF-8 bytes (a byte-counting generator's output): the IUT counts bytes too."""
    if not payload or payload.isascii() or not _tlv_bytes_ok(payload.encode("utf-8"), 0):
        return None
    if not set(missed) & {"mpm.tlv.length", "mpm.tlv.truncated", "mpm.tlv.id", "mpm.crc.present",
                          "mpm.order.crc_last", "mpm.crc.mismatch"}:
        return None
    return Finding((LENGTH_RULE,), DIAGNOSIS, "accepted a payload that is well-formed only if LEN counts UTF-8 "
                   "bytes: it counts bytes, not characters", "wrong-verdict")


# ---- the attribution entry point -------------------------------------------------------------

def primary(case_rules: Sequence[str], fallback: str = VECTOR_VALID) -> Finding:
    rule = case_rules[0] if case_rules else fallback
    return Finding((rule,), PRIMARY, f"charged to the vector's primary rule {rule} (no better evidence)")


def choose(case_rules: Sequence[str], reported: Sequence[str] = (), diagnosed: Finding | None = None,
           confirmed: Sequence[str] = (), fallback: str = VECTOR_VALID) -> Finding:
    """The best-evidenced attribution: a diagnosis of the output, else the IUT's reported rules,
    else the vector's rules the reference confirms, else the primary rule."""
    if diagnosed is not None:
        return diagnosed
    if reported:
        return Finding(tuple(dict.fromkeys(reported)), REPORTED,
                       f"the IUT names {', '.join(dict.fromkeys(reported))} as its reason")
    if confirmed:
        rules = tuple(dict.fromkeys(confirmed))
        return Finding(rules, DIAGNOSIS, f"the reference confirms the payload breaks {', '.join(rules)}; "
                       "the IUT missed it")
    return primary(case_rules, fallback)
