"""The conformance suite plugin: points the suite at an IUT.

    pytest --qri-iut=SPEC --qri-profile=jpqr --qri-vectors=DIR --pyargs qrinterop.conformance

Registered by the `pytest11` entry point (`qrinterop.pytest_entry`, which declares the `--qri-…`
options) only in sessions that ask for the suite, so it never touches unrelated test runs.

- one test item per vector, id `<set>/<tcId>`; markers `rule(id=…)`, `profile(name=…)`,
  `op(name=…)`, `kind(name=…)` so `-m "rule(id='mpm.crc.mismatch')"` selects by rule, and the
  profile is a keyword so `-k jpqr` works;
- each test ends passed / failed / warning / skipped / expected-failure and carries its rule ids
  and evidence in `report.user_properties` ("qrinterop", json) — that is how results cross from
  pytest-xdist workers (one IUT process per worker) to the controller, which alone writes the run
  record (`--qri-run-record PATH`), rewriting it as results arrive so an interrupted run leaves one;
- allure-pytest labels on each test (epic = part, feature = profile, story = rule id, severity from
  the rule's level) and attachments (payload, expected vs actual, IUT stderr, image).
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

_STATE = pytest.StashKey["_SuiteState"]()
_RESULT = pytest.StashKey[dict]()
_META = pytest.StashKey[dict]()
USER_PROPERTY = "qrinterop"
FLUSH_EVERY_S = 1.0


@dataclass
class _SuiteState:
    spec: str | None
    profiles: list[str] | None
    vectors_dir: Path
    expected: dict[str, str]
    timeout: float
    is_worker: bool
    record: Any = None              # RunRecord, controller only, when --run-record
    record_path: Path | None = None
    shared_iut: Any = None          # opened by the first user, closed at session end
    flusher: Any = None             # _Flusher, controller only
    sets: list = field(default_factory=list)
    error_codes: dict = field(default_factory=dict)     # the IUT's error codes → catalogue rule ids
    error_codes_file: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    for line in ("rule(id): the rule a conformance test checks (one marker per rule)",
                 "profile(name): the profile of a conformance test",
                 "op(name): the IUT operation a conformance test exercises",
                 "kind(name): vector | property | mutation | differential | robustness | wallet-api"):
        config.addinivalue_line("markers", line)
    from qrinterop.paths import VECTORS_DIR
    vectors = Path(config.getoption("qri_vectors") or VECTORS_DIR)
    profiles = config.getoption("qri_profile")
    state = _SuiteState(spec=config.getoption("qri_iut"),
                        profiles=[p.strip() for p in profiles.split(",") if p.strip()] if profiles else None,
                        vectors_dir=vectors, expected=load_expected_failures(config.getoption("qri_expected_failures")),
                        timeout=config.getoption("qri_timeout"), is_worker=hasattr(config, "workerinput"))
    state.error_codes_file = config.getoption("qri_error_codes", None)
    state.error_codes = load_error_codes(state.error_codes_file)
    config.stash[_STATE] = state
    record_path = config.getoption("qri_run_record")
    if record_path and not state.is_worker:
        state.record_path = Path(record_path)


def load_error_codes(path: str | None) -> dict[str, str]:
    """The IUT's error-code mapping: JSON {"its code": "catalogue.rule.id"}; UsageError otherwise."""
    return _load_string_map(path, "error-codes file", '{"IUT error code": "rule id"}')


def load_expected_failures(path: str | None) -> dict[str, str]:
    """The expected-failures file: JSON {"rule-or-vector-id": "reason"}; UsageError otherwise."""
    return _load_string_map(path, "--expected-failures", '{"rule-or-vector-id": "reason"}')


def _load_string_map(path: str | None, what: str, shape: str) -> dict[str, str]:
    """A JSON object of strings to strings from `path` ({} without one); UsageError naming `what`."""
    if not path:
        return {}
    from qrinterop.errors import UsageError
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{what} {path}: cannot read a JSON object ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise UsageError(f"{what} {path}: must be a JSON object {shape}")
    return data


# ---- the run record (controller side) ------------------------------------------------------

