"""QR symbol matrices from segno, with the data-mask choice done in numpy.

`segno.make(...)` spends most of its time (about 80 % for a 200-character payment payload)
applying and scoring the eight data masks module by module in pure Python. Any mask decodes, but a
faithful renderer should pick the one ISO/IEC 18004 §7.8.3 prefers, and ours should pick exactly
what segno picks so that our images are segno's images. So: run segno's encoder steps up to the
final codeword bits, place them with a cached per-version index, apply and score all eight masks
at once with numpy using segno's own scoring rules (including its N3 search quirks), and let
segno add the format/version information. `tests/imaging/test_imaging_render.py` checks the
matrices are identical to `segno.make`'s and the scores to segno's scorer. If segno's internals
ever change shape, `fast_matrix` falls back to plain `segno.make`: slower, still right.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import segno
from segno import consts as _consts
from segno import encoder as _enc

_N3 = np.array([1, 0, 1, 1, 1, 0, 1], dtype=np.uint8)


@dataclass(frozen=True)
class Symbol:
    """A finished QR symbol: `matrix` is uint8 (1 = dark) without quiet zone."""

    matrix: np.ndarray
    version: int
    error: str        # "L" | "M" | "Q" | "H" (after segno's error boost)
    mask: int
    mode: str | None  # segno's mode name: "byte", "alphanumeric", "numeric", "kanji"


@lru_cache(maxsize=64)
def _template(width: int) -> np.ndarray:
    """segno's matrix before codeword placement: function patterns and timing (0/1), format and
    version areas reserved (0), data modules not yet set (2)."""
    fm = _enc.make_matrix(width, width)
    _enc.add_finder_patterns(fm, width, width)
    _enc.add_alignment_patterns(fm, width, width)
    template = np.frombuffer(b"".join(fm), dtype=np.uint8).reshape(width, width).copy()
    template.setflags(write=False)
    return template


@lru_cache(maxsize=64)
def _function_region(width: int) -> np.ndarray:
    """True where a module is a function pattern or reserved (not data), for a square QR symbol."""
    region = _template(width) <= 1
    region[-8, 8] = True  # the dark module
    return region


@lru_cache(maxsize=64)
def _placement(width: int) -> np.ndarray:
    """Flat indices of the data modules in codeword-bit order (ISO/IEC 18004 §7.7.3: two-module
    columns from the right, alternately upwards and downwards, skipping column 6), as segno's
    `add_codewords` visits them for a QR (not Micro QR) symbol."""
    free = _template(width) == 2
    order = []
    for right in range(width - 1, 0, -2):
        if right <= 6:
            right -= 1
        upwards = (right & 2) == 0
        for vertical in range(width):
            for j in (right, right - 1):
                up = upwards ^ (j < 6)
                i = (width - 1 - vertical) if up else vertical
                if free[i, j]:
                    order.append(i * width + j)
    return np.array(order, dtype=np.intp)


@lru_cache(maxsize=64)
def _mask_patterns(width: int) -> np.ndarray:
    """(8, width, width) uint8: the eight ISO/IEC 18004 data masks, as segno defines them."""
    i, j = np.indices((width, width))
    return np.stack([fn(i, j) for fn in _enc.get_data_mask_functions(False)]).astype(np.uint8)


def _n1(stack: np.ndarray) -> np.ndarray:
    """N1 per matrix: runs of ≥5 same-colour modules in rows and columns score (run - 2)."""
    scores = np.zeros(stack.shape[0], dtype=np.int64)
    for view in (stack, stack.transpose(0, 2, 1)):
        k, n, _ = view.shape
        sentinel = np.full((k, n, 1), 2, dtype=np.uint8)
        flat = np.concatenate([view, sentinel], axis=2).reshape(k, -1)
        for m in range(k):
            edges = np.flatnonzero(flat[m, 1:] != flat[m, :-1])
            runs = np.diff(np.concatenate(([-1], edges)))
            long_runs = runs[runs >= 5]
            scores[m] += int(long_runs.sum() - 2 * long_runs.size)
    return scores


def _n2(stack: np.ndarray) -> np.ndarray:
    a = stack
    same = (a[:, 1:, 1:] == a[:, 1:, :-1]) & (a[:, 1:, 1:] == a[:, :-1, 1:]) & (a[:, 1:, 1:] == a[:, :-1, :-1])
    return 3 * same.sum(axis=(1, 2))


def _n3(stack: np.ndarray) -> np.ndarray:
    """N3 per matrix: 1:1:3:1:1 finder-like runs with 4 light modules on one side, 40 points each,
    scored as segno scores it (so the chosen mask is segno's).

    segno searches each line with `bytes.find`: a hit at idx counts if it touches the symbol's
    edge (idx 0 or size−7) or the ≤4 modules before it or the 4 after it are light (near the
    edge fewer than 4 are checked); after a counted hit the search resumes at idx+7, else idx+4.
    The pattern 1011101 overlaps itself only at shifts 4 and 6, so the resumption only matters
    when a counted hit hides one at +4 or +6: a hit is visited unless a visited, counted hit sits
    4 or 6 modules before it. That recurrence runs left to right; iterating it over whole arrays
    until nothing changes reaches the same (unique) answer, with chains rarely longer than two.
    """
    k, size, _ = stack.shape
    scores = np.zeros(k, dtype=np.int64)
    span = size - 6
    idx = np.arange(span)
    edge = (idx == 0) | (idx == size - 7)
    for view in (stack, stack.transpose(0, 2, 1)):
        hit = np.ones((k, size, span), dtype=bool)
        for t, bit in enumerate(_N3):
            hit &= view[:, :, t:t + span] == bit
        if not hit.any():
            continue
        dark = np.zeros((k, size, size + 1), dtype=np.int32)
        np.cumsum(view, axis=2, out=dark[:, :, 1:])
        before = dark[:, :, idx] - dark[:, :, np.maximum(idx - 4, 0)]
        after = dark[:, :, np.minimum(idx + 11, size)] - dark[:, :, idx + 7]
        counts = hit & (edge | (before == 0) | (after == 0))
        visited = hit
        while True:
            counted = visited & counts
            hidden = np.zeros_like(hit)
            hidden[:, :, 4:] |= counted[:, :, :-4]
            hidden[:, :, 6:] |= counted[:, :, :-6]
            again = hit & ~hidden
            if np.array_equal(again, visited):
                break
            visited = again
        scores += 40 * (visited & counts).sum(axis=(1, 2))
    return scores


def _n4(stack: np.ndarray) -> np.ndarray:
    size = stack.shape[1]
    percent = stack.sum(axis=(1, 2)) / (size * size)
    return 10 * (np.abs(percent * 100 - 50) / 5).astype(np.int64)


def penalty_scores(stack: np.ndarray) -> np.ndarray:
    """Penalty (N1+N2+N3+N4) of each matrix in a (k, n, n) stack, as segno scores it."""
    return _n1(stack) + _n2(stack) + _n3(stack) + _n4(stack)


def _from_segno(qr: segno.QRCode) -> Symbol:
    matrix = np.frombuffer(b"".join(qr.matrix), dtype=np.uint8).reshape(len(qr.matrix), -1)
    return Symbol(matrix.copy(), int(qr.version), qr.error, qr.mask, qr.mode)


def _unmasked(content: str, encoding: str | None, eci: bool, error: str | None,
              mode: str | None) -> tuple[np.ndarray, int, int, object]:
    """segno's encoder (`encoder.encode` + `_encode`) up to codeword placement, before masking;
    the placement itself is a cached index per version instead of segno's module-by-module loop.

    Mirrors segno 1.6's private steps one for one; the equality test against `segno.make` guards it.
    """
    segments = _enc.prepare_data(content, _enc.normalize_mode(mode), encoding)
    err = _enc.normalize_errorlevel(error, accept_none=True)
    version = _enc.find_version(segments, err, eci=eci, micro=False)
    err = _consts.ERROR_LEVEL_L if err is None else err
    err = _enc.boost_error_level(version, err, segments, eci)
    buff = _enc.Buffer()
    ver_range = _enc.version_range(version)
    for segment in segments:
        _enc.write_segment(buff, segment, None, ver_range, eci)
    capacity = _consts.SYMBOL_CAPACITY[version][err]
    _enc.write_terminator(buff, capacity, None, len(buff))
    _enc.write_padding_bits(buff, version, len(buff))
    _enc.write_pad_codewords(buff, version, capacity, len(buff))
    bits = np.frombuffer(bytes(_enc.make_final_message(version, err, buff).getbits()), dtype=np.uint8)
    width = _enc.calc_matrix_size(version)
    positions = _placement(width)
    if len(bits) != len(positions):  # would mean our placement is not segno's: use segno's
        raise TypeError("codeword bits do not fill the data region")
    matrix = _template(width).copy()
    matrix.reshape(-1)[positions] = bits
    mode = segments[0].mode if len(segments) == 1 else None
    return matrix, version, err, mode


def fast_matrix(content: str, *, encoding: str | None, eci: bool, error: str | None,
                mode: str | None = None) -> Symbol:
    """The symbol `segno.make(content, encoding=…, eci=…, error=…, mode=…, micro=False)` would make, faster."""
    try:
        unmasked, version, err, seg_mode = _unmasked(content, encoding, eci, error, mode)
    except (AttributeError, TypeError, KeyError):  # segno's private encoder changed: slow, sure path
        return _from_segno(segno.make(content, encoding=encoding, eci=eci, error=error, mode=mode, micro=False))
    width = unmasked.shape[0]
    data = ~_function_region(width)
    candidates = np.where(data, unmasked ^ _mask_patterns(width), unmasked)
    best = int(np.argmin(penalty_scores(candidates)))  # argmin keeps the first on ties, as segno does
    final = tuple(bytearray(r.tobytes()) for r in candidates[best])
    _enc.add_format_info(final, version, err, best)
    _enc.add_version_info(final, version)
    matrix = np.frombuffer(b"".join(final), dtype=np.uint8).reshape(width, width).copy()
    mode_name = _enc.get_mode_name(seg_mode) if seg_mode is not None else None
    return Symbol(matrix, version, _enc.get_error_name(err), best, mode_name)
