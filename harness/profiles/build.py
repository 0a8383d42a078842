"""Make a correct payload for a national profile from a few typed fields.

`build_payload("jpqr", store_code=("0000000000001", "0001", "000001", "000001"), name="xxx",
city="xxx", name_ja="メルペイ カフェ", postal_code="1066143")` returns the payload text with its CRC.
Every builder fills the scheme's fixed values (country, currency, GUI), writes the amount in the
currency's minor units, and the result is validated by construction: a payload that breaks any
MUST rule of its profile is never returned (`ProfileBuildError` names the rule and the path).

Fields every builder takes: `name` (59), `city` (60), `mcc` (52), `amount` (54; int, Decimal or
str), `dynamic` (01 = 12 instead of 11), `postal_code` (61), `bill_number` (62-01),
`reference` (62-05), `terminal_label` (62-07). The profile's own fields are listed by
`builder_fields(profile)`.
"""
from __future__ import annotations

import inspect
from decimal import Decimal, InvalidOperation
from typing import Callable, Sequence

from qrinterop.emv.currencies import CURRENCIES
from qrinterop.emv.mpm import build_mpm
from qrinterop.errors import LocatedError, UsageError

Obj = dict


class ProfileBuildError(LocatedError):
    """The fields given cannot make a valid payload of the profile (names the rule and the path)."""


# --- shared pieces ---------------------------------------------------------------------------

def _v(id_: str, value: str | None) -> Obj | None:
    return {"id": id_, "value": value} if value not in (None, "") else None


def _t(id_: str, *children: Obj | None) -> Obj | None:
    kept = [c for c in children if c is not None]
    return {"id": id_, "children": kept} if kept else None


def format_amount(amount: int | str | Decimal | None, currency: str, where: str = "amount") -> str | None:
    """`amount` written as 54 wants it: digits, '.', exactly the currency's decimals (ISO 4217)."""
    if amount is None:
        return None
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise UsageError(f"{where} must be a number, got {amount!r}") from None
    exponent = CURRENCIES[currency][1]
    quantum = Decimal(1).scaleb(-exponent)
    if value <= 0 or value != value.quantize(quantum):
        raise UsageError(f"{where} must be positive with at most {exponent} decimal(s) for "
                         f"{CURRENCIES[currency][0]}, got {amount!r}")
    return f"{value.quantize(quantum):f}"


def _common(currency: str, country: str, *, name: str | None, city: str | None, mcc: str | None,
            amount, dynamic: bool, postal_code: str | None, bill_number: str | None, reference: str | None,
            terminal_label: str | None, extra_adf: Sequence[Obj | None] = ()) -> tuple[list, list]:
    """(objects before the scheme's template, objects after it)."""
    head = [_v("00", "01"), _v("01", "12" if dynamic else "11")]
    tail = [_v("52", mcc), _v("53", currency), _v("54", format_amount(amount, currency)), _v("58", country),
            _v("59", name), _v("60", city), _v("61", postal_code),
            _t("62", _v("01", bill_number), _v("05", reference), _v("07", terminal_label), *extra_adf)]
    return head, tail


def _finish(profile: str, objects: list[Obj | None]) -> str:
    from qrinterop.rules import validate  # late: the rule modules import this package
    try:
        payload = build_mpm([o for o in objects if o is not None])
    except LocatedError as exc:
        raise ProfileBuildError(exc.rule, exc.message, path=exc.path, offset=exc.offset, value=exc.value) from None
    errors = validate(payload, profile).errors
    if errors:
        e = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ProfileBuildError(e.rule, f"the fields make an invalid {profile} payload: {e.message}{more}",
                                path=e.path, offset=e.offset, value=e.value)
    return payload


# --- one builder per profile -----------------------------------------------------------------

