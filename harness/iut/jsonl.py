"""`jsonl:<command line>` — an IUT in any language, as one long-lived subprocess.

Wire: one JSON object per line on its stdin `{"id": n, "op": …, …fields}`, one per line on its
stdout `{"id": n, "ok": true, "result": …}` (or `"ok": false, "error": {...}`). Requests are
pipelined: a writer thread feeds stdin, a reader thread matches answers to futures by id (so an
IUT may answer in any order), a watchdog enforces each request's timeout.

When the IUT misbehaves, exactly one request takes the blame and the run goes on:
- the request named by the answer's id when it has one; otherwise the **oldest request in
  flight** (a sequential IUT is working on that one) — for garbage lines, answers with an id
  nobody is waiting for, and output lines longer than the cap;
- on a crash (stdout closes) or a timeout, the oldest request in flight fails with the IUT's
  stderr tail attached, the process is killed (its whole process group) and restarted, and
  the other requests in flight are sent again to the new process;
- a line longer than `max_line_bytes` fails its request and restarts the process (an IUT that
  floods its stdout cannot be trusted to be in sync).
"""
from __future__ import annotations

import collections
import json
import os
import re
import shlex
import signal
import subprocess
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import IO, Any

from qrinterop.errors import UsageError
from qrinterop.iut.base import CRASH, PROTOCOL, TIMEOUT, TRANSPORT, Iut, Reply, reply_from_envelope

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024   # a rendered QR as base64 PNG is ~10-200 kB
STDERR_TAIL_BYTES = 16 * 1024
_ID_PREFIX = re.compile(rb'^\s*\{\s*"id"\s*:\s*(\d+)')


@dataclass
class _Request:
    id: int
    op: str
    line: bytes
    future: Future
    sent_at: float = 0.0
    deadline: float = 0.0
    attempts: int = 0


@dataclass
class _Process:
    popen: subprocess.Popen
    generation: int
    stderr_tail: collections.deque = field(default_factory=lambda: collections.deque())
    stderr_size: int = 0
    stderr_done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_stderr(self, chunk: bytes) -> None:
        with self.lock:
            self.stderr_tail.append(chunk)
            self.stderr_size += len(chunk)
            while self.stderr_size > STDERR_TAIL_BYTES and len(self.stderr_tail) > 1:
                self.stderr_size -= len(self.stderr_tail.popleft())

    def stderr_text(self) -> str:
        with self.lock:
            return b"".join(self.stderr_tail).decode("utf-8", "replace")[-STDERR_TAIL_BYTES:]


