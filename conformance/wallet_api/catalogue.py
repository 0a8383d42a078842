"""The wallet API rules: what each wallet documents, one record per (wallet, behaviour).

Same shape as `qrinterop.rules.model.Rule.to_dict()` (id, title, source, level, profile,
description) so the run record and the report writers take them as they take the QR rules.
`profile` is the wallet id. Sources are the notes' tags (notes/wallet-apis.md §0); a behaviour
the notes mark uncertain or that only third-party summaries give is a SHOULD; the four modelled
wallets' rules test the simulator's INVENTED contract (notes §5.1), not the vendors' real APIs.
"""
from __future__ import annotations

from typing import Any

from qrinterop.simulators.wallets import WALLET_IDS

MODELLED = ("dbarai", "merpay", "rakutenpay", "aupay")
INVENTED = "notes/wallet-apis.md §5.1 [INVENTED: the simulator's contract, not the vendor's API]"

# aspect → (title, what the test checks)
ASPECTS: dict[str, tuple[str, str]] = {
    "auth": ("Unsigned or tampered requests are refused with the documented auth error",
             "A request without the auth headers, and one whose signature covers a different body, are both "
             "refused with the wallet's documented auth error; the correctly signed request is accepted."),
    "auth.freshness": ("A signature outside the documented time window is refused",
                       "A request signed with a timestamp older than the documented window is refused with the "
                       "auth error; one signed now is accepted."),
    "state_machine": ("Payment status follows the documented state machine",
                      "A new payment reads as created; once the user pays (and the merchant confirms, where the "
                      "wallet requires it) it reads as paid; refunding an unpaid payment is refused with the "
                      "documented error; a refunded payment reads as refunded."),
    "idempotency": ("The merchant's id makes create idempotent",
                    "The same create request sent twice returns the same payment (same code); the same id with a "
                    "different body is refused with the documented conflict error, and creates nothing."),
    "refund": ("Refunds are bounded by the paid amount and idempotent by refund id",
               "A partial refund succeeds; a refund above what is left is refused with the documented error; "
               "re-sending a refund with the same refund id does not refund twice."),
    "errors": ("Errors come in the documented shape and code",
               "Asking for a payment that does not exist gives the documented not-found code in the wallet's "
               "error body; a body that is not JSON is refused as a bad request, not a server error."),
    "webhook": ("Payment notifications carry the documented signature and content",
                "After the user pays, the wallet notifies the given URL; the notification verifies with the "
                "documented scheme (or, where the wallet documents none, has the documented body) and names "
                "the merchant's payment id."),
}

SOURCES: dict[str, dict[str, str]] = {
    "paypay": {
        "auth": "PP-AUTH, PP-PY Client.auth_header, PP-NODE createAuthHeader (notes §1.2)",
        "auth.freshness": "PP-AUTH: epoch within 2 minutes of server time (notes §1.2)",
        "state_machine": "PP-OAS 'Basic status transition', PaymentState (notes §1.4)",
        "idempotency": "PP-OAS merchantPaymentId, DUPLICATE_DYNAMIC_QR_REQUEST (notes §1.5)",
        "refund": "PP-OAS refunds: merchantRefundId unique, REFUND_LIMIT_EXCEEDED (notes §1.5)",
        "errors": "PP-OAS ErrorHandling, DYNAMIC_QR_PAYMENT_NOT_FOUND (notes §1.4, §1.7)",
        "webhook": "PP-OAS TransactionEvents: unsigned, snake_case body (notes §1.6)",
    },
    "linepay": {
        "auth": "LP-DEV pre-requisites, LP-ENY auth-http-client (notes §2.2)",
        "state_machine": "LP-ENY check-payment-status 0000/0110/0123 (notes §2.4)",
        "idempotency": "LP-ENY return codes: 1172 duplicate orderId (notes §2.5)",
        "refund": "LP-ENY return codes: 1164 refundable amount exceeded (notes §2.5)",
        "errors": "LP-ENY return codes: HTTP 200 + returnCode, 1150 not found, 2102 JSON (notes §2.5)",
    },
    "alipayplus": {
        "auth": "AN-DOC digital_signature, AN-PY signature_tool (notes §3.2)",
        "state_machine": "AN-PY transaction_status_type, AN-DOC paymentri_online (notes §3.3)",
        "idempotency": "AN-DOC paymentRequestId: the same result is returned (notes §3.3); "
                       "REPEAT_REQ_INCONSISTENT from third-party summaries only",
        "refund": "AN-DOC refund (notes §3.3); REFUND_AMOUNT_EXCEED from third-party summaries only",
        "errors": "AN-PY result envelope S|F|U (notes §3.3); ORDER_NOT_EXIST from third-party summaries only",
        "webhook": "AN-DOC digital_signature, AN-PY webhook_tool.check_signature (notes §3.2)",
    },
    "wechatpay": {
        "auth": "WX-GO core/auth credentials + validators (notes §4.2)",
        "auth.freshness": "WX-GO wechat_pay_validator: 5-minute window (notes §4.2; applied to requests by the simulator)",
        "state_machine": "WX-DOC trade_state NOTPAY/SUCCESS/REFUND (notes §4.1; enum not verified)",
        "idempotency": "WX-GO native PrepayRequest out_trade_no (notes §4.1); conflict code is the simulator's",
        "refund": "WX-GO refunddomestic (notes §4.1); over-refund code is the simulator's",
        "errors": "WX-GO core/error.go body {code,message}; ORDER_NOT_EXIST (notes §4.4, not verified)",
        "webhook": "WX-GO core/notify, utils/aes (notes §4.3)",
    },
}
for _w in MODELLED:
    SOURCES[_w] = {a: INVENTED for a in ("auth", "auth.freshness", "state_machine", "idempotency", "refund", "errors",
                                          "webhook")}

# Checks whose exact codes rest on weak sources: a mismatch there is a warning, not a failure.
SHOULD: frozenset[str] = frozenset({"alipayplus.api.idempotency", "alipayplus.api.refund", "alipayplus.api.errors",
                                    "wechatpay.api.idempotency", "wechatpay.api.refund", "wechatpay.api.errors",
                                    "wechatpay.api.state_machine", "wechatpay.api.auth.freshness"})


def rule_id(wallet: str, aspect: str) -> str:
    return f"{wallet}.api.{aspect}"


def wallet_rules(wallets: tuple[str, ...] = WALLET_IDS) -> list[dict[str, Any]]:
    """Every wallet API rule, as `Rule.to_dict()` records, in wallet then aspect order."""
    out = []
    for w in wallets:
        for aspect, source in SOURCES[w].items():
            title, description = ASPECTS[aspect]
            rid = rule_id(w, aspect)
            if w in MODELLED:
                description += " (Modelled wallet: the contract is qrinterop's invention.)"
            out.append({"id": rid, "title": title, "source": source, "level": "SHOULD" if rid in SHOULD else "MUST",
                        "profile": w, "description": description})
    return out


def aspects_of(wallet: str) -> tuple[str, ...]:
    return tuple(SOURCES[wallet])


def level_of(rid: str) -> str:
    return "SHOULD" if rid in SHOULD else "MUST"
