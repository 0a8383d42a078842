"""Reader behaviour on a payload, as data: which reader gives back the exact UTF-8 bytes, per variant.

The vectors engineer calls `reader_matrix` to record reader behaviour next to each image vector,
and the reports print it. Rendering uses the plain defaults (scale 4, border 4), so a miss is a
charset quirk of the reader, not an image-quality problem.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from qrinterop.imaging.read import READER_NAMES, read_array
from qrinterop.imaging.render import VARIANTS, RenderOptions, Variant, build_symbol, segno_arguments
from qrinterop.imaging.png import scale_matrix


def reader_matrix(payload: str, variants: Iterable[Variant | str] = VARIANTS,
                  readers: Iterable[str] = READER_NAMES) -> list[dict[str, Any]]:
    """Render `payload` in each variant, read it with each reader, and say who returned what.

    Returns one dict per (variant, reader), in variant then reader order:

        {"variant": "utf8-eci" | "utf8" | "sjis-default",
         "encoding": "utf-8" | "shift_jis" | "iso-8859-1" | "ascii",  # charset of the byte-mode data
         "eci": bool,                 # an ECI designator was written
         "reader": "zxing" | "opencv" | "pyzbar",
         "decoded": bool,             # the reader found and decoded the code
         "exact_utf8": bool,          # reader's bytes == payload.encode("utf-8")   (the EMV CRC's bytes)
         "text_exact": bool,          # reader's text == payload                    (what an app shows)
         "bytes_hex": str | None,     # the reader's bytes, hex
         "text": str | None,          # the reader's text
         "raw_exact_utf8": bool | None,  # pyzbar only: ZBar's untranscoded bytes (ZBAR_CFG_BINARY) were exact
         "error": str | None}         # why nothing was decoded

    Pure ASCII payloads give the same symbol in every variant (no ECI), so their rows only differ
    by the variant label.
    """
    expected = payload.encode("utf-8")
    names = list(readers)
    rows: list[dict[str, Any]] = []
    for variant in variants:
        options = RenderOptions(variant=variant)
        call = segno_arguments(payload, options.variant)
        # The light/dark array is exactly what decoding our PNG would give; skip the PNG round trip.
        dark = scale_matrix(build_symbol(payload, options.variant, options.error).matrix, options.scale, options.border)
        gray = (~dark).astype("uint8") * 255
        scan = read_array(gray, names)
        for name in names:
            answers = scan.by_reader(name)
            ok = [r for r in answers if r.ok]
            first = ok[0] if ok else answers[0]
            raw = first.details.get("raw_bytes") if ok else None
            rows.append({
                "variant": options.variant.value, "encoding": call.charset, "eci": call.eci, "reader": name,
                "decoded": bool(ok),
                "exact_utf8": bool(ok) and first.bytes == expected,
                "text_exact": bool(ok) and first.text == payload,
                "bytes_hex": first.bytes.hex() if ok and first.bytes is not None else None,
                "text": first.text if ok else None,
                "raw_exact_utf8": (raw == expected) if raw is not None else None,
                "error": None if ok else first.error,
            })
    return rows


def summarize(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, int]]:
    """Counts per (variant, reader) over many `reader_matrix` rows: payloads, decoded, exact_utf8,
    text_exact, raw_exact_utf8 — the numbers in docs/imaging.md's reader behaviour table."""
    table: dict[tuple[str, str], Counter] = {}
    for row in rows:
        counter = table.setdefault((row["variant"], row["reader"]), Counter())
        counter["payloads"] += 1
        for key in ("decoded", "exact_utf8", "text_exact", "raw_exact_utf8"):
            counter[key] += bool(row[key])
    return {key: dict(value) for key, value in table.items()}


def markdown_table(payloads: Iterable[str]) -> str:
    """The reader behaviour table for docs: exact UTF-8 bytes back, per variant and reader,
    as "all / Japanese-or-Chinese only" counts (like notes/imaging.md's table)."""
    payloads = list(payloads)
    rows_all: list[dict[str, Any]] = []
    rows_cjk: list[dict[str, Any]] = []
    for payload in payloads:
        rows = reader_matrix(payload)
        rows_all += rows
        if not payload.isascii():
            rows_cjk += rows
    every, cjk = summarize(rows_all), summarize(rows_cjk)
    n_all, n_cjk = len(payloads), sum(not p.isascii() for p in payloads)
    readers = list(dict.fromkeys(r["reader"] for r in rows_all))
    head = ["| variant | " + " | ".join(f"{r} bytes" for r in readers)
            + " | zxing text | pyzbar raw (ZBAR_CFG_BINARY) |",
            "|---|" + "---|" * (len(readers) + 2)]
    lines = head
    for variant in VARIANTS:
        cells = []
        for reader in readers:
            a, c = every.get((variant.value, reader), {}), cjk.get((variant.value, reader), {})
            cell = f"{a.get('exact_utf8', 0)}/{n_all}, {c.get('exact_utf8', 0)}/{n_cjk}"
            missed = a.get("payloads", 0) - a.get("decoded", 0)
            cells.append(cell + (f" ({missed} not decoded)" if missed else ""))
        zx = every.get((variant.value, "zxing"), {}).get("text_exact", 0)
        raw = every.get((variant.value, "pyzbar"), {}).get("raw_exact_utf8", 0)
        lines.append(f"| {variant.value} | " + " | ".join(cells) + f" | {zx}/{n_all} | {raw}/{n_all} |")
    return "\n".join(lines)

