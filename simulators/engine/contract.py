"""A wallet's OpenAPI 3.1 document, compiled once: route matching, request and response checks.

Contract-first: the routes a wallet serves *are* the document's operations (the wallet module
maps operationId → handler), requests are validated against the request schemas, and with
`check_responses` the simulator validates its own answers, so drift fails loudly.
Validators are compiled once per operation at start-up, never per request.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from qrinterop.simulators.engine.errors import Kind, SimError

try:   # optional accelerator: compiles a schema to Python code; ~5x faster on valid input
    import fastjsonschema
except ImportError:  # pragma: no cover - jsonschema alone gives the same answers, slower
    fastjsonschema = None

class SchemaCheck:
    """A compiled schema: the fast path says "valid" (most requests); jsonschema, the reference,
    has the last word whenever the fast path objects, and produces the located error."""

    __slots__ = ("reference", "_fast")

    def __init__(self, schema: dict[str, Any]) -> None:
        self.reference = Draft202012Validator(schema)
        self._fast = None
        if fastjsonschema is not None:
            try:
                self._fast = fastjsonschema.compile(schema, use_default=False)   # never mutate the request
            except Exception:     # a construct it does not support: the reference alone decides
                self._fast = None

    def first_error(self, instance: object) -> ValidationError | None:
        if self._fast is not None:
            try:
                self._fast(instance)
                return None
            except fastjsonschema.JsonSchemaException:
                pass
        return _first_error(self.reference, instance)


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    template: str
    regex: re.Pattern[str]
    body_required: bool
    has_body: bool
    request: SchemaCheck | None
    responses: dict[str, SchemaCheck | None]   # status ("201", "default") -> body validator


class Contract:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.operations: dict[str, Operation] = {}
        self._by_method: dict[str, list[Operation]] = {}

        def validator(*parts: str) -> SchemaCheck:
            # $refs are inlined once here: resolving them through a registry on every request
            # cost half of a request's time (profiled). The documents have no recursive schemas.
            return SchemaCheck(_inline(doc, _resolve(doc, parts)))

        for template, item in doc.get("paths", {}).items():
            regex = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")
            for method, op in item.items():
                if method.startswith("x-") or method == "parameters":
                    continue
                body = op.get("requestBody")
                req = None
                if body and "application/json" in body.get("content", {}):
                    req = validator("paths", template, method, "requestBody", "content", "application/json", "schema")
                responses: dict[str, SchemaCheck | None] = {}
                for status, resp in op.get("responses", {}).items():
                    where: tuple[str, ...] = ("paths", template, method, "responses", status)
                    if "$ref" in resp:          # a shared response under #/components/responses
                        where = tuple(resp["$ref"].lstrip("#/").split("/"))
                        resp = _resolve(doc, where)
                    content = resp.get("content", {})
                    ctype = next(iter(content), None)
                    responses[status] = validator(*where, "content", ctype, "schema") if ctype else None
                operation = Operation(op["operationId"], method.upper(), template, regex,
                                      bool(body and body.get("required")), bool(body), req, responses)
                self.operations[operation.operation_id] = operation
                self._by_method.setdefault(operation.method, []).append(operation)
        for ops in self._by_method.values():   # literal segments beat parameters: /v2/payments/capture vs /{id}
            ops.sort(key=lambda o: (o.template.count("{"), -len(o.template)))

    def methods_for(self, path: str) -> list[str]:
        """The methods the document defines on `path` (for a 405's Allow header); [] if none."""
        return sorted({op.method for ops in self._by_method.values() for op in ops if op.regex.match(path)})

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for op in self._by_method.get(method, ()):
            m = op.regex.match(path)
            if m:
                return op, m.groupdict()
        return None

    @staticmethod
    def validate_request(op: Operation, body: object) -> None:
        if op.request is None or (body is None and not op.body_required):
            return
        error = op.request.first_error(body)
        if error is None:
            return
        where = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            name = f"{where}.{missing[0]}" if where else missing[0]
            raise SimError(Kind.MISSING_FIELD, f"missing required field {name!r}", field=name)
        raise SimError(Kind.INVALID_FIELD, f"field {where or '(body)'!r}: {error.message}", field=where)

    @staticmethod
    def check_response(op: Operation, status: int, body: object | None) -> str | None:
        """None if the answer matches the document, else a sentence saying how it drifted."""
        key = str(status) if str(status) in op.responses else ("default" if "default" in op.responses else None)
        if key is None:
            return f"{op.operation_id}: status {status} is not documented"
        v = op.responses[key]
        if v is None:
            return None if body is None else f"{op.operation_id}: status {status} documents no body"
        error = v.first_error(body)
        if error is None:
            return None
        where = ".".join(str(p) for p in error.absolute_path) or "(body)"
        return f"{op.operation_id} {status}: {where}: {error.message}"


def _inline(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    if depth > 50:
        raise ValueError("schema nesting too deep (a recursive $ref?)")
    if isinstance(node, dict):
        if "$ref" in node and isinstance(node["$ref"], str) and node["$ref"].startswith("#/"):
            target = _inline(doc, _resolve(doc, tuple(node["$ref"][2:].split("/"))), depth + 1)
            rest = {k: _inline(doc, v, depth + 1) for k, v in node.items() if k != "$ref"}
            return {"allOf": [target, rest]} if rest else target
        return {k: _inline(doc, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(doc, v, depth + 1) for v in node]
    return node


def _resolve(doc: dict[str, Any], parts: tuple[str, ...]) -> dict[str, Any]:
    node: Any = doc
    for part in parts:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _first_error(v: Draft202012Validator, instance: object) -> ValidationError | None:
    errors = list(v.iter_errors(instance))
    if not errors:
        return None
    return min(errors, key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]))
