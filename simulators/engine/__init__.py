"""The wallet-neutral core of the simulators: payments, refunds, idempotency, webhooks, faults.

Pure: nothing here opens a socket, reads a file or calls the clock. The time (`now`) and the
`Store` are passed in by the shell (`qrinterop.simulators.simulator`). The SQLite and PostgreSQL
stores (store.py, store_postgres.py) are the one place that touches a disk or a database, behind
the same `Store` protocol as the in-memory store.
"""
from qrinterop.simulators.engine.http import SimRequest, SimResponse
from qrinterop.simulators.engine.model import Merchant, Payment, Refund, State
from qrinterop.simulators.engine.errors import SimError, Kind

__all__ = ["SimRequest", "SimResponse", "Merchant", "Payment", "Refund", "State", "SimError", "Kind"]
