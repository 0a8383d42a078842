"""upi: UPI merchant accounts inside Indian EMV codes (notes/profiles.md §5).

The `upi://pay?` URI rules (upi.uri.*) are checked by the reference `validate(…, "upi")` only for
text that starts with `upi://pay?` (any case); the URI cases are included when the reference
routes URIs that way (checked when this module loads), else the set's `exemptions` say why they
are absent. upi.uri.scheme itself can never be reported by validate (a text with another scheme
is not routed to the URI checks and is read as EMV), which its exemption argues.
"""
from __future__ import annotations

from qrinterop.rules import validate
from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, drop, \
    set_

R = Q("bharatqr-razorpay")

EMV_CASES = (
    C("Razorpay BharatQR: UPI template 26 (VPA, minimum amount) and 27 (reference) beside card MAIs", V,
      ["upi.mai.gui", "upi.vpa.required", "upi.vpa.format", "upi.min_amount.format", "upi.country",
       "upi.currency"], ["RealWorld"], **R),
    C("Axis static BharatQR: VPA in upper-case handle (@AXISBANK)", V, ["upi.vpa.format"], ["RealWorld"],
      **Q("bharatqr-axis")),
    C("GUI 'upi.npci.org' (claimed by one web page, in no real payload)", I, ["upi.mai.gui"], ["ProfileRule"], **R,
      edits=[set_("26.00", "upi.npci.org"), set_("27.00", "upi.npci.org")]),
    C("first UPI template without a VPA", I, ["upi.vpa.required"], ["ProfileRule"], **R, edits=[drop("26.01")]),
    C("VPA without '@'", I, ["upi.vpa.format"], ["ProfileRule"], **R, edits=[set_("26.01", "razorpaybqr.icici")]),
    C("minimum amount 'one'", A, ["upi.min_amount.format"], ["ProfileRule"], **R, edits=[set_("26.02", "one")]),
    C("Country Code US", I, ["upi.country"], ["ProfileRule"], **R, edits=[set_("58", "US")]),
    C("Transaction Currency 840", I, ["upi.currency"], ["ProfileRule"], **R, edits=[set_("53", "840")]),
)

URI = "upi://pay?pa=shop@icici&pn=Corner%20Shop&am=10.00&cu=INR&mc=5411&tn=Order%201"
URI_CASES = (
    C("UPI payment URI with every common parameter", V,
      ["upi.uri.scheme", "upi.uri.encoding", "upi.uri.duplicate", "upi.uri.pa", "upi.uri.pn", "upi.uri.am",
       "upi.uri.cu", "upi.uri.mc"], ["Basic"], payload=URI),
    C("upi://collect? instead of upi://pay?: not recognised as a UPI URI, so read (and rejected) as EMV", I,
      ["mpm.tlv.id", "upi.mai.gui"], ["ProfileRule"],
      payload=URI.replace("//pay?", "//collect?")),
    C("scheme in upper case (UPI://PAY?) is still a UPI URI", V, ["upi.uri.scheme"], ["GuiCase"],
      payload=URI.replace("upi://pay?", "UPI://PAY?")),
    C("bad percent-escape (%G1)", I, ["upi.uri.encoding"], ["ProfileRule"],
      payload=URI.replace("%20Shop", "%G1Shop")),
    C("pa given twice", I, ["upi.uri.duplicate"], ["DuplicateId"], payload=URI + "&pa=other@icici"),
    C("pa without '@'", I, ["upi.uri.pa"], ["ProfileRule"], payload=URI.replace("shop@icici", "shop.icici")),
    C("no pn", A, ["upi.uri.pn"], ["ProfileRule"], payload=URI.replace("&pn=Corner%20Shop", "")),
    C("am with three decimals", I, ["upi.uri.am"], ["AmountFormat"], payload=URI.replace("am=10.00", "am=10.001")),
    C("cu=USD", I, ["upi.uri.cu"], ["ProfileRule"], payload=URI.replace("cu=INR", "cu=USD")),
    C("mc of three digits", A, ["upi.uri.mc"], ["ProfileRule"], payload=URI.replace("mc=5411", "mc=541")),
)


def _reference_reads_uris() -> bool:
    return validate(URI, profile="upi").valid


_URIS = _reference_reads_uris()
_URI_RULES = ("upi.uri.scheme", "upi.uri.encoding", "upi.uri.duplicate", "upi.uri.pa", "upi.uri.pn",
              "upi.uri.am", "upi.uri.cu", "upi.uri.mc")

SET = VectorSet(
    name="upi", source="UPI in BharatQR as seen in Razorpay, PayU, HDFC and Axis payloads; NPCI UPI Linking "
                       "Specifications v1.6; notes/profiles.md §5",
    description="Indian codes validated with profile 'upi': template with GUI A000000524 carrying the VPA; "
                "IN/356" + ("; and upi://pay? URIs." if _URIS else "."),
    groups=(Group("validate", "upi", EMV_CASES + (URI_CASES if _URIS else ())),),
    exemptions={"upi.uri.scheme": "validate(payload, 'upi') sends only text starting 'upi://pay?' to the URI "
                                  "checks, so a wrong scheme is read as EMV MPM and reported as mpm.tlv.id / "
                                  "upi.mai.gui (see the 'upi://collect?' case); the rule is only reachable through "
                                  "qrinterop.profiles.upi_uri.parse_upi_uri"} if _URIS else {
        rule: "the reference validate(payload, 'upi') reads every payload as EMV MPM, so a upi://pay? vector "
              "would contradict it (qrinterop.profiles.upi_uri.check_upi_uri is not wired into validate); the "
              "URI cases in harness/vectorsets/cases/upi.py are enabled automatically once it is"
        for rule in _URI_RULES})
