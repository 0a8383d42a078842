"""Wallet-neutral error kinds. Each wallet maps a `Kind` onto its own HTTP status and code.

The engine raises `SimError(kind, message, field=…)`; it never chooses a wallet's code, so
"refund above the captured amount" is one rule here and eight spellings in the wallet tables.
"""
from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    BAD_SIGNATURE = "bad_signature"        # signature does not verify / header malformed
    STALE_SIGNATURE = "stale_signature"    # timestamp outside the wallet's window
    REPLAYED_SIGNATURE = "replayed_signature"
    MISSING_AUTH = "missing_auth"          # no auth header at all
    UNKNOWN_MERCHANT = "unknown_merchant"
    MERCHANT_SCOPE = "merchant_scope"      # credentials not allowed to act for that merchant
    MALFORMED_JSON = "malformed_json"
    CONTENT_TYPE = "content_type"
    BODY_TOO_LARGE = "body_too_large"
    MISSING_FIELD = "missing_field"
    INVALID_FIELD = "invalid_field"
    ROUTE_NOT_FOUND = "route_not_found"
    PAYMENT_NOT_FOUND = "payment_not_found"
    REFUND_NOT_FOUND = "refund_not_found"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"   # same key, different body
    ILLEGAL_STATE = "illegal_state"        # the state machine forbids this operation now
    NOT_PAID = "not_paid"                  # operation needs a paid payment (e.g. refund of CREATED)
    ALREADY_PAID = "already_paid"
    ALREADY_CAPTURED = "already_captured"
    ALREADY_CLOSED = "already_closed"      # canceled / voided / failed
    EXPIRED = "expired"
    AMOUNT_MISMATCH = "amount_mismatch"
    REFUND_EXCEEDED = "refund_exceeded"
    ALREADY_REFUNDED = "already_refunded"
    MULTIPLE_REFUND_REJECTED = "multiple_refund_rejected"
    CANCEL_WINDOW_CLOSED = "cancel_window_closed"
    USER_CODE_INVALID = "user_code_invalid"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"


class SimError(Exception):
    """A request the wallet refuses; `field` names the offending JSON field (dotted path)."""

    def __init__(self, kind: Kind, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.kind, self.message, self.field = kind, message, field

    def __repr__(self) -> str:
        return f"SimError({self.kind.value}, {self.message!r}, field={self.field!r})"
