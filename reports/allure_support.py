"""Run record -> Allure's `environment.properties` and `categories.json`. Pure.

The per-test result files come from allure-pytest in the conformance plugin; these files give
the Allure report its Environment widget and its Categories. A test lands in the first category
whose statuses include its status and whose matcher fits:
- Allure 3 (the npm `allure` this project generates HTML with) takes categories from its config
  (`allure3_categories()`, written by allure_html); it can match the test's `category` label,
  which carries the run record's `category` field exactly (the only way to tell `charset` from
  `wrong-value`: the suite words both "tree differs: …");
- Allure 2 readers take `allure-results/categories.json` and match on the status message: a
  `[category]` tag at its start, or the phrases the suite's messages use (conformance/judge.py,
  qrinterop.iut adapters), so an untagged message is still sorted where the words allow.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

CATEGORY_LABEL = "category"

# Order matters: Allure puts a test in the first category that matches. Timeout and protocol
# before crash: all three start "no valid answer from the IUT: …".
CATEGORIES: tuple[dict[str, Any], ...] = (
    {"name": "IUT timeout", "category": "timeout", "matchedStatuses": ["broken", "failed"],
     "phrases": [r"timed? ?out", r"no answer within", r"did not answer within"]},
    {"name": "IUT protocol error", "category": "protocol", "matchedStatuses": ["broken", "failed"],
     "phrases": [r"is not JSON", r"without an integer 'id'", r"no request in flight", r"byte cap",
                 r"not valid JSON-lines"]},
    {"name": "IUT crash", "category": "iut-crash", "matchedStatuses": ["broken", "failed"],
     "phrases": [r"crash", r"exited with", r"process (?:died|exited)", r"killed by signal", r"closed its stdout",
                 r"closed the connection", r"IUT raised", r"no valid answer from the IUT"]},
    {"name": "Not implemented", "category": "not-implemented", "matchedStatuses": ["skipped"],
     "phrases": [r"not implemented", r"does not declare"]},
    {"name": "Charset (text mangled)", "category": "charset", "matchedStatuses": ["failed", "broken"],
     "phrases": [r"charset", r"mojibake", r"read as latin-1", r"utf-8 read as", r"shift_jis"]},
    {"name": "Wrong verdict (valid/invalid)", "category": "wrong-verdict", "matchedStatuses": ["failed"],
     "phrases": [r"IUT said (?:valid|invalid)", r"should have been rejected", r"IUT rejected a valid",
                 r"IUT refused to build", r"from objects that break", r"wrong verdict"]},
    {"name": "Wrong value (parse/build result differs)", "category": "wrong-value", "matchedStatuses": ["failed"],
     "phrases": [r"tree differs", r"built a different payload", r"decoded .*, expected", r"wrong value",
                 r"differs from expected", r"IUT returned"]},
)
OTHER = {"name": "Other test failures", "matchedStatuses": ["failed"]}


def _caseless(pattern: str) -> str:
    """`crash` -> `[cC][rR][aA][sS][hH]`: the regex must work unchanged in Allure 2 (Java,
    full match) and Allure 3 (JavaScript `new RegExp`, which rejects inline flags like `(?i)`)."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == "]":
            in_class = False
            out.append(ch)
        elif ch.isalpha() and ch.lower() != ch.upper() and not in_class:
            out.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            out.append(ch)
    return "".join(out)


def _message_regex(tag: str, phrases: list[str]) -> str:
    # [\s\S]* rather than .* with DOTALL: messages span lines, and neither engine gets a flag.
    alternatives = [re.escape(f"[{tag}]")] + [_caseless(p) for p in phrases]
    return "[\\s\\S]*(?:" + "|".join(alternatives) + ")[\\s\\S]*"


def categories() -> list[dict[str, Any]]:
    """categories.json (Allure 2 format; Allure 3 accepts it too, as compatibility keys)."""
    out = [{"name": c["name"], "matchedStatuses": c["matchedStatuses"],
            "messageRegex": _message_regex(c["category"], c["phrases"])} for c in CATEGORIES]
    out.append({**OTHER, "messageRegex": "[\\s\\S]*"})
    return out


