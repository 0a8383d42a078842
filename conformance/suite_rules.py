"""Rules the conformance suite itself checks, beyond the payload rules of the catalogue.

The catalogue (`qrinterop.rules.catalogue()`) says what a payload must look like; these say how an
implementation must behave as a whole (answer, not crash; round-trip; agree with the reference
where the spec leaves no choice). They go into the run record's `rules` next to the catalogue's,
so the report writers group and print them the same way.
"""
from __future__ import annotations

from typing import Any

SOURCE = "qrinterop conformance suite (docs/conformance.md)"

SUITE_RULES: tuple[dict[str, Any], ...] = (
    {"id": "iut.robust.crash", "title": "The IUT answers every request without crashing",
     "level": "MUST", "profile": None, "source": SOURCE,
     "description": "Any input, however malformed, gets an answer (a result or an error), never a crash. "
                    "A crash costs that test; the process is restarted and the run goes on."},
    {"id": "iut.robust.timeout", "title": "The IUT answers every request within its timeout",
     "level": "MUST", "profile": None, "source": SOURCE,
     "description": "No input makes the IUT hang. A hang costs that test its timeout; the process is "
                    "killed and restarted."},
    {"id": "iut.protocol.wire", "title": "Answers are well-formed and carry the request's id",
     "level": "MUST", "profile": None, "source": "DESIGN §4 (IUT contract)",
     "description": "One JSON object per line (jsonl) or per HTTP body: {id, ok, result|error}, within "
                    "the output size cap, with the id of the request it answers."},
    {"id": "iut.vector.valid", "title": "A valid vector is accepted and read as expected",
     "level": "MUST", "profile": None, "source": SOURCE,
     "description": "Used when a valid vector names no rule of its own: the IUT must accept it and "
                    "return its expected tree or payload."},
    {"id": "iut.roundtrip", "title": "parse(build(objects)) gives the objects back",
     "level": "MUST", "profile": None, "source": "EMV MPM §3.2, §4.7.3",
     "description": "Objects built by the IUT and parsed again by the IUT are unchanged, and the "
                    "payload it built is valid for the reference (CRC, lengths in characters)."},
    {"id": "iut.differential", "title": "The IUT reads what the reference reads",
     "level": "MUST", "profile": None, "source": SOURCE,
     "description": "On payloads where the spec leaves no choice, the IUT's tree (or its rejection) "
                    "equals the reference's. A disagreement the reference can pin on a catalogue "
                    "rule is reported under that rule; this id is the fallback."},
    {"id": "iut.mutation", "title": "Single mutations the reference rejects are rejected",
     "level": "MUST", "profile": None, "source": SOURCE,
     "description": "Every single-character mutation of a valid payload that the reference rejects "
                    "must be rejected by the IUT too; reported under the reference's rule when it names one."},
    {"id": "iut.render.readable", "title": "A rendered symbol reads back with two independent readers",
     "level": "MUST", "profile": None, "source": "EMV MPM §4.12; ISO/IEC 18004",
     "description": "The PNG an IUT renders decodes, with two different readers, to exactly the payload."},
    {"id": "iut.decode.exact", "title": "Decoding a symbol returns the payload exactly",
     "level": "MUST", "profile": None, "source": "EMV MPM §4.12",
     "description": "decode_image returns the payload character for character (UTF-8, no mangling)."},
)

SUITE_RULE_IDS = frozenset(r["id"] for r in SUITE_RULES)


def failure_rule(category: str | None) -> str | None:
    """The suite rule a transport failure breaks (crash, hang, malformed answer)."""
    return {"iut-crash": "iut.robust.crash", "timeout": "iut.robust.timeout",
            "protocol": "iut.protocol.wire", "transport": "iut.protocol.wire"}.get(category or "")
