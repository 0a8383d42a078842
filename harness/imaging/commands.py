"""`qrinterop render` and `qrinterop scan`: the imaging part's command line (a thin shell).

    qrinterop render PAYLOAD -o code.png [--variant utf8-eci|utf8|sjis-default] [--ec M] [--svg]
    qrinterop scan code.png [--reader zxing|opencv|pyzbar|both|all] [--json] [--lenient]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qrinterop.errors import UsageError
from qrinterop.imaging.load import DEFAULT_MAX_PIXELS
from qrinterop.imaging.read import READER_NAMES, ScanResult, read
from qrinterop.imaging.readers import ReaderResult
from qrinterop.imaging.render import VARIANTS, RenderOptions, render

READER_CHOICES = {"all": READER_NAMES, "both": ("zxing", "pyzbar"),
                  **{name: (name,) for name in READER_NAMES}}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("render", help="draw a payload as a QR code (PNG or SVG)",
                              description="Draw a payload as a QR code with segno.")
    p.add_argument("payload", help="the payload text; '-' reads it from standard input")
    p.add_argument("-o", "--output", required=True, help="file to write (code.png / code.svg)")
    p.add_argument("--variant", choices=[v.value for v in VARIANTS], default="utf8-eci",
                   help="how non-ASCII text is encoded (default utf8-eci; sjis-default is segno's naive default)")
    p.add_argument("--ec", choices=list("LMQH"), default=None,
                   help="minimum error-correction level (default: segno's, L raised when it fits)")
    p.add_argument("--scale", type=int, default=4, help="pixels per module (default 4)")
    p.add_argument("--border", type=int, default=4, help="quiet zone in modules (default 4)")
    p.add_argument("--dark", default="#000000", help="dark colour #rrggbb")
    p.add_argument("--light", default="#ffffff", help="light colour #rrggbb")
    p.add_argument("--svg", action="store_true", help="write SVG instead of PNG (also implied by a .svg name)")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=render_command)

    s = subparsers.add_parser("scan", help="read a QR image with zxing-cpp, OpenCV and pyzbar; explain the payload",
                              description="Read a QR image with every reader, flag where they disagree, "
                                          "and explain the payload the primary reader (zxing-cpp) read.")
    s.add_argument("image", help="PNG/JPEG file to read")
    s.add_argument("--reader", choices=list(READER_CHOICES), default="all",
                   help="which readers (default all; 'both' = zxing and pyzbar)")
    s.add_argument("--profile", default="auto",
                   help="profile for the explanation (default auto: guessed from the payload)")
    s.add_argument("--max-pixels", type=int, default=DEFAULT_MAX_PIXELS,
                   help=f"refuse larger images (default {DEFAULT_MAX_PIXELS})")
    s.add_argument("--lenient", action="store_true",
                   help="exit 0 even when the readers disagree (default: exit 1, since wallets built on "
                        "those readers would read the code differently; what each reader read is printed "
                        "either way)")
    s.add_argument("--strict", action="store_true", help=argparse.SUPPRESS)   # the default since 0.1: kept for old scripts
    s.add_argument("--json", action="store_true", help="print the scan as JSON")
    s.set_defaults(func=scan_command)


def render_command(args: argparse.Namespace) -> int:
    payload = sys.stdin.read().rstrip("\r\n") if args.payload == "-" else args.payload
    if not payload:
        raise UsageError("render: the payload is empty")
    kind = "svg" if args.svg or args.output.lower().endswith(".svg") else "png"
    options = RenderOptions(variant=args.variant, error=args.ec, scale=args.scale, border=args.border,
                            dark=args.dark, light=args.light)
    rendered = render(payload, options, kind=kind)
    try:
        Path(args.output).write_bytes(rendered.data)
    except OSError as exc:
        raise UsageError(f"render: cannot write {args.output}: {exc.strerror or exc}") from None
    sym = rendered.symbol
    info = {"output": args.output, "kind": kind, "variant": rendered.variant.value, "encoding": rendered.encoding,
            "eci": rendered.eci, "version": sym.version, "error": sym.error, "mask": sym.mask, "mode": sym.mode,
            "modules": int(sym.matrix.shape[0]), "bytes": len(rendered.data)}
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        eci = " with ECI 26" if rendered.eci else ""
        print(f"wrote {args.output}: QR version {sym.version}-{sym.error}, mask {sym.mask}, "
              f"{sym.mode} mode, {rendered.encoding}{eci}, {len(rendered.data)} bytes")
    return 0


def _show_result(result: ReaderResult) -> list[str]:
    if not result.ok:
        return [f"  {result.reader:7} no result: {result.error}"]
    data = result.bytes or b""
    lines = []
    if result.utf8 is not None:
        lines.append(f"  {result.reader:7} {len(data)} bytes, valid UTF-8: {result.utf8}")
    else:
        lines.append(f"  {result.reader:7} {len(data)} bytes, NOT valid UTF-8: {data!r}")
        if result.text is not None:
            lines.append(f"  {'':7} its text: {result.text}")
    raw = result.details.get("raw_bytes")
    if raw is not None and raw != data:
        raw_text = raw.decode("utf-8", errors="backslashreplace")
        lines.append(f"  {'':7} ZBar transcoded the data (charset guess); raw bytes were {len(raw)}: {raw_text}")
    return lines


def _explain(payload: str, profile: str) -> str:
    try:
        from qrinterop.rules.explain import explain  # the rules part owns explain; it may land later
    except ImportError:
        return "(explain is not available yet: qrinterop.rules.explain is not installed)"
    try:
        return explain(payload, profile=profile)
    except Exception as exc:  # the payload may be anything a QR holds; explain's failure is not scan's
        return f"(explain could not explain it: {exc})"


def _payload_text(result: ReaderResult) -> str:
    if result.utf8 is not None:
        return result.utf8
    return result.text if result.text is not None else (result.bytes or b"").decode("utf-8", "replace")


def scan_command(args: argparse.Namespace) -> int:
    readers = READER_CHOICES[args.reader]
    scan: ScanResult = read(args.image, readers, max_pixels=args.max_pixels)
    primary = scan.primary
    payloads = []
    if primary is not None:
        seen = set()
        for r in scan.by_reader(primary.reader):
            if r.ok and r.bytes not in seen:
                seen.add(r.bytes)
                payloads.append(_payload_text(r))
    if args.json:
        doc = scan.to_json()
        doc["image"] = args.image
        doc["primary"] = primary.reader if primary else None
        doc["explain"] = [{"payload": p, "explain": _explain(p, args.profile)} for p in payloads]
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        counts = ", ".join(f"{name} {n}" for name, n in scan.codes.items())
        print(f"{args.image}: {scan.width}×{scan.height} px; codes read: {counts}"
              + (" — MORE THAN ONE CODE in the image" if scan.multiple else ""))
        for result in scan.results:
            print("\n".join(_show_result(result)))
        if scan.disagreements:
            print("readers DISAGREE:")
            for note in scan.disagreements:
                print(f"  - {note}")
        elif primary is not None and len(readers) > 1:
            print("readers agree")
        for payload in payloads:
            print(f"\npayload ({primary.reader if primary else '-'}): {payload}")
            print(_explain(payload, args.profile))
    if primary is None:
        if not args.json:
            print("no reader found a QR code in the image")
        return 1
    if scan.disagreements:
        print(f"qrinterop scan: the readers DISAGREE on {args.image} ({len(scan.disagreements)} difference(s))"
              + ("; exit 0 (--lenient)" if args.lenient else "; exit 1 (--lenient makes it 0)"), file=sys.stderr)
    return 1 if scan.disagreements and not args.lenient else 0
