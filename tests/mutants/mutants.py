"""The mutation battery's mutant IUTs: the reference implementation with one realistic bug each.

Every bug is one seen in real EMV/JPQR codecs (notes/emv-mpm.md §7 and A-notes, the issue-14
field reports): a CRC over the wrong bytes, lengths counted in bytes, text decoded with the wrong
charset, values trimmed, unknown objects dropped, objects sorted, templates read flat, checks
left out, images decoded with a guess. `PLANTED` is the rule the suite must name first.
"""
from __future__ import annotations

from binascii import crc_hqx
from typing import Any, Callable

from qrinterop.emv.crc import CRC_TAG
from qrinterop.emv.mpm import build_mpm
from qrinterop.iut.reference import ReferenceIut


class Mutant(ReferenceIut):
    PLANTED = ""
    WHY = ""
    IMAGING = False           # exercise render / decode_image vectors too (slower)

    def hello(self) -> dict[str, Any]:
        hello = super().hello()
        ops = [op for op in hello["ops"] if self.IMAGING or op not in ("render", "decode_image")]
        return {**hello, "name": f"mutant-{type(self).__name__}", "ops": ops}


# ---- build: CRC and length bugs -----------------------------------------------------------------

def _rebuild_crc(payload: str, crc_of: Callable[[str], str]) -> str:
    body = payload[:-4]
    return body + crc_of(body)


def _crc_mutant(name: str, why: str, crc_of: Callable[[str], str]) -> type:
    def build(self, objects, mode="mpm"):
        built = ReferenceIut.build(self, objects, mode)
        if mode == "mpm":
            built["payload"] = _rebuild_crc(built["payload"], crc_of)
        return built
    return type(name, (Mutant,), {"PLANTED": "mpm.crc.mismatch", "WHY": why, "build": build})


def _units_low(text: str) -> bytes:
    raw = text.encode("utf-16-be")
    return bytes(raw[i + 1] for i in range(0, len(raw), 2))


CrcWithoutTag = _crc_mutant("CrcWithoutTag", "CRC over the objects without '6304' (DannielWhatever/emvqr #8-style)",
                            lambda body: f"{crc_hqx(body[:-4].encode(), 0xFFFF):04X}")
CrcUtf16LowByte = _crc_mutant("CrcUtf16LowByte", "JavaScript charCodeAt(i) & 0xFF per UTF-16 unit",
                              lambda body: f"{crc_hqx(_units_low(body), 0xFFFF):04X}")
CrcShiftJis = _crc_mutant("CrcShiftJis", "CRC over Shift_JIS bytes (Japanese POS default charset)",
                          lambda body: f"{crc_hqx(body.encode('cp932', errors='replace'), 0xFFFF):04X}")
CrcXmodem = _crc_mutant("CrcXmodem", "CRC-16/XMODEM (init 0x0000) instead of CCITT-FALSE",
                        lambda body: f"{crc_hqx(body.encode(), 0):04X}")
CrcLatin1 = _crc_mutant("CrcLatin1", "CRC over code points modulo 256 (a byte[] cast of a Java char)",
                        lambda body: f"{crc_hqx(bytes(ord(c) & 0xFF for c in body), 0xFFFF):04X}")


def _tlv(objects, lengths: Callable[[str], int]) -> str:
    out = []
    for o in objects:
        if o.get("id") == "63":
            continue
        value = _tlv(o["children"], lengths) if "children" in o else o["value"]
        out.append(f"{o['id']}{lengths(value):02d}{value}")
    return "".join(out)


class BuildLengthInBytes(Mutant):
    PLANTED, WHY = "mpm.tlv.length", "LEN = len(value.encode('utf-8')) in the builder"

    def build(self, objects, mode="mpm"):
        if mode != "mpm":
            return super().build(objects, mode)
        super().build(objects, mode)          # refuses what the reference refuses: one bug only
        items = sorted(objects, key=lambda o: o.get("id") != "00")
        body = _tlv(items, lambda v: len(v.encode("utf-8"))) + CRC_TAG
        return {"payload": body + f"{crc_hqx(body.encode(), 0xFFFF):04X}"}


