"""The two tiny values every handler speaks: `SimRequest` in, `SimResponse` out.

Both transports (starlette server, respx mock) convert to and from these, so a wallet handler
never knows which one it runs under (STYLE: one boundary, many transports).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass(slots=True)
class SimRequest:
    method: str
    path: str                      # path as received, e.g. /paypay/v2/codes (no query)
    query: str = ""                # raw query string without '?', signed verbatim by some wallets
    headers: dict[str, str] = field(default_factory=dict)   # keys lower-cased
    body: bytes = b""
    raw_path: str = ""             # the path exactly as sent (percent-encoding kept); "" = same as path

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self.headers = {k.lower(): v for k, v in self.headers.items()}

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def relative_raw_path(self) -> str:
        """The path as sent, without its first segment (the wallet's mount point): what
        wechatpay-go signs (`URL.RequestURI()` keeps the client's percent-encoding)."""
        raw = self.raw_path or self.path
        return "/" + raw.lstrip("/").partition("/")[2]

    def query_params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


@dataclass(slots=True)
class SimResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Transport directives set by faults; the shell applies them (the handler never sleeps).
    delay: float = 0.0             # seconds to wait before answering (latency fault)
    hang: bool = False             # never answer in time (timeout fault)

    def json(self) -> object:
        return json.loads(self.body)


def dumps(obj: object) -> bytes:
    """Compact, deterministic JSON, UTF-8 (no ASCII escaping: Japanese names stay readable)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(status: int, obj: object, headers: dict[str, str] | None = None) -> SimResponse:
    h = {"content-type": "application/json"}
    if headers:
        h.update(headers)
    return SimResponse(status, dumps(obj), h)
