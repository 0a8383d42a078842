"""The compiled fast path never accepts what the reference validator (jsonschema) rejects."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings, strategies as st

from qrinterop.simulators.engine import contract
from qrinterop.simulators.wallets import WALLET_IDS, spec

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2**64) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=10)

SAMPLE = {"merchantPaymentId": "m-1", "amount": {"amount": 1, "currency": "JPY"}, "codeType": "ORDER_QR",
          "orderId": "o", "packages": [{"id": "p", "amount": 1, "products": [{"name": "n", "quantity": 1, "price": 1}]}],
          "redirectUrls": {"confirmUrl": "c", "cancelUrl": "x"}, "currency": "JPY", "appid": "a", "mchid": "1",
          "description": "d", "out_trade_no": "abcdef", "notify_url": "u", "out_refund_no": "r",
          "productCode": "IN_STORE_PAYMENT", "paymentRequestId": "p", "paymentAmount": {"currency": "JPY", "value": "1"},
          "order": {"referenceOrderId": "r", "orderDescription": "d", "orderAmount": {"currency": "JPY", "value": "1"}},
          "paymentMethod": {"paymentMethodType": "X"}, "paymentFactor": {"inStorePaymentScenario": "ORDERCODE"},
          "userCode": "1234567890123456", "merchantRefundId": "r", "paymentId": "p", "refundRequestId": "r",
          "refundAmount": {"currency": "JPY", "value": "1"}}

CHECKS = [(w, op.operation_id, op.request) for w in WALLET_IDS for op in spec(w).contract.operations.values()
          if op.request is not None]


def _mutations(base: dict, value: object) -> list[object]:
    out: list[object] = [value]
    for key in list(base)[:12]:
        m = copy.deepcopy(base)
        m[key] = value
        out.append(m)
        if isinstance(base[key], dict):
            for inner in base[key]:
                n = copy.deepcopy(base)
                n[key][inner] = value
                out.append(n)
    return out


needs_fast = pytest.mark.skipif(contract.fastjsonschema is None,
                                reason="fastjsonschema not installed: jsonschema alone validates (slower)")


@needs_fast
@settings(max_examples=60, deadline=None)
@given(value=json_values)
def test_fast_path_agrees_with_jsonschema(value: object) -> None:
    for w, op_id, check in CHECKS:
        for instance in _mutations(SAMPLE, value) + [True, 1.0, [], "x"]:
            if check._fast is None:
                continue
            try:
                check._fast(copy.deepcopy(instance))
                fast_ok = True
            except contract.fastjsonschema.JsonSchemaException:
                fast_ok = False
            if fast_ok:
                assert check.reference.is_valid(instance), (w, op_id, json.dumps(instance)[:200])


@needs_fast
@pytest.mark.parametrize("w", WALLET_IDS)
def test_every_schema_compiles_on_the_fast_path(w: str) -> None:
    for op in spec(w).contract.operations.values():
        for check in [op.request, *op.responses.values()]:
            assert check is None or check._fast is not None, (w, op.operation_id)


@pytest.mark.parametrize("w", WALLET_IDS)
def test_documents_are_openapi_31_with_valid_schemas(w: str) -> None:
    from jsonschema import Draft202012Validator
    doc = spec(w).contract.doc
    assert doc["openapi"].startswith("3.1") and doc["info"]["title"] and doc["paths"]
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