class BuildTrimsValues(Mutant):
    PLANTED, WHY = "iut.build.faithful", "builder strips leading/trailing spaces of every value"

    def build(self, objects, mode="mpm"):
        return super().build(_map_values(objects, str.strip), mode)


class BuildDropsUnknown(Mutant):
    PLANTED, WHY = "iut.build.faithful", "builder writes only the IDs it knows (drops RFU 65-79 / unreserved 80-99)"

    def build(self, objects, mode="mpm"):
        if mode != "mpm":
            return super().build(objects, mode)
        return super().build([o for o in objects if not 65 <= int(o.get("id", "0") if str(o.get("id", "0")).isdigit()
                                                                  else 0) <= 99], mode)


class BuildKeepsGivenOrder(Mutant):
    PLANTED, WHY = "mpm.order.pfi_first", "builder writes objects exactly as given, 00 wherever it was"

    def build(self, objects, mode="mpm"):
        if mode != "mpm":
            return super().build(objects, mode)
        super().build(objects, mode)          # refuses what the reference refuses: one bug only
        body = _tlv(list(objects), len) + CRC_TAG
        return {"payload": body + f"{crc_hqx(body.encode(), 0xFFFF):04X}"}


def _map_values(objects, f):
    out = []
    for o in objects:
        if "children" in o:
            out.append({**o, "children": _map_values(o["children"], f)})
        elif isinstance(o.get("value"), str):
            out.append({**o, "value": f(o["value"]) or o["value"]})
        else:
            out.append(o)
    return out


# ---- parse: charset, length unit, faithful-tree bugs ---------------------------------------------

def _parse_bytes(payload: str, decode: Callable[[bytes], str]) -> list[dict]:
    """A byte-oriented TLV reader (LEN counted in bytes), values decoded with `decode`."""
    from qrinterop.errors import MpmError
    data = payload.encode("utf-8")

    def level(chunk: bytes, path: str) -> list[dict]:
        out, i = [], 0
        while i < len(chunk):
            if i + 4 > len(chunk) or not chunk[i:i + 4].isdigit():
                raise MpmError("mpm.tlv.id", f"bad header at byte {i}", offset=i)
            ident, n = chunk[i:i + 2].decode(), int(chunk[i + 2:i + 4])
            if i + 4 + n > len(chunk):
                raise MpmError("mpm.tlv.truncated", f"{ident} runs past the end", offset=i)
            value = chunk[i + 4:i + 4 + n]
            full = f"{path}.{ident}" if path else ident
            if _is_template(full):
                out.append({"id": ident, "children": level(value, full)})
            else:
                out.append({"id": ident, "value": decode(value)})
            i += 4 + n
        return out
    return level(data, "")


def _is_template(path: str) -> bool:
    parts = path.split(".")
    if len(parts) == 1:
        n = int(parts[0])
        return 26 <= n <= 51 or n in (62, 64) or 80 <= n <= 99
    return len(parts) == 2 and parts[0] == "62" and 50 <= int(parts[1]) <= 99


class ParseLengthInBytes(Mutant):
    PLANTED, WHY = "mpm.tlv.length", "parser reads LEN as a byte count (C/Go []byte slicing)"

    def parse(self, payload, mode="mpm"):
        if mode != "mpm":
            return super().parse(payload, mode)
        return {"objects": _parse_bytes(payload, lambda b: b.decode("utf-8", errors="replace"))}


def _transcoded_parse(transcode: Callable[[str], str]):
    def parse(self, payload, mode="mpm"):
        tree = ReferenceIut.parse(self, payload, mode)
        if mode == "mpm":
            tree["objects"] = _map_values(tree["objects"], transcode)
        return tree
    return parse


ParseLatin1 = type("ParseLatin1", (Mutant,), {
    "PLANTED": "mpm.payload.utf8", "WHY": "values decoded as ISO-8859-1 (Java default charset on old servers)",
    "parse": _transcoded_parse(lambda v: v.encode("utf-8").decode("latin-1"))})
