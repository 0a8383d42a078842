"""IUT adapters (DESIGN §4): one `Iut` interface, three transports — python, jsonl, http."""
from qrinterop.iut.base import OPS, Hello, Iut, IutUnavailable, Reply
from qrinterop.iut.spec import FORMS, REFERENCE_SPEC, adapter_of, open_iut

__all__ = ["OPS", "FORMS", "REFERENCE_SPEC", "Hello", "Iut", "IutUnavailable", "Reply", "adapter_of",
           "open_iut", "PythonIut", "JsonLinesIut", "HttpIut"]


def __getattr__(name: str):  # adapters load on demand: python-only users never import httpx
    if name == "PythonIut":
        from qrinterop.iut.python_iut import PythonIut
        return PythonIut
    if name == "JsonLinesIut":
        from qrinterop.iut.jsonl import JsonLinesIut
        return JsonLinesIut
    if name == "HttpIut":
        from qrinterop.iut.http import HttpIut
        return HttpIut
    raise AttributeError(name)
