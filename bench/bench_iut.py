"""Benchmark of the conformance suite's IUT adapters (figures for docs/performance.md).

    .venv/bin/python bench/bench_iut.py [--requests 2000] [--rounds 3] [--vectors DIR] [--skip-certify]

1. vector suite wall time against the reference through each adapter (python, jsonl, http): every
   vector of the set is sent and judged, as the suite does, without pytest around it;
2. per-request cost of parse: python in-process, jsonl sequential, jsonl pipelined, http —
   "jsonl overhead" = jsonl per-request time minus python per-request time;
3. `qrinterop certify` of the reference, wall time with -n 2 and peak RSS (largest process).
Bounded: fixed request counts, every server on 127.0.0.1, every subprocess with a timeout.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qrinterop.conformance import judge
from qrinterop.localserver import serve_in_thread
from qrinterop.conformance.cases import load_cases
from qrinterop.conformance.oracle import reference_oracle
from qrinterop.emv.mpm import build_mpm
from qrinterop.iut import open_iut
from qrinterop.iut.python_iut import PythonIut
from qrinterop.iut.serve import http_app
from qrinterop.iut.spec import REFERENCE_SPEC
from qrinterop.paths import ROOT, VECTORS_DIR

FIXTURE_VECTORS = ROOT / "tests/conformance/fixtures/vectors"
JSONL_SPEC = f"jsonl:{sys.executable} -m qrinterop.iut.serve --jsonl"
PAYLOAD = build_mpm([{"id": "00", "value": "01"}, {"id": "01", "value": "12"},
                     {"id": "26", "children": [{"id": "00", "value": "jp.or.paymentsjapan"},
                                               {"id": "01", "value": "0000000000001"}]},
                     {"id": "52", "value": "5812"}, {"id": "53", "value": "392"}, {"id": "54", "value": "1500"},
                     {"id": "58", "value": "JP"}, {"id": "59", "value": "SAKURA CAFE"}, {"id": "60", "value": "TOKYO"},
                     {"id": "64", "children": [{"id": "00", "value": "ja"}, {"id": "01", "value": "さくらカフェ"}]}])


class HttpServer:
    """The reference served over HTTP on 127.0.0.1 in a thread (uvicorn)."""

    def __enter__(self) -> str:
        self._serving = serve_in_thread(http_app(PythonIut(REFERENCE_SPEC)), fast=False)
        return self._serving.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(*exc)


def run_vectors(iut, cases, oracle) -> tuple[float, int]:
    """Send and judge every case, as conformance/test_vectors.py does; (seconds, failures)."""
    start = time.perf_counter()
    failures = 0
    for case in cases:
        if case.operation == "parse":
            out = judge.judge_parse(case, iut.parse(case.payload, case.mode), oracle)
        elif case.operation == "validate":
            out = judge.judge_validate(case, iut.validate(case.payload, case.profile), oracle)
        elif case.operation == "build" and case.objects is not None:
            out = judge.judge_build(case, iut.build(case.objects, case.mode), oracle, case.profile)
        else:
            continue
        failures += out.status == "failed"
    return time.perf_counter() - start, failures


def per_request(iut, n: int, pipelined: bool) -> float:
    """Seconds per parse request of PAYLOAD."""
    iut.parse(PAYLOAD)  # warm up (process start, imports)
    start = time.perf_counter()
    if pipelined:
        futures = [iut.submit("parse", {"payload": PAYLOAD, "mode": "mpm"}) for _ in range(n)]
        replies = [f.result() for f in futures]
    else:
        replies = [iut.parse(PAYLOAD) for _ in range(n)]
    elapsed = time.perf_counter() - start
    bad = [r for r in replies if not r.ok]
    if bad:
        raise SystemExit(f"benchmark invalid: {len(bad)} failed requests, first: {bad[0].describe_error()}")
    return elapsed / n


def best_of(rounds: int, fn) -> float:
    return min(fn() for _ in range(rounds))


def certify_run(vectors: Path, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "qrinterop.cli", "certify", "--vectors", str(vectors),
                               "--out", out, "-n", str(workers), "--json"], capture_output=True, text=True,
                              timeout=600, cwd=ROOT)
        wall = time.perf_counter() - start
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        run = json.loads((Path(out) / "run.json").read_text())
    return {"workers": workers, "exit": proc.returncode, "wall_s": round(wall, 2), "tests": len(run["tests"]),
            "peak_rss_mb": round(max(peak_kb, before) / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--vectors", type=Path, default=None)
    ap.add_argument("--skip-certify", action="store_true")
    args = ap.parse_args(argv)
    vectors = args.vectors or (VECTORS_DIR if any(VECTORS_DIR.glob("*.json")) else FIXTURE_VECTORS)
    _, cases = load_cases(vectors)
    oracle = reference_oracle()
    results: dict = {"vectors": str(vectors), "cases": len(cases), "suite": {}, "per_request_us": {}}
    print(f"vectors: {vectors} ({len(cases)} cases); requests per figure: {args.requests}; best of {args.rounds}")

    with HttpServer() as url:
        adapters = {"python": REFERENCE_SPEC, "jsonl": JSONL_SPEC, "http": url}
        for name, spec in adapters.items():
            with open_iut(spec) as iut:
                iut.hello()
                run_vectors(iut, cases, oracle)   # warm-up
                seconds = best_of(args.rounds, lambda: run_vectors(iut, cases, oracle)[0])
                failures = run_vectors(iut, cases, oracle)[1]
                results["suite"][name] = {"seconds": round(seconds, 4), "per_1000_vectors_s": round(seconds / max(1, len(cases)) * 1000, 3),
                                          "failures": failures}
                print(f"suite via {name:6}: {seconds * 1000:8.1f} ms for {len(cases)} vectors "
                      f"({seconds / max(1, len(cases)) * 1000:.2f} s per 1000), failures {failures}")
        n = args.requests
        with open_iut(REFERENCE_SPEC) as py:
            results["per_request_us"]["python"] = best_of(args.rounds, lambda: per_request(py, n, False)) * 1e6
        with open_iut(JSONL_SPEC) as jl:
            results["per_request_us"]["jsonl_sequential"] = best_of(args.rounds, lambda: per_request(jl, n, False)) * 1e6
            results["per_request_us"]["jsonl_pipelined"] = best_of(args.rounds, lambda: per_request(jl, n, True)) * 1e6
        with open_iut(url) as http:
            results["per_request_us"]["http_sequential"] = best_of(args.rounds, lambda: per_request(http, n // 4, False)) * 1e6
    pr = results["per_request_us"]
    for key, value in pr.items():
        print(f"parse per request, {key:17}: {value:8.1f} µs")
    results["jsonl_overhead_us"] = {"sequential": pr["jsonl_sequential"] - pr["python"],
                                    "pipelined": pr["jsonl_pipelined"] - pr["python"]}
    print(f"jsonl overhead over python: sequential {results['jsonl_overhead_us']['sequential']:.1f} µs, "
          f"pipelined {results['jsonl_overhead_us']['pipelined']:.1f} µs per request (target < 100 µs pipelined)")
    if not args.skip_certify:
        for workers in (0, 2):
            c = certify_run(vectors, workers)
            results.setdefault("certify", []).append(c)
            print(f"certify reference -n {workers}: {c['wall_s']} s wall, {c['tests']} tests, exit {c['exit']}, "
                  f"peak RSS {c['peak_rss_mb']} MB (largest process)")
    print(json.dumps(results, indent=1, default=lambda v: round(v, 2) if isinstance(v, float) else str(v)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