ParseUtf16LowByte = type("ParseUtf16LowByte", (Mutant,), {
    "PLANTED": "mpm.payload.utf8", "WHY": "String.fromCharCode(code & 0xFF) per UTF-16 unit",
    "parse": _transcoded_parse(lambda v: _units_low(v).decode("latin-1"))})
ParseShiftJis = type("ParseShiftJis", (Mutant,), {
    "PLANTED": "mpm.payload.utf8", "WHY": "scanner bytes decoded as Shift_JIS (Japanese Android default)",
    "parse": _transcoded_parse(lambda v: v.encode("utf-8").decode("cp932", errors="replace"))})


def _tree_mutant(name: str, planted: str, why: str, change: Callable[[list], list]) -> type:
    def parse(self, payload, mode="mpm"):
        tree = ReferenceIut.parse(self, payload, mode)
        if mode == "mpm":
            tree["objects"] = change(tree["objects"])
        return tree
    return type(name, (Mutant,), {"PLANTED": planted, "WHY": why, "parse": parse})


def _drop_unknown(objects: list) -> list:
    known = lambda i: i.isdigit() and not (65 <= int(i) <= 79)   # noqa: E731
    return [({**o, "children": _drop_unknown(o["children"])} if "children" in o else o)
            for o in objects if known(o["id"])]


def _flat_62(objects: list) -> list:
    out = []
    for o in objects:
        if o["id"] == "62" and "children" in o:
            out.append({"id": "62", "value": "".join(f"{c['id']}{len(c.get('value', '')):02d}{c.get('value', '')}"
                                                     for c in o["children"])})
        else:
            out.append(o)
    return out


ParseTrims = _tree_mutant("ParseTrims", "iut.parse.faithful", "value.trim() on every value (common in JS/PHP codecs)",
                          lambda objs: _map_values(objs, str.strip))
ParseDropsRfu = _tree_mutant("ParseDropsRfu", "iut.parse.faithful", "parser keeps only the IDs in its dictionary",
                             _drop_unknown)
ParseSorts = _tree_mutant("ParseSorts", "iut.parse.faithful", "objects kept in a map and returned sorted by ID",
                          lambda objs: sorted(objs, key=lambda o: o["id"]))
ParseFlat62 = _tree_mutant("ParseFlat62", "iut.parse.faithful", "62 Additional Data returned as a plain value",
                           _flat_62)


class ParseNoDuplicateCheck(Mutant):
    PLANTED, WHY = "mpm.tlv.duplicate", "objects collected into a dict: a repeated ID silently wins"

    def parse(self, payload, mode="mpm"):
        try:
            return super().parse(payload, mode)
        except Exception as exc:
            if getattr(exc, "rule", None) != "mpm.tlv.duplicate":
                raise
            return {"objects": _parse_bytes(payload, lambda b: b.decode("utf-8"))} if payload.isascii() else \
                {"objects": []}


class ParseLenient(Mutant):
    PLANTED, WHY = "mpm.tlv.truncated", "a value running past the end is cut, not rejected"

    def parse(self, payload, mode="mpm"):
        try:
            return super().parse(payload, mode)
        except Exception as exc:
            if getattr(exc, "rule", None) != "mpm.tlv.truncated":
                raise
            return {"objects": [{"id": payload[:2], "value": payload[4:] or "?"}]}


class ParseCrashesOnNonAscii(Mutant):
    PLANTED, WHY = "iut.robust.crash", "payload.encode('ascii') in the reader: UnicodeEncodeError escapes"

    def parse(self, payload, mode="mpm"):
        payload.encode("ascii")
        return super().parse(payload, mode)


# ---- validate: checks left out (lenient validators) ---------------------------------------------