class JsonLinesIut(Iut):
    adapter = "jsonl"

    def __init__(self, spec: str, *, timeout: float = DEFAULT_TIMEOUT_S,
                 max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, cwd: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        super().__init__(spec)
        command = spec.removeprefix("jsonl:").strip()
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise UsageError(f"jsonl IUT: cannot split the command line {command!r}: {exc}") from exc
        if not self.argv:
            raise UsageError("jsonl IUT spec needs a command: jsonl:<command line>")
        self.timeout, self.max_line_bytes, self.cwd, self.env = timeout, max_line_bytes, cwd, env
        self.restarts = 0
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)      # writer: something to send
        self._tick = threading.Condition(self._lock)      # watchdog: woken only when it must wake sooner
        self._next_wake = 0.0
        self._pending: dict[int, _Request] = {}       # insertion order = send order
        self._outbox: collections.deque[tuple[int, _Request]] = collections.deque()
        self._next_id = 1
        self._proc: _Process | None = None
        self._generation = 0
        self._closed = False
        self._writer = threading.Thread(target=self._write_loop, name="jsonl-writer", daemon=True)
        self._watchdog = threading.Thread(target=self._watch_loop, name="jsonl-watchdog", daemon=True)
        self._writer.start()
        self._watchdog.start()

    # ---- public -------------------------------------------------------------------------
    def submit(self, op: str, request: dict[str, Any]) -> Future[Reply]:
        future: Future[Reply] = Future()
        with self._lock:
            if self._closed:
                future.set_result(Reply(op, failure="IUT adapter is closed", category=TRANSPORT))
                return future
            rid = self._next_id
            self._next_id += 1
            try:
                line = json.dumps({"id": rid, "op": op, **request}, ensure_ascii=False).encode() + b"\n"
            except (TypeError, ValueError) as exc:
                future.set_result(Reply(op, failure=f"request is not JSON-serialisable: {exc}",
                                        category=TRANSPORT))
                return future
            req = _Request(rid, op, line, future)
            self._pending[rid] = req
            if not self._ensure_process(req):
                return future
            self._send(req)
        return future

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            proc, self._proc = self._proc, None
            for req in list(self._pending.values()):
                self._fail(req, "IUT adapter closed before the answer came", TRANSPORT)
            self._wake.notify_all()
            self._tick.notify_all()
        if proc is not None:
            _close_process(proc.popen)

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.popen.pid if self._proc else None

    # ---- process life ---------------------------------------------------------------------
    def _ensure_process(self, req: _Request) -> bool:
        """Start the IUT if it is not running; on failure, fail every request in flight."""
        if self._proc is not None and self._proc.popen.poll() is None:
            return True
        if self._proc is not None:       # died while idle: its stdout EOF handler already ran
            self._proc = None
        try:
            popen = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=self.cwd, env=self.env,
                                     start_new_session=True)  # own group: kill its children too
        except OSError as exc:
            for pending in list(self._pending.values()):
                self._fail(pending, f"cannot start the IUT command {self.argv[0]!r}: {exc}", TRANSPORT)
            return False
        self._generation += 1
        proc = _Process(popen, self._generation)
        self._proc = proc
        threading.Thread(target=self._read_loop, args=(proc,), name="jsonl-reader", daemon=True).start()
        threading.Thread(target=self._stderr_loop, args=(proc,), name="jsonl-stderr", daemon=True).start()
        return True

    def _restart(self, reason_proc: _Process) -> None:
        """Kill `reason_proc` (if still current) and send what is in flight to a new process."""
        if self._proc is reason_proc:
            self._proc = None
            self.restarts += 1
        _kill(reason_proc.popen)
        if self._closed or not self._pending:
            return
        first = next(iter(self._pending.values()))
        if self._ensure_process(first):
            for req in list(self._pending.values()):
                self._send(req)

    def _send(self, req: _Request) -> None:
        assert self._proc is not None
        req.attempts += 1
        req.sent_at = time.monotonic()
        req.deadline = req.sent_at + self.timeout
        self._outbox.append((self._proc.generation, req))
        self._wake.notify_all()
        if req.deadline < self._next_wake:   # the watchdog sleeps past this deadline: wake it
            self._tick.notify_all()

    # ---- threads --------------------------------------------------------------------------
    def _write_loop(self) -> None:
        while True:
            with self._lock:
                while not self._outbox and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                generation, req = self._outbox.popleft()
                proc = self._proc
                if proc is None or proc.generation != generation or req.id not in self._pending:
                    continue   # sent to a process that is gone; the restart re-queued it
            try:  # outside the lock: a full pipe to a hung IUT must not block the reader
                proc.popen.stdin.write(req.line)
                proc.popen.stdin.flush()
            except (OSError, ValueError):
                pass  # the process died; the reader sees EOF and assigns the blame

    def _read_loop(self, proc: _Process) -> None:
        stream: IO[bytes] = proc.popen.stdout
        while True:
            try:
                line = stream.readline(self.max_line_bytes + 1)
            except (OSError, ValueError):
                line = b""
            if not line:
                self._on_exit(proc)
                return
            if len(line) > self.max_line_bytes and not line.endswith(b"\n"):
                self._on_flood(proc, line)
                return
            self._on_line(proc, line)

    def _stderr_loop(self, proc: _Process) -> None:
        try:
            for chunk in iter(lambda: proc.popen.stderr.read1(4096), b""):
                proc.add_stderr(chunk)
        except (OSError, ValueError):
            pass
        finally:
            proc.stderr_done.set()

    def _watch_loop(self) -> None:
        with self._lock:
            while not self._closed:
                now = time.monotonic()
                live = [r for r in self._pending.values() if r.deadline]
                expired = [r for r in live if r.deadline <= now]
                if expired and self._proc is not None:
                    victim = min(expired, key=lambda r: r.sent_at)
                    proc = self._proc
                    self._fail(victim, f"no answer within the {self.timeout:g} s timeout; "
                               "the IUT process was killed and restarted", TIMEOUT, proc)
                    self._restart(proc)
                    continue
                # Sleep until the soonest deadline. Deadlines grow with send time, so a request
                # sent while requests are in flight never needs an earlier wake-up: a burst of
                # 10,000 submits does not mean 10,000 scans of the pending table.
                soonest = min((r.deadline for r in live), default=now + 1.0)
                wait = max(0.002, min(1.0, soonest - now))
                self._next_wake = now + wait
                self._tick.wait(timeout=wait)

    # ---- events (reader thread) -------------------------------------------------------------
    def _on_line(self, proc: _Process, line: bytes) -> None:
        with self._lock:
            if proc is not self._proc:
                return
            text = line.strip()
            if not text:
                return
            try:
                envelope = json.loads(text)
            except ValueError as exc:
                self._blame_oldest(f"IUT wrote a line that is not JSON ({exc.msg} at column "
                                   f"{exc.colno}): {_clip(text)}", proc)
                return
            rid = envelope.get("id") if isinstance(envelope, dict) else None
            req = self._pending.get(rid) if isinstance(rid, int) and not isinstance(rid, bool) else None
            if req is None:
                why = ("answer without an integer 'id'" if not isinstance(rid, int) or isinstance(rid, bool)
                       else f"answer for id {rid}, which no request in flight has")
                self._blame_oldest(f"IUT wrote an {why}: {_clip(text)}", proc)
                return
            del self._pending[req.id]
            reply = reply_from_envelope(req.op, envelope, (time.monotonic() - req.sent_at) * 1000.0)
            if not reply.answered:
                reply = Reply(reply.op, failure=reply.failure, category=reply.category,
                              stderr=proc.stderr_text(), duration_ms=reply.duration_ms)
            req.future.set_result(reply)

    def _on_flood(self, proc: _Process, head: bytes) -> None:
        with self._lock:
            if proc is not self._proc:
                return
            match = _ID_PREFIX.match(head[:200])
            req = self._pending.get(int(match.group(1))) if match else None
            req = req or self._oldest()
            if req is not None:
                self._fail(req, f"IUT wrote an output line longer than the {self.max_line_bytes} byte cap; "
                           "the IUT process was killed and restarted", PROTOCOL, proc)
            self._restart(proc)

    def _on_exit(self, proc: _Process) -> None:
        try:
            code = proc.popen.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            code = None
        proc.stderr_done.wait(timeout=1.0)
        with self._lock:
            if proc is not self._proc:
                return   # we killed it on purpose; the blame is already assigned
            req = self._oldest()
            if req is not None:
                how = f"exited with code {code}" if code is not None else "closed its stdout"
                if code is not None and code < 0:
                    how = f"was killed by signal {-code}"
                self._fail(req, f"IUT process {how} while handling this request; restarted", CRASH, proc)
            self._restart(proc)

    # ---- blame ------------------------------------------------------------------------------
    def _oldest(self) -> _Request | None:
        sent = [r for r in self._pending.values() if r.sent_at]
        return min(sent, key=lambda r: r.sent_at) if sent else None

    def _blame_oldest(self, message: str, proc: _Process) -> None:
        req = self._oldest()
        if req is not None:
            self._fail(req, message, PROTOCOL, proc)

    def _fail(self, req: _Request, message: str, category: str, proc: _Process | None = None) -> None:
        self._pending.pop(req.id, None)
        stderr = proc.stderr_text() if proc is not None else ""
        elapsed = (time.monotonic() - req.sent_at) * 1000.0 if req.sent_at else 0.0
        if not req.future.done():
            req.future.set_result(Reply(req.op, failure=message, category=category, stderr=stderr,
                                        duration_ms=elapsed))


def _clip(data: bytes, limit: int = 160) -> str:
    text = data.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + f"… ({len(data)} bytes)"


def _kill(popen: subprocess.Popen) -> None:
    if popen.poll() is None:
        try:
            os.killpg(popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            popen.kill()
    for stream in (popen.stdin,):
        try:
            stream.close()
        except (OSError, ValueError):
            pass
    try:
        popen.wait(timeout=2.0)
    except subprocess.TimeoutExpired:
        pass


def _close_process(popen: subprocess.Popen) -> None:
    """Polite end: close stdin (a well-behaved IUT exits on EOF), then kill if it lingers."""
    try:
        popen.stdin.close()
    except (OSError, ValueError):
        pass
    try:
        popen.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        _kill(popen)
    for stream in (popen.stdout, popen.stderr):
        try:
            stream.close()
        except (OSError, ValueError):
            pass
