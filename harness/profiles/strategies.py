"""Hypothesis strategies for the builders' typed fields: one strategy per field kind, composed
into one per profile (`builder_inputs("jpqr")` draws keyword arguments for `build_payload`).
The property tests draw from here; so can vector generators and benchmarks."""
from __future__ import annotations

import string
from decimal import Decimal

from hypothesis import strategies as st

from qrinterop.rules.pix import complete_tax_id

_ANS = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_ALNUM = string.ascii_letters + string.digits


def digits(n: int, m: int | None = None) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=n, max_size=m or n)


def ans(max_size: int) -> st.SearchStrategy[str]:
    """Printable ASCII (EMV 'ans'), not blank."""
    return st.text(_ANS, min_size=1, max_size=max_size).filter(lambda s: s.strip())


def alnum(n: int, m: int | None = None) -> st.SearchStrategy[str]:
    return st.text(_ALNUM, min_size=n, max_size=m or n)


def amount(exponent: int) -> st.SearchStrategy[Decimal]:
    """Positive amounts that fit 54 (13 characters) with exactly `exponent` decimals."""
    return st.integers(1, 10 ** (12 - exponent) - 1).map(lambda n: Decimal(n).scaleb(-exponent))


_japanese = st.text(st.sampled_from("あいうえおカキクケコ食堂本舗東京大阪 メルペイ"), min_size=1,
                    max_size=25).filter(lambda s: s.strip())

COMMON = {"name": ans(25), "city": ans(15), "reference": alnum(1, 25), "bill_number": alnum(1, 25),
          "terminal_label": alnum(1, 25)}


def _common(exponent: int, *, optional=("reference", "bill_number", "terminal_label"), **fixed) -> dict:
    out = {"amount": st.none() | amount(exponent), "dynamic": st.booleans()}
    out.update({k: st.none() | COMMON[k] for k in optional})
    out.update(fixed)
    return out


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def _email(local_max: int = 20) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b: f"{a}@{b}.com", alnum(1, local_max), alnum(1, 20).map(str.lower))


def _pix_key() -> st.SearchStrategy[str]:
    return st.one_of(
        _email(), st.uuids().map(str),
        digits(9).map(complete_tax_id).filter(lambda k: len(set(k)) > 1),
        digits(12).map(complete_tax_id).filter(lambda k: len(set(k)) > 1),
        digits(10, 11).map(lambda d: "+55" + d))


def _fixed(**fields) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(fields).map(_drop_none)