def _lenient(rule: str, why: str, also_parse: bool = False) -> type:
    def validate(self, payload, profile="emv"):
        result = ReferenceIut.validate(self, payload, profile)
        kept = [v for v in result["violations"] if v["rule"] != rule]
        result["violations"] = kept
        result["valid"] = not any(v.get("level") == "MUST" for v in kept)
        return result
    name = "Skip_" + rule.replace(".", "_")
    return type(name, (Mutant,), {"PLANTED": rule, "WHY": why, "validate": validate})


LENIENT = [_lenient(rule, why) for rule, why in [
    ("mpm.crc.mismatch", "CRC never recomputed when validating (many scanners trust the code)"),
    ("mpm.crc.present", "a payload without 63 is not flagged"),
    ("mpm.order.pfi_first", "PFI accepted anywhere"),
    ("mpm.order.crc_last", "CRC accepted anywhere"),
    ("mpm.pfi.value", "any Payload Format Indicator value accepted"),
    ("mpm.poi.value", "any Point of Initiation value accepted"),
    ("mpm.mai.present", "no Merchant Account Information required"),
    ("mpm.root.mandatory", "mandatory root objects not checked"),
    ("mpm.country.format", "country code not checked"),
    ("mpm.amount.format", "amount parsed with parseFloat (accepts '1e3', '0')"),
    ("mpm.tip.value", "tip indicator not checked"),
    ("mpm.tip.fixed", "fixed fee not required with 55=02"),
    ("mpm.tip.percentage", "percentage fee not required with 55=03"),
    ("mpm.template.gui", "template GUI not required"),
    ("mpm.field.format", "character sets of fields not checked"),
    ("mpm.field.length", "field lengths not checked"),
    ("mpm.lang.required", "language template 64 may lack 00/01"),
    ("mpm.adf.consumer_request", "62.09 not checked"),
    ("mpm.tlv.duplicate", "duplicate IDs not detected by the validator"),
    ("mpm.tlv.empty", "zero-length objects accepted"),
    ("mpm.crc.format", "CRC hex digits not checked"),
    ("jpqr.mai.gui", "JPQR: the JPQR GUI in the merchant account template not checked"),
]]


class ValidateLengthInBytes(Mutant):
    PLANTED, WHY = "mpm.tlv.length", "validator re-reads the payload counting bytes"

    def validate(self, payload, profile="emv"):
        if not payload.isascii():
            try:
                _parse_bytes(payload, lambda b: b.decode("utf-8", errors="replace"))
            except Exception as exc:
                return {"valid": False, "violations": [{"rule": getattr(exc, "rule", "mpm.tlv.id"),
                                                         "message": str(exc)}]}
        return super().validate(payload, profile)


class JpqrFirstMaiOnly(Mutant):
    PLANTED, WHY = "jpqr.mai.gui", "JPQR reader that looks only at the first merchant account object (02-51)"

    def validate(self, payload, profile="emv"):
        result = super().validate(payload, profile)
        if profile != "jpqr":
            return result
        from qrinterop.emv.mpm import parse_mpm
        try:
            objects = parse_mpm(payload).to_objects()
        except Exception:
            return result
        first = next((o for o in objects if o["id"].isdigit() and 2 <= int(o["id"]) <= 51), None)
        gui = next((c["value"] for c in (first or {}).get("children", []) if c["id"] == "00"), None)
        if first is not None and gui != "jp.or.paymentsjapan":
            result["violations"].append({"rule": "jpqr.mai.gui", "message": f"{first['id']} is not JPQR",
                                         "level": "MUST"})
            result["valid"] = False
        return result


# ---- imaging ------------------------------------------------------------------------------------

class DecodeLatin1(Mutant):
    PLANTED, WHY, IMAGING = "iut.decode.exact", "byte-mode segment decoded as ISO-8859-1 (ZXing default)", True

    def decode_image(self, png_base64):
        got = super().decode_image(png_base64)
        got["payload"] = got["payload"].encode("utf-8").decode("latin-1")
        return got


