"""pix: Brazil's Pix BR Code (BCB manuals as implemented in public libraries; notes/profiles.md §2)."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, add, drop, \
    set_

B = {"base": "pix-manual"}
URL = "bx.com.br/pix/8b3da2f3-9a41-40d1-a91a-bd93113bd441"
DYNAMIC = [add("01", "12", at=1), drop("26.01"), add("26.25", URL)]

CASES = (
    C("Pix manual static example: EVP key, txid '***'", V,
      ["pix.mai.gui", "pix.key_or_url", "pix.key.format", "pix.country", "pix.currency", "pix.txid.required",
       "pix.txid.format"], ["RealWorld", "Basic"], **Q("pix-manual")),
    C("GUI in upper case (BR.GOV.BCB.PIX), as in the BR Code manual", V, ["pix.mai.gui"], ["GuiCase"], **B,
      edits=[set_("26.00", "BR.GOV.BCB.PIX")]),
    C("GUI in mixed case (Br.Gov.Bcb.Pix)", V, ["pix.mai.gui"], ["GuiCase"], **B,
      edits=[set_("26.00", "Br.Gov.Bcb.Pix")]),
    C("CPF key with valid check digits", V, ["pix.key.format", "pix.key.checksum"], ["ProfileRule"], **B,
      edits=[set_("26.01", "12345678909")]),
    C("CNPJ key with valid check digits", V, ["pix.key.format", "pix.key.checksum"], ["ProfileRule"], **B,
      edits=[set_("26.01", "11222333000181")]),
    C("e-mail key", V, ["pix.key.format"], ["ProfileRule"], **B, edits=[set_("26.01", "fulano@example.com.br")]),
    C("phone key +55", V, ["pix.key.format"], ["ProfileRule"], **B, edits=[set_("26.01", "+5561912345678")]),
    C("dynamic code: URL without scheme in 26-25, txid '***'", V,
      ["pix.url.scheme", "pix.txid.dynamic", "pix.key_or_url"], ["ProfileRule"], **B, edits=DYNAMIC),
    C("CEP postal code (8 digits)", V, ["pix.postal.format"], ["ProfileRule"], **B, edits=[add("61", "70074900")]),
    C("Pix beside another arrangement (27) and an unreserved 80, GUI upper case (BR Code manual example)", A,
      ["pix.txid.format"], ["RealWorld", "GuiCase"], **Q("pix-brcode-upper")),
    C("Pix template in 27, another network in 26", V, ["pix.mai.gui"], ["TemplateMai"], **B,
      edits=[set_("26.00", "com.example.pay"), set_("26.01", "M1"),
             add("27", [("00", "br.gov.bcb.pix"), ("01", "123e4567-e12b-12d1-a456-426655440000")], at=2)]),
    C("made by the Pix builder: dynamic URL, amount, txid '***'", V, ["pix.url.scheme", "pix.txid.dynamic"],
      ["Basic"], builder="pix", fields={"url": URL, "name": "Fulano de Tal", "city": "BRASILIA", "amount": "123.45",
                                        "dynamic": True}),
    C("GUI 'br.gov.bcb.pixx': not Pix", I, ["pix.mai.gui"], ["ProfileRule"], **B,
      edits=[set_("26.00", "br.gov.bcb.pixx")]),
    C("both key (01) and URL (25)", I, ["pix.key_or_url"], ["ProfileRule"], **B,
      edits=[add("26.25", "bx.com.br/pix/1")]),
    C("neither key nor URL", I, ["pix.key_or_url"], ["ProfileRule"], **B, edits=[drop("26.01"),
                                                                             add("26.02", "pagamento")]),
    C("key 'fulano' (no known key type)", I, ["pix.key.format"], ["ProfileRule"], **B,
      edits=[set_("26.01", "fulano")]),
    C("CPF key with wrong check digits", A, ["pix.key.checksum"], ["ProfileRule"], **B,
      edits=[set_("26.01", "12345678900")]),
    C("URL with its https:// scheme", I, ["pix.url.scheme"], ["ProfileRule"], **B,
      edits=[*DYNAMIC, set_("26.25", "https://" + URL[:40])]),
    C("Country Code US", I, ["pix.country"], ["ProfileRule"], **B, edits=[set_("58", "US")]),
    C("Transaction Currency 840", I, ["pix.currency"], ["ProfileRule"], **B, edits=[set_("53", "840")]),
    C("CEP with a hyphen", A, ["pix.postal.format"], ["ProfileRule"], **B, edits=[add("61", "70074-900")]),
    C("no 62-05 txid", A, ["pix.txid.required"], ["ProfileRule"], **B, edits=[drop("62")]),
    C("txid with an underscore", A, ["pix.txid.format"], ["ProfileRule"], **B, edits=[set_("62.05", "TX_0001")]),
    C("txid of 26 characters (the API's txid does not fit 62-05)", I, ["mpm.field.length", "pix.txid.format"],
      ["NameTooLong", "EdgeLength"], **B, edits=[set_("62.05", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")]),
    C("dynamic code with a txid instead of '***'", A, ["pix.txid.dynamic"], ["ProfileRule"], **B,
      edits=[*DYNAMIC, set_("62.05", "TX0001")]),
    C("merchant name of 40 characters (a DICT name not truncated)", I, ["mpm.field.length"], ["NameTooLong"], **B,
      edits=[set_("59", "FULANO DE TAL COMERCIO DE ALIMENTOS LTDA")]),
    C("accented merchant name 'José' in 59 (BCB accepts UTF-8, EMV says ans)", I, ["mpm.field.format"],
      ["NonAsciiInAns"], **B, edits=[set_("59", "José da Silva")]),
    C("amount '0.00'", I, ["mpm.amount.format"], ["AmountFormat"], **B, edits=[add("54", "0.00", at=4)]),
    C("CRC not checked: one bit off (BCB: codes with a bad CRC must be refused)", I, ["mpm.crc.mismatch"],
      ["CrcMismatch"], **B, crc="wrong"),
)

SET = VectorSet(
    name="pix", source="BCB Manual do BR Code / Manual de Padrões para Iniciação do Pix, as implemented publicly; "
                       "notes/profiles.md §2",
    description="Pix codes validated with profile 'pix': GUI br.gov.bcb.pix in any case, key or URL, key "
                "formats and CPF/CNPJ check digits, BR/986, CEP, txid in 62-05.",
    groups=(Group("validate", "pix", CASES),))
