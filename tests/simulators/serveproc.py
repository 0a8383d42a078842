"""`qrinterop serve` as a real process on a free 127.0.0.1 port, for restart, kill and scale-out tests."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from typing import Any, Iterator

import httpx

from qrinterop.localserver import free_port
from qrinterop.simulators.wallets import spec


class ServeProcess:
    def __init__(self, state: str | None, wallets: str = "paypay", *, port: int | None = None,
                 extra: tuple[str, ...] = ()) -> None:
        self.state, self.wallets, self.extra = state, wallets, extra
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> "ServeProcess":
        cmd = [sys.executable, "-m", "qrinterop.simulators", "serve", "--wallets", self.wallets,
               "--port", str(self.port), *self.extra]
        if self.state:
            cmd += ["--state", self.state]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}: {self.proc.stderr.read().decode()[-500:]}")
            try:
                if httpx.get(f"{self.base}/_sim/health", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"serve did not answer within {timeout:.0f} s")

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()

    def creds(self, wallet: str) -> dict[str, str]:
        r = httpx.get(f"{self.base}/_sim/merchants", params={"wallet": wallet, "secrets": "1"}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["merchants"][0]

    def __enter__(self) -> "ServeProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def serve_pair(state: str, wallets: str) -> Iterator[tuple[ServeProcess, ServeProcess]]:
    """Two serve processes sharing one store (a SQLite file or a PostgreSQL URL), stopped after."""
    a, b = ServeProcess(state, wallets), ServeProcess(state, wallets)
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def signed(http: httpx.Client, base: str, creds: dict[str, str], wallet: str, method: str, path: str,
           body: Any = None) -> httpx.Response:
    raw = b"" if body is None else json.dumps(body).encode()
    headers = spec(wallet).client_signer(creds, method, path, raw)
    return http.request(method, f"{base}/{wallet}{path}", content=raw or None, headers=headers)
