"""Pix / BR Code (Brazil, Banco Central do Brasil) merchant-presented profile.

Sources (notes/profiles.md §2; the BCB manuals themselves were not read here): "Manual do BR Code"
and "Manual de Padrões para Iniciação do Pix" as implemented by rprata/pixcode, naomijub/brcode
and doiim/p2pix, and their examples. The Pix template is found by GUI `br.gov.bcb.pix` compared
case-insensitively (the Pix manual writes it in lower case, the BR Code manual in upper case).
"""
from __future__ import annotations

import re

from qrinterop.emv.mpm import DataObject, MpmPayload
from qrinterop.profiles.scheme import check_fixed, templates_with_gui, value_at
from qrinterop.rules.model import MUST, SHOULD, Findings, Profile, Rule

GUI = "br.gov.bcb.pix"
MANUAL = "BCB Manual de Padrões para Iniciação do Pix (as implemented by pixcode/brcode/p2pix)"
BRCODE = "BCB Manual do BR Code"


def _r(id_: str, level: str, title: str, source: str, description: str) -> Rule:
    return Rule(id_, title, source, level, "pix", description)


RULES: tuple[Rule, ...] = (
    _r("pix.mai.gui", MUST, "A merchant account template carries the Pix GUI", MANUAL,
       "One of templates 26-51 has sub-ID 00 = 'br.gov.bcb.pix', in any letter case (both cases appear in "
       "the BCB's own examples). Usually 26; other arrangements (BR.COM.OUTRO) may sit beside it. [solid]"),
    _r("pix.key_or_url", MUST, "Exactly one of key (01) and URL (25)", MANUAL,
       "A static code carries the chave (key) in sub-ID 01; a dynamic one the payload URL in 25. In practice "
       "they are alternatives: exactly one is present. [solid: pixcode, brcode, p2pix]"),
    _r("pix.key.format", MUST, "Pix key is an email, CPF, CNPJ, +55 phone or EVP", MANUAL,
       "Sub-ID 01 is one of: an e-mail address (<= 77 characters); a CPF (11 digits); a CNPJ (14 digits); "
       "a phone '+55' followed by 10-11 digits; or an EVP random key (UUID, 36 characters with hyphens). "
       "[solid for the kinds; the 77-character e-mail limit is the DICT API's, not seen in the QR manual]"),
    _r("pix.key.checksum", SHOULD, "CPF / CNPJ key has valid check digits",
       "Receita Federal CPF/CNPJ check-digit algorithm",
       "An 11- or 14-digit key is a CPF / CNPJ, whose last two digits are mod-11 check digits; a key that "
       "fails them cannot be registered in DICT. [general knowledge, not in notes; warning only]"),
    _r("pix.url.scheme", MUST, "Dynamic URL (25) has no scheme", MANUAL,
       "Sub-ID 25 holds the location of the dynamic payload without 'https://' (e.g. "
       "'bx.com.br/pix/<uuid>'); the app prefixes https. [solid]"),
    _r("pix.country", MUST, "Country Code is BR", MANUAL, "ID 58 = 'BR'. [solid]"),
    _r("pix.currency", MUST, "Transaction Currency is 986 (BRL)", MANUAL, "ID 53 = '986'. [solid]"),
    _r("pix.postal.format", SHOULD, "Postal Code is a CEP (8 digits)", MANUAL,
       "ID 61, optional, is an 8-digit CEP. [solid as implemented]"),
    _r("pix.txid.required", SHOULD, "Reference label 62-05 (txid) is present", MANUAL,
       "Every public Pix sample carries 62-05, '***' when there is no txid, and doiim/p2pix marks it "
       "'Obrigatório'; the manual's own wording was not read, so a missing txid is a warning. [uncertain]"),
    _r("pix.txid.format", SHOULD, "txid is '***' or up to 25 letters and digits", MANUAL,
       "62-05 holds '***' or 1-25 alphanumerics. The BR Code manual's own example uses 'RP12345678-2019' "
       "(with a hyphen), so this is a warning. [25-char limit widely implemented; spec text unseen]"),
    _r("pix.txid.dynamic", SHOULD, "Dynamic code's txid is '***'", MANUAL,
       "A dynamic code (URL in 25) carries '***' in 62-05: the real txid is in the fetched JWS payload "
       "(one implementation: 'must not be filled in dynamic; ignore if present'). The pixcode README "
       "sample carries a txid anyway. [solid for '***']"),
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+55\d{10,11}")
_EVP = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TXID = re.compile(r"\*\*\*|[A-Za-z0-9]{1,25}")
_CEP = re.compile(r"\d{8}")


def key_kind(key: str) -> str | None:
    """'email' | 'cpf' | 'cnpj' | 'phone' | 'evp', or None for a value that is no Pix key."""
    if _PHONE.fullmatch(key):
        return "phone"
    if _EVP.fullmatch(key):
        return "evp"
    if key.isascii() and key.isdigit() and len(key) in (11, 14):
        return "cpf" if len(key) == 11 else "cnpj"
    if len(key) <= 77 and _EMAIL.fullmatch(key):
        return "email"
    return None


def _mod11_digit(digits: str, weights: list[int]) -> str:
    r = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return "0" if r < 2 else str(11 - r)


def complete_tax_id(body: str) -> str:
    """A 9-digit CPF body or 12-digit CNPJ body with its two check digits appended."""
    if len(body) == 9:
        d1 = _mod11_digit(body, list(range(10, 1, -1)))
        return body + d1 + _mod11_digit(body + d1, list(range(11, 1, -1)))
    d1 = _mod11_digit(body, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    return body + d1 + _mod11_digit(body + d1, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])


def tax_id_ok(key: str) -> bool:
    """CPF (11) / CNPJ (14) check digits (a run of one repeated digit is never a valid id)."""
    return complete_tax_id(key[:-2]) == key and len(set(key)) > 1


def pix_template(p: MpmPayload) -> DataObject | None:
    found = templates_with_gui(p, [GUI])
    return found[0] if found else None


def check_pix(p: MpmPayload, out: Findings) -> None:
    template = pix_template(p)
    dynamic = False
    if template is None:
        out.add("pix.mai.gui", f"no merchant account template 26-51 carries GUI {GUI!r} (any case)", "")
    else:
        key, url = template.child("01"), template.child("25")
        dynamic = url is not None
        if (key is None) == (url is None):
            out.add("pix.key_or_url", f"{template.path} has {'both' if key else 'neither'} 01 (key) and 25 (URL); "
                    "exactly one is expected", template.path, value_at(template), template.value)
        if key is not None:
            kind = key_kind(key.value)
            if kind is None:
                out.add("pix.key.format", f"{key.path} is {key.value!r}; expected an e-mail, CPF (11 digits), "
                        "CNPJ (14 digits), '+55' phone or EVP UUID", key.path, value_at(key), key.value)
            elif kind in ("cpf", "cnpj") and not tax_id_ok(key.value):
                out.add("pix.key.checksum", f"{key.path} {key.value!r} looks like a {kind.upper()} but its check "
                        "digits are wrong", key.path, value_at(key), key.value)
        if url is not None and re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", url.value):
            out.add("pix.url.scheme", f"{url.path} is {url.value!r}; write the location without its scheme",
                    url.path, value_at(url), url.value)
    check_fixed(p, "58", ("BR",), "pix.country", "Pix", out)
    check_fixed(p, "53", ("986",), "pix.currency", "Pix", out)
    cep = p.find("61")
    if cep is not None and not _CEP.fullmatch(cep.value):
        out.add("pix.postal.format", f"61 is {cep.value!r}; a CEP is 8 digits", "61", value_at(cep), cep.value)
    txid = p.find("62.05")
    if txid is None:
        out.add("pix.txid.required", "62-05 (txid) is missing; write '***' when there is none", "62.05")
    else:
        if not _TXID.fullmatch(txid.value):
            out.add("pix.txid.format", f"62.05 is {txid.value!r}; expected '***' or 1-25 letters and digits",
                    "62.05", value_at(txid), txid.value)
        if dynamic and txid.value != "***":
            out.add("pix.txid.dynamic", f"62.05 is {txid.value!r} in a dynamic code (25 present); expected '***'",
                    "62.05", value_at(txid), txid.value)


def detect(p: MpmPayload) -> bool:
    return pix_template(p) is not None


def names(p: MpmPayload) -> dict[str, str]:
    t = pix_template(p)
    if t is None:
        return {}
    return {f"{t.path}.00": "Pix GUI", f"{t.path}.01": "chave (Pix key)", f"{t.path}.02": "infoAdicional",
            f"{t.path}.25": "URL of the dynamic payload", "62.05": "txid"}


def describe(p: MpmPayload) -> list[str]:
    t = pix_template(p)
    if t is None:
        return []
    key, url = t.child("01"), t.child("25")
    if url is not None:
        return [f"Pix dynamic code: payload at https://{url.value} (template {t.path})"]
    if key is not None:
        return [f"Pix static code: key {key.value!r} ({key_kind(key.value) or 'unknown kind'}) in template {t.path}"]
    return []


PROFILE = Profile(name="pix", title="Pix / BR Code (Brazil, BCB)", rules=RULES, check=check_pix, detect=detect,
                  describe=describe, names=names)
