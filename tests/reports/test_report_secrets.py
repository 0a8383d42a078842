"""No API key, signature, private key or Authorization value reaches any report file.

Secrets are planted everywhere a careless run record could carry them (HTTP headers and bodies,
stderr, messages, the IUT spec, a PEM block, a query string) and every written file is grepped.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from report_fixtures import BUGGY, case_by_id, load, write_run
from qrinterop.reports.build import build_reports
from qrinterop.reports.redact import REDACTED, redact, redact_text

API_KEY = "a_7Hq2LmZp9XvR4kT1sW"
API_SECRET = "s3cr3t-Zk8PqL2mN7vX"
SIGNATURE = "MEUCIQDx9F2k1pZlYhJ8vQw3n0sGbT5aR7cEuViXyKoL4mNpQw"
BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZXJjaGFudC0xIn0.c2lnbmF0dXJlLXZhbHVl"
HMAC_AUTH = "hmac OPA-Auth:a_7Hq2LmZp9X:ZmFrZS1tYWM=:nonce42:1700000000:empty"


def _pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _planted(pem: str) -> dict:
    record = load(BUGGY)
    record["iut"]["spec"] = f"http://127.0.0.1:9000/iut?apiKey={API_KEY}&mode=strict"
    http_case = case_by_id(record, "jpqr-mai/3")
    http_case["evidence"]["http"] = {
        "request": {"method": "POST", "url": f"http://127.0.0.1:8700/paypay/v2/codes?signature={SIGNATURE}",
                    "headers": {"Authorization": f"Bearer {BEARER}", "X-API-KEY": API_KEY,
                                "Content-Type": "application/json"},
                    "body": {"merchantPaymentId": "ORDER-1", "apiSecret": API_SECRET, "privateKey": pem}},
        "response": {"status": 401, "headers": [["WWW-Authenticate", "Bearer"], ["X-Signature", SIGNATURE]],
                     "body": "{\"resultInfo\": {\"code\": \"UNAUTHORIZED\"}}"}}
    crash = case_by_id(record, "cpm-base64/5")
    crash["evidence"]["stderr"] += (f"debug: sending Authorization: {HMAC_AUTH}\n"
                                    f"loaded key:\n{pem}\nsecret={API_SECRET}\n")
    crash["message"] = f"IUT process exited with code 1; last header sent: Authorization: Bearer {BEARER}"
    charset = case_by_id(record, "mpm-charset/3")
    charset["evidence"]["actual"]["apiKey"] = API_KEY  # an IUT echoing its config in a response
    charset["message"] += f' (IUT said {{"api_key": "{API_KEY}"}})'
    return record


def test_no_planted_secret_reaches_any_report_file(tmp_path: Path):
    pem = _pem()
    built = build_reports(write_run(tmp_path / "run", _planted(pem)), tmp_path / "out")
    secrets = [API_KEY, API_SECRET, SIGNATURE, BEARER, "ZmFrZS1tYWM=",
               *[line for line in pem.splitlines() if "-----" not in line]]
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert len(files) == 7  # certification.{json,md,html}, summary.md, junit.xml, two Allure files
    for path in files:
        text = path.read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, f"{secret[:12]}… leaked into {path.name}"
    # the evidence is still there, only the secret values are gone
    html = (tmp_path / "out" / "certification.html").read_text(encoding="utf-8")
    assert "TypeError" in html and REDACTED in html
    md = (tmp_path / "out" / "certification.md").read_text(encoding="utf-8")
    assert "-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----" in md
    doc = json.loads((tmp_path / "out" / "certification.json").read_text(encoding="utf-8"))
    assert doc["iut"]["spec"] == f"http://127.0.0.1:9000/iut?apiKey={REDACTED}&mode=strict"
    assert built.certification["overall"]["verdict"] == "FAIL"


def test_allure_results_written_by_the_plugin_are_scrubbed_too(tmp_path: Path):
    """Attachments come from allure-pytest, not from the run record: the last gate is the build."""
    run = write_run(tmp_path, load(BUGGY))
    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "1f-attachment.txt").write_text(f"POST /v2/codes\nAuthorization: Bearer {BEARER}\n"
                                               f"X-API-KEY: {API_KEY}\n\n{{\"amount\": 100}}\n")
    (results / "2e-attachment.json").write_text(json.dumps({"headers": {"Authorization": HMAC_AUTH},
                                                            "body": {"apiSecret": API_SECRET}}))
    result = {"name": "t", "status": "failed", "statusDetails": {"message": f"sent signature={SIGNATURE}"},
              "attachments": [{"name": "http", "source": "1f-attachment.txt", "type": "text/plain"}]}
    (results / "3d-result.json").write_text(json.dumps(result))
    png = b"\x89PNG\r\n\x1a\n" + API_KEY.encode()  # binary files are left alone
    (results / "4c-attachment.png").write_bytes(png)
    build_reports(run, allure=False)
    for path in results.glob("*"):
        if path.suffix == ".png":
            assert path.read_bytes() == png
            continue
        text = path.read_text(encoding="utf-8")
        for secret in (API_KEY, API_SECRET, SIGNATURE, BEARER, "ZmFrZS1tYWM="):
            assert secret not in text, f"{secret[:12]}… left in {path.name}"
    kept = json.loads((results / "3d-result.json").read_text())
    assert kept["attachments"][0]["source"] == "1f-attachment.txt" and kept["status"] == "failed"
    assert '"amount": 100' in (results / "1f-attachment.txt").read_text()


@pytest.mark.parametrize("text, kept", [
    (f"Authorization: Bearer {BEARER}", "Authorization: "),
    (f"curl -H 'X-Api-Key: {API_KEY}' http://x", "X-Api-Key"),
    (f"GET /v2/codes?signature={SIGNATURE}&x=1", "&x=1"),
    (f'{{"privateKey": "{API_SECRET}", "amount": 100}}', '"amount": 100'),
    (f"iut --api-key {API_KEY} --strict", "--strict"),
    (f"Signature keyId=\"k1\",signature=\"{SIGNATURE}\"", "keyId"),
    (f"client_secret={API_SECRET}", "client_secret="),
])
def test_redact_text_patterns(text, kept):
    out = redact_text(text)
    assert kept in out
    for secret in (API_KEY, API_SECRET, SIGNATURE, BEARER):
        assert secret not in out


def test_redact_keeps_harmless_data_and_does_not_mutate():
    value = {"message": "IUT said valid; signature mismatch expected", "Content-Type": "application/json",
             "headers": {"authorization": "Basic dXNlcjpwYXNz"}, "token": None}
    out = redact(value)
    assert out["message"] == value["message"] and out["Content-Type"] == "application/json"
    assert out["headers"]["authorization"] == REDACTED
    assert out["token"] is None  # nothing to hide; keep the shape honest
    assert value["headers"]["authorization"] == "Basic dXNlcjpwYXNz"