def pytest_sessionstart(session: pytest.Session) -> None:
    global _controller_state
    state = session.config.stash.get(_STATE, None)
    _controller_state = state
    if state is None or state.record_path is None:
        return
    from qrinterop.conformance.cases import load_sets, manifest_sha256
    from qrinterop.conformance.oracle import catalogue_dicts
    from qrinterop.iut import REFERENCE_SPEC, adapter_of
    from qrinterop.runrecord import RunRecord, write_run_record
    spec = state.spec or REFERENCE_SPEC
    iut_info: dict[str, Any] = {"spec": spec, "adapter": adapter_of(spec), "name": None, "version": None,
                                "ops": [], "profiles": []}
    try:
        iut = _shared_iut(session.config)
        iut_info.update(iut.hello().to_dict())
    except Exception as exc:  # the tests will fail with the reason; the record says it too
        iut_info["error"] = str(exc)
    if _is_distributed(session.config) and state.shared_iut is not None:
        state.shared_iut.close()   # workers open their own; do not keep an idle one here
        state.shared_iut = None
    sets = [vs.to_dict() for vs, _ in load_sets(state.vectors_dir)] if state.vectors_dir.is_dir() else []
    from qrinterop.conformance.cases import load_cases
    shard = session.config.getoption("qri_shard", None)
    # Every record, a shard's too, holds the number of cases in scope: `report merge` checks the
    # merged run against it (a shard alone runs a part of them by design: scope.shard says so).
    wallet_api = _is_wallet_api_run(session.config)     # no QR vectors in a wallet API run
    cases = None if wallet_api else (len(load_cases(state.vectors_dir, state.profiles)[1])
                                     if state.vectors_dir.is_dir() else 0)
    state.record = RunRecord(iut=iut_info, vectors={"dir": str(state.vectors_dir),
                                                    "manifestSha256": manifest_sha256(state.vectors_dir),
                                                    "sets": sets, "cases": cases},
                             scope={"profiles": state.profiles, "shard": shard},
                             errorCodesFile=state.error_codes_file,
                             rules=catalogue_dicts(wallet_api=_is_wallet_api_run(session.config)),
                             expectedFailuresFile=session.config.getoption("qri_expected_failures"))
    write_run_record(state.record, state.record_path)
    state.flusher = _Flusher(state.record, state.record_path)


class _Flusher:
    """Rewrites run.json at most every FLUSH_EVERY_S while results arrive, from a thread, so the
    file is current even when the run then stalls (a hanging IUT) or is killed; rewriting on
    every result would cost O(n²) on large vector sets."""

    def __init__(self, record: Any, path: Path) -> None:
        import threading
        self.record, self.path = record, path
        self.lock = threading.Lock()
        self.dirty = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="run-record-flush", daemon=True)
        self.thread.start()

    def add(self, test: Any) -> None:
        with self.lock:
            self.record.add(test)
            self.dirty = True

    def _loop(self) -> None:
        while not self.stop.wait(FLUSH_EVERY_S):
            self._flush()

    def _flush(self) -> None:
        from qrinterop.runrecord import write_run_record
        with self.lock:
            if not self.dirty:
                return
            self.dirty = False
            write_run_record(self.record, self.path)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


def _is_wallet_api_run(config: pytest.Config) -> bool:
    return bool(config.getoption("qri_wallet_url", None)) or any("wallet_api" in str(a) for a in config.args)


