"""Run an ASGI app (a simulator, the gateway, an IUT over HTTP) on a free 127.0.0.1 port in a
background thread — for tests, benchmarks and the demo, and for integrators who want the
simulators on a real socket inside their own test process.

    with serve_in_thread(create_app(sim)) as base_url:
        httpx.get(f"{base_url}/_sim/merchants")
"""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any, Iterator

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A port the OS reports free on `host` right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_in_thread(app: Any, *, host: str = LOOPBACK, port: int | None = None, fast: bool = True,
                    start_timeout: float = 10.0) -> Iterator[str]:
    """Serve `app` with uvicorn until the block ends; yields the base URL. `fast` picks uvloop and
    httptools (as `qrinterop serve` does). Raises RuntimeError if the server is not up in time."""
    import uvicorn
    options: dict[str, Any] = {"loop": "uvloop", "http": "httptools"} if fast else {}
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port or free_port(host), log_level="error",
                                           access_log=False, **options))
    thread = threading.Thread(target=server.run, name="qrinterop-localserver", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError(f"the local server on {host} did not start within {start_timeout:.0f} s")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
