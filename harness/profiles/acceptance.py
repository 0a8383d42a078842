"""Which wallets would pay a merchant-presented code, and which merchant account each would pay.

The participants are data (`participants.json`); each entry says which templates a wallet reads
(a scheme such as JPQR, or a GUI of the wallet's own) and on what `basis`: "observed" (a cited
source shows it), "inferred", or "invented" (a simulator modelling choice, not a fact).

The modelling choices, stated once:
- A JPQR template carries no wallet identifier (notes/profiles.md §1), so *every* wallet that
  reads JPQR recognises every JPQR code; the merchant account is the 4-level unified store code.
  In reality a wallet pays only if the merchant registered that store code with it
  (GUILD/EXTEND; inference in the notes). Pass `registrations` ({store code: wallets}) to model
  that; without it every reader is assumed registered.
- By default every basis counts (the simulators need all eight wallets to pay the unified
  code, DESIGN §6). `bases=("observed",)` gives the view the public sources support.
- A wallet that reads several templates of one code pays the first of its `accepts` entries that
  matches: the order in the data is the wallet's preference (its own template before JPQR).
- An app refuses a code that breaks a MUST rule (bad CRC, broken JPQR store code…): the reason
  names the first such rule.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Collection, Mapping, Sequence

from qrinterop.emv.mpm import DataObject, MpmPayload, scan_mpm

PARTICIPANTS_FILE = Path(__file__).with_name("participants.json")
ALL_BASES = ("observed", "inferred", "invented")


@dataclass(frozen=True)
class Acceptance:
    wallet: str                  # wallet id (DESIGN §6): paypay, linepay, dbarai, …
    accepts: bool
    account_path: str | None     # the template the wallet would pay through ("26"), or None
    reason: str                  # why (accepted through what / refused because of what)
    account: str | None = None   # the merchant account read from it (JPQR: the store code a/b/c/d)
    basis: str | None = None     # observed | inferred | invented, for the entry that matched
    name: str = ""               # display name


@dataclass(frozen=True)
class Participant:
    wallet: str
    name: str
    accepts: tuple[dict, ...]


@lru_cache(maxsize=4)
def load_participants(path: str | None = None) -> tuple[Participant, ...]:
    """The participant list from `path` (default: the packaged participants.json)."""
    data = json.loads(Path(path or PARTICIPANTS_FILE).read_text(encoding="utf-8"))
    return parse_participants(data)


def parse_participants(data: Mapping) -> tuple[Participant, ...]:
    schemes = data.get("schemes", {})
    out = []
    for entry in data["participants"]:
        accepts = []
        for a in entry["accepts"]:
            a = dict(a)
            if "scheme" in a:
                a = {**schemes[a["scheme"]], **a}
            if a.get("basis") not in ALL_BASES:
                raise ValueError(f"participant {entry['wallet']}: basis must be one of {ALL_BASES}, "
                                 f"got {a.get('basis')!r}")
            accepts.append(a)
        out.append(Participant(entry["wallet"], entry["name"], tuple(accepts)))
    return tuple(out)


def _templates(p: MpmPayload) -> list[DataObject]:
    return [o for o in p.objects if o.children is not None and ("26" <= o.id <= "51" or "80" <= o.id <= "99")]


def _account(template: DataObject, kind: str | None) -> str:
    if kind == "jpqr_store_code":
        return "/".join((c.value if (c := template.child(s)) is not None else "?") for s in ("01", "02", "03", "04"))
    return "/".join(c.value for c in template.children or () if c.id != "00")


def acceptance(payload: str | MpmPayload, *, bases: Sequence[str] = ALL_BASES,
               registrations: Mapping[str, Collection[str]] | None = None,
               participants: Sequence[Participant] | None = None) -> list[Acceptance]:
    """For each participant: does it recognise `payload`, and which merchant account would it pay."""
    from qrinterop.rules import validate  # late: qrinterop.rules imports the profile modules, which import us
    p = payload if isinstance(payload, MpmPayload) else scan_mpm(payload)
    people = participants if participants is not None else load_participants()
    errors = validate(p.text, "auto").errors
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        why = f"invalid code: [{first.rule}] {first.message}{more}"
        return [Acceptance(w.wallet, False, None, why, name=w.name) for w in people]
    templates = _templates(p)
    found = ", ".join(f"{t.id} {g.value}" for t in templates if (g := t.child("00")) is not None) or "none"
    results = []
    for w in people:
        results.append(_one(w, templates, found, bases, registrations))
    return results


def _one(w: Participant, templates: list[DataObject], found: str, bases: Sequence[str],
         registrations: Mapping[str, Collection[str]] | None) -> Acceptance:
    skipped = []
    for entry in w.accepts:
        gui = entry["gui"].casefold()
        match = next((t for t in templates if (g := t.child("00")) is not None and g.value.casefold() == gui), None)
        if match is None:
            continue
        label = entry.get("scheme", entry["gui"])
        if entry["basis"] not in bases:
            skipped.append(f"reads {label} only on basis '{entry['basis']}', not counted")
            continue
        account = _account(match, entry.get("account"))
        if registrations is not None and entry.get("account") == "jpqr_store_code" \
                and w.wallet not in registrations.get(account, ()):
            skipped.append(f"store {account} is not registered with {w.wallet}")
            continue
        return Acceptance(w.wallet, True, match.id, f"{match.id} {entry['gui']}, "
                          f"{'store ' if entry.get('account') == 'jpqr_store_code' else 'account '}{account}",
                          account, entry["basis"], w.name)
    if skipped:
        return Acceptance(w.wallet, False, None, "; ".join(skipped), name=w.name)
    reads = ", ".join(e.get("scheme", e["gui"]) for e in w.accepts)
    return Acceptance(w.wallet, False, None, f"no template it reads ({reads}); the code carries: {found}",
                      name=w.name)


def acceptance_lines(payload: str | MpmPayload) -> list[str]:
    """`explain` lines: 'paypay: accepts (26 jp.or.paymentsjapan, store …) [invented]'."""
    lines = ["wallet acceptance (participants.json; [basis] = observed | inferred | invented):"]
    for a in acceptance(payload):
        if a.accepts:
            lines.append(f"  {a.wallet}: accepts ({a.reason}) [{a.basis}]")
        else:
            lines.append(f"  {a.wallet}: does not accept ({a.reason})")
    return lines
