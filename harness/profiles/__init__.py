"""National QR profiles beyond the rule checks:

- `build`: `build_payload(profile, **fields)` makes a correct payload from a few typed fields;
- `strategies`: hypothesis strategies for those fields (property tests, vector generators);
- `acceptance`: which wallets accept a code and which merchant account each pays, with the
  participant list as data in `participants.json`;
- `upi_uri`: UPI's non-EMV `upi://pay?` URI (parser and `upi.uri.*` checks);
- `scheme`: what the profile checks in `qrinterop.rules.<profile>` share (finding a scheme's
  template by its identifier, fixed values, a profile's own mandatory set).

The rule modules import `qrinterop.profiles.scheme`, so neither this `__init__` nor `scheme` may
import `qrinterop.rules` at import time; `acceptance`, `build` and `upi_uri` import the validator
inside their functions for the same reason.
"""
