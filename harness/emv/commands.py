"""CLI commands of the codec and validator: parse, build, validate, explain, rules."""
from __future__ import annotations

import argparse
import json
import sys

from qrinterop.errors import CpmError, MpmError, UsageError


def register(sub: argparse._SubParsersAction) -> None:
    def payload_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("payload", nargs="?", help="the payload; '-' or nothing reads standard input")
        p.add_argument("--file", "-f", help="read the payload from this file")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("parse", help="parse a payload into its tree of data objects")
    payload_args(p)
    p.add_argument("--mode", choices=("auto", "mpm", "cpm"), default="auto",
                   help="mpm (EMV MPM TLV text), cpm (base64 BER-TLV) or auto: decide from the payload")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("build", help="build a payload (CRC added) from a JSON list of objects")
    p.add_argument("objects", nargs="?", help='JSON: [{"id":"00","value":"01"}, …] or {"objects": […]}; '
                                              "'-' or nothing reads standard input")
    p.add_argument("--file", "-f", help="read the objects (JSON) from this file instead of the argument or stdin")
    p.add_argument("--mode", choices=("mpm", "cpm"), default="mpm",
                   help="mpm: merchant-presented (EMV MPM TLV text); cpm: consumer-presented (BER-TLV, base64)")
    p.add_argument("--order", choices=("given", "canonical"), default="given",
                   help="keep the given order (00 first) or sort every level by ID")
    p.add_argument("--json", action="store_true", help="print {\"payload\": …} as JSON instead of the bare payload")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check a payload against a profile; exit 0 valid, 1 invalid")
    payload_args(p)
    p.add_argument("--profile", "-p", default="emv", help="emv, cpm, jpqr, … or auto")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("explain", help="annotated dump: every object and what is wrong with it")
    payload_args(p)
    p.add_argument("--profile", "-p", default="auto", help="profile whose rules to apply (default: auto-detect)")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("rules", help="list the rule catalogue")
    p.add_argument("--profile", "-p", help="only the rules this profile applies (with its base)")
    p.add_argument("--json", action="store_true", help="print the catalogue as JSON (as in vectors/rules.json)")
    p.set_defaults(func=cmd_rules)


def read_input(arg: str | None, file: str | None) -> str | bytes:
    """The payload text from an argument, a file or stdin. One trailing newline from a file or a
    pipe is dropped (echo adds it; no payload ends with one); nothing else is touched. Bytes that
    are not UTF-8 are passed on as bytes so the validator can say where they break."""
    if arg is not None and arg != "-" and file:
        raise UsageError("give the payload as an argument or with --file, not both")
    if arg is not None and arg != "-":
        return arg
    if file:
        try:
            with open(file, "rb") as fh:
                raw = fh.read(1 << 20)
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror}") from None
    else:
        if sys.stdin is None or (arg is None and sys.stdin.isatty()):
            raise UsageError("no payload: give it as an argument, with --file, or on standard input")
        raw = sys.stdin.buffer.read(1 << 20)
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            raw = raw[: -len(ending)]
            break
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _emit(args, data, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else text)


def _is_cpm(text: str | bytes, mode: str) -> bool:
    return mode == "cpm" or (mode == "auto" and isinstance(text, str) and text.startswith("hQVDUFY"))


def cmd_parse(args) -> int:
    from qrinterop.emv.cpm import parse_cpm
    from qrinterop.emv.mpm import parse_mpm
    text = read_input(args.payload, args.file)
    if isinstance(text, bytes):
        raise MpmError("mpm.payload.utf8", "the input is not UTF-8 text")
    try:
        parsed = parse_cpm(text) if _is_cpm(text, args.mode) else parse_mpm(text)
    except (MpmError, CpmError) as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": {"rule": exc.rule, "message": exc.message, "path": exc.path,
                                                      "offset": exc.offset, "value": exc.value}},
                             ensure_ascii=False))
            return 1
        raise
    objects = parsed.to_objects()
    _emit(args, {"ok": True, "objects": objects}, "\n".join(_tree_lines(objects, 0)))
    return 0


def _tree_lines(objects: list[dict], depth: int) -> list[str]:
    lines = []
    for o in objects:
        if "children" in o:
            lines.append(f"{'  ' * depth}{o['id']}")
            lines += _tree_lines(o["children"], depth + 1)
        else:
            lines.append(f"{'  ' * depth}{o['id']} {o['value']}")
    return lines


def cmd_build(args) -> int:
    from qrinterop.emv.cpm import build_cpm
    from qrinterop.emv.mpm import build_mpm
    raw = read_input(args.objects, args.file)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"objects are not JSON: {exc}") from None
    objects = data.get("objects") if isinstance(data, dict) else data
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise UsageError('expected a JSON list of objects like [{"id": "00", "value": "01"}] or {"objects": [...]}')
    payload = build_cpm(objects) if args.mode == "cpm" else build_mpm(objects, order=args.order)
    _emit(args, {"payload": payload}, payload)
    return 0


def cmd_validate(args) -> int:
    from qrinterop.rules import validate
    report = validate(read_input(args.payload, args.file), args.profile)
    lines = [v.describe() for v in report.violations]
    lines.append(f"{'valid' if report.valid else 'INVALID'} under {' + '.join(report.profiles)}: "
                 f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    _emit(args, report.to_dict(), "\n".join(lines))
    return 0 if report.valid else 1


def cmd_explain(args) -> int:
    from qrinterop.rules import validate
    from qrinterop.rules.explain import render
    report = validate(read_input(args.payload, args.file), args.profile)
    if args.json:
        data = report.to_dict()
        data["objects"] = report.parsed.to_objects() if report.parsed is not None else None
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(report))
    return 0 if report.valid else 1


def cmd_rules(args) -> int:
    from qrinterop.rules import catalogue, rules_for
    rules = rules_for(args.profile) if args.profile else catalogue()
    if args.json:
        print(json.dumps([r.to_dict() for r in rules], ensure_ascii=False, indent=2))
    else:
        for r in rules:
            print(f"{r.id:<32} {r.level:<6} {r.title}  [{r.source}]")
    return 0
