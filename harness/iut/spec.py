"""`--iut SPEC` → an Iut. Exactly three forms (DESIGN §4)."""
from __future__ import annotations

from qrinterop.errors import UsageError
from qrinterop.iut.base import Iut

FORMS = ("python:package.module:factory", "jsonl:<command line>", "http://host:port")
REFERENCE_SPEC = "python:qrinterop.iut.reference:ReferenceIut"


def spec_error(spec: str, why: str) -> UsageError:
    return UsageError(f"bad --iut {spec!r}: {why}; use one of: {' | '.join(FORMS)}")


def adapter_of(spec: str) -> str:
    """The adapter name a spec selects; UsageError naming the three forms otherwise."""
    if spec.startswith("python:"):
        return "python"
    if spec.startswith("jsonl:"):
        return "jsonl"
    if spec.startswith(("http://", "https://")):
        return "http"
    raise spec_error(spec, "unknown form")


def open_iut(spec: str | None = None, *, timeout: float | None = None, cwd: str | None = None) -> Iut:
    """Open the IUT a spec names (None: the bundled reference implementation)."""
    spec = (spec or REFERENCE_SPEC).strip()
    adapter = adapter_of(spec)
    if adapter == "python":
        from qrinterop.iut.python_iut import PythonIut
        target = spec.removeprefix("python:")
        if target.count(":") != 1 or not all(target.split(":")):
            raise spec_error(spec, "python form needs module and factory")
        return PythonIut(spec)
    if adapter == "jsonl":
        from qrinterop.iut.jsonl import DEFAULT_TIMEOUT_S, JsonLinesIut
        if not spec.removeprefix("jsonl:").strip():
            raise spec_error(spec, "jsonl form needs a command line")
        return JsonLinesIut(spec, timeout=timeout or DEFAULT_TIMEOUT_S, cwd=cwd)
    from qrinterop.iut.http import DEFAULT_TIMEOUT_S as HTTP_TIMEOUT, HttpIut
    host = spec.split("://", 1)[1]
    if not host or host.startswith("/"):
        raise spec_error(spec, "http form needs host:port")
    return HttpIut(spec, timeout=timeout or HTTP_TIMEOUT)
