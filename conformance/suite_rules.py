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
     "description": "Any input, however malformed, gets an answer (a result or an error), never a crash; an "
                    "error answer that is the IUT's own runtime failing (a decoder exception, a stack trace) "
                    "counts as a crash. Exercised by `robustness/hostile-inputs` (every declared op gets "
                    "malformed input) and charged by any test that crashes. A crash costs that test; the "
                    "process is restarted and the run goes on. Our choice (no spec clause): a wallet app "
                    "that crashes on a bad code is not interoperable."},
    {"id": "iut.robust.timeout", "title": "The IUT answers every request within its timeout",
     "level": "MUST", "profile": None, "source": SOURCE,
     "description": "No input makes the IUT hang. Exercised by `robustness/worst-case-inputs` (maximum-size "
                    "and deeply nested payloads must be answered within the per-request timeout) and charged by "
                    "any test that times out. A hang costs that test its timeout; the process is killed and "
                    "restarted. Our choice (no spec clause)."},
    {"id": "iut.protocol.wire", "title": "Answers are well-formed and carry the request's id",
     "level": "MUST", "profile": None, "source": "DESIGN §4 (IUT contract)",
     "description": "One JSON object per line (jsonl) or per HTTP body: {id, ok, result|error}, within "
                    "the output size cap, with the id of the request it answers, and each op's result in the "
                    "shape DESIGN §4 gives (hello: name, version, ops; parse: objects; build: payload; validate: "
                    "valid, violations; render: png_base64; decode_image: payload). Exercised by "
                    "`robustness/wire` (pipelined requests of every declared op, results checked for shape)."},
    {"id": "iut.vector.valid", "title": "A valid vector is accepted",
     "level": "MUST", "profile": None, "source": SOURCE, "ops": ["parse", "validate"],
     "description": "Every valid parse or validate vector: the IUT accepts the payload (parse answers with a "
                    "tree, validate says valid). Charged when a valid vector is rejected and neither the IUT's "
                    "own reasons nor the vector name a better rule."},
    {"id": "iut.parse.faithful", "title": "parse returns the payload's objects as they are",
     "level": "MUST", "profile": None, "source": "EMV MPM §3.2, §4.4 (a data object is ID, LEN, value); "
     "notes A14 (RFU ids are tolerated by readers)", "ops": ["parse"],
     "description": "Every object of the payload — known, RFU (65-79, RFU sub-IDs) or unreserved (80-99) — in "
                    "payload order, each value exactly the LEN characters it holds (leading and trailing spaces "
                    "kept, no re-encoding), templates (26-51, 62, 64, 80-99, 62.50-99) returned with children. "
                    "Charged when the diagnosis finds a dropped, trimmed, reordered or wrongly nested object. "
                    "Keeping RFU and unknown IDs in the tree at MUST is our choice: notes A14 only says a reader "
                    "tolerates (ignores, with a warning) them, and a tree that drops them hides what the code holds."},
    {"id": "iut.build.faithful", "title": "build writes the objects it is given",
     "level": "MUST", "profile": None, "source": "EMV MPM §3.2, §4.6.1", "ops": ["build"],
     "description": "The payload holds every object given, with its value unchanged, 00 first and 63 last; any "
                    "other order of the objects is the builder's choice. Charged when the payload it built is "
                    "valid but holds other objects or values than those given."},
    {"id": "iut.roundtrip", "title": "parse(build(objects)) gives the objects back",
     "level": "MUST", "profile": None, "source": "EMV MPM §3.2, §4.7.3", "ops": ["build"],
     "description": "Objects built by the IUT and parsed again by the IUT are unchanged, and the "
                    "payload it built is valid for the reference (CRC, lengths in characters)."},
    {"id": "iut.differential", "title": "The IUT reads what the reference reads",
     "level": "MUST", "profile": None, "source": SOURCE, "ops": ["parse", "validate"],
     "description": "On payloads where the spec leaves no choice, the IUT's tree (or its rejection) "
                    "equals the reference's. A disagreement the reference can pin on a catalogue "
                    "rule is reported under that rule; this id is the fallback."},
    {"id": "iut.mutation", "title": "Single mutations the reference rejects are rejected",
     "level": "MUST", "profile": None, "source": SOURCE, "ops": ["parse", "validate"],
     "description": "Every single-character mutation of a valid payload that the reference rejects "
                    "must be rejected by the IUT too; reported under the reference's rule when it names one."},
    {"id": "iut.render.readable", "title": "A rendered symbol reads back with two independent readers",
     "level": "MUST", "profile": None, "source": "EMV MPM §4.12; ISO/IEC 18004", "ops": ["render"],
     "description": "The PNG an IUT renders decodes, with two different readers, to exactly the payload."},
    {"id": "iut.decode.exact", "title": "Decoding a symbol returns the payload exactly",
     "level": "MUST", "profile": None, "source": "EMV MPM §4.12", "ops": ["decode_image"],
     "description": "decode_image returns the payload character for character (UTF-8, no mangling)."},
)

SUITE_RULE_IDS = frozenset(r["id"] for r in SUITE_RULES)


def failure_rule(category: str | None) -> str | None:
    """The suite rule a transport failure breaks (crash, hang, malformed answer)."""
    return {"iut-crash": "iut.robust.crash", "timeout": "iut.robust.timeout",
            "protocol": "iut.protocol.wire", "transport": "iut.protocol.wire"}.get(category or "")
