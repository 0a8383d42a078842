"""The IUT's image robustness beside the reference readers': `robustness.json` for the report.

For an IUT that declares `decode_image`: the reference renders each payload, the distortions of
`qrinterop.imaging` spoil it step by step, and the IUT decodes every spoiled image — its decode
rate per level, next to zxing-cpp's, OpenCV's and ZBar's on the very same images (those come
from `qrinterop.imaging.robustness.robustness_curves`, the code behind docs/robustness.png).
For an IUT that declares `render`: the IUT renders each payload, the same distortions spoil its
image, and zxing-cpp reads it — next to zxing-cpp reading the reference's rendering.

This talks to the IUT, so it is the shell, not a report writer: `qrinterop certify` measures it
after the suite (when the IUT declares an image op) and the HTML report draws what it finds in
`robustness.json` next to run.json; `qrinterop report robustness` measures it on demand.
"""
from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

FILE_NAME = "robustness.json"
SCHEMA_ID = "qrinterop/robustness@1"
DISTORTIONS: tuple[str, ...] = ("blur", "noise", "rotate", "perspective", "scale_down")
SEVERITIES: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
IMAGE_OPS = ("decode_image", "render")


def wants_robustness(record: Mapping[str, Any]) -> bool:
    """Does the IUT of this run render or decode images?"""
    ops = (record.get("iut") or {}).get("ops") or []
    return any(op in ops for op in IMAGE_OPS)


def _png(gray: Any) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(gray).save(buf, "PNG")
    return buf.getvalue()


def _pad(gray: Any, modules_px: int = 40) -> Any:
    """A white margin, as `robustness.scene` gives the reference's codes: rotation and
    perspective must not clip the IUT's own rendering either."""
    import numpy as np
    return np.pad(gray, modules_px, constant_values=255)


def measure(spec: str, *, timeout: float = 5.0, payloads: Sequence[str] | None = None,
            distortions: Sequence[str] = DISTORTIONS, severities: Sequence[float] = SEVERITIES,
            seeds: Sequence[int] = (0,)) -> dict[str, Any]:
    """Open the IUT at `spec` and measure its curves; the result is what robustness.json holds."""
    from qrinterop.imaging.corpus import ROBUSTNESS_PAYLOADS
    from qrinterop.imaging.distort import DISTORTIONS as KNOWN
    from qrinterop.imaging.load import load_gray
    from qrinterop.imaging.read import read_array
    from qrinterop.imaging.robustness import robustness_curves, scene
    from qrinterop.imaging.distort import distort
    from qrinterop.iut import open_iut

    payloads = list(payloads or ROBUSTNESS_PAYLOADS[:2])
    started = time.monotonic()
    cases = len(payloads) * len(seeds)
    notes: list[str] = []
    curves: list[dict[str, Any]] = []
    with open_iut(spec, timeout=timeout) as iut:
        hello = iut.hello()
        if iut.supports("decode_image") or iut.supports("render"):   # else there is nothing to compare
            reference = robustness_curves(payloads, distortions=distortions, severities=severities, seeds=seeds)
            curves = [{"reader": c.reader, "distortion": c.distortion, "severities": list(c.severities),
                       "success": list(c.success)} for c in reference]
        if iut.supports("decode_image"):
            clean = [(scene(p), p) for p in payloads]
            for name in distortions:
                hits = []
                for severity in severities:
                    n = 0
                    for image, payload in clean:
                        for seed in seeds:
                            png = base64.b64encode(_png(distort(image, name, severity, seed))).decode("ascii")
                            reply = iut.decode_image(png)
                            n += bool(reply.ok and (reply.result or {}).get("payload") == payload)
                    hits.append(n / cases)
                curves.append({"reader": "IUT decode_image", "distortion": name, "severities": list(severities),
                               "success": hits})
            notes.append("IUT decode_image: the reference's rendering of each payload, distorted, decoded by "
                         "the IUT (byte-exact payload), beside each reference reader on the same images")
        if iut.supports("render"):
            rendered = []
            for payload in payloads:
                reply = iut.render(payload)
                data = (reply.result or {}).get("png_base64") if reply.ok else None
                try:
                    rendered.append((_pad(load_gray(base64.b64decode(data))), payload) if data else None)
                except Exception:  # an unreadable image reads as nothing at every level
                    rendered.append(None)
            for name in distortions:
                hits = []
                for severity in severities:
                    n = 0
                    for item in rendered:
                        for seed in seeds:
                            if item is None:
                                continue
                            scan = read_array(distort(item[0], name, severity, seed), ["zxing"])
                            n += item[1].encode("utf-8") in scan.payloads("zxing")
                    hits.append(n / cases)
                curves.append({"reader": "IUT render, read by zxing", "distortion": name,
                               "severities": list(severities), "success": hits})
            notes.append("IUT render: the IUT's own image of each payload (white margin added), distorted, "
                         "read by zxing-cpp — beside zxing-cpp reading the reference's rendering")
    return {"schema": SCHEMA_ID, "iut": {"name": hello.name, "version": hello.version, "spec": spec},
            "payloads": len(payloads), "seeds": list(seeds),
            "parameters": {name: f"{name}: {KNOWN[name].parameter}" for name in distortions if name in KNOWN},
            "note": (f"{len(payloads)} payload(s) × {len(seeds)} seed(s) per level; " + "; ".join(notes)
                     if notes else "the IUT declares neither decode_image nor render: no curves"),
            "seconds": round(time.monotonic() - started, 1), "curves": curves}


def write(data: Mapping[str, Any], out_dir: Path) -> Path:
    path = Path(out_dir) / FILE_NAME
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load(out_dir: Path) -> dict[str, Any] | None:
    """robustness.json next to the run record, when it is there and readable; else None."""
    path = Path(out_dir) / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA_ID else None
