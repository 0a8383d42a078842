"""Write every report of one run: the I/O shell over the pure writers.

`write_reports(record, out_dir)` is what `qrinterop certify` calls with the run record it has in
memory; `build_reports(run_json, out_dir)` is `qrinterop report build`. Every file goes through
the redactor once more as it is written (defence in depth: a report leaves the building).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from qrinterop.paths import REPORTS_OUT, VECTORS_DIR
from qrinterop.reports import allure_html, robustness as robustness_file
from qrinterop.reports.allure_support import render_categories, render_environment, tidy_container
from qrinterop.reports.certification import build_certification
from qrinterop.reports.html import render_html
from qrinterop.reports.junit import render_junit
from qrinterop.reports.markdown import render_markdown, verdict_line
from qrinterop.reports.record import load_run_record
from qrinterop.reports.redact import redact, redact_text
from qrinterop.reports.summary import render_summary_md

IMAGE_LIMIT_BYTES = 2_000_000


@dataclass
class BuiltReports:
    out_dir: Path
    files: list[Path]
    certification: dict[str, Any]
    allure_report: Path | None = None          # index.html of the Allure HTML report, when made
    notes: list[str] = field(default_factory=list)  # e.g. why there is no Allure HTML


def image_loader(search_dirs: list[Path]):
    """Find evidence images (paths relative to the run record, or to the vectors folder)."""
    def load(rel: str) -> bytes | None:
        candidate = Path(rel)
        for base in ([Path()] if candidate.is_absolute() else search_dirs):
            path = base / candidate
            try:
                if path.is_file() and path.stat().st_size <= IMAGE_LIMIT_BYTES:
                    return path.read_bytes()
            except OSError:
                continue
        return None
    return load


TEXT_SUFFIXES = (".json", ".txt", ".xml", ".properties", ".csv", ".log", ".html", ".md", ".yaml", ".yml")


def scrub_allure_results(results: Path) -> list[Path]:
    """Redact the text files allure-pytest wrote (results and attachments) in place, and drop the
    `fixture::<lambda>` teardown steps it records for pytest's own finalizers; returns the
    files that changed. The suite redacts its run record, but its Allure attachments are written
    by another path; this is the last gate before they go into the HTML report."""
    changed = []
    for path in sorted(results.glob("*")) if results.is_dir() else []:
        if not path.is_file() or path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # binary (an image) or unreadable: not text a secret could be read from
        if path.suffix.lower() == ".json" and _is_json(text):
            data = json.loads(text)
            cleaned = redact(data)
            tidied = path.name.endswith("-container.json") and isinstance(cleaned, dict) and tidy_container(cleaned)
            if cleaned == data and not tidied:
                continue
            new = json.dumps(cleaned, ensure_ascii=False)
        else:
            new = redact_text(text)
            if new == text:
                continue
        _write(path, new)
        changed.append(path)
    return changed


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)  # a reader (CI, a browser) never sees half a file
    return path


def _off(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("0", "no", "off", "false")


def write_reports(record: Mapping[str, Any], out_dir: Path | None = None, *, base_dir: Path | None = None,
                  allure: bool = True, allure_timeout: float = allure_html.DEFAULT_TIMEOUT_S,
                  robustness: Mapping[str, Any] | None = None, history_dir: Path | None = None) -> BuiltReports:
    """certification.{json,md,html}, summary.md, junit.xml,
    allure-results/{environment.properties,categories.json}, and with `allure` (the default)
    allure-report/ when allure-results/ holds test results (written by allure-pytest during
    `qrinterop certify`) and Node is there; otherwise a note says why not. `robustness` is
    robustness.json's content (the IUT's image robustness curves), drawn in the HTML when given;
    `history_dir` is where Allure's history is carried between runs (default: allure_html's)."""
    out = Path(out_dir or REPORTS_OUT)
    record = redact(record)
    doc = redact(build_certification(record))
    vectors_dir = (record.get("vectors") or {}).get("dir")
    search = [d for d in (base_dir, out, (base_dir or out) / vectors_dir if vectors_dir else None,
                          Path(vectors_dir) if vectors_dir else None, VECTORS_DIR) if d is not None]
    files = [
        _write(out / "certification.json", json.dumps(doc, ensure_ascii=False, indent=2) + "\n"),
        _write(out / "certification.md", redact_text(render_markdown(doc))),
        _write(out / "certification.html", redact_text(render_html(doc, image_loader(search), robustness))),
        _write(out / "summary.md", redact_text(render_summary_md(doc, verdict_line(doc)))),
        _write(out / "junit.xml", redact_text(render_junit(record))),
        _write(out / "allure-results" / "environment.properties", redact_text(render_environment(record))),
        _write(out / "allure-results" / "categories.json", render_categories()),
    ]
    built = BuiltReports(out, files, doc)
    scrub_allure_results(out / "allure-results")
    results = out / "allure-results"
    if allure and _off("QRINTEROP_ALLURE_HTML"):
        built.notes.append("no Allure HTML report: QRINTEROP_ALLURE_HTML is off")
    elif allure and not any(results.glob("*-result.json")):
        built.notes.append("no Allure HTML report: allure-results/ holds no test results "
                           "(allure-pytest writes them during `qrinterop certify`)")
    elif allure:
        try:
            built.allure_report = allure_html.generate(out / "allure-results", out / "allure-report",
                                                       timeout=allure_timeout, history_dir=history_dir,
                                                       run_name=run_label(record))
        except allure_html.AllureUnavailable as exc:
            built.notes.append(f"no Allure HTML report: {exc}")
    return built


def run_label(record: Mapping[str, Any]) -> str:
    iut = record.get("iut") or {}
    return f"{iut.get('name') or 'IUT'} {iut.get('version') or ''} — {record.get('startedAt') or ''}".strip()


def build_reports(run_json: Path, out_dir: Path | None = None, *, allure: bool = True,
                  allure_timeout: float = allure_html.DEFAULT_TIMEOUT_S, measure_robustness: bool = True,
                  history_dir: Path | None = None) -> BuiltReports:
    """Every report of the run record at `run_json`. When the IUT renders or decodes images and
    no robustness.json lies next to the run record, `measure_robustness` (certify's default)
    opens the IUT again to measure its curves (a few seconds; QRINTEROP_ROBUSTNESS=0 skips it)."""
    run_json = Path(run_json)
    record = load_run_record(run_json)
    out = Path(out_dir or run_json.parent)
    curves = robustness_file.load(run_json.parent) or robustness_file.load(out)
    notes = []
    if curves is None and measure_robustness and robustness_file.wants_robustness(record) \
            and not _off("QRINTEROP_ROBUSTNESS") and (record.get("iut") or {}).get("spec"):
        try:
            curves = robustness_file.measure(record["iut"]["spec"])
            out.mkdir(parents=True, exist_ok=True)
            robustness_file.write(curves, out)
        except Exception as exc:  # a curve we could not draw must not cost the other reports
            notes.append(f"no image robustness curves: {type(exc).__name__}: {exc}")
    built = write_reports(record, out, base_dir=run_json.parent, allure=allure, allure_timeout=allure_timeout,
                          robustness=curves, history_dir=history_dir)
    built.notes[:0] = notes
    return built