def build_jpqr(*, store_code: Sequence[str], name: str = "xxx", city: str = "xxx", name_ja: str,
               postal_code: str, mcc: str = "5999", amount=None, dynamic: bool = False,
               bill_number: str | None = None, reference: str | None = None,
               terminal_label: str | None = None) -> str:
    """JPQR: the 4-part unified store code (13/4/6/6), the Japanese name in 64-01, JPY without decimals."""
    if len(store_code) != 4:
        raise UsageError(f"store_code must have 4 parts (13/4/6/6 characters), got {len(store_code)}")
    head, tail = _common("392", "JP", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    mai = _t("26", _v("00", "jp.or.paymentsjapan"), *(_v(f"{i:02d}", part) for i, part in enumerate(store_code, 1)))
    return _finish("jpqr", [*head, mai, *tail, _t("64", _v("00", "JA"), _v("01", name_ja))])


def build_pix(*, key: str | None = None, url: str | None = None, name: str, city: str, mcc: str = "0000",
              amount=None, dynamic: bool = False, txid: str | None = None, info: str | None = None,
              postal_code: str | None = None, bill_number: str | None = None,
              terminal_label: str | None = None) -> str:
    """Pix: a key (static) or the payload URL without scheme (dynamic); txid '***' when none."""
    if (key is None) == (url is None):
        raise UsageError("give exactly one of key (static Pix) and url (dynamic Pix)")
    head, tail = _common("986", "BR", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number,
                         reference="***" if url is not None else (txid or "***"), terminal_label=terminal_label)
    mai = _t("26", _v("00", "br.gov.bcb.pix"), _v("01", key), _v("02", info), _v("25", url))
    return _finish("pix", [*head, mai, *tail])


def build_sgqr(*, proxy_type: str, proxy_value: str, name: str, city: str = "Singapore", mcc: str = "0000",
               amount=None, dynamic: bool = False, editable: bool | None = None, expiry: str | None = None,
               postal_code: str | None = None, bill_number: str | None = None, reference: str | None = None,
               terminal_label: str | None = None) -> str:
    """PayNow in SGQR: proxy_type 'mobile' (+65…) or 'uen'; the amount is editable unless dynamic."""
    kinds = {"mobile": "0", "uen": "2"}
    if proxy_type not in kinds:
        raise UsageError(f"proxy_type must be one of {', '.join(kinds)}, got {proxy_type!r}")
    head, tail = _common("702", "SG", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    editable = (not dynamic) if editable is None else editable
    mai = _t("26", _v("00", "SG.PAYNOW"), _v("01", kinds[proxy_type]), _v("02", proxy_value),
             _v("03", "1" if editable else "0"), _v("04", expiry))
    return _finish("sgqr", [*head, mai, *tail])


def promptpay_mobile(number: str) -> str:
    """A Thai mobile number as PromptPay writes it: '0066' + the number without its leading 0."""
    digits = "".join(c for c in number if c.isdigit())
    if digits.startswith("66"):
        digits = digits[2:]
    return "0066" + digits.lstrip("0").rjust(9, "0")


def build_promptpay(*, mobile: str | None = None, national_id: str | None = None, ewallet: str | None = None,
                    bank_account: str | None = None, biller_id: str | None = None, ref1: str | None = None,
                    ref2: str | None = None, amount=None, name: str | None = None, city: str | None = None,
                    mcc: str | None = None, postal_code: str | None = None, bill_number: str | None = None,
                    reference: str | None = None, terminal_label: str | None = None) -> str:
    """PromptPay credit transfer (one of mobile / national_id / ewallet / bank_account, tag 29) or bill
    payment (biller_id + ref1 [+ ref2], tag 30). 01 follows the generators: 12 with an amount, 11 without."""
    targets = {"01": promptpay_mobile(mobile) if mobile else None, "02": national_id, "03": ewallet,
               "04": bank_account}
    given = [k for k, v in targets.items() if v]
    if biller_id is not None:
        if given:
            raise UsageError("give a credit-transfer target or a biller_id, not both")
        mai = _t("30", _v("00", "A000000677010112"), _v("01", biller_id), _v("02", ref1), _v("03", ref2))
    elif len(given) == 1:
        mai = _t("29", _v("00", "A000000677010111"), _v(given[0], targets[given[0]]))
    else:
        raise UsageError("give exactly one of mobile, national_id, ewallet, bank_account (or a biller_id)")
    head, tail = _common("764", "TH", name=name, city=city, mcc=mcc, amount=amount, dynamic=amount is not None,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    return _finish("promptpay", [*head, mai, *tail])


def build_qris(*, nmid: str, name: str, city: str, criteria: str = "UMI", pjsp_gui: str | None = None,
               pan: str | None = None, merchant_id: str | None = None, mcc: str = "5812", amount=None,
               dynamic: bool = False, postal_code: str | None = None, bill_number: str | None = None,
               reference: str | None = None, terminal_label: str | None = "A01") -> str:
    """QRIS: the national template 51 (NMID, criteria) and optionally one PJSP template 26."""
    head, tail = _common("360", "ID", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    pjsp = _t("26", _v("00", pjsp_gui), _v("01", pan), _v("02", merchant_id), _v("03", criteria)) if pjsp_gui else None
    national = _t("51", _v("00", "ID.CO.QRIS.WWW"), _v("02", nmid), _v("03", criteria))
    return _finish("qris", [*head, pjsp, national, *tail])


def build_upi(*, vpa: str, name: str, city: str, mcc: str = "0000", amount=None, dynamic: bool = False,
              min_amount: str | None = None, transaction_ref: str | None = None, postal_code: str | None = None,
              bill_number: str | None = None, reference: str | None = None,
              terminal_label: str | None = None) -> str:
    """UPI in an EMV code: the VPA in 26 (GUI A000000524), a transaction reference in 27."""
    head, tail = _common("356", "IN", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    return _finish("upi", [*head, _t("26", _v("00", "A000000524"), _v("01", vpa), _v("02", min_amount)),
                           _t("27", _v("00", "A000000524"), _v("01", transaction_ref)) if transaction_ref else None,
                           *tail])


def build_bharatqr(*, name: str, city: str, visa: str | None = None, mastercard: str | None = None,
                   rupay: str | None = None, ifsc_account: str | None = None, vpa: str | None = None,
                   mcc: str = "5411", amount=None, dynamic: bool = False, postal_code: str | None = None,
                   bill_number: str | None = None, reference: str | None = None,
                   terminal_label: str | None = None) -> str:
    """BharatQR: card mPANs (02 Visa, 04 Mastercard, 06 RuPay), 08 IFSC+account, and/or a UPI VPA (26)."""
    if not any((visa, mastercard, rupay, ifsc_account, vpa)):
        raise UsageError("give at least one of visa, mastercard, rupay, ifsc_account, vpa")
    head, tail = _common("356", "IN", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    return _finish("bharatqr", [*head, _v("02", visa), _v("04", mastercard), _v("06", rupay), _v("08", ifsc_account),
                                _t("26", _v("00", "A000000524"), _v("01", vpa)) if vpa else None, *tail])


def build_duitnow(*, participant: str, account: str, name: str, city: str = "MY", mcc: str = "0000", amount=None,
                  dynamic: bool = False, postal_code: str | None = None, bill_number: str | None = None,
                  reference: str | None = None, terminal_label: str | None = None) -> str:
    """DuitNow: GUI A0000006150001, 6-digit participant code, account. Written with PFI '01' (EMV),
    not the '02' real codes carry: a generator should not copy a deviation."""
    head, tail = _common("458", "MY", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    return _finish("duitnow", [*head, _t("26", _v("00", "A0000006150001"), _v("01", participant),
                                         _v("02", account)), *tail])


def build_qrph(*, kind: str, bic: str, account: str, name: str, city: str, mobile: str | None = None,
               mcc: str | None = None, amount=None, dynamic: bool = False, postal_code: str | None = None,
               bill_number: str | None = None, reference: str | None = None,
               terminal_label: str | None = None) -> str:
    """QR Ph: kind 'p2p' (27, com.p2pqrpay, MCC 6016) or 'p2m' (28, ph.ppmi.p2m)."""
    if kind not in ("p2p", "p2m"):
        raise UsageError(f"kind must be 'p2p' or 'p2m', got {kind!r}")
    tag, gui = ("27", "com.p2pqrpay") if kind == "p2p" else ("28", "ph.ppmi.p2m")
    head, tail = _common("608", "PH", name=name, city=city, mcc=mcc or ("6016" if kind == "p2p" else "5999"),
                         amount=amount, dynamic=dynamic, postal_code=postal_code, bill_number=bill_number,
                         reference=reference, terminal_label=terminal_label)
    mai = _t(tag, _v("00", gui), _v("01", bic), _v("03", account), _v("05", mobile if kind == "p2p" else None))
    return _finish("qrph", [*head, mai, *tail])


def build_vietqr(*, bank_bin: str, account: str, service: str = "account", amount=None, purpose: str | None = None,
                 name: str | None = None, city: str | None = None, mcc: str | None = None,
                 dynamic: bool | None = None, postal_code: str | None = None, bill_number: str | None = None,
                 reference: str | None = None, terminal_label: str | None = None) -> str:
    """VietQR: tag 38 (GUI A000000727), beneficiary nested as 00 BIN + 01 account, service to an
    'account' (QRIBFTTA) or a 'card' (QRIBFTTC); VND without decimals."""
    services = {"account": "QRIBFTTA", "card": "QRIBFTTC"}
    if service not in services:
        raise UsageError(f"service must be 'account' or 'card', got {service!r}")
    inner = f"00{len(bank_bin):02d}{bank_bin}01{len(account):02d}{account}"
    head, tail = _common("704", "VN", name=name, city=city, mcc=mcc, amount=amount,
                         dynamic=(amount is not None) if dynamic is None else dynamic, postal_code=postal_code,
                         bill_number=bill_number, reference=reference, terminal_label=terminal_label,
                         extra_adf=[_v("08", purpose)])
    mai = _t("38", _v("00", "A000000727"), _v("01", inner), _v("02", services[service]))
    return _finish("vietqr", [*head, mai, *tail])


def build_khqr(*, account_id: str, name: str, city: str, timestamp_ms: int, currency: str = "KHR",
               merchant_id: str | None = None, acquiring_bank: str | None = None, account_info: str | None = None,
               mcc: str = "5999", amount=None, dynamic: bool = False, postal_code: str | None = None,
               bill_number: str | None = None, reference: str | None = None,
               terminal_label: str | None = None) -> str:
    """KHQR: individual (29) or, with merchant_id, merchant (30) Bakong account; currency KHR or USD;
    template 99 with the creation time, which the caller passes in (no clock here)."""
    codes = {"KHR": "116", "USD": "840"}
    if currency not in codes:
        raise UsageError(f"currency must be KHR or USD, got {currency!r}")
    head, tail = _common(codes[currency], "KH", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    if merchant_id is not None:
        mai = _t("30", _v("00", account_id), _v("01", merchant_id), _v("02", acquiring_bank))
    else:
        mai = _t("29", _v("00", account_id), _v("01", account_info), _v("02", acquiring_bank))
    return _finish("khqr", [*head, mai, *tail, _t("99", _v("00", f"{timestamp_ms:013d}"))])


def build_fps(*, fps_id: str | None = None, mobile: str | None = None, email: str | None = None,
              clearing_code: str | None = None, name: str = "NA", city: str = "HK", currency: str = "HKD",
              mcc: str = "0000", amount=None, dynamic: bool = False, postal_code: str | None = None,
              bill_number: str | None = None, reference: str | None = None,
              terminal_label: str | None = None) -> str:
    """HK FPS: GUI hk.com.hkicl and one of fps_id / mobile (+852-XXXXXXXX) / email; HKD or CNY."""
    codes = {"HKD": "344", "CNY": "156"}
    if currency not in codes:
        raise UsageError(f"currency must be HKD or CNY, got {currency!r}")
    if sum(x is not None for x in (fps_id, mobile, email)) != 1:
        raise UsageError("give exactly one of fps_id, mobile, email")
    head, tail = _common(codes[currency], "HK", name=name, city=city, mcc=mcc, amount=amount, dynamic=dynamic,
                         postal_code=postal_code, bill_number=bill_number, reference=reference,
                         terminal_label=terminal_label)
    mai = _t("26", _v("00", "hk.com.hkicl"), _v("01", clearing_code), _v("02", fps_id), _v("03", mobile),
             _v("04", email))
    return _finish("fps", [*head, mai, *tail])


BUILDERS: dict[str, Callable[..., str]] = {
    "jpqr": build_jpqr, "pix": build_pix, "sgqr": build_sgqr, "promptpay": build_promptpay, "qris": build_qris,
    "upi": build_upi, "bharatqr": build_bharatqr, "duitnow": build_duitnow, "qrph": build_qrph,
    "vietqr": build_vietqr, "khqr": build_khqr, "fps": build_fps,
}


def builder_fields(profile: str) -> dict[str, bool]:
    """The typed fields `profile`'s builder takes: name -> required."""
    sig = inspect.signature(_builder(profile))
    return {n: p.default is inspect.Parameter.empty for n, p in sig.parameters.items()}


def _builder(profile: str) -> Callable[..., str]:
    if profile not in BUILDERS:
        raise UsageError(f"no builder for profile {profile!r}; builders exist for: {', '.join(BUILDERS)}")
    return BUILDERS[profile]


def build_payload(profile: str, **fields) -> str:
    """A valid `profile` payload from typed fields (see each `build_<profile>`)."""
    builder = _builder(profile)
    accepted = builder_fields(profile)
    unknown = sorted(set(fields) - set(accepted))
    missing = sorted(n for n, req in accepted.items() if req and n not in fields)
    if unknown or missing:
        parts = ([f"unknown field(s) {', '.join(unknown)}"] if unknown else []) + \
                ([f"missing required field(s) {', '.join(missing)}"] if missing else [])
        raise UsageError(f"{profile} builder: {'; '.join(parts)}; it takes: "
                         + ", ".join(f"{n}{'' if req else '?'}" for n, req in accepted.items()))
    return builder(**fields)
