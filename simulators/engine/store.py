"""Where records live: a `Store` protocol and three stores — in memory, SQLite (WAL), PostgreSQL.

Records are grouped by kind (`payment`, `refund`, `idem`, `webhook`, index kinds holding a plain
string). Every record carries a version. A request's writes are applied with one `commit()` —
one database transaction — before the response leaves, so an acknowledged payment survives a
kill -9 of the server. A write says what it means:

* `insert`  — the key must be new (plain INSERT on a primary key). If it exists, the commit fails
  with `StoreConflict`: never a silent overwrite of a record somebody else made;
* `update`  — compare-and-set on the version read: if another writer (thread, process, machine)
  changed the record since, the commit fails with `StoreConflict` and nothing is written;
* `upsert`  — only for records the simulator itself owns outright (merchant settings, webhook
  delivery bookkeeping);
* `delete`.

So idempotency, refund limits and the payment state machine are held by the database (primary
keys and version checks), not by process-local locks: several server processes may share one
SQLite file or one PostgreSQL database. The simulator retries a unit of work that lost a race.

Replay protection lives here too (`use_nonce`): one row per (scope, nonce) until it expires,
scope = wallet + merchant, so one merchant's traffic never pushes out another's.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from typing import Iterator, Protocol

from qrinterop.simulators.engine.model import Merchant, Payment, Refund, State, StoredResponse, Webhook

Record = object
Write = tuple[str, str, str, "Record | None", "int | None"]   # (op, kind, key, value, expected version)

RECORD_TYPES: dict[str, type] = {
    "merchant": Merchant, "payment": Payment, "refund": Refund, "idem": StoredResponse, "webhook": Webhook,
}
NONCE_PURGE_EVERY = 5000        # inserts between two sweeps of expired nonces


class StoreConflict(Exception):
    """A commit lost a race (a key inserted twice, a record changed since it was read).
    Nothing of the commit was written; the caller re-reads and tries again."""

    def __init__(self, op: str, kind: str, key: str) -> None:
        super().__init__(f"{op} {kind}:{key} conflicts with a concurrent write")
        self.op, self.kind, self.key = op, kind, key


class Store(Protocol):
    def get(self, kind: str, key: str) -> Record | None: ...
    def get_versioned(self, kind: str, key: str) -> tuple[Record, int] | None: ...
    def commit(self, writes: list[Write]) -> None: ...
    def scan(self, kind: str) -> Iterator[tuple[str, Record]]: ...
    def count(self, kind: str) -> int: ...
    def use_nonce(self, scope: str, nonce: str, expires: float, now: float) -> bool: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


def upsert(kind: str, key: str, value: Record) -> Write:
    return ("upsert", kind, key, value, None)


def insert(kind: str, key: str, value: Record) -> Write:
    return ("insert", kind, key, value, None)


def delete(kind: str, key: str) -> Write:
    return ("delete", kind, key, None, None)


class MemoryStore:
    """Dicts of frozen records; a record object is never mutated, so sharing it is safe."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, tuple[Record, int]]] = {}
        self._nonces: dict[str, dict[str, float]] = {}
        self._nonce_inserts = 0
        self._lock = threading.Lock()

    def get(self, kind: str, key: str) -> Record | None:
        table = self._data.get(kind)
        got = table.get(key) if table is not None else None
        return got[0] if got is not None else None

    def get_versioned(self, kind: str, key: str) -> tuple[Record, int] | None:
        table = self._data.get(kind)
        return table.get(key) if table is not None else None

    def commit(self, writes: list[Write]) -> None:
        with self._lock:
            for op, kind, key, _value, expected in writes:     # check everything, then write: all or nothing
                current = self._data.get(kind, {}).get(key)
                if op == "insert" and current is not None:
                    raise StoreConflict(op, kind, key)
                if op in ("update", "delete") and expected is not None and (current is None or current[1] != expected):
                    raise StoreConflict(op, kind, key)
            for op, kind, key, value, _expected in writes:
                table = self._data.setdefault(kind, {})
                if op == "delete":
                    table.pop(key, None)
                else:
                    old = table.get(key)
                    table[key] = (value, old[1] + 1 if old else 1)

    def scan(self, kind: str) -> Iterator[tuple[str, Record]]:
        with self._lock:
            items = [(k, v[0]) for k, v in self._data.get(kind, {}).items()]
        return iter(items)

    def count(self, kind: str) -> int:
        return len(self._data.get(kind, {}))

    def use_nonce(self, scope: str, nonce: str, expires: float, now: float) -> bool:
        with self._lock:
            book = self._nonces.setdefault(scope, {})
            seen = book.get(nonce)
            if seen is not None and seen > now:
                return False
            book[nonce] = expires
            self._nonce_inserts += 1
            if self._nonce_inserts % NONCE_PURGE_EVERY == 0:
                for b in self._nonces.values():
                    for n in [n for n, e in b.items() if e <= now]:
                        del b[n]
            return True

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def close(self) -> None:
        pass


def encode(value: Record) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    d = dataclasses.asdict(value)  # type: ignore[call-overload]
    for k, v in d.items():
        if isinstance(v, bytes):
            d[k] = {"$b64": base64.b64encode(v).decode()}
        elif isinstance(v, State):
            d[k] = v.value
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def decode(kind: str, text: str) -> Record:
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