def allure3_categories() -> list[dict[str, Any]]:
    """The same categories for an Allure 3 config: the `category` label first, else the message."""
    out = [{"name": c["name"], "matchers": [
        {"statuses": c["matchedStatuses"], "labels": {CATEGORY_LABEL: f"^{re.escape(c['category'])}$"}},
        {"statuses": c["matchedStatuses"], "message": _message_regex(c["category"], c["phrases"])}]}
        for c in CATEGORIES]
    out.append({"name": OTHER["name"], "matchers": [{"statuses": OTHER["matchedStatuses"]}]})
    return out


def render_categories() -> str:
    return json.dumps(categories(), ensure_ascii=False, indent=2) + "\n"


def _escape_property(text: str, key: bool = False) -> str:
    """java.util.Properties escaping: backslash, leading space, separators in keys, newlines."""
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if key:
        text = re.sub(r"([=: #!])", r"\\\1", text)
    elif text.startswith(" "):
        text = "\\" + text
    return text


def environment(record: Mapping[str, Any]) -> dict[str, str]:
    iut = record.get("iut") or {}
    vectors = record.get("vectors") or {}
    env = {"IUT.name": iut.get("name") or "unnamed", "IUT.version": iut.get("version") or "unknown",
           "IUT.spec": iut.get("spec") or "", "IUT.profiles": ", ".join(sorted(iut.get("profiles") or []))}
    for s in sorted(vectors.get("sets") or [], key=lambda s: s["name"]):
        env[f"vectors.{s['name']}.version"] = s.get("version") or ""
        env[f"vectors.{s['name']}.sha256"] = s.get("sha256") or ""
    env["vectors.manifest.sha256"] = vectors.get("manifestSha256") or ""
    env["qrinterop.version"] = record.get("qrinteropVersion") or ""
    env["Python"] = record.get("python") or ""
    env["run.started"] = record.get("startedAt") or ""
    env["run.complete"] = "true" if record.get("complete") else "false (interrupted)"
    return env


def render_environment(record: Mapping[str, Any]) -> str:
    return "".join(f"{_escape_property(k, key=True)}={_escape_property(v)}\n"
                   for k, v in environment(record).items())


# ---- per-test labels (called by the conformance plugin while a test runs) ---------------------------

def test_title(meta: Mapping[str, Any]) -> str:
    """A name a person reads in the Allure tree: the vector's comment after its id
    (`mpm-crc/17: CRC in lower-case hex`), else the id alone (`property/roundtrip`)."""
    test_id = str(meta.get("id") or "")
    comment = " ".join(str(meta.get("title") or "").split())
    return f"{test_id}: {comment}" if comment and comment != test_id else test_id


def label_test(allure: Any, meta: Mapping[str, Any], rules: list[str]) -> None:
    """Title and suite labels of one conformance test, matching epic/feature/story: the
    part -> profile -> rule tree also in readers that group by suite (Allure 2, classic)."""
    allure.dynamic.title(test_title(meta))
    allure.dynamic.parent_suite(str(meta.get("part") or "codec"))
    allure.dynamic.suite(str(meta.get("feature") or "all profiles"))
    if rules:
        allure.dynamic.sub_suite(str(rules[0]))


# ---- fixture steps allure-pytest records --------------------------------------------------------------

_LAMBDA_STEP = re.compile(r"^(?P<fixture>.+)::<lambda>$")


def tidy_container(container: dict[str, Any]) -> bool:
    """allure-pytest names pytest's own fixture finalizers `fixture::<lambda>`: steps that say
    nothing. Drop those that passed without steps or attachments; name the others
    `tear down <fixture>`. Returns whether the container changed."""
    changed = False
    afters = []
    for after in container.get("afters") or []:
        match = _LAMBDA_STEP.match(str(after.get("name") or ""))
        if match and not after.get("steps") and not after.get("attachments") \
                and after.get("status") in (None, "passed"):
            changed = True
            continue
        if match:
            after = {**after, "name": f"tear down {match.group('fixture')}"}
            changed = True
        afters.append(after)
    if changed:
        container["afters"] = afters
    return changed
