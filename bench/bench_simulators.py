"""Benchmark the wallet simulators: signed, stateful PayPay create-code requests per second and
p50/p99 latency, from a second process (wrk) on 127.0.0.1, beside a bare starlette stub route;
and resident memory with 100,000 payments in the in-memory store.

    .venv/bin/python bench/bench_simulators.py                 # full run (~1.5 min)
    .venv/bin/python bench/bench_simulators.py --duration 3 --rss 20000   # quick look

The server runs in its own process pinned to CPU 0 (taskset), wrk on CPU 1 with one thread and
16 connections (the anchors' settings). Every request is distinct (own merchantPaymentId and
nonce) and verified (HMAC) by the simulator, creates a payment, writes the idempotency record
and the journal entry. Bounded: each load lasts --duration seconds.
Needs wrk (Debian: apt-get install wrk); without it, says so and stops.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(cpu: int, argv: list[str]) -> list[str]:
    return (["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []) + argv


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")     # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def parse_wrk(text: str) -> dict[str, float]:
    def ms(value: str) -> float:
        m = re.match(r"([\d.]+)(us|ms|s)", value)
        assert m, value
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    out = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M)
        out[f"p{pct}_ms"] = ms(m.group(1)) if m else float("nan")
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = float(m.group(1)) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non2xx"] = float(m.group(1)) if m else 0.0
    return out


def run_wrk(url: str, script: str, duration: int, connections: int) -> dict[str, float]:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s", "-s", script]
    done = subprocess.run(pinned(1, argv + [url]), capture_output=True, text=True, check=True)
    if done.stderr.strip():       # e.g. a Lua script that failed to load: the figures would be meaningless
        raise RuntimeError(f"wrk: {done.stderr.strip()}")
    text = done.stdout
    return parse_wrk(text)


def bench_server(mode: str, duration: int, connections: int, tmp: str) -> dict[str, float | str]:
    port = free_port()
    if mode == "stub":
        argv = [PY, str(ROOT / "bench" / "simload_stub_server.py"), str(port)]
    else:
        argv = [PY, "-m", "qrinterop.cli", "serve", "--wallets", "paypay", "--port", str(port)]
        if mode.startswith("sqlite"):
            argv += ["--state", os.path.join(tmp, f"{mode}.db")]
        if mode.endswith("-check"):
            argv += ["--check-responses"]
    proc = subprocess.Popen(pinned(0, argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(f"http://127.0.0.1:{port}/", proc)
        script = os.path.join(tmp, "post.lua")
        Path(script).write_text('wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\n')
        if mode != "stub":
            script = os.path.join(tmp, f"{mode}.lua")
            # enough distinct requests that none repeats (a repeat would be a refused replay)
            subprocess.run([PY, str(ROOT / "bench" / "simload_wrk_requests.py"), script,
                            str(max(20_000, duration * 15_000))], check=True)
        result: dict[str, float | str] = {"mode": mode}
        cpu0 = cpu_seconds(proc.pid)
        result.update(run_wrk(f"http://127.0.0.1:{port}/paypay/v2/codes", script, duration, connections))
        # CPU time the server really got per request: on a shared, loaded machine this is the figure
        # that does not depend on how much of a core the scheduler handed over.
        cpu_us = (cpu_seconds(proc.pid) - cpu0) / max(1.0, float(result["requests"])) * 1e6
        result["server_cpu_us_per_req"] = cpu_us
        result["rps_per_core_by_cpu_time"] = 1e6 / cpu_us if cpu_us else float("nan")
        result["server_rss_mb"] = rss_mb(proc.pid)
        if mode != "stub":
            journal = httpx.get(f"http://127.0.0.1:{port}/_sim/journal?limit=1").json()
            result["journal_capacity"] = journal["capacity"]
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def rss_server(n: int, tmp: str, module: str, limit_s: int = 90) -> dict[str, float]:
    """The served process itself: drive n distinct signed creates through HTTP, then read its RSS."""
    port = free_port()
    proc = subprocess.Popen(pinned(0, [PY, "-m", module, "serve", "--wallets", "paypay", "--port", str(port)]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(f"http://127.0.0.1:{port}/", proc)
        idle = rss_mb(proc.pid)
        script = os.path.join(tmp, "rss.lua")
        started = time.time()
        count = 0
        while count < n and time.time() - started < limit_s:      # bounded in time
            # a fresh script per pass: new ids, and an epoch inside PayPay's 2-minute window
            # (a pass that does not finish its script leaves the rest unused, never replayed)
            subprocess.run([PY, str(ROOT / "bench" / "simload_wrk_requests.py"), script, str(n - count)], check=True)
            run_wrk(f"http://127.0.0.1:{port}/paypay/v2/codes", script, 15, 16)
            count = httpx.get(f"http://127.0.0.1:{port}/_sim/health").json()["payments"]
        return {"payments": count, "rss_mb": rss_mb(proc.pid), "idle_rss_mb": idle}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def rss_child(n: int) -> None:
    """In a fresh process: create n payments through the real request pipeline, print RSS."""
    from qrinterop.simulators.engine.http import SimRequest
    from qrinterop.simulators.simulator import Simulator
    from qrinterop.simulators.wallets.paypay import opa_auth_header

    sim = Simulator(["paypay"], check_responses=False)
    base = rss_mb(os.getpid())
    started = time.perf_counter()
    for i in range(n):
        body = json.dumps({"merchantPaymentId": f"rss-{i}", "amount": {"amount": 1000, "currency": "JPY"},
                           "codeType": "ORDER_QR"}, separators=(",", ":")).encode()
        auth = opa_auth_header("sim-paypay-key", "sim-paypay-secret", "/v2/codes", "POST", f"{i:08x}", int(time.time()),
                               "application/json", body)
        r = sim.handle(SimRequest("POST", "/paypay/v2/codes", "", {"authorization": auth, "content-type": "application/json"}, body))
        assert r.status == 201, r.body
    elapsed = time.perf_counter() - started
    print(json.dumps({"payments": sim.store.count("payment"), "rss_mb": rss_mb(os.getpid()), "rss_before_mb": base,
                      "journal_entries": len(sim.journal), "in_process_per_request_us": elapsed / n * 1e6}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--modes", default="stub,memory,memory-check,sqlite")
    ap.add_argument("--rss", type=int, default=100_000, help="payments for the memory figure (0: skip)")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return 0
    results: list[dict[str, float | str]] = []
    if not shutil.which("wrk"):
        print("bench_simulators: wrk is not installed (Debian: apt-get install wrk); load figures skipped", file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for mode in [m for m in args.modes.split(",") if m]:
                r = bench_server(mode, args.duration, args.connections, tmp)
                results.append(r)
                print(f"{mode:<15} {r['rps']:>9.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  "
                      f"non-2xx {int(r['non2xx'])}/{int(r['requests'])}  server CPU {r['server_cpu_us_per_req']:.0f} µs/req "
                      f"(≈{r['rps_per_core_by_cpu_time']:.0f} req/s per core)  RSS {r['server_rss_mb']:.0f} MB", flush=True)
    memory = None
    if args.rss:
        out = subprocess.run([PY, __file__, "--rss-child", str(args.rss)], capture_output=True, text=True, check=True)
        memory = json.loads(out.stdout)
        print(f"memory: {memory['payments']} payments → RSS {memory['rss_mb']:.0f} MB "
              f"(empty simulator {memory['rss_before_mb']:.0f} MB; journal {memory['journal_entries']} entries; "
              f"{memory['in_process_per_request_us']:.0f} µs per request in process)")
    served = {}
    if args.rss and shutil.which("wrk"):
        # `qrinterop serve` (loads every part's CLI module) and `python -m qrinterop.simulators serve`
        for module in ("qrinterop.cli", "qrinterop.simulators"):
            with tempfile.TemporaryDirectory() as tmp:
                served[module] = s = rss_server(args.rss, tmp, module)
            print(f"served by python -m {module}: {s['payments']} payments → RSS {s['rss_mb']:.0f} MB "
                  f"(idle server {s['idle_rss_mb']:.0f} MB)", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"load": results, "memory": memory, "served": served}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