def create_private_file(path: str) -> None:
    """Create `path` readable by its owner only (0600) if it does not exist yet: the state holds
    merchant secrets and private keys. SQLite gives its -wal and -shm files the same mode."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


class SqliteStore:
    """One row per record in a WAL-mode SQLite file; several processes may share the file.

    synchronous=NORMAL in WAL mode: a committed transaction survives the death of the process
    (kill -9) — what the restart guarantee needs — though not a power cut; FULL would add an
    fsync per request. A small read cache is deliberately absent: the file is the truth.
    """

    def __init__(self, path: str, *, synchronous: str = "NORMAL") -> None:
        self.path = path
        if path != ":memory:":
            create_private_file(path)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30.0)
        self._lock = threading.Lock()
        self._nonce_inserts = 0
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
                " PRIMARY KEY (kind, key)) WITHOUT ROWID")
            columns = [row[1] for row in self._conn.execute("PRAGMA table_info(records)")]
            if "version" not in columns:       # a state file written before versions existed
                self._conn.execute("ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS nonces (scope TEXT NOT NULL, nonce TEXT NOT NULL, expires REAL NOT NULL,"
                " PRIMARY KEY (scope, nonce)) WITHOUT ROWID")
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def get(self, kind: str, key: str) -> Record | None:
        got = self.get_versioned(kind, key)
        return got[0] if got is not None else None

    def get_versioned(self, kind: str, key: str) -> tuple[Record, int] | None:
        with self._lock:
            row = self._conn.execute("SELECT data, version FROM records WHERE kind=? AND key=?", (kind, key)).fetchone()
        return (decode(kind, row[0]), row[1]) if row else None

    def commit(self, writes: list[Write]) -> None:
        if not writes:
            return
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                for op, kind, key, value, expected in writes:
                    if op == "insert":
                        try:
                            c.execute("INSERT INTO records (kind, key, data, version) VALUES (?,?,?,1)",
                                      (kind, key, encode(value)))
                        except sqlite3.IntegrityError:
                            raise StoreConflict(op, kind, key) from None
                    elif op == "update":
                        n = c.execute("UPDATE records SET data=?, version=version+1 WHERE kind=? AND key=? AND version=?",
                                      (encode(value), kind, key, expected)).rowcount
                        if n != 1:
                            raise StoreConflict(op, kind, key)
                    elif op == "upsert":
                        c.execute("INSERT INTO records (kind, key, data, version) VALUES (?,?,?,1) ON CONFLICT (kind, key)"
                                  " DO UPDATE SET data=excluded.data, version=records.version+1", (kind, key, encode(value)))
                    elif expected is None:
                        c.execute("DELETE FROM records WHERE kind=? AND key=?", (kind, key))
                    elif c.execute("DELETE FROM records WHERE kind=? AND key=? AND version=?",
                                   (kind, key, expected)).rowcount != 1:
                        raise StoreConflict(op, kind, key)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

    def scan(self, kind: str) -> Iterator[tuple[str, Record]]:
        with self._lock:
            rows = self._conn.execute("SELECT key, data FROM records WHERE kind=?", (kind,)).fetchall()
        return iter([(k, decode(kind, d)) for k, d in rows])

    def count(self, kind: str) -> int:
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM records WHERE kind=?", (kind,)).fetchone()[0]

    def use_nonce(self, scope: str, nonce: str, expires: float, now: float) -> bool:
        """True (and remembered until `expires`) if the nonce is new or its earlier use expired."""
        with self._lock:
            n = self._conn.execute(
                "INSERT INTO nonces (scope, nonce, expires) VALUES (?,?,?) ON CONFLICT (scope, nonce)"
                " DO UPDATE SET expires=excluded.expires WHERE nonces.expires <= ?", (scope, nonce, expires, now)).rowcount
            self._nonce_inserts += 1
            if self._nonce_inserts % NONCE_PURGE_EVERY == 0:
                self._conn.execute("DELETE FROM nonces WHERE expires <= ?", (now,))
        return n == 1

    def clear(self) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM records")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def open_store(state: str | None) -> Store:
    """`None`: in memory; `postgresql://…` (or `postgres://…`): PostgreSQL; anything else: a SQLite file."""
    if not state:
        return MemoryStore()
    if state.startswith(("postgresql://", "postgres://")):
        from qrinterop.simulators.engine.store_postgres import PostgresStore
        return PostgresStore(state)
    return SqliteStore(state)


class KeyedLocks:
    """One lock per key, created on demand and dropped when nobody holds or waits for it.

    Within one process they keep concurrent requests on one payment from racing at all (cheaper
    than losing a version check and retrying); across processes the store's checks decide."""

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


_ABSENT = object()


class UnitOfWork:
    """Reads through to the store (remembering the version it saw), buffers writes, and commits
    them in one go: a key read as absent is inserted, a key read as present is updated only if
    nobody changed it since, a key never read is inserted (new ids, new index entries)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: dict[tuple[str, str], Record | None] = {}
        self.read: dict[tuple[str, str], tuple[Record, int] | None] = {}

    def get(self, kind: str, key: str) -> Record | None:
        k = (kind, key)
        if k in self.pending:
            return self.pending[k]
        got = self.read.get(k, _ABSENT)
        if got is _ABSENT:
            got = self.read[k] = self.store.get_versioned(kind, key)
        return got[0] if got is not None else None   # type: ignore[index]

    def original(self, kind: str, key: str) -> Record | None:
        """The record as it was read from the store (before this unit's changes)."""
        got = self.read.get((kind, key))
        return got[0] if got is not None else None

    def put(self, kind: str, key: str, value: Record | None) -> None:
        self.pending[(kind, key)] = value

    def writes(self) -> list[Write]:
        out: list[Write] = []
        for (kind, key), value in self.pending.items():
            seen = self.read.get((kind, key))
            if value is None:
                out.append(("delete", kind, key, None, seen[1] if seen else None))
            elif seen is None:
                out.append(("insert", kind, key, value, None))
            else:
                out.append(("update", kind, key, value, seen[1]))
        return out

    def commit(self) -> None:
        if self.pending:
            self.store.commit(self.writes())
            self.pending.clear()
