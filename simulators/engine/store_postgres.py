"""PostgreSQL store (`qrinterop serve --state postgresql://…`): several server processes, on one
or several machines, share one state.

The same two tables and the same write semantics as the SQLite store (see store.py): a plain
INSERT on a primary key, a compare-and-set UPDATE on a version column, ON CONFLICT only where
the simulator owns the record outright. Under READ COMMITTED a second INSERT of one key waits
for the first transaction and then fails with a unique violation, and an UPDATE whose version
another transaction moved matches no row: both come back as `StoreConflict`, and the
simulator re-runs the request against what the winner wrote. So two processes given the same
idempotency key make one payment, and two refunds of one payment never both see its old
refunded total — the database decides, not a lock in either process.

One connection per process (the server's handlers run one at a time on its event loop; the
lock serialises threads in in-process use). The driver is psycopg 3.
"""
from __future__ import annotations

import threading
from typing import Iterator

from qrinterop.simulators.engine.store import NONCE_PURGE_EVERY, Record, StoreConflict, Write, decode, encode

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS qri_records (kind TEXT NOT NULL, key TEXT NOT NULL, version BIGINT NOT NULL,"
    " data TEXT NOT NULL, PRIMARY KEY (kind, key))",
    "CREATE TABLE IF NOT EXISTS qri_nonces (scope TEXT NOT NULL, nonce TEXT NOT NULL,"
    " expires DOUBLE PRECISION NOT NULL, PRIMARY KEY (scope, nonce))",
    # compare-and-set that fails the whole transaction when the version moved (so a commit can be
    # sent as one round trip and still be all or nothing)
    """CREATE OR REPLACE FUNCTION qri_cas(k TEXT, ky TEXT, d TEXT, v BIGINT) RETURNS void AS $$
    BEGIN
      IF d IS NULL THEN
        DELETE FROM qri_records WHERE kind = k AND key = ky AND version = v;
      ELSE
        UPDATE qri_records SET data = d, version = version + 1 WHERE kind = k AND key = ky AND version = v;
      END IF;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'qri-conflict:%:%', k, ky USING ERRCODE = 'QR001';
      END IF;
    END $$ LANGUAGE plpgsql""",
)
_SCHEMA_LOCK = 0x7172_6970_0001      # advisory lock: two processes starting at once create the tables once


class PostgresStore:
    def __init__(self, url: str, *, connect_timeout: float = 10.0) -> None:
        try:
            import psycopg
        except ImportError as exc:      # pragma: no cover - psycopg is a dependency of the simulators
            raise RuntimeError("--state postgresql://… needs the Python package psycopg: pip install 'qrinterop[postgres]' "
                               "(or 'psycopg[binary]')") from exc
        self._psycopg = psycopg
        self.url = url
        self._conn = psycopg.connect(url, autocommit=True, connect_timeout=int(connect_timeout))
        # client-side binding: a commit's statements go in one query string, one round trip, run by
        # the server as one implicit transaction (all or nothing)
        self._batch = psycopg.ClientCursor(self._conn)
        self._lock = threading.Lock()
        self._nonce_inserts = 0
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            for ddl in _SCHEMA:
                self._conn.execute(ddl)

    def get(self, kind: str, key: str) -> Record | None:
        got = self.get_versioned(kind, key)
        return got[0] if got is not None else None

    def get_versioned(self, kind: str, key: str) -> tuple[Record, int] | None:
        with self._lock:
            row = self._conn.execute("SELECT data, version FROM qri_records WHERE kind=%s AND key=%s",
                                     (kind, key)).fetchone()
        return (decode(kind, row[0]), row[1]) if row else None

    def commit(self, writes: list[Write]) -> None:
        if not writes:
            return
        sql: list[str] = []
        params: list[object] = []
        for op, kind, key, value, expected in writes:
            if op == "insert":
                sql.append("INSERT INTO qri_records (kind, key, version, data) VALUES (%s, %s, 1, %s)")
                params += [kind, key, encode(value)]
            elif op == "update":
                sql.append("SELECT qri_cas(%s, %s, %s, %s)")
                params += [kind, key, encode(value), expected]
            elif op == "upsert":
                sql.append("INSERT INTO qri_records (kind, key, version, data) VALUES (%s, %s, 1, %s)"
                           " ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data, version = qri_records.version + 1")
                params += [kind, key, encode(value)]
            elif expected is None:
                sql.append("DELETE FROM qri_records WHERE kind = %s AND key = %s")
                params += [kind, key]
            else:
                sql.append("SELECT qri_cas(%s, %s, NULL, %s)")
                params += [kind, key, expected]
        errors = self._psycopg.errors
        with self._lock:
            try:
                self._batch.execute(";\n".join(sql), params)
            except errors.UniqueViolation as exc:    # detail: Key (kind, key)=(payment, 123) already exists.
                detail = (exc.diag.message_detail or "").partition(")=(")[2]
                kind, _, key = detail.partition(", ")
                raise StoreConflict("insert", kind, key.rsplit(")", 1)[0]) from None
            except errors.DatabaseError as exc:
                message = exc.diag.message_primary or ""
                if exc.sqlstate == "QR001" and message.startswith("qri-conflict:"):
                    _, kind, key = message.split(":", 2)
                    raise StoreConflict("update", kind, key) from None
                raise

    def scan(self, kind: str) -> Iterator[tuple[str, Record]]:
        with self._lock:
            rows = self._conn.execute("SELECT key, data FROM qri_records WHERE kind=%s", (kind,)).fetchall()
        return iter([(k, decode(kind, d)) for k, d in rows])

    def count(self, kind: str) -> int:
        with self._lock:
            row = self._conn.execute("SELECT count(*) FROM qri_records WHERE kind=%s", (kind,)).fetchone()
        return int(row[0]) if row else 0

    def use_nonce(self, scope: str, nonce: str, expires: float, now: float) -> bool:
        with self._lock:
            cur = self._conn.execute(
                "INSERT INTO qri_nonces (scope, nonce, expires) VALUES (%s,%s,%s) ON CONFLICT (scope, nonce)"
                " DO UPDATE SET expires=excluded.expires WHERE qri_nonces.expires <= %s", (scope, nonce, expires, now))
            fresh = cur.rowcount == 1
            self._nonce_inserts += 1
            if self._nonce_inserts % NONCE_PURGE_EVERY == 0:
                self._conn.execute("DELETE FROM qri_nonces WHERE expires <= %s", (now,))
        return fresh

    def clear(self) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM qri_records")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
