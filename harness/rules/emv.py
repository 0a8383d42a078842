"""EMV MPM rules: every MUST/SHOULD of the merchant-presented spec as a record, with its check.

Sources: EMV QRCPS Merchant-Presented Mode. Section numbers follow the v1.0 (July 2017) text,
the only body we could read; the v1.1 additions (62-10, 62-11) are in the dictionary but their
formats are unverified (notes/emv-mpm.md §0). "Notes A1…A14" are the implementation
disagreements listed in notes/emv-mpm.md §7, each of which a rule below pins down.
"""
from __future__ import annotations

import re
from typing import Callable
from binascii import crc_hqx

from qrinterop.emv import dictionary as d
from qrinterop.emv.crc import crc_hex, utf16_low_bytes
from qrinterop.emv.currencies import CURRENCIES
from qrinterop.emv.mpm import MAX_PAYLOAD_LENGTH, DataObject, MpmPayload
from qrinterop.rules.model import MAY, MUST, SHOULD, Findings, Profile, Rule

SPEC = "EMV MPM"


def _r(id_: str, level: str, title: str, source: str, description: str) -> Rule:
    return Rule(id_, title, f"{SPEC} {source}", level, "emv", description)


RULES: tuple[Rule, ...] = (
    # --- structure: reported by the scanner (qrinterop.emv.mpm) -----------------------------
    _r("mpm.tlv.id", MUST, "ID is two digits", "§3.2, §4.4",
       "Every data object starts with a two-digit ID 00-99."),
    _r("mpm.tlv.length", MUST, "Length is two digits", "§4.4.1.1",
       "The length field is two digits and counts characters (not bytes) of the value."),
    _r("mpm.tlv.empty", MUST, "Value is not empty", "§4.4.1.2",
       "A present data object holds 01-99 characters; length 00 is not allowed."),
    _r("mpm.tlv.truncated", MUST, "Value lies inside the payload", "§3.2",
       "The declared length fits in what remains of the payload or of the enclosing template; "
       "a parser that counts UTF-8 bytes instead of characters reports this on non-ASCII text."),
    _r("mpm.tlv.duplicate", MUST, "ID appears at most once per level", "§4.3.1.2",
       "Each ID occurs at most once at the root and at most once inside each template."),
    _r("mpm.payload.utf8", MUST, "Payload bytes are UTF-8", "§1.4.3, §4.12",
       "Characters are encoded in UTF-8 (ECI 000026 when any is outside ans); bytes that are not "
       "UTF-8 cannot be a payload (a Shift_JIS rendering read back as bytes, for instance)."),
    _r("mpm.payload.size", SHOULD, "Payload is at most 512 characters", "§4.1",
       "The payload should not exceed 512 characters (less when multi-byte characters are used)."),
    # --- order -----------------------------------------------------------------------------------
    _r("mpm.order.pfi_first", MUST, "Payload Format Indicator is the first object", "§4.6.1.1",
       "ID 00 is the first data object of the payload."),
    _r("mpm.order.crc_last", MUST, "CRC is the last object", "§4.6.1.2",
       "ID 63 is the last data object; nothing (not even whitespace) follows its value."),
    # --- CRC -------------------------------------------------------------------------------------
    _r("mpm.crc.present", MUST, "CRC is present", "§4.7.3, Table 3.6",
       "ID 63 is mandatory; a decoder must require it (notes A3: several decoders did not)."),
    _r("mpm.crc.format", MUST, "CRC is four hex digits", "§4.7.3.2",
       "ID 63 has length 04 and holds four hexadecimal digits, zero-padded (notes A2: 'D7' for '00D7')."),
    _r("mpm.crc.uppercase", SHOULD, "CRC hex digits are upper case", "§4.7.3.2 (example)",
       "The spec's example writes upper case; a reader should accept lower case but a generator "
       "should not emit it (notes A1)."),
    _r("mpm.crc.mismatch", MUST, "CRC matches the payload", "§4.7.3.1",
       "CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over the UTF-8 bytes of every object up to "
       "and including '6304' equals ID 63's value. A valid CRC says nothing about structure (notes A12)."),
    # --- root objects ----------------------------------------------------------------------------
    _r("mpm.root.mandatory", MUST, "Mandatory root objects are present", "Table 3.6",
       "IDs 00, 52, 53, 58, 59 and 60 are present (63 is mpm.crc.present; MAI is mpm.mai.present)."),
    _r("mpm.pfi.value", MUST, "Payload Format Indicator is '01'", "§4.7.1.1",
       "ID 00 holds '01'; other values are RFU (real DuitNow codes carry '02', notes A9)."),
    _r("mpm.poi.value", MUST, "Point of Initiation Method is '11' or '12'", "§4.7.2.1",
       "ID 01, when present, is '11' (static) or '12' (dynamic); other values are RFU."),
    _r("mpm.mai.present", MUST, "At least one Merchant Account Information", "§4.7.9.1",
       "At least one of IDs 02-51 is present."),
    _r("mpm.template.gui", MUST, "Template carries a Globally Unique Identifier", "§4.7.11.2, §4.8.1.5, §4.11.1.2",
       "Templates 26-51, 80-99 and 62's 50-99 contain sub-ID 00, the GUI (AID, UUID or reverse domain)."),
    _r("mpm.template.gui_first", SHOULD, "GUI is the template's first object", "§4.7.11.2 (notes A13)",
       "The spec says a template 'shall contain' sub-ID 00; encoders (BWIPP) put it first and some "
       "decoders expect it there. Reported as a warning."),
    _r("mpm.field.format", MUST, "Value uses the object's character set", "§4.5, Tables 3.6-3.8",
       "N objects hold digits only; ans objects printable ASCII 0x20-0x7E (so 59/60 are ASCII, and "
       "local script belongs in 64); S objects any Unicode character except control characters."),
    _r("mpm.field.length", MUST, "Value length within the object's limits", "Tables 3.6-3.8, 4.2",
       "Fixed-length objects (00, 01, 52, 53, 55, 58, 63, 64-00) have exactly that length; others at "
       "most their maximum (e.g. 59 <= 25, 60 <= 15, 62-01..08 <= 25, GUI <= 32), in characters."),
    _r("mpm.rfu.id", SHOULD, "No RFU IDs", "Table 3.6 (notes A14)",
       "IDs reserved for future use (65-79 at the root, 62-12..49, 64-03..99) must not be generated; "
       "a reader should tolerate and flag them."),
    _r("mpm.country.format", MUST, "Country Code is ISO 3166-1 alpha-2", "§4.7.13",
       "ID 58 holds two upper-case letters."),
    _r("mpm.currency.known", SHOULD, "Transaction Currency is an ISO 4217 code", "§4.7.5",
       "ID 53 holds an ISO 4217 numeric code known to the reference (e.g. 392 JPY)."),
    _r("mpm.amount.format", MUST, "Transaction Amount is a non-zero decimal", "§4.7.4.1",
       "ID 54 is digits with at most one '.', and not zero: '98.73', '98' and '98.' are valid; "
       "'98,73', '0.00', '.5' are not (notes A5)."),
    _r("mpm.amount.decimals", SHOULD, "Amount decimals follow the currency exponent", "§4.7.4.1",
       "The number of decimals should not exceed the ISO 4217 exponent of ID 53 (JPY: none)."),
    _r("mpm.tip.value", MUST, "Tip or Convenience Indicator is 01, 02 or 03", "§4.7.6.1",
       "ID 55, when present, is '01' (prompt), '02' (fixed fee, needs 56) or '03' (percentage, needs 57)."),
    _r("mpm.tip.fixed", MUST, "Fixed convenience fee present exactly when 55 = 02", "§4.7.7.1",
       "ID 56 is present, a non-zero amount, if and only if ID 55 is '02'."),
    _r("mpm.tip.percentage", MUST, "Percentage convenience fee present exactly when 55 = 03", "§4.7.8.1",
       "ID 57 is present if and only if ID 55 is '03', and lies in 00.01-99.99 (notes A6)."),
    _r("mpm.adf.nonempty", MUST, "Additional Data Field Template is not empty", "§4.8.1.1",
       "ID 62, when present, holds at least one data object."),
    _r("mpm.adf.consumer_request", MUST, "Additional Consumer Data Request is a set of A, M, E", "§4.8.1.3",
       "62-09 holds any of 'A', 'M', 'E', each at most once."),
    _r("mpm.lang.required", MUST, "Language template holds 00 and 01", "§4.9.1",
       "ID 64, when present, contains 64-00 (language) and 64-01 (alternate-language merchant name)."),
    _r("mpm.lang.code", MUST, "Language Preference is ISO 639 alpha-2", "§4.9.1",
       "64-00 holds two letters (ISO 639-1), e.g. 'JA', 'ZH'."),
    _r("mpm.adf.v11_fields", MAY, "v1.1 Additional Data sub-IDs 10 and 11", "v1.1 Table 3.7 (unverified)",
       "62-10 Merchant Tax ID and 62-11 Merchant Channel were added in v1.1; a v1.0 reader treats them "
       "as RFU. Their formats are not verified against the v1.1 text, so only ans <= 99 is checked."),
)

