"""EMV CPM rules: the consumer-presented QR (base64 of BER-TLV), as a reader must check it.

Source: EMV QRCPS Consumer-Presented Mode; section numbers follow the v1.0 (July 2017) text
(notes/emv-cpm.md §0: no v1.1 body was found). "Notes C1…C8" are the disagreements in
notes/emv-cpm.md §6. Transparent templates (63, 64) are opaque to the POI (§5.1.1.7-9), so
no content rule looks inside them.
"""
from __future__ import annotations

import re

from qrinterop.emv.cpm import CpmPayload, Tlv
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule


def _r(id_: str, level: str, title: str, source: str, description: str) -> Rule:
    return Rule(id_, title, f"EMV CPM {source}", level, "cpm", description)


RULES: tuple[Rule, ...] = (
    _r("cpm.base64", MUST, "QR text is RFC 4648 base64", "§3.2, §5.1.1.2",
       "Standard alphabet with '=' padding, as in every spec example; URL-safe or unpadded text is "
       "not EMV CPM (notes C6)."),
    _r("cpm.ber.tag", MUST, "Tags are well-formed BER tags", "§3.1.1.1, EMV Book 3 Annex B1",
       "A first byte with low bits 11111 continues; continuation bytes with bit 8 set continue further."),
    _r("cpm.ber.length", MUST, "Lengths use the EMV BER forms", "EMV Book 3 Annex B2",
       "Short form below 128, long form 81 xx / 82 xx xx in minimal form; indefinite (80) is invalid. "
       "Templates over 127 bytes need the long form (notes C1: a common encoder bug)."),
    _r("cpm.ber.truncated", MUST, "Every value lies inside its template", "EMV Book 3 Annex B",
       "A declared length does not run past the end of the payload or of the enclosing template."),
    _r("cpm.pfi.first", MUST, "Payload Format Indicator (85) comes first", "§3.1, §5.1.1.2",
       "The first object is tag 85; otherwise the code is not EMV CPM."),
    _r("cpm.pfi.value", MUST, "Payload Format Indicator is 'CPV01'", "§5.1.1.3, Annex A",
       "Tag 85 holds 'CPV' and two digits; only 'CPV01' is this version (notes C7)."),
    _r("cpm.app.present", MUST, "At least one Application Template (61)", "§5.1.1.3",
       "A payload without tag 61 is an error."),
    _r("cpm.app.count", MUST, "At most two Application Templates", "§3.1 (notes C2, C3)",
       "The spec defines one or two 61 templates; three or more are rejected (as mvallim does)."),
    _r("cpm.app.aid", MUST, "Each Application Template has an ADF Name of 5-16 bytes", "§5.1.1.4",
       "Tag 4F is present in every 61 with 5 to 16 bytes; a reader skips a template without it."),
    _r("cpm.account.present", MUST, "Track 2 (57) or PAN (5A) is present", "Table 6.1",
       "The POI data of each application (its 61 plus 62) holds 57 or 5A."),
    _r("cpm.duplicate", MUST, "No primitive tag twice in the POI data", "§5.1.1.10, §3.1",
       "Within one application's 61 plus the common 62, a primitive tag appears once (so the same "
       "object is never both in 61 and 62); tag 85 appears once."),
    _r("cpm.order", SHOULD, "85, then 61s, then 62, then other templates", "§3.1 (notes C4)",
       "The order is a 'must' in §3.1 but the reader procedure never checks it: reported as a warning."),
    _r("cpm.size", SHOULD, "QR data is at most 512 bytes after base64", "§3.1, §4.1.1.1",
       "Readers must recover at least 512 bytes; longer payloads may not be supported by all readers."),
    _r("cpm.field.length", MUST, "Data object lengths per Table 6.1", "Table 6.1, Annex A",
       "4F 5-16, 50 1-16, 57 <= 19, 5A <= 10, 5F20 2-26, 5F2D 2-8, 9F08 2, 9F19 6, 9F24 29, 9F25 2 bytes."),
    _r("cpm.field.format", MUST, "Data object formats per Table 6.1", "Table 6.1, Annex A",
       "50 letters, digits and space; 5F20 printable ASCII; 5F2D pairs of letters; 9F24 upper-case "
       "letters and digits; 5A BCD digits padded with F; 9F19, 9F25 BCD digits (notes C8)."),
    _r("cpm.track2.format", MUST, "Track 2 Equivalent Data layout", "Table 6.2",
       "57 packs PAN (<= 19 digits), separator D, expiry YYMM, service code (3 digits), discretionary "
       "digits, and one F pad to a whole byte."),
    _r("cpm.issuer_url.scheme", MUST, "Issuer URL is tel: or mailto:", "Table 6.3",
       "5F50 holds a tel: (RFC 3966) or mailto: (RFC 6068) URI."),
)

_LENGTHS = {"4F": (5, 16), "50": (1, 16), "57": (1, 19), "5A": (1, 10), "5F20": (2, 26), "5F2D": (2, 8),
            "9F08": (2, 2), "9F19": (6, 6), "9F24": (29, 29), "9F25": (2, 2)}
_TRACK2 = re.compile(r"(\d{1,19})D(\d{4})(\d{3})(\d*)F?")