def _is_distributed(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and config.pluginmanager.hasplugin("dsession")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in getattr(report, "user_properties", ()):
        if name != USER_PROPERTY:
            continue
        state = _controller_state
        if state is None or state.record is None:
            return
        from qrinterop.runrecord import TestRecord
        state.flusher.add(TestRecord.from_dict(json.loads(value)))


_controller_state: _SuiteState | None = None   # logreport gets no config; set at session start


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _controller_state
    state = session.config.stash.get(_STATE, None)
    if state is None:
        return
    if state.shared_iut is not None:
        state.shared_iut.close()
        state.shared_iut = None
    if state.record is not None:
        from qrinterop.runrecord import write_run_record
        if state.flusher is not None:
            state.flusher.close()
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or bool(session.shouldstop)
        state.record.finish(complete=not interrupted and exitstatus in (0, 1, 5))
        write_run_record(state.record, state.record_path)
    _controller_state = None


# ---- collection: one item per vector -------------------------------------------------------

def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "vector_case" not in metafunc.fixturenames:
        return
    state = metafunc.config.stash[_STATE]
    from qrinterop.conformance.cases import load_cases
    if not state.vectors_dir.is_dir():
        metafunc.parametrize("vector_case", [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no vector directory at {state.vectors_dir}"), id="no-vectors")])
        return
    _, cases = load_cases(state.vectors_dir, state.profiles)
    params = [pytest.param(case, id=case.id, marks=[
        *(pytest.mark.rule(id=r) for r in case.rules), pytest.mark.profile(name=case.profile),
        pytest.mark.op(name=case.operation), pytest.mark.kind(name="vector")]) for case in cases]
    if not params:
        params = [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no vectors for profile(s) {state.profiles} in {state.vectors_dir}"), id="no-vectors")]
    metafunc.parametrize("vector_case", params)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # `-k jpqr`: the profile is a keyword of the item
        for mark in item.iter_markers("profile"):
            if mark.kwargs.get("name"):
                item.extra_keyword_matches.add(mark.kwargs["name"])


# ---- fixtures ---------------------------------------------------------------------------------

def _shared_iut(config: pytest.Config) -> Any:
    state = config.stash[_STATE]
    if state.shared_iut is None:
        from qrinterop.iut import open_iut
        state.shared_iut = open_iut(state.spec, timeout=state.timeout)
    return state.shared_iut


@pytest.fixture(scope="session")
def iut(request: pytest.FixtureRequest) -> Any:
    """The IUT, opened once per process (one per xdist worker); fails every test with the reason
    when it cannot be opened or does not answer hello."""
    from qrinterop.errors import QrInteropError
    try:
        handle = _shared_iut(request.config)
        handle.hello()
    except QrInteropError as exc:
        pytest.fail(f"IUT unavailable: {exc}", pytrace=False)
    return handle


@pytest.fixture(scope="session")
def oracle(request: pytest.FixtureRequest) -> Any:
    """The reference as judge, reading the IUT's own error codes through its mapping file."""
    import dataclasses
    from qrinterop.conformance.oracle import reference_oracle
    codes = request.config.stash[_STATE].error_codes
    return dataclasses.replace(reference_oracle(), error_codes=codes) if codes else reference_oracle()


@pytest.fixture(scope="session")
def suite_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    state = request.config.stash[_STATE]
    return {"profiles": state.profiles, "vectors_dir": state.vectors_dir,
            "examples": request.config.getoption("qri_examples"), "timeout": state.timeout}


@pytest.fixture
def conformance(request: pytest.FixtureRequest) -> "Recorder":
    return Recorder(request.node)


def _initial_meta(item: pytest.Item) -> dict | None:
    """What a conformance test is, known before it runs (so a test whose setup fails — an IUT
    that does not start — is still in the run record): from its vector, else from its markers."""
    case = getattr(getattr(item, "callspec", None), "params", {}).get("vector_case")
    if case is not None:
        return {"id": case.id, "kind": "vector", "part": part_of(case.operation, case.profile),
                "feature": case.profile, "operation": case.operation, "rules": list(case.rules),
                "result": case.result, "evidence": {"payload": case.payload}, "title": case.comment}
    kind = item.get_closest_marker("kind")
    if kind is None:
        return None                        # not a conformance test
    op = item.get_closest_marker("op")
    profile = item.get_closest_marker("profile")
    kind_name = kind.kwargs.get("name", "property")
    params = getattr(getattr(item, "callspec", None), "params", {})
    name = "-".join(map(str, params.values())) or getattr(item, "originalname", item.name).removeprefix("test_").replace("_", "-")
    prefix = "property" if kind_name in ("property", "differential") else kind_name
    return {"id": f"{prefix}/{name}", "kind": kind_name,
            "part": "wallet-api" if kind_name == "wallet-api" else "codec",
            "feature": profile.kwargs.get("name") if profile else None,
            "operation": op.kwargs.get("name") if op else None,
            "rules": [m.kwargs["id"] for m in item.iter_markers("rule") if "id" in m.kwargs]}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    meta = _initial_meta(item)
    if meta is not None:
        item.stash[_META] = meta


def part_of(operation: str | None, profile: str | None) -> str:
    if operation in ("render", "decode_image"):
        return "imaging"
    return "codec" if profile in (None, "emv", "cpm") else "profile"


class Recorder:
    """What a conformance test reports: its identity (meta) and how it ended (finish)."""

    def __init__(self, item: pytest.Item) -> None:
        self.item = item

    def meta(self, **fields: Any) -> None:
        self.item.stash[_META] = {**self.item.stash.get(_META, {}), **fields}

    def finish(self, outcome: Any) -> None:
        """Record `outcome` (a judge.Outcome) and end the test accordingly."""
        meta = self.item.stash.get(_META, {})
        evidence = {**(meta.get("evidence") or {}), **(outcome.evidence or {})}
        png = evidence.pop("_png", None)   # for allure only; too big for the run record
        if outcome.status == "passed":
            # A pass needs no trees: keep the run record and Allure small (a few hundred kB, not
            # MBs, and half the files) — evidence is for what went wrong, and for the choice an
            # acceptable vector was decided with.
            evidence = {k: v for k, v in evidence.items() if k in ("payload", "choice", "mutants", "operation")}
        record_fields = outcome.record_fields() if hasattr(outcome, "record_fields") else {}
        self.item.stash[_RESULT] = {"status": outcome.status, "message": outcome.message,
                                    "rules": list(outcome.rules) or list(meta.get("rules") or []),
                                    "category": outcome.category, "evidence": evidence, **record_fields}
        # Allure groups by story = rule: a failure appears under the rules it is charged to, as in
        # the verdict model (qrinterop.reports.verdicts.charged_rules), not under every rule it names.
        from qrinterop.reports.verdicts import charged_rules
        _allure_describe(meta, charged_rules(self.item.stash[_RESULT]) or meta.get("rules") or [], evidence,
                         png if outcome.status != "passed" else None, outcome.category)
        if outcome.status == "failed":
            record = {"id": meta.get("id") or self.item.name, "rules": self.item.stash[_RESULT]["rules"],
                      "attribution": record_fields.get("attribution")}
            reason = _expected_reason(self.item.config.stash[_STATE].expected, record)
            if reason is not None:      # a known deviation: xfail, so Allure and JUnit show it as one
                pytest.xfail(f"expected failure ({reason}): {outcome.message}")
            pytest.fail(outcome.message, pytrace=False)
        if outcome.status == "skipped":
            pytest.skip(outcome.message)
        if outcome.status == "warning":
            warnings.warn(f"{meta.get('id')}: {outcome.message}", ConformanceWarning, stacklevel=2)

    def skip_unless(self, iut: Any, op: str, profile: str | None = None) -> None:
        """Skip with "not implemented" when the IUT does not declare `op`, or `profile` (DESIGN §4:
        capabilities are declared, not guessed). An IUT declaring no profile is taken as "emv"."""
        if not iut.supports(op):
            self._skip(f"not implemented: the IUT does not declare the operation {op!r}")
        declared = iut.hello().profiles or ("emv",)
        if profile is not None and profile not in declared:
            self._skip(f"not implemented: the IUT does not declare the profile {profile!r} "
                       f"(it declares {', '.join(declared)})")

    def _skip(self, message: str) -> None:
        self.item.stash[_RESULT] = {"status": "skipped", "category": "not-implemented", "message": message,
                                    "rules": list(self.item.stash.get(_META, {}).get("rules") or []),
                                    "evidence": {}}
        pytest.skip(message)


class ConformanceWarning(UserWarning):
    """A SHOULD rule broken, or an acceptable case decided the less common way."""


# ---- results → report.user_properties -----------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    meta = item.stash.get(_META, None)
    if meta is None:
        return report                      # not a conformance test
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        record = _test_record(item, report, call, meta)
        reason = _expected_reason(item.config.stash[_STATE].expected, record)
        if record["status"] == "failed" and reason is not None:
            record["status"], record["expectedFailure"] = "expected-failure", reason
            report.outcome, report.wasxfail = "skipped", reason
        report.user_properties.append((USER_PROPERTY, json.dumps(record, ensure_ascii=False, default=str)))
    return report


def _test_record(item: pytest.Item, report: pytest.TestReport, call: pytest.CallInfo, meta: dict) -> dict:
    result = item.stash.get(_RESULT, None)
    rules = list(meta.get("rules") or [])
    if result is None:  # ended without finish(): an exception in the test or its setup
        if report.skipped:
            reason = call.excinfo.value.msg if call.excinfo and hasattr(call.excinfo.value, "msg") else "skipped"
            result = {"status": "skipped", "message": str(reason), "category": None, "rules": rules, "evidence": {}}
        elif report.failed:
            text = str(call.excinfo.value) if call.excinfo else report.longreprtext
            result = {"status": "failed", "message": f"{'setup' if report.when == 'setup' else 'test'} error: "
                      f"{text.strip()[:2000]}", "category": None, "rules": rules or ["iut.protocol.wire"],
                      "evidence": meta.get("evidence") or {},
                      "attribution": {"rules": ["iut.protocol.wire"], "method": "diagnosis"},
                      "diagnosis": "the suite got no usable answer from the IUT (the test ended in an error)"}
        else:
            result = {"status": "passed", "message": None, "category": None, "rules": rules, "evidence": {}}
    return {"id": meta.get("id") or item.name, "nodeid": item.nodeid, "kind": meta.get("kind", "vector"),
            "part": meta.get("part", "codec"), "feature": meta.get("feature"), "operation": meta.get("operation"),
            "rules": result["rules"] or rules, "result": meta.get("result"), "status": result["status"],
            "category": result.get("category"), "message": result.get("message"),
            "durationMs": round(report.duration * 1000.0, 3), "expectedFailure": None,
            "evidence": result.get("evidence") or None, "attribution": result.get("attribution"),
            "diagnosis": result.get("diagnosis"), "warnings": result.get("warnings")}


def _expected_reason(expected: dict[str, str], record: dict) -> str | None:
    """The expected-failures entry for a failed test: its id, else a rule it is charged to (its
    attribution when it has one, so a known crash does not hide another rule's failure)."""
    charged = (record.get("attribution") or {}).get("rules") or record["rules"]
    for key in (record["id"], *charged):
        if key in expected:
            return expected[key]
    return None


# ---- allure --------------------------------------------------------------------------------

_SEVERITY = {"MUST": "critical", "SHOULD": "normal", "MAY": "minor"}


def _allure_describe(meta: dict, rules: list[str], evidence: dict, png: bytes | None,
                     category: str | None = None) -> None:
    try:
        import allure
    except ImportError:
        return
    from qrinterop.runrecord import redact
    evidence = redact(evidence)  # Allure attachments are report files too: no secrets in them
    if category:
        allure.dynamic.label("category", category)
    from qrinterop.conformance.oracle import reference_oracle
    from qrinterop.reports.allure_support import label_test
    levels = reference_oracle().levels
    allure.dynamic.epic(meta.get("part", "codec"))
    label_test(allure, meta, list(rules))   # title (the vector's comment), suites part -> profile -> rule
    if meta.get("feature"):
        allure.dynamic.feature(meta["feature"])
    for rule in rules:
        allure.dynamic.story(rule)
    worst = min((levels.get(r, "MUST") for r in rules), key=["MUST", "SHOULD", "MAY"].index, default="MUST")
    allure.dynamic.severity(_SEVERITY.get(worst, "normal"))
    allure.dynamic.parameter("vector", meta.get("id"))
    if evidence.get("payload") and len(evidence) == 1:
        allure.dynamic.parameter("payload", evidence["payload"])
    if meta.get("feature"):
        allure.dynamic.parameter("profile", meta["feature"])
    if evidence.get("payload") and len(evidence) > 1:   # a pass shows the payload as a parameter instead
        allure.attach(str(evidence["payload"]), "payload", allure.attachment_type.TEXT)
    if "expected" in evidence or "actual" in evidence:
        text = json.dumps({"expected": evidence.get("expected"), "actual": evidence.get("actual"),
                           "diff": evidence.get("diff")}, ensure_ascii=False, indent=1)
        allure.attach(text, "expected vs actual", allure.attachment_type.JSON)
    if evidence.get("stderr"):
        allure.attach(evidence["stderr"], "IUT stderr", allure.attachment_type.TEXT)
    if evidence.get("counterexample"):
        allure.attach(json.dumps(evidence["counterexample"], ensure_ascii=False, indent=1),
                      "counterexample (as a vector)", allure.attachment_type.JSON)
    if png:
        allure.attach(png, "image", allure.attachment_type.PNG)
