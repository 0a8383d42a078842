"""National QR profiles beyond the rule checks: the builders that make a correct payload from a
few typed fields (`qrinterop.profiles.build`), which wallets accept a code (`acceptance`, with the
participant list as data in `participants.json`), and UPI's non-EMV `upi://pay?` URI
(`upi_uri`). The rule checks themselves live in `qrinterop.rules.<profile>`.

This package must not import `qrinterop.rules` at import time: the rule modules import
`qrinterop.profiles.scheme`, so the dependency runs one way.
"""