def builder_inputs(profile: str) -> st.SearchStrategy[dict]:
    """Keyword arguments for `build_payload(profile, **kwargs)` that must build a valid payload."""
    make = {
        "jpqr": lambda: _fixed(store_code=st.tuples(digits(13), digits(4), digits(6), digits(6)), name=ans(25),
                               city=ans(15), name_ja=_japanese, postal_code=digits(7), **_common(0)),
        "pix": lambda: st.one_of(
            _fixed(key=_pix_key(), name=COMMON["name"], city=COMMON["city"], txid=st.none() | alnum(1, 25),
                   **_common(2, optional=("bill_number", "terminal_label"))),
            _fixed(url=st.uuids().map(lambda u: f"pix.example.com/qr/v2/{u}"), name=COMMON["name"],
                   city=COMMON["city"], **_common(2, optional=("bill_number",)))),
        "sgqr": lambda: st.one_of(
            _fixed(proxy_type=st.just("mobile"), proxy_value=digits(8).map(lambda d: "+65" + d), **_sg()),
            _fixed(proxy_type=st.just("uen"), proxy_value=_uen(), **_sg())),
        "promptpay": lambda: st.one_of(
            _fixed(mobile=digits(9).map(lambda d: "0" + d), amount=st.none() | amount(2)),
            _fixed(national_id=digits(13), amount=st.none() | amount(2)),
            _fixed(ewallet=digits(15), amount=st.none() | amount(2)),
            _fixed(biller_id=digits(15), ref1=alnum(1, 20), ref2=st.none() | alnum(1, 20),
                   amount=st.none() | amount(2), terminal_label=st.none() | alnum(1, 25))),
        "qris": lambda: _fixed(nmid=digits(13).map(lambda d: "ID" + d), name=COMMON["name"], city=COMMON["city"],
                               criteria=st.sampled_from(["UMI", "UKE", "UME", "UBE", "URE", "PSO", "BLU"]),
                               pjsp_gui=st.none() | st.just("ID.CO.BNI.WWW"),
                               pan=digits(14).map(lambda d: "9360" + d), merchant_id=alnum(1, 15),
                               postal_code=st.none() | digits(5), **_common(2)),
        "upi": lambda: _fixed(vpa=st.builds(lambda a, b: f"{a}@{b}", alnum(2, 30),
                                            st.sampled_from(["icici", "okaxis", "ybl"])),
                              name=COMMON["name"], city=COMMON["city"], transaction_ref=st.none() | alnum(1, 35),
                              min_amount=st.none() | st.just("1.10"), postal_code=st.none() | digits(6), **_common(2)),
        "bharatqr": lambda: _fixed(visa=st.none() | _luhn("4", 16), rupay=st.none() | _luhn("6", 16),
                                   mastercard=st.none() | digits(14).map(lambda d: "5" + d),
                                   ifsc_account=st.builds(lambda bank, branch, account: f"{bank}0{branch}{account}",
                                                          _letters(4), alnum(6).map(str.upper), digits(6, 18)),
                                   name=COMMON["name"], city=COMMON["city"], **_common(2)),
        "duitnow": lambda: _fixed(participant=digits(6), account=alnum(1, 20), name=COMMON["name"], **_common(2)),
        "qrph": lambda: _fixed(kind=st.sampled_from(["p2p", "p2m"]), bic=_bic(), account=digits(1, 20),
                               name=COMMON["name"], city=COMMON["city"], **_common(2)),
        "vietqr": lambda: _fixed(bank_bin=digits(6).map(lambda d: "97" + d[2:]), account=alnum(1, 19),
                                 service=st.sampled_from(["account", "card"]), amount=st.none() | amount(0),
                                 purpose=st.none() | alnum(1, 25)),
        "khqr": lambda: st.builds(_khqr, st.booleans(), alnum(1, 20), alnum(1, 10), st.integers(10 ** 12, 10 ** 13 - 1),
                                  st.sampled_from(["KHR", "USD"]), COMMON["name"], COMMON["city"],
                                  st.none() | amount(2)),
        "fps": lambda: st.one_of(_fixed(fps_id=st.one_of(digits(7), digits(9)), **_hk()),
                                 _fixed(mobile=digits(8).map(lambda d: "+852-" + d), **_hk()),
                                 _fixed(email=_email(), **_hk())),
    }
    return make[profile]()


def _letters(n: int) -> st.SearchStrategy[str]:
    return st.text(string.ascii_uppercase, min_size=n, max_size=n)


def _uen() -> st.SearchStrategy[str]:
    """The three UEN forms lee-ratinan accepts: nnnnnnnnX, yyyynnnnnX, TyyPQnnnnX (+ optional suffix)."""
    letter = _letters(1)
    return st.builds(lambda base, suffix: base + suffix, st.one_of(
        st.builds(lambda d, x: d + x, digits(8), letter),
        st.builds(lambda c, d, x: c + d + x, st.sampled_from(["19", "20"]), digits(7), letter),
        st.builds(lambda t, y, pq, n, x: t + y + pq + n + x, st.sampled_from("ST"), digits(2), _letters(2),
                  digits(4), letter)), st.sampled_from(["", "", "01", "A1B"]))


def _bic() -> st.SearchStrategy[str]:
    """ISO 9362: 4 letters bank, 'PH', 2 letters/digits location, optional 3-character branch."""
    return st.builds(lambda bank, loc, branch: f"{bank}PH{loc}{branch}", _letters(4), alnum(2).map(str.upper),
                     st.sampled_from(["", "XXX"]))


def _sg() -> dict:
    return dict(name=COMMON["name"], city=COMMON["city"], expiry=st.none() | st.dates().filter(
        lambda d: d.year >= 1000).map(lambda d: d.strftime("%Y%m%d")), **_common(2))


def _hk() -> dict:
    return dict(clearing_code=st.none() | digits(3), currency=st.sampled_from(["HKD", "CNY"]), **_common(2))


def _luhn(prefix: str, length: int) -> st.SearchStrategy[str]:
    def complete(body: str) -> str:
        total = 0
        for i, c in enumerate(reversed(body)):
            n = int(c) * (1 if i % 2 else 2)
            total += n - 9 if n > 9 else n
        return body + str((10 - total % 10) % 10)
    return digits(length - 1 - len(prefix)).map(lambda d: complete(prefix + d))


def _khqr(merchant: bool, user: str, bank: str, ts: int, currency: str, name: str, city: str, amt) -> dict:
    out = dict(account_id=f"{user}@{bank}", timestamp_ms=ts, currency=currency, name=name, city=city)
    if merchant:
        out.update(merchant_id=user[:10], acquiring_bank=bank)
    if amt is not None:
        out["amount"] = amt
    return out
