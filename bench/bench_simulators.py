"""Benchmark the wallet simulators: signed, stateful PayPay create-code requests per second and
p50/p99 latency, from a second process (wrk) on 127.0.0.1, beside a bare starlette stub route;
and resident memory with 100,000 payments in the in-memory store.

    .venv/bin/python bench/bench_simulators.py                 # full run (~1.5 min)
    .venv/bin/python bench/bench_simulators.py --duration 3 --rss 20000   # quick look
    .venv/bin/python bench/bench_simulators.py --modes "" --rss 0 --scaleout --wiremock-jar JAR
        # 1, 2 and 4 serve processes sharing one SQLite file / one PostgreSQL database, beside WireMock

Scale-out: N `serve` processes share the store; N wrk instances (one per process, the 16
connections split between them) run at once, each with its own distinct signed requests; req/s is
their sum, p99 the worst of their p99s (an upper bound of the combined p99). Not pinned: with 2
cores, 4 servers and 4 wrk share them. PostgreSQL is a throwaway cluster on 127.0.0.1
(simulators/pgcluster.py; fsync on, synchronous_commit off — like SQLite's synchronous=NORMAL, an
acknowledged write survives the death of a simulator process, not a power cut). WireMock (npm
package `wiremock` bundles the standalone jar; needs Java) serves a canned 201 for the same
request, without and with its request journal.

The server runs in its own process pinned to CPU 0 (taskset), wrk on CPU 1 with one thread and
16 connections (the anchors' settings). Every request is distinct (own merchantPaymentId and
nonce) and verified (HMAC) by the simulator, creates a payment, writes the idempotency record
and the journal entry. Bounded: each load lasts --duration seconds.
Needs wrk (Debian: apt-get install wrk); without it, says so and stops.
"""
from __future__ import annotations

import argparse
import contextlib
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


def _scripts(tmp: str, n: int, count: int, label: str) -> list[str]:
    out = []
    for i in range(n):
        script = os.path.join(tmp, f"{label}-{i}.lua")
        subprocess.run([PY, str(ROOT / "bench" / "simload_wrk_requests.py"), script, str(count), "sim-paypay-key",
                        "sim-paypay-secret", "sim-paypay-merchant", f"{label}{i}x"], check=True)
        out.append(script)
    return out


