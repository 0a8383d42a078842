"""`explain`: a readable, annotated dump of a payload — each object's id, name, length and value,
and under it what is wrong with it; then the findings that belong to no object present, the
profiles the payload claims, and what each profile has to add (e.g. which wallets accept it)."""
from __future__ import annotations

from qrinterop.emv import cpm as cpm_codec
from qrinterop.emv.dictionary import spec_for
from qrinterop.rules import get_profile, validate
from qrinterop.rules.model import ValidationReport

_MARK = {"MUST": "✗", "SHOULD": "!", "MAY": "·"}


def explain(payload: str | bytes, profile: str = "auto") -> str:
    """The annotated dump of `payload` validated under `profile` (default: every profile it claims)."""
    report = validate(payload, profile)
    return render(report)


def render(report: ValidationReport) -> str:
    parsed = report.parsed
    lines: list[str] = []
    text = report.payload
    if parsed is None:
        lines.append("Payload: not UTF-8 text")
    else:
        lines.append(f"Payload: {len(text)} characters, {len(text.encode('utf-8', 'surrogatepass'))} UTF-8 bytes; "
                     f"profiles: {', '.join(report.profiles)}")
    by_path: dict[str, list] = {}
    for v in report.violations:
        by_path.setdefault(v.path, []).append(v)
    shown: set[int] = set()
    if isinstance(parsed, cpm_codec.CpmPayload):
        lines.append(f"Decoded: {len(parsed.data)} bytes of BER-TLV")
        for obj in parsed.walk():
            depth = obj.path.count(".")
            name = cpm_codec.TAG_NAMES.get(obj.tag, "unknown tag")
            shown_value = "" if obj.constructed else _hex_and_text(obj.value)
            lines.append(f"{'  ' * depth}{obj.tag:<6} {name:<44} {len(obj.value):>3}  {shown_value}")
            lines += _findings(by_path.get(obj.path, ()), depth)
            shown.update(id(v) for v in by_path.get(obj.path, ()))
    elif hasattr(parsed, "params"):  # a upi://pay? URI: parameters, not data objects
        lines.append(f"{'PARAM':<9}{'':<44}{'LEN':>3}  VALUE")
        for param in parsed.params:
            lines.append(f"{param.name:<53}{len(param.value):>3}  {param.value}")
            mine = [v for v in by_path.get(param.name, ()) if v.offset in (None, param.offset)]
            lines += _findings(mine, 0)
            shown.update(id(v) for v in mine)
    elif parsed is not None:
        names = _profile_names(parsed, report.profiles)
        lines.append(f"{'ID':<9}{'NAME':<44}{'LEN':>3}  VALUE")
        for obj in parsed.walk():
            depth = obj.path.count(".")
            spec = spec_for(obj.path)
            name = names.get(obj.path) or (spec.name if spec else "unknown")
            value = "" if obj.children is not None else obj.value
            lines.append(f"{'  ' * depth}{obj.path:<{9 - 2 * depth}}{name[:43]:<44}{len(obj.value):>3}  {value}")
            mine = [v for v in by_path.get(obj.path, ()) if _belongs(v, obj)]
            lines += _findings(mine, depth)
            shown.update(id(v) for v in mine)
    rest = [v for v in report.violations if id(v) not in shown]
    if rest:
        lines.append("Findings not tied to an object present:")
        lines += _findings(rest, 0)
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"Verdict: {'valid' if report.valid else 'INVALID'} ({errors} error{'s' * (errors != 1)}, "
                 f"{warnings} warning{'s' * (warnings != 1)}) under {' + '.join(report.profiles)}")
    for name in report.profiles:
        describe = get_profile(name).describe
        if describe is not None and hasattr(parsed, "objects"):  # profile hooks read TLV trees
            extra = describe(parsed)
            if extra:
                lines.append(f"{get_profile(name).title}:")
                lines += [f"  {line}" for line in extra]
    return "\n".join(lines)


def _belongs(v, obj) -> bool:
    """A finding belongs to the object whose text holds its offset (two objects share a path when
    an ID is duplicated); one without an offset belongs to the first object on its path."""
    if v.offset is None:
        return True
    return obj.offset <= v.offset < obj.offset + 4 + len(obj.value)


def _findings(violations, depth: int) -> list[str]:
    return [f"{'  ' * depth}   {_MARK.get(v.level, '?')} [{v.rule}] {v.level}: {v.message}"
            + (f" (offset {v.offset})" if v.offset is not None else "") for v in violations]


def _profile_names(parsed, profiles: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for name in profiles:
        hook = get_profile(name).names
        if hook is not None:
            names.update(hook(parsed))
    return names


def _hex_and_text(value: bytes) -> str:
    text = value.decode("ascii", "replace")
    readable = text.isprintable() and "\ufffd" not in text
    return value.hex().upper() + (f"  '{text}'" if readable else "")
