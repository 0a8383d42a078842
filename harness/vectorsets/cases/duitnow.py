"""duitnow: Malaysia's DuitNow QR (real codes; notes/profiles.md §7). Every real code carries PFI
'02'; the profile lowers mpm.pfi.value to SHOULD, so those codes are `acceptable` here."""
from __future__ import annotations

from qrinterop.vectorsets.cases.kit import Q
from qrinterop.vectorsets.model import ACCEPTABLE as A, INVALID as I, VALID as V, C, Group, VectorSet, drop, set_

D = Q("duitnow-real")
OK = [set_("00", "01")]

CASES = (
    C("real DuitNow code with PFI '02' (every real sample has it)", A, ["mpm.pfi.value"], ["RealWorld", "PfiNot01"],
      **D),
    C("real DuitNow code (mosque, name of exactly 25 characters) with PFI '02'", A, ["mpm.pfi.value"],
      ["RealWorld", "PfiNot01"], **Q("duitnow-masjid")),
    C("the same code with PFI '01'", V,
      ["duitnow.mai.gui", "duitnow.participant", "duitnow.account", "duitnow.country", "duitnow.currency",
       "mpm.pfi.value"], ["Basic"], **D, edits=OK),
    C("commonly quoted GUI A000000615 (from generated code, in no real payload)", I, ["duitnow.mai.gui"],
      ["ProfileRule"], **D, edits=[*OK, set_("26.00", "A000000615")]),
    C("participant code of 5 digits", I, ["duitnow.participant"], ["ProfileRule"], **D,
      edits=[*OK, set_("26.01", "89005")]),
    C("no merchant / account ID (02)", I, ["duitnow.account"], ["ProfileRule"], **D, edits=[*OK, drop("26.02")]),
    C("Country Code SG", I, ["duitnow.country"], ["ProfileRule"], **D, edits=[*OK, set_("58", "SG")]),
    C("Transaction Currency 702", I, ["duitnow.currency"], ["ProfileRule"], **D, edits=[*OK, set_("53", "702")]),
)

SET = VectorSet(
    name="duitnow", source="DuitNow QR (PayNet) as seen in real codes; notes/profiles.md §7",
    description="Malaysian codes validated with profile 'duitnow': GUI A0000006150001, participant code, "
                "account ID, MY/458; PFI '02' accepted with a warning.",
    groups=(Group("validate", "duitnow", CASES),))