def _parallel_wrk(urls: list[str], scripts: list[str], duration: int, connections: int) -> dict[str, float]:
    per = max(2, connections // len(urls))
    procs = [subprocess.Popen(["wrk", "-t1", f"-c{per}", f"-d{duration}s", "--latency", "--timeout", "5s", "-s", s, u],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for u, s in zip(urls, scripts)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=duration + 60)
        if err.strip():
            raise RuntimeError(f"wrk: {err.strip()}")
        results.append(parse_wrk(out))
    return {"rps": sum(r["rps"] for r in results), "p99_ms": max(r["p99_ms"] for r in results),
            "p50_ms": max(r["p50_ms"] for r in results), "requests": sum(r["requests"] for r in results),
            "non2xx": sum(r["non2xx"] for r in results)}


def bench_scaleout(store: str, procs: int, duration: int, connections: int, tmp: str, pg_url: str = "") -> dict:
    state = pg_url if store == "postgresql" else os.path.join(tmp, f"scale-{procs}.db")
    servers, ports = [], []
    try:
        for _ in range(procs):
            port = free_port()
            servers.append(subprocess.Popen([PY, "-m", "qrinterop.simulators", "serve", "--wallets", "paypay",
                                             "--port", str(port), "--state", state],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            ports.append(port)
            wait_up(f"http://127.0.0.1:{port}/_sim/health", servers[-1])     # one at a time: schema set-up
        scripts = _scripts(tmp, procs, max(20_000, duration * 12_000 // procs), f"{store[:2]}{procs}")
        result = _parallel_wrk([f"http://127.0.0.1:{p}/paypay/v2/codes" for p in ports], scripts, duration, connections)
        payments = httpx.get(f"http://127.0.0.1:{ports[0]}/_sim/health").json()["payments"]
        return {"mode": f"{store} x{procs}", **result, "payments_in_store": payments}
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            s.wait(timeout=15)


def bench_wiremock(jar: str, duration: int, connections: int, tmp: str, journal: bool) -> dict:
    root = os.path.join(tmp, "wiremock")
    os.makedirs(os.path.join(root, "mappings"), exist_ok=True)
    body = json.dumps({"resultInfo": {"code": "SUCCESS", "message": "Success", "codeId": "08100001"},
                       "data": {"codeId": "04-000000000000BENCH", "url": "https://qr.paypay.ne.jp/sim/04-0", "amount":
                                {"amount": 1000, "currency": "JPY"}, "merchantPaymentId": "bench", "codeType": "ORDER_QR"}})
    Path(root, "mappings", "create.json").write_text(json.dumps({
        "request": {"method": "POST", "urlPath": "/paypay/v2/codes"},
        "response": {"status": 201, "headers": {"Content-Type": "application/json"}, "body": body}}))
    port = free_port()
    argv = ["java", "-jar", jar, "--port", str(port), "--bind-address", "127.0.0.1", "--root-dir", root,
            "--disable-banner", *([] if journal else ["--no-request-journal"])]
    proc = subprocess.Popen(pinned(0, argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(f"http://127.0.0.1:{port}/__admin/health", proc)
        script = _scripts(tmp, 1, max(20_000, duration * 15_000), "wm")[0]
        run_wrk(f"http://127.0.0.1:{port}/paypay/v2/codes", script, min(5, duration), connections)   # JIT warm-up
        result = run_wrk(f"http://127.0.0.1:{port}/paypay/v2/codes", script, duration, connections)
        return {"mode": "wiremock" + (" (journal)" if journal else " (no journal)"), **result,
                "server_rss_mb": rss_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(timeout=15)


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
    ap.add_argument("--scaleout", action="store_true", help="1, 2, 4 serve processes on SQLite and PostgreSQL")
    ap.add_argument("--procs", default="1,2,4")
    ap.add_argument("--stores", default="sqlite,postgresql")
    ap.add_argument("--wiremock-jar", help="WireMock standalone jar (npm package `wiremock`: build/*.jar)")
    args = ap.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return 0
    results: list[dict[str, float | str]] = []
    if (args.scaleout or args.wiremock_jar) and not shutil.which("wrk"):
        print("bench_simulators: wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    if args.wiremock_jar:
        with tempfile.TemporaryDirectory() as tmp:
            for journal in (False, True):
                r = bench_wiremock(args.wiremock_jar, args.duration, args.connections, tmp, journal)
                results.append(r)
                print(f"{r['mode']:<22} {r['rps']:>9.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  "
                      f"non-2xx {int(r['non2xx'])}/{int(r['requests'])}  RSS {r['server_rss_mb']:.0f} MB", flush=True)
    if args.scaleout:
        from qrinterop.simulators.pgcluster import throwaway_cluster
        stores = [s for s in args.stores.split(",") if s]
        with contextlib.ExitStack() as stack:
            cluster = stack.enter_context(throwaway_cluster(fsync=True, synchronous_commit=False)) \
                if "postgresql" in stores else None
            for store in stores:
                for n in (int(x) for x in args.procs.split(",")):
                    with tempfile.TemporaryDirectory() as tmp:
                        url = cluster.new_database() if cluster and store == "postgresql" else ""
                        r = bench_scaleout(store, n, args.duration, args.connections, tmp, url)
                    results.append(r)
                    print(f"{r['mode']:<22} {r['rps']:>9.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  "
                          f"non-2xx {int(r['non2xx'])}/{int(r['requests'])}  payments {r['payments_in_store']}", flush=True)
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