_AMOUNT = re.compile(r"(?=[^1-9]*[1-9])\d+(\.\d*)?")   # notes §4 item 4, anchored with fullmatch
_PERCENT = re.compile(r"\d{1,2}(\.\d{1,2})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONSUMER_REQUEST = re.compile(r"(?!.*(.).*\1)[AME]{1,3}")
_MANDATORY = ("00", "52", "53", "58", "59", "60")
_MANDATORY_SET = frozenset(_MANDATORY)
_HEX = frozenset("0123456789abcdefABCDEF")
# Closed sets that replace per-call regex and str-method chains with one lookup (same verdicts):
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_COUNTRY_CODES = frozenset(a + b for a in _UPPER for b in _UPPER)           # two ASCII upper-case letters
_LETTERS = _UPPER + _UPPER.lower()
_LANGUAGE_CODES = frozenset(a + b for a in _LETTERS for b in _LETTERS)      # two ASCII letters
_CONSUMER_REQUESTS = frozenset(a + b + c for a in "AME" for b in ("", *"AME") for c in ("", *"AME")
                               if _CONSUMER_REQUEST.fullmatch(a + b + c))
_MAI_IDS = d.MAI_PRIMITIVE | d.MAI_TEMPLATES
_SPECS_AT = {"": d.ROOT, "62": d.ADDITIONAL_DATA, "64": d.LANGUAGE}


def _format_ok(fmt: str, v: str) -> bool:
    if fmt == "N":
        return v.isascii() and v.isdigit()
    if fmt == "ans":
        return v.isascii() and v.isprintable()
    return _CONTROL.search(v) is None


_FORMAT_WORDS = {"N": "digits 0-9", "ans": "printable ASCII (0x20-0x7E)", "S": "characters other than controls"}


# How a value's format is checked, once the whole payload is known (see `_compile_level`):
# 0 nothing can be wrong, 1 digits (the payload is ASCII), 2 ASCII digits, 3 printable ASCII, 4 no controls.
_NOTHING, _DIGITS, _ASCII_DIGITS, _PRINTABLE_ASCII, _NO_CONTROLS = range(5)
_CLEAN_ASCII, _NO_CONTROL_CHARS, _ANY_TEXT = range(3)  # what the whole payload is known to be


def _compile_level(specs: dict, clean: int) -> dict[str, tuple[int, int, int, int, object, str]]:
    """Per ID: (format check, min, max, flag, spec, format) with flag 1 = RFU, 2 = v1.1 addition —
    flat tuples so the per-object loop unpacks instead of calling and looking up attributes.
    Values are substrings of the payload, so a payload of printable ASCII satisfies every ans and S
    format, and one without control characters every S format: those checks become 0 (nothing)."""
    def check(fmt: str) -> int:
        if fmt == "N":
            return _DIGITS if clean == _CLEAN_ASCII else _ASCII_DIGITS
        if fmt == "ans":
            return _NOTHING if clean == _CLEAN_ASCII else _PRINTABLE_ASCII
        return _NOTHING if clean != _ANY_TEXT else _NO_CONTROLS
    return {k: (check(v.fmt), v.min_len, v.max_len, 1 if v.rfu else 2 if v.since == "1.1" else 0, v, v.fmt)
            for k, v in specs.items()}


# [what the payload is known to be] -> (root, 62, 64, other templates) tables, compiled once.
_TABLES = tuple(tuple(_compile_level(specs, clean) for specs in (d.ROOT, d.ADDITIONAL_DATA, d.LANGUAGE, d.TEMPLATE))
                for clean in (_CLEAN_ASCII, _NO_CONTROL_CHARS, _ANY_TEXT))
_control = _CONTROL.search


def _tables_for(text: str) -> tuple[dict, dict, dict, dict]:
    """Two C calls over the whole payload replace a format check per object."""
    if text.isascii() and text.isprintable():
        return _TABLES[_CLEAN_ASCII]
    return _TABLES[_NO_CONTROL_CHARS if _control(text) is None else _ANY_TEXT]


def _check_fields(objects: tuple[DataObject, ...], fast: dict, tables: tuple, out: Findings) -> None:
    # One pass per level, in payload order (the order of the findings is part of the output).
    get = fast.get
    for o in objects:
        entry = get(o[0])
        if entry is None:
            continue
        check, lo, hi, flag, spec, fmt = entry
        if o[4] is not None:  # a template: its children carry the values
            path = o[3]
            _check_fields(o[4], tables[1] if path == "62" else tables[2] if path == "64" else tables[3],
                          tables, out)
            _check_gui(o, out)
        else:
            v = o[1]
            if v:
                if check:
                    if check == _DIGITS:
                        ok = v.isdigit()
                    elif check == _ASCII_DIGITS:
                        ok = v.isascii() and v.isdigit()
                    elif check == _PRINTABLE_ASCII:
                        ok = v.isascii() and v.isprintable()
                    else:
                        ok = _control(v) is None
                    if not ok:
                        bad = next((c for c in v if not _format_ok(fmt, c)), v[:1])
                        out.add("mpm.field.format", f"{o[3]} {spec.name} must hold {_FORMAT_WORDS[fmt]}; "
                                f"found {bad!r} (U+{ord(bad):04X})", o[3], o[2] + 4, v)
                n = len(v)
                if n < lo or n > hi:
                    want = f"exactly {hi}" if lo == hi else f"at most {hi}"
                    out.add("mpm.field.length", f"{o[3]} {spec.name} is {n} characters; {want} allowed",
                            o[3], o[2] + 4, v)
        if flag:
            if flag == 1:
                out.add("mpm.rfu.id", f"{o[3]} is reserved for future use by EMVCo and must not be generated",
                        o[3], o[2], o[1])
            else:
                out.add("mpm.adf.v11_fields", f"{o[3]} {spec.name} is a v1.1 addition; v1.0 readers treat it "
                        "as RFU", o[3], o[2], o[1])


# Templates that must carry a GUI: 26-51, 80-99 and 62's 50-99, as the paths the scanner writes.
_GUI_TEMPLATES = d.MAI_TEMPLATES | d.UNRESERVED_TEMPLATES | frozenset("62." + i for i in d.ADF_TEMPLATES)


def _check_gui(o: DataObject, out: Findings) -> None:
    path = o[3]
    if path not in _GUI_TEMPLATES:
        return
    children = o[4]
    if children and children[0][0] == "00":  # the usual case, decided without a scan
        return
    if not any(c[0] == "00" for c in children):
        out.add("mpm.template.gui", f"template {path} has no sub-ID 00 (Globally Unique Identifier)",
                path, o[2], o[1])
    elif children[0][0] != "00":
        out.add("mpm.template.gui_first", f"template {path} has its GUI (00) after {children[0][3]}",
                path, o[2], o[1])


def _check_crc(p: MpmPayload, crc: DataObject | None, out: Findings) -> None:
    text = p.text
    if crc is None:
        out.add("mpm.crc.present", "no CRC (ID 63); every payload must end with 6304 and four hex digits",
                "", len(text))
        return
    value, offset = crc[1], crc[2]
    end = offset + 4 + len(value)
    if end != len(text) or p.objects[-1][0] != "63":
        out.add("mpm.order.crc_last", f"{len(text) - end} character(s) follow the CRC's value; "
                "63 must be the last object", "63", end, text[end:end + 20])
    if len(value) != 4 or not _HEX.issuperset(value):
        out.add("mpm.crc.format", f"63 must be four hex digits, found {value!r}", "63", offset + 4, value)
        return
    if not value.isupper() and not value.isdigit():
        out.add("mpm.crc.uppercase", f"63 is written in lower case ({value}); emit upper case", "63",
                offset + 4, value)
    expected = f"{crc_hqx(text[:offset + 4].encode(), 0xFFFF):04X}"  # = crc_hex, without a call
    if value.upper() != expected:
        out.add("mpm.crc.mismatch", f"63 holds {value} but the CRC of the payload is {expected}"
                + _crc_diagnosis(text[:offset + 4], value.upper()), "63", offset + 4, value)


# The known ways of computing the CRC wrong (notes §5, A8; seen in real codecs): each maps the
# covered text (every object up to and including "6304") to the CRC hex such a codec writes.
CRC_MISTAKES: tuple[tuple[str, Callable[[str], str]], ...] = (
    # The first five in the order the validator has always tried them (its messages are recorded).
    ("over Shift_JIS bytes instead of UTF-8", lambda c: f"{crc_hqx(c.encode('shift_jis'), 0xFFFF):04X}"),
    ("over UTF-16 code units instead of UTF-8 bytes", lambda c: f"{crc_hqx(c.encode('utf-16-be'), 0xFFFF):04X}"),
    ("over Latin-1 bytes (text mangled) instead of UTF-8", lambda c: f"{crc_hqx(c.encode('latin-1'), 0xFFFF):04X}"),
    ("over the bytes before '6304' (ID and length of 63 left out)", lambda c: crc_hex(c[:-4])),
    ("over the payload text without its last character", lambda c: crc_hex(c[:-1])),
    ("over the low byte of each UTF-16 code unit (charCodeAt(i) & 0xFF)",
     lambda c: f"{crc_hqx(utf16_low_bytes(c), 0xFFFF):04X}"),
    ("over Windows-31J (cp932) bytes instead of UTF-8", lambda c: f"{crc_hqx(c.encode('cp932'), 0xFFFF):04X}"),
    ("over code points modulo 256 (a char cast to a byte)",
     lambda c: f"{crc_hqx(bytes(ord(ch) & 0xFF for ch in c), 0xFFFF):04X}"),
    ("with initial value 0x0000 (CRC-16/XMODEM) instead of 0xFFFF", lambda c: f"{crc_hqx(c.encode(), 0):04X}"),
)


def crc_mistake(covered: str, found: str) -> str | None:
    """The known wrong computation that gives `found` for `covered`, or None. The UTF-8 answer
    itself is not a mistake; for ASCII text several encodings agree, and the first label wins."""
    if found.upper() == crc_hex(covered):
        return None
    for label, compute in CRC_MISTAKES:
        try:
            if compute(covered) == found.upper():
                return label
        except (UnicodeError, ValueError):
            continue
    return None


def _crc_diagnosis(covered: str, found: str) -> str:
    """Name the known way of computing it wrong that gives `found`, if one does (a finding for reports)."""
    label = crc_mistake(covered, found)
    return f" (the value found is the CRC computed {label})" if label else ""


def check_emv(p: MpmPayload, out: Findings) -> None:
    if p.issues:
        out.extend(p.issues)
    objects = p.objects
    if not objects:
        if not p.issues:
            out.add("mpm.tlv.truncated", "the payload is empty", "", 0, "")
        return
    root = {o[0]: o for o in objects}
    text = p.text
    if len(text) > MAX_PAYLOAD_LENGTH:
        out.add("mpm.payload.size", f"payload is {len(text)} characters; it should be at most 512", "", 0)
    if objects[0][0] != "00":
        out.add("mpm.order.pfi_first", f"the first object is {objects[0][0]}; 00 must come first",
                objects[0][3], objects[0][2], objects[0][0])
    _check_crc(p, root.get("63"), out)
    if not _MANDATORY_SET <= root.keys():
        for ident in _MANDATORY:
            if ident not in root:
                out.add("mpm.root.mandatory", f"mandatory object {ident} {d.ROOT[ident].name} is missing", ident)
    pfi = root.get("00")
    if pfi is not None and pfi[1] != "01":
        out.add("mpm.pfi.value", f"00 must be '01', found {pfi[1]!r}", "00", pfi[2] + 4, pfi[1])
    poi = root.get("01")
    if poi is not None and poi[1] not in ("11", "12"):
        out.add("mpm.poi.value", f"01 must be '11' (static) or '12' (dynamic), found {poi[1]!r}", "01",
                poi[2] + 4, poi[1])
    if root.keys().isdisjoint(_MAI_IDS):
        out.add("mpm.mai.present", "no Merchant Account Information (IDs 02-51)", "")
    tables = _tables_for(text)
    _check_fields(objects, tables[0], tables, out)
    _check_values(root, out)


def _check_values(root: dict, out: Findings) -> None:
    country = root.get("58")
    if country is not None and country[1] not in _COUNTRY_CODES:
        out.add("mpm.country.format", f"58 must be two upper-case letters (ISO 3166-1), found {country[1]!r}",
                "58", country[2] + 4, country[1])
    currency = root.get("53")
    exponent = None
    if currency is not None:
        known = CURRENCIES.get(currency[1])
        if known is None:
            out.add("mpm.currency.known", f"53 {currency[1]!r} is not an ISO 4217 numeric code the reference knows",
                    "53", currency[2] + 4, currency[1])
        else:
            exponent = known[1]
    amount = root.get("54")
    if amount is not None:
        _check_amount(amount, "mpm.amount.format", out)
        if exponent is not None and "." in amount[1]:
            decimals = len(amount[1].partition(".")[2])
            if decimals > exponent:
                out.add("mpm.amount.decimals", f"54 has {decimals} decimal(s); {CURRENCIES[currency[1]][0]} "
                        f"has {exponent}", "54", amount[2] + 4, amount[1])
    tip = root.get("55")
    tip_value = tip[1] if tip is not None else None
    if tip is not None and tip_value not in ("01", "02", "03"):
        out.add("mpm.tip.value", f"55 must be 01, 02 or 03, found {tip_value!r}", "55", tip[2] + 4, tip_value)
    fixed, percent = root.get("56"), root.get("57")
    if tip_value == "02" and fixed is None:
        out.add("mpm.tip.fixed", "55 is 02 (fixed fee) but 56 is missing", "56")
    elif fixed is not None and tip_value != "02":
        out.add("mpm.tip.fixed", f"56 is present but 55 is {tip_value!r}, not 02", "56", fixed[2], fixed[1])
    elif fixed is not None:
        _check_amount(fixed, "mpm.tip.fixed", out)
    if tip_value == "03" and percent is None:
        out.add("mpm.tip.percentage", "55 is 03 (percentage fee) but 57 is missing", "57")
    elif percent is not None and tip_value != "03":
        out.add("mpm.tip.percentage", f"57 is present but 55 is {tip_value!r}, not 03", "57", percent[2],
                percent[1])
    elif percent is not None and not (_PERCENT.fullmatch(percent[1]) and 0 < float(percent[1]) <= 99.99):
        out.add("mpm.tip.percentage", f"57 must lie in 00.01-99.99 without '%', found {percent[1]!r}", "57",
                percent[2] + 4, percent[1])
    adf = root.get("62")
    if adf is not None and adf[4]:
        request = next((c for c in adf[4] if c[0] == "09"), None)
        if request is not None and request[1] not in _CONSUMER_REQUESTS:
            out.add("mpm.adf.consumer_request", f"62-09 must combine A, M, E at most once each, found "
                    f"{request[1]!r}", "62.09", request[2] + 4, request[1])
    lang = root.get("64")
    if lang is not None and lang[4] is not None:
        ids = {c[0]: c for c in lang[4]}
        missing = [i for i in ("00", "01") if i not in ids]
        if missing:
            out.add("mpm.lang.required", f"64 lacks {' and '.join('64-' + m for m in missing)}", "64", lang[2],
                    lang[1])
        code = ids.get("00")
        if code is not None and code[1] not in _LANGUAGE_CODES:
            out.add("mpm.lang.code", f"64-00 must be two letters (ISO 639-1), found {code[1]!r}", "64.00",
                    code[2] + 4, code[1])


def _check_amount(o: DataObject, rule: str, out: Findings) -> None:
    if not _AMOUNT.fullmatch(o[1]):
        out.add(rule, f"{o[3]} must be a non-zero decimal (digits, at most one '.'), found {o[1]!r}", o[3],
                o[2] + 4, o[1])


def detect(p: MpmPayload) -> bool:
    return True  # every MPM payload claims EMV


PROFILE = Profile(name="emv", title="EMV MPM (EMVCo Merchant-Presented Mode)", rules=RULES, check=check_emv,
                  detect=detect, base=None)