def _ascii(b: bytes) -> str | None:
    try:
        return b.decode("ascii")
    except UnicodeDecodeError:
        return None


def _format_problem(tag: str, value: bytes) -> str | None:
    text, hexv = _ascii(value), value.hex().upper()
    if tag == "50" and not (text is not None and re.fullmatch(r"[A-Za-z0-9 ]+", text)):
        return "must be letters, digits and spaces"
    if tag == "5F20" and not (text is not None and text.isprintable()):
        return "must be printable ASCII"
    if tag == "5F2D" and not (text is not None and len(text) % 2 == 0 and text.isalpha() and text.isascii()):
        return "must be 1-4 two-letter ISO 639 codes"
    if tag == "9F24" and not (text is not None and re.fullmatch(r"[A-Z0-9]+", text)):
        return "must be upper-case letters and digits"
    if tag == "5A" and not re.fullmatch(r"\d+F*", hexv):
        return "must be BCD digits padded with F"
    if tag in ("9F19", "9F25") and not hexv.isdigit():
        return "must be BCD digits"
    return None


def _check_poi_data(app: Tlv, common: Tlv | None, out: Findings) -> None:
    """One application's POI data: its 61 plus the common 62, transparent templates left opaque."""
    seen: dict[str, Tlv] = {}
    for template in (app, common):
        if template is None:
            continue
        for obj in template.children or ():
            if obj.constructed:
                continue
            if obj.tag in seen:
                out.add("cpm.duplicate", f"{obj.tag} appears in {seen[obj.tag].path} and {obj.path}",
                        obj.path, obj.offset, obj.value.hex().upper())
            seen[obj.tag] = obj
            _check_field(obj, out)
    aid = app.child("4F")
    if aid is None or not 5 <= len(aid.value) <= 16:
        out.add("cpm.app.aid", f"{app.path} has no ADF Name (4F) of 5-16 bytes"
                + (f" (it has {len(aid.value)})" if aid is not None else ""), app.path, app.offset)
    if "57" not in seen and "5A" not in seen:
        out.add("cpm.account.present", f"{app.path} (with 62) has neither Track 2 (57) nor PAN (5A)",
                app.path, app.offset)


def _check_field(obj: Tlv, out: Findings) -> None:
    hexv = obj.value.hex().upper()
    limits = _LENGTHS.get(obj.tag)
    if limits and not limits[0] <= len(obj.value) <= limits[1]:
        out.add("cpm.field.length", f"{obj.tag} is {len(obj.value)} bytes; {limits[0]}-{limits[1]} allowed",
                obj.path, obj.offset, hexv)
    problem = _format_problem(obj.tag, obj.value)
    if problem:
        out.add("cpm.field.format", f"{obj.tag} {problem}", obj.path, obj.offset, hexv)
    if obj.tag == "57" and not _TRACK2.fullmatch(hexv):
        out.add("cpm.track2.format", f"57 must be PAN D YYMM service-code discretionary [F], found {hexv}",
                obj.path, obj.offset, hexv)
    if obj.tag == "5F50":
        url = _ascii(obj.value) or ""
        if not url.startswith(("tel:", "mailto:")):
            out.add("cpm.issuer_url.scheme", f"5F50 must be a tel: or mailto: URI, found {url[:40]!r}",
                    obj.path, obj.offset, hexv)


def check_cpm(p: CpmPayload, out: Findings) -> None:
    out.extend(p.issues)
    objs = p.objects
    if not objs:
        return
    if len(p.text) > 512:
        out.add("cpm.size", f"QR data is {len(p.text)} bytes after base64; readers only promise 512", "", 0)
    first = objs[0]
    if first.tag != "85":
        out.add("cpm.pfi.first", f"the first object is {first.tag}, not 85", first.path, first.offset, first.tag)
    pfis = [o for o in objs if o.tag == "85"]
    for extra in pfis[1:]:
        out.add("cpm.duplicate", "tag 85 appears more than once", extra.path, extra.offset, "85")
    if pfis and pfis[0].value != b"CPV01":
        out.add("cpm.pfi.value", f"85 must be 'CPV01', found {pfis[0].value!r}", pfis[0].path, pfis[0].offset,
                pfis[0].value.hex().upper())
    apps = [o for o in objs if o.tag == "61"]
    common = next((o for o in objs if o.tag == "62"), None)
    if not apps:
        out.add("cpm.app.present", "no Application Template (61)", "", None)
    elif len(apps) > 2:
        out.add("cpm.app.count", f"{len(apps)} Application Templates; the spec defines one or two",
                apps[2].path, apps[2].offset)
    for app in apps:
        _check_poi_data(app, common, out)
    ranks = [0 if o.tag == "85" else 1 if o.tag == "61" else 2 if o.tag == "62" else 3 for o in objs]
    if ranks != sorted(ranks):
        bad = next(o for o, r, nxt in zip(objs, ranks, ranks[1:]) if r > nxt)
        out.add("cpm.order", f"{bad.tag} comes before an object that should precede it (85, 61, 62, others)",
                bad.path, bad.offset, bad.tag)


def detect(p) -> bool:
    return isinstance(p, CpmPayload)


PROFILE = Profile(name="cpm", title="EMV CPM (EMVCo Consumer-Presented Mode)", rules=RULES, check=check_cpm,
                  detect=detect, base=None)
