"""The reference implementation as the judge's oracle (qrinterop's own codec and validator)."""
from __future__ import annotations

from functools import lru_cache

from qrinterop.conformance.judge import Oracle
from qrinterop.conformance.suite_rules import SUITE_RULES
from qrinterop.errors import QrInteropError


def _parse(payload: str, mode: str) -> tuple[bool, list | None, str | None]:
    try:
        if mode == "cpm":
            from qrinterop.emv.cpm import parse_cpm
            return True, parse_cpm(payload).to_objects(), None
        from qrinterop.emv.mpm import parse_mpm
        return True, parse_mpm(payload).to_objects(), None
    except QrInteropError as exc:
        return False, None, f"{getattr(exc, 'rule', type(exc).__name__)}: {getattr(exc, 'message', exc)}"


def _violations(payload: str, profile: str) -> list[tuple[str, str, str]]:
    from qrinterop.rules import validate
    report = validate(payload, profile=profile)
    return [(v.rule, str(v.level), v.message) for v in report.violations]


def _wallet_rules() -> list[dict]:
    from qrinterop.conformance.wallet_api.catalogue import wallet_rules
    return wallet_rules()


def _wallet_rules_if_installed() -> list[dict]:
    """The wallet API rules, when the simulators' extras are installed (`qrinterop[certify]`
    alone has no respx/starlette: a QR certification must not need them)."""
    try:
        return _wallet_rules()
    except ImportError:
        return []


def rule_levels() -> dict[str, str]:
    from qrinterop.rules import catalogue
    levels = {r["id"]: r["level"] for r in SUITE_RULES}
    levels.update({r["id"]: r["level"] for r in _wallet_rules_if_installed()})
    levels.update({r.id: str(r.level) for r in catalogue()})
    return levels


@lru_cache(maxsize=1)
def reference_oracle() -> Oracle:
    return Oracle(parse=_parse, violations=_violations, levels=rule_levels())


# Rules the MPM/CPM codec itself enforces while reading (harness/emv): a parser can break them, so
# they are exercised by parse (and build) as well as by validate. Every other catalogue rule is a
# validator's rule: only `validate` can show whether an IUT checks it.
CODEC_RULE_PREFIXES = ("mpm.tlv.", "mpm.payload.utf8", "cpm.")


def rule_ops(rule_id: str) -> list[str]:
    """The operations that can exercise a catalogue rule (run.json `rules[].ops`)."""
    if rule_id.startswith(CODEC_RULE_PREFIXES) or rule_id == "mpm.adf.nonempty":
        return ["parse", "build", "validate"]
    return ["validate"]


def catalogue_dicts(*, wallet_api: bool = False) -> list[dict]:
    """Every rule a run can name: the catalogue's and the suite's own; a wallet API run names the
    wallet APIs' rules instead (a QR certification should not list 53 API rules as untested).
    Each carries `ops`, the operations that can exercise it (coverage is judged against the ops
    the IUT declares; absent = any)."""
    if wallet_api:
        return [dict(r) for r in SUITE_RULES] + _wallet_rules()
    from qrinterop.rules import catalogue
    return [{**r.to_dict(), "ops": rule_ops(r.id)} for r in catalogue()] + [dict(r) for r in SUITE_RULES]
