"""Remove secrets from anything a report writes: defence in depth.

The run record is already redacted by its writer (`qrinterop.runrecord.redact`); the reports
redact again, on the data they read and on the text they write, because a report is handed to
third parties (a scheme, a standards body, a CI log) and one leaked API key is one too many.
Pure functions; the patterns are deliberately broad (a false "[REDACTED]" costs nothing).
"""
from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"

# Keys whose *value* is a secret, whatever it looks like (dict keys, header names, JSON-in-text).
_SECRET_KEY = re.compile(
    r"^(?:x-)?(?:authorization|proxy-authorization|cookie|set-cookie|"
    r"(?:[a-z0-9]*[-_]?)?(?:api[-_]?key|apikey|secret|private[-_]?key|privatekey|signature|"
    r"password|passwd|access[-_]?token|refresh[-_]?token|client[-_]?secret|token))$",
    re.IGNORECASE,
)

_KEY_WORDS = (r"authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|[a-z]*secret|"
              r"private[-_]?key|privatekey|signature|password|access[-_]?token|client[-_]?secret")

_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # PEM blocks of any kind (private keys above all; certificates are harmless but identify).
    (re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.*?(?:-----END \1-----|\Z)", re.DOTALL),
     f"-----BEGIN \\1-----{REDACTED}-----END \\1-----"),
    # "Authorization": "…"  /  'apiKey': '…'  /  &quot;signature&quot;: &quot;…&quot; (JSON inside text or HTML)
    (re.compile(rf"((?:\"|'|&quot;|&#x27;|&#39;)(?:{_KEY_WORDS})(?:\"|'|&quot;|&#x27;|&#39;)\s*:\s*)"
                r"(\"|'|&quot;|&#x27;|&#39;)(.*?)\2", re.IGNORECASE),
     rf"\1\2{REDACTED}\2"),
    # Header lines: "Authorization: Bearer …", "X-Api-Key: …" (to the end of the line).
    (re.compile(rf"(?im)^(\s*(?:{_KEY_WORDS})\s*:[ \t]*)(?!\s*$)[^\r\n]+"), rf"\1{REDACTED}"),
    # Auth schemes wherever they appear in running text.
    (re.compile(r"\b(Bearer|Basic|Digest|hmac|HMAC-SHA256|OPA-Auth|MAC)\s+[A-Za-z0-9._~+/=:,\"-]{8,}"),
     rf"\1 {REDACTED}"),
    # "Name: value" inside a line (curl -H 'X-Api-Key: …', logged headers); after the scheme rule above.
    (re.compile(rf"(?i)\b((?:{_KEY_WORDS})\s*:[ \t]*)(?!\[REDACTED\])(?:(?:Bearer|Basic|Digest|hmac)\s+)?"
                r"[^\s\"'<>,;&]+"), rf"\1{REDACTED}"),
    # key=value pairs (query strings, headers like `Signature keyId=…,signature=…`, CLI flags).
    (re.compile(rf"(?i)\b((?:{_KEY_WORDS})\s*=\s*\"?)[^\s\"',&<>;]+"), rf"\1{REDACTED}"),
    (re.compile(rf"(?i)(--(?:{_KEY_WORDS})(?:\s+|=))[^\s\"'<>]+"), rf"\1{REDACTED}"),
)


# Every text pattern needs one of these words; most strings (payloads, ids, messages) have none,
# and one search is far cheaper than seven substitutions (a 5,000-test run has ~150k strings).
_TRIGGER = re.compile(r"(?i)-----BEGIN|authori|api[-_]?key|apikey|secret|private|signature|passw|token|"
                      r"bearer|basic|digest|hmac|opa-auth|\bmac\b|cookie")


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.match(key.strip()))


def redact_text(text: str) -> str:
    if not _TRIGGER.search(text):
        return text
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any) -> Any:
    """A deep copy of `value` with secret-named keys blanked and every string scrubbed."""
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and is_secret_key(k) and v not in (None, "")
                    else redact(v))
                for k, v in value.items()}
    if isinstance(value, list):
        # HTTP headers as [name, value] pairs (httpx's raw form)
        if len(value) == 2 and all(isinstance(x, str) for x in value) and is_secret_key(value[0]):
            return [value[0], REDACTED]
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value
