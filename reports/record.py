"""Read a run record (`run.json`) or a certification summary from disk, checked against its schema.

The I/O edge of the report writers: everything after this works on plain, validated, redacted
data. Bad input is a `ReportInputError` naming the file and the JSON path of the first problem.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from qrinterop.errors import QrInteropError
from qrinterop.reports.redact import redact

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
RUN_SCHEMA_ID = "qrinterop/run@1"
CERTIFICATION_SCHEMA_ID = "qrinterop/certification@1"


class ReportInputError(QrInteropError):
    """A run record or certification file that cannot be read or does not match its schema."""


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """`run-record` or `certification`: the JSON Schema shipped in reports/schema/."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def _json_path(error: jsonschema.ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check(document: Any, schema_name: str, origin: str) -> None:
    """Raise ReportInputError at the first schema violation (the most specific one jsonschema finds)."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name),
                                                format_checker=jsonschema.FormatChecker())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        raise ReportInputError(f"{origin}: not a valid {schema_name.replace('-', ' ')} "
                               f"at {_json_path(error)}: {error.message[:300]}")


def read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(f"{path}: cannot read it ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportInputError(f"{path}: not JSON: {exc.msg} at line {exc.lineno}, "
                               f"column {exc.colno} (offset {exc.pos})") from None


def load_run_record(path: Path) -> dict[str, Any]:
    """A run.json, schema-checked, with every secret redacted again (defence in depth)."""
    document = read_json(path)
    check(document, "run-record", str(path))
    return redact(document)


def load_certification(path: Path) -> dict[str, Any]:
    document = read_json(path)
    check(document, "certification", str(path))
    return document


def load_either(path: Path) -> dict[str, Any]:
    """A run.json or a certification.json, told apart by their `schema` field."""
    document = read_json(path)
    kind = document.get("schema") if isinstance(document, dict) else None
    if kind == RUN_SCHEMA_ID:
        check(document, "run-record", str(path))
        return redact(document)
    if kind == CERTIFICATION_SCHEMA_ID:
        check(document, "certification", str(path))
        return document
    raise ReportInputError(f"{path}: field $.schema is {kind!r}; expected {RUN_SCHEMA_ID!r} "
                           f"(a run.json) or {CERTIFICATION_SCHEMA_ID!r} (a certification.json)")
