"""images: QR images, clean and distorted, with the payload each must read to.

Operation `decode_image`: the IUT gets the PNG and must return the payload. Operation `render`: the
IUT draws the payload and the harness reads the symbol back. Each case records what
zxing-cpp, OpenCV and ZBar (pyzbar) returned for that very file (`readers`), so a wallet team can see
which reader library gets which variant right. Few and small images on purpose (they are slow to
decode in tests and heavy to publish).
"""
from __future__ import annotations

from qrinterop.vectorsets.bases import QUOTED
from qrinterop.vectorsets.model import ACCEPTABLE as A, VALID as V, C, Group, VectorSet, add, set_

JA = [set_("64.01", "メルペイ カフェ")]
ASTRAL = [set_("64.01", "𠮷野家 カフェ")]
_B7 = {"payload": QUOTED["spec-b7"][0], "source": QUOTED["spec-b7"][1]}

_VARIANT_FLAGS = {"utf8-eci": "Utf8Eci", "utf8": "Utf8NoEci", "sjis-default": "ShiftJisSymbol"}


def _clean(label: str, variant: str, expect: str, rules: list[str], **source) -> C:
    return C(f"{label}, rendered {variant}", expect, rules, [_VARIANT_FLAGS[variant], "NonAsciiName"],
             image={"variant": variant}, **source)


CLEAN = (
    C("ASCII payload: every variant gives the same symbol", V, ["mpm.crc.mismatch"], ["Basic"],
      base="emv-basic", image={"variant": "utf8-eci"}),
    C("long ASCII payload with every kind of template", V, ["mpm.crc.mismatch"], ["Basic"], base="emv-full",
      image={"variant": "utf8-eci"}),
    _clean("Japanese name in 64-01", "utf8-eci", V, ["mpm.payload.utf8"], base="emv-jp", edits=JA),
    _clean("Japanese name in 64-01", "utf8", V, ["mpm.payload.utf8"], base="emv-jp", edits=JA),
    _clean("Japanese name in 64-01 (symbol holds Shift_JIS bytes, not the UTF-8 the CRC covers)", "sjis-default",
           A, ["mpm.payload.utf8"], base="emv-jp", edits=JA),
    _clean("astral kanji 𠮷 in 64-01", "utf8-eci", V, ["mpm.payload.utf8"], base="emv-jp", edits=ASTRAL),
    _clean("astral kanji 𠮷 in 64-01", "utf8", V, ["mpm.payload.utf8"], base="emv-jp", edits=ASTRAL),
    _clean("astral kanji 𠮷 in 64-01", "sjis-default", V, ["mpm.payload.utf8"], base="emv-jp", edits=ASTRAL),
    _clean("EMV Annex B.7 (Chinese in 64)", "utf8-eci", V, ["mpm.payload.utf8"], **_B7),
    _clean("EMV Annex B.7 (Chinese in 64)", "utf8", V, ["mpm.payload.utf8"], **_B7),
    _clean("EMV Annex B.7 (Chinese in 64)", "sjis-default", V, ["mpm.payload.utf8"], **_B7),
)

# (label, spec): severities of qrinterop.imaging.distort (0..1; physical meaning in that module).
_DISTORTIONS = (("rotated 7°", "rotate:0.16"), ("defocused (Gaussian σ = 1 px)", "blur:0.25"),
                ("low contrast (35%)", "low_contrast:0.65"), ("sensor noise σ = 6 grey levels", "noise:0.04"),
                ("downscaled to 60%", "scale_down:0.45"), ("photographed at an angle", "perspective:0.2"),
                ("JPEG quality 60 at half size", "jpeg:0.4"), ("partly covered by glare or a thumb", "occlusion:0.3"),
                ("light on dark (dark-mode screen)", "invert:1"), ("rotated 30° and defocused", "rotate:0.66,blur:0.2"))

DISTORTED = tuple(
    C(f"{what}: {label}", V, ["mpm.payload.utf8"] if base == "emv-jp" else ["mpm.crc.mismatch"],
      ["Distorted", *(["Utf8Eci", "NonAsciiName"] if base == "emv-jp" else [])], base=base,
      edits=JA if base == "emv-jp" else [], image={"variant": "utf8-eci", "distortion": spec})
    for base, what in (("emv-jp", "Japanese payload"), ("emv-dynamic", "ASCII payload"))
    for label, spec in _DISTORTIONS)

# render: the IUT draws the payload; the harness reads the symbol back (two readers) and wants the
# payload's exact UTF-8 bytes — so Japanese must be written as UTF-8 (ECI 26 recommended), not Shift_JIS.
RENDER = (
    C("render an ASCII payload", V, ["mpm.payload.utf8"], ["Basic"], base="emv-basic"),
    C("render a Japanese payload: the symbol must hold UTF-8, not segno's Shift_JIS default", V,
      ["mpm.payload.utf8"], ["NonAsciiName", "ShiftJisSymbol"], base="emv-jp", edits=JA),
    C("render 𠮷 (no Shift_JIS code at all)", V, ["mpm.payload.utf8"], ["AstralCharacter"], base="emv-jp",
      edits=ASTRAL),
    C("render the EMV Annex B.7 payload (Chinese)", V, ["mpm.payload.utf8"], ["RealWorld", "NonAsciiName"], **_B7),
    C("render a payload of about 500 characters (a large symbol)", V, ["mpm.payload.size"], ["EdgeLength"],
      base="emv-basic", edits=[add(str(t), [("00", f"com.example.t{t}"), ("01", "X" * 70)]) for t in range(80, 84)]),
)

SET = VectorSet(
    name="images", source="ISO/IEC 18004 symbols of EMV MPM payloads; EMV MPM §4.12; notes/imaging.md",
    description="PNG renders of payloads in the three encodings real generators produce (UTF-8 with ECI 26, "
                "UTF-8 without ECI, segno's Shift_JIS default) and distorted photographs of them. `valid`: the "
                "symbol carries the payload's UTF-8 bytes and must read back to the payload. `acceptable`: the "
                "symbol carries other bytes (Shift_JIS): refusing is right per EMV §4.12, recovering the text by "
                "charset guessing is what working apps do. `readers` records each reader library's answer.",
    groups=(Group("decode_image", "emv", CLEAN + DISTORTED), Group("render", "emv", RENDER)))
