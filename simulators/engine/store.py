"""Where records live: a `Store` protocol, an in-memory store and a SQLite (WAL) store.

Records are grouped by kind (`payment`, `refund`, `idem`, `webhook`, index kinds holding a plain
string). Every request's writes are applied with one `commit()` — one SQLite transaction — before
the response leaves, so an acknowledged payment survives a kill -9 of the server.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import sqlite3
import threading
from contextlib import contextmanager
from typing import Iterator, Protocol

from qrinterop.simulators.engine.model import Merchant, Payment, Refund, State, StoredResponse, Webhook

Record = object
Write = tuple[str, str, "Record | None"]          # (kind, key, value); None deletes

RECORD_TYPES: dict[str, type] = {
    "merchant": Merchant, "payment": Payment, "refund": Refund, "idem": StoredResponse, "webhook": Webhook,
}


class Store(Protocol):
    def get(self, kind: str, key: str) -> Record | None: ...
    def commit(self, writes: list[Write]) -> None: ...
    def scan(self, kind: str) -> Iterator[tuple[str, Record]]: ...
    def count(self, kind: str) -> int: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


class MemoryStore:
    """Dicts of frozen records; a record object is never mutated, so sharing it is safe."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, Record]] = {}
        self._lock = threading.Lock()

    def get(self, kind: str, key: str) -> Record | None:
        table = self._data.get(kind)
        return table.get(key) if table is not None else None

    def commit(self, writes: list[Write]) -> None:
        with self._lock:
            for kind, key, value in writes:
                table = self._data.setdefault(kind, {})
                if value is None:
                    table.pop(key, None)
                else:
                    table[key] = value

    def scan(self, kind: str) -> Iterator[tuple[str, Record]]:
        with self._lock:
            items = list(self._data.get(kind, {}).items())
        return iter(items)

    def count(self, kind: str) -> int:
        return len(self._data.get(kind, {}))

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def close(self) -> None:
        pass


def _encode(value: Record) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    d = dataclasses.asdict(value)  # type: ignore[call-overload]
    for k, v in d.items():
        if isinstance(v, bytes):
            d[k] = {"$b64": base64.b64encode(v).decode()}
        elif isinstance(v, State):
            d[k] = v.value
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def _decode(kind: str, text: str) -> Record:
    raw = json.loads(text)
    cls = RECORD_TYPES.get(kind)
    if cls is None:
        return raw
    for k, v in list(raw.items()):
        if isinstance(v, dict) and "$b64" in v:
            raw[k] = base64.b64decode(v["$b64"])
        elif isinstance(v, list) and k == "headers":
            raw[k] = tuple(tuple(x) for x in v)
    if cls is Payment:
        raw["state"] = State(raw["state"])
        raw["refund_ids"] = tuple(raw.get("refund_ids", ()))
    return cls(**raw)


class SqliteStore:
    """One row per record in a WAL-mode SQLite file.

    synchronous=NORMAL in WAL mode: a committed transaction survives the death of the process
    (kill -9) — what the restart guarantee needs — though not a power cut; FULL would add an
    fsync per request. A small read cache is deliberately absent: the file is the truth.
    """

    def __init__(self, path: str, *, synchronous: str = "NORMAL") -> None:
        self.path = path
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
            " PRIMARY KEY (kind, key)) WITHOUT ROWID")

    def get(self, kind: str, key: str) -> Record | None:
        with self._lock:
            row = self._conn.execute("SELECT data FROM records WHERE kind=? AND key=?", (kind, key)).fetchone()
        return _decode(kind, row[0]) if row else None

    def commit(self, writes: list[Write]) -> None:
        if not writes:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for kind, key, value in writes:
                    if value is None:
                        self._conn.execute("DELETE FROM records WHERE kind=? AND key=?", (kind, key))
                    else:
                        self._conn.execute("INSERT OR REPLACE INTO records (kind, key, data) VALUES (?,?,?)",
                                           (kind, key, _encode(value)))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def scan(self, kind: str) -> Iterator[tuple[str, Record]]:
        with self._lock:
            rows = self._conn.execute("SELECT key, data FROM records WHERE kind=?", (kind,)).fetchall()
        return iter([(k, _decode(kind, d)) for k, d in rows])

    def count(self, kind: str) -> int:
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM records WHERE kind=?", (kind,)).fetchone()[0]

    def clear(self) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM records")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class KeyedLocks:
    """One lock per key, created on demand and dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, list] = {}     # key -> [lock, users]

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            entry = self._locks.get(key)
            if entry is None:
                entry = self._locks[key] = [threading.Lock(), 0]
            entry[1] += 1
        entry[0].acquire()
        try:
            yield
        finally:
            entry[0].release()
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]


class UnitOfWork:
    """Reads through to the store, buffers writes, and commits them in one go."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: dict[tuple[str, str], Record | None] = {}

    def get(self, kind: str, key: str) -> Record | None:
        if (kind, key) in self.pending:
            return self.pending[(kind, key)]
        return self.store.get(kind, key)

    def put(self, kind: str, key: str, value: Record | None) -> None:
        self.pending[(kind, key)] = value

    def commit(self) -> None:
        if self.pending:
            self.store.commit([(k, key, v) for (k, key), v in self.pending.items()])
            self.pending.clear()
