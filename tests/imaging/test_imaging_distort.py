"""Distortions are deterministic and do what they say; robustness curves have the documented shape."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from imaging_payloads import JPQR
from qrinterop.errors import UsageError
from qrinterop.imaging import read_array
from qrinterop.imaging.distort import DISTORTIONS, distort
from qrinterop.imaging.robustness import Curve, markdown_table, plot_png, robustness_curves, scene

CLEAN = scene(JPQR)
EXACT = JPQR.encode("utf-8")


@pytest.mark.parametrize("name", list(DISTORTIONS))
def test_severity_zero_leaves_the_image_as_it_is_and_readable(name: str) -> None:
    out = distort(CLEAN, name, 0.0, seed=5)
    assert np.array_equal(out, CLEAN)


@pytest.mark.parametrize("name", list(DISTORTIONS))
def test_same_seed_same_image(name: str) -> None:
    a, b = distort(CLEAN, name, 0.6, seed=3), distort(CLEAN, name, 0.6, seed=3)
    assert a.dtype == np.uint8 and a.ndim == 2 and np.array_equal(a, b)


@pytest.mark.parametrize("name", ["noise", "occlusion"])
def test_different_seeds_differ_for_random_distortions(name: str) -> None:
    assert not np.array_equal(distort(CLEAN, name, 0.6, seed=1), distort(CLEAN, name, 0.6, seed=2))


@pytest.mark.parametrize("name", ["scale_down", "blur", "noise", "occlusion"])
def test_full_severity_defeats_every_reader(name: str) -> None:
    scan = read_array(distort(CLEAN, name, 1.0, seed=0))
    assert all(EXACT not in scan.payloads(r) for r in ("zxing", "opencv", "pyzbar"))


def test_inverted_code_is_read_by_zxing_only() -> None:
    """Measured quirk: zxing-cpp tries inverted images; OpenCV and ZBar (as configured) do not."""
    scan = read_array(distort(CLEAN, "invert", 1.0))
    assert scan.payloads("zxing") == [EXACT]
    assert scan.payloads("opencv") == [] and scan.payloads("pyzbar") == []


def test_bad_severity_and_unknown_distortion_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="severity 1.5"):
        distort(CLEAN, "blur", 1.5)
    with pytest.raises(UsageError, match="unknown distortion 'glare'"):
        distort(CLEAN, "glare", 0.5)


def test_curves_table_and_plot() -> None:
    curves = robustness_curves([JPQR], distortions=["blur", "rotate"], severities=(0.0, 0.25, 1.0), seeds=(0,))
    assert {(c.distortion, c.reader) for c in curves} == {(d, r) for d in ("blur", "rotate")
                                                          for r in ("zxing", "opencv", "pyzbar")}
    blur_zxing = next(c for c in curves if c.distortion == "blur" and c.reader == "zxing")
    assert blur_zxing.success[0] == 1.0 and blur_zxing.success[-1] == 0.0
    assert blur_zxing.gone_from == 1.0
    table = markdown_table(curves)
    assert table.splitlines()[2].startswith("| blur | Gaussian σ = 4 px · s |")
    image = Image.open(io.BytesIO(plot_png(curves)))
    assert image.format == "PNG" and image.width > 500


def test_first_miss_and_gone_from_on_a_non_monotonic_curve() -> None:
    curve = Curve("zxing", "scale_down", (0.0, 0.3, 0.35, 0.4, 0.7, 1.0), (1.0, 1.0, 0.0, 1.0, 0.0, 0.0))
    assert curve.first_miss == 0.35 and curve.gone_from == 0.7
    assert Curve("zxing", "rotate", (0.0, 1.0), (1.0, 1.0)).gone_from is None
