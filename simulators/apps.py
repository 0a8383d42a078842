"""Consumer wallet apps: scan the shop's code *image*, decide, show, pay (DESIGN §6).

One class for all eight wallets; what differs is data: which templates a wallet reads and on
what basis (`qrinterop/profiles/participants.json`, via `qrinterop.profiles.acceptance`), which
stores are registered with it (the `Registry`), and whether the wallet sends its user back to the
merchant after approval (LINE Pay's confirmUrl redirect; the others complete on their own).

    app = WalletApp("dbarai", http, sim_base="http://127.0.0.1:8700", registry=registry, language="ja")
    shown = app.scan(png_bytes)        # Display: merchant name (64-01 for a Japanese user, else 59), amount
    result = app.pay(shown)            # route through the gateway, the user confirms at the wallet

A refusal always says why and at which layer: `image` (no readable code), `code` (not a valid
unified code), `wallet` (this wallet does not read it / the store is not registered with it),
`gateway` (order expired, already paid, amount differs…), or `wallet-api` (the wallet refused).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import httpx

from qrinterop.errors import QrInteropError
from qrinterop.profiles.acceptance import ALL_BASES, acceptance
from qrinterop.simulators.gateway.registry import Registry

# LP-DEV: after the user approves, LINE Pay redirects to the merchant's confirmUrl and the
# merchant calls Confirm. The other wallets complete the payment themselves and notify.
REDIRECTS_AFTER_APPROVAL = frozenset({"linepay"})
JPQR_GUI = "jp.or.paymentsjapan"


@dataclass(frozen=True)
class Display:
    """What the app shows after a scan (or why it shows nothing)."""
    wallet: str
    accepted: bool
    reason: str
    layer: str = ""                 # where a refusal comes from: image | code | wallet
    merchant_name: str = ""
    amount: int | None = None       # None: a static code, the user types the amount
    currency: str = "JPY"
    store_code: str = ""
    reference: str | None = None    # 62-05: the order on a dynamic code
    payload: str = ""
    basis: str = ""                 # observed | inferred | invented (participants.json)

    def line(self) -> str:
        if not self.accepted:
            return f"{self.wallet}: cannot pay this code ({self.layer}: {self.reason})"
        amount = "enter the amount" if self.amount is None else f"{self.amount:,} {self.currency}"
        return f"{self.wallet}: pay {self.merchant_name} — {amount}"


@dataclass(frozen=True)
class PayResult:
    wallet: str
    ok: bool
    reason: str = ""
    layer: str = ""                 # gateway | wallet-api, on a refusal
    code: str = ""                  # the refusing layer's error code (ORDER_ALREADY_PAID, …)
    order_id: str = ""
    attempt_id: str = ""
    amount: int | None = None
    wallet_state: str = ""          # the wallet payment's state after the user confirmed


class WalletApp:
    def __init__(self, wallet: str, http: httpx.Client, *, sim_base: str, registry: Registry,
                 language: str = "ja", bases: Sequence[str] = ALL_BASES, readers: Sequence[str] | None = None) -> None:
        self.wallet, self.http, self.sim_base, self.registry = wallet, http, sim_base.rstrip("/"), registry
        self.language, self.bases, self.readers = language, tuple(bases), readers

    # ---- scan ------------------------------------------------------------------------------
    def scan(self, image: bytes) -> Display:
        from qrinterop.imaging import read
        try:
            result = read(image) if self.readers is None else read(image, self.readers)
        except QrInteropError as exc:
            return self._refuse("image", f"not a readable image: {exc}")
        primary = result.primary
        if primary is None:
            return self._refuse("image", "no QR code found in the image")
        # The payload bytes as UTF-8 (JPQR names are UTF-8); a reader's own text is the fallback.
        text = primary.utf8 if primary.utf8 is not None else primary.text
        if text is None:
            return self._refuse("code", f"the code's bytes are not UTF-8 text ({primary.reader})")
        return self.read_payload(text)

    def read_payload(self, text: str) -> Display:
        """The decision after the image is read (also usable on a payload typed in)."""
        try:
            verdicts = acceptance(text, bases=self.bases, registrations=self.registry.registrations())
        except QrInteropError as exc:
            return self._refuse("code", f"not a unified code: {exc}", payload=text)
        mine = next((a for a in verdicts if a.wallet == self.wallet), None)
        if mine is None:
            return self._refuse("wallet", f"{self.wallet} is not a participant (participants.json)", payload=text)
        if not mine.accepts:
            layer = "code" if mine.reason.startswith("invalid code") else "wallet"
            return self._refuse(layer, mine.reason, payload=text)
        from qrinterop.emv.mpm import scan_mpm
        p = scan_mpm(text)
        template = p.find(mine.account_path or "")
        gui = template.child("00").value if template is not None and template.child("00") is not None else ""
        if gui.casefold() != JPQR_GUI:
            return self._refuse("wallet", f"read through {gui} (the wallet's own scheme), not the unified JPQR code; "
                                "this app routes only JPQR", payload=text)
        name_ja, name = p.get("64.01"), p.get("59") or ""
        shown = name_ja if self.language == "ja" and name_ja else name
        amount_text = p.get("54")
        amount = int(amount_text) if amount_text and amount_text.isdigit() else None
        return Display(self.wallet, True, mine.reason, merchant_name=shown, amount=amount,
                       store_code=mine.account or "", reference=p.get("62.05"), payload=text, basis=mine.basis or "")

    def _refuse(self, layer: str, reason: str, payload: str = "") -> Display:
        return Display(self.wallet, False, reason, layer=layer, payload=payload)

    # ---- pay --------------------------------------------------------------------------------
    def pay(self, shown: Display, amount: int | None = None, *, fault: str = "") -> PayResult:
        """Pay what `scan` showed: `amount` is what the user typed on a static code (on a dynamic
        code it defaults to the code's amount). `fault` is passed to the wallet's consumer side
        (X-Sim-Fault, e.g. "stuck" or "webhook=drop")."""
        if not shown.accepted:
            return PayResult(self.wallet, False, shown.reason, layer=shown.layer)
        route_url = self.registry.route_url(shown.store_code, self.wallet)
        if route_url is None:
            return PayResult(self.wallet, False, f"store {shown.store_code} is not registered with {self.wallet}",
                             layer="wallet")
        charge = amount if amount is not None else shown.amount
        r = self.http.post(route_url, json={"wallet": self.wallet, "store_code": shown.store_code,
                                            "reference": shown.reference, "amount": charge})
        routed = _json(r)
        if r.status_code != 200:
            err = routed.get("error", {}) if isinstance(routed, dict) else {}
            return PayResult(self.wallet, False, err.get("message", f"HTTP {r.status_code}"), layer="gateway",
                             code=err.get("code", ""))
        headers = {"X-Sim-Fault": fault} if fault else None
        c = self.http.post(f"{self.sim_base}/_sim/consumer/{self.wallet}/pay", json={"code": routed["code"]},
                           headers=headers)
        confirmed = _json(c)
        if c.status_code != 200:
            reason = confirmed.get("sim_error", f"HTTP {c.status_code}") if isinstance(confirmed, dict) else c.text
            return PayResult(self.wallet, False, reason, layer="wallet-api", order_id=routed["order_id"],
                             attempt_id=routed["attempt_id"])
        if self.wallet in REDIRECTS_AFTER_APPROVAL and routed.get("return_url"):
            self.http.get(routed["return_url"])      # the browser follows confirmUrl
        return PayResult(self.wallet, True, order_id=routed["order_id"], attempt_id=routed["attempt_id"],
                         amount=routed["amount"], wallet_state=confirmed.get("state", ""))


def _json(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return {}


def all_apps(http: httpx.Client, *, sim_base: str, registry: Registry, language: str = "ja",
             wallets: Sequence[str] | None = None, **options: Any) -> dict[str, WalletApp]:
    """One app per wallet (default: the eight of DESIGN §6), same user language and registry."""
    from qrinterop.simulators.wallets import WALLET_IDS
    return {w: WalletApp(w, http, sim_base=sim_base, registry=registry, language=language, **options)
            for w in (wallets or WALLET_IDS)}