class DecodeShiftJisGuess(Mutant):
    PLANTED, WHY, IMAGING = "iut.decode.exact", "byte segment without ECI guessed as Shift_JIS (zxing's Japanese " \
        "heuristic) and decoded so", True

    def decode_image(self, png_base64):
        got = super().decode_image(png_base64)
        if not got["payload"].isascii():
            got["payload"] = got["payload"].encode("utf-8").decode("cp932", errors="replace")
        return got


class DecodeStripsSpaces(Mutant):
    PLANTED, WHY, IMAGING = "iut.decode.exact", "decoded text .strip()ed before it is returned", True

    def decode_image(self, png_base64):
        got = super().decode_image(png_base64)
        got["payload"] = got["payload"].strip() + ("" if got["payload"].strip() != got["payload"] else " ")
        return got


class RenderLatin1(Mutant):
    PLANTED, WHY, IMAGING = "iut.render.readable", "text put in the symbol as Latin-1 mojibake", True

    def render(self, payload):
        return super().render(payload.encode("utf-8").decode("latin-1") if not payload.isascii() else payload + " ")


ALL: list[type] = [CrcWithoutTag, CrcUtf16LowByte, CrcShiftJis, CrcXmodem, CrcLatin1, BuildLengthInBytes,
                   BuildTrimsValues, BuildDropsUnknown, BuildKeepsGivenOrder, ParseLengthInBytes, ParseLatin1,
                   ParseUtf16LowByte, ParseShiftJis, ParseTrims, ParseDropsRfu, ParseSorts, ParseFlat62,
                   ParseNoDuplicateCheck, ParseLenient, ParseCrashesOnNonAscii, *LENIENT, ValidateLengthInBytes, JpqrFirstMaiOnly,
                   DecodeLatin1, DecodeShiftJisGuess, DecodeStripsSpaces, RenderLatin1]

class CrcLowercase(Mutant):
    PLANTED, WHY = "mpm.crc.uppercase", "CRC written in lower-case hex (seen in the wild, notes V7)"

    def build(self, objects, mode="mpm"):
        built = super().build(objects, mode)
        if mode == "mpm":
            built["payload"] = built["payload"][:-4] + built["payload"][-4:].lower()
        return built


# Mutants the certification rightly does not fail, with why (not counted in the score; each is
# checked by a test to end in the warning it should).
EQUIVALENT: dict[str, str] = {
    "CrcLowercase": "mpm.crc.uppercase is SHOULD (EMV shows upper case only in an example; notes/emv-mpm.md §6 V7 quotes a lower-case CRC from the wild): "
                    "the suite warns, certification does not fail, by design",
}
EQUIVALENT_MUTANTS: list[type] = [CrcLowercase]


# ---- legitimate variants: choices the spec leaves open; the suite must not fail them ------------

class CrcCheckingParser(Mutant):
    WHY = "parse verifies the CRC and rejects a mismatch (as many real codecs do): allowed (mpm-structure/31)"

    def parse(self, payload, mode="mpm"):
        from qrinterop.emv.crc import crc_hex
        from qrinterop.errors import MpmError
        if mode == "mpm" and len(payload) >= 8 and payload[-8:-4] == CRC_TAG and \
                crc_hex(payload[:-4]) != payload[-4:].upper():
            raise MpmError("mpm.crc.mismatch", "CRC does not match")
        return super().parse(payload, mode)


class CanonicalOrderBuilder(Mutant):
    WHY = "build sorts the objects by ID (EMV fixes only 00 first and 63 last)"

    def build(self, objects, mode="mpm"):
        if mode != "mpm":
            return super().build(objects, mode)
        return {"payload": build_mpm(objects, order="canonical")}


class EmptyOmittingBuilder(Mutant):
    WHY = "build omits an object with an empty value instead of refusing (allowed: mpm-structure build case)"

    def build(self, objects, mode="mpm"):
        from qrinterop.vectorsets.evaluate import without_empty
        return super().build(without_empty(objects) if mode == "mpm" else objects, mode)


LEGITIMATE: list[type] = [CrcCheckingParser, CanonicalOrderBuilder, EmptyOmittingBuilder]
