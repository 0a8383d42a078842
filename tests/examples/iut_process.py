"""A deliberately tiny JSON-lines client for the example IUTs' own tests.

It is independent of `qrinterop.iut` on purpose: these tests check the example programs
against the protocol (DESIGN.md §4), so they must not lean on the adapter that will certify
them. A reader thread moves stdout lines into a queue so every wait has a timeout.
"""
from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "iut"


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE, written out here so the tests do not trust any IUT's CRC."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def seal(body: str) -> str:
    """Append "6304" and the correct CRC to a payload body."""
    body += "6304"
    return body + f"{crc16_ccitt_false(body.encode('utf-8')):04X}"


class IutProcess:
    """One running IUT. `call` sends a request and waits for its answer; `send_lines` pipelines."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=ROOT)
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)  # EOF

    def send_raw(self, line: bytes) -> None:
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def read_answer(self, timeout: float = 5.0) -> dict | None:
        """The next answer line as JSON, or None at EOF. Raises queue.Empty on timeout."""
        line = self._lines.get(timeout=timeout)
        return None if line is None else json.loads(line)

    def call(self, op: str, timeout: float = 5.0, **fields) -> dict:
        self._next_id += 1
        ident = self._next_id
        self.send_raw(json.dumps({"id": ident, "op": op, **fields}).encode())
        answer = self.read_answer(timeout)
        assert answer is not None, f"IUT closed stdout; stderr: {self.stderr_text()}"
        assert answer["id"] == ident, f"answer to {answer['id']!r} while waiting for {ident}"
        return answer

    def result(self, op: str, **fields) -> dict:
        answer = self.call(op, **fields)
        assert answer["ok"] is True, answer
        return answer["result"]

    def stderr_text(self, wait: float = 5.0) -> str:
        """Everything the IUT wrote to stderr, once it has exited (waits up to `wait` s)."""
        try:
            self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return "(still running)"
        return self.proc.stderr.read().decode("utf-8", "replace")

    def close(self) -> int:
        """Close stdin (the protocol's "stop") and wait; kill if it does not exit."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -9
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()
